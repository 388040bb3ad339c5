"""The words callers hear come from gettext catalogs: a city overrides one, adds a language, and is told
what its catalogs lack."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from click.testing import CliRunner

from ivr import i18n
from ivr.cli import main
from ivr.i18n.catalog import Catalogs
from ivr.i18n.check import check
from ivr.self_service.collection.answers import Answer, describe
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import Rule, Schedule

ZONE = ZoneInfo("America/New_York")


def catalog_dir(root: Path, locale: str, messages: dict[str, str]) -> Path:
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale=locale, domain="cityline")
    for key, text in messages.items():
        catalog.add(key, text)
    with (folder / "cityline.po").open("wb") as handle:
        write_po(handle, catalog)
    return root


@pytest.fixture(autouse=True)
def shipped_catalogs():  # type: ignore[no-untyped-def]
    yield
    i18n.configure(None, "City 3-1-1")


def trash_answer(language: str) -> list[str]:
    schedule = Schedule("D", "trash", Rule(3))
    now = datetime(2026, 11, 24, 10, tzinfo=ZONE)
    found = next_pickup(schedule, now, ZONE, HolidayCalendar.of(["Thanksgiving Day"]))
    return describe([Answer(schedule, found)], date(2026, 11, 24), language)


def test_a_city_overrides_one_sentence_without_forking(tmp_path):
    catalog_dir(tmp_path, "es", {"collection.next": "Pasamos a recoger su {stream} {when}{why}."})
    i18n.configure(tmp_path, "Ciudad de Riverton")
    assert trash_answer("es") == ["Pasamos a recoger su basura el viernes, 27 de noviembre, un día más tarde de "
                                  "lo habitual por el Día de Acción de Gracias."]
    assert trash_answer("en")[0].startswith("Your next trash pickup is Friday, November 27")  # untouched


def test_the_shipped_catalogs_speak_mandarin():
    assert trash_answer("zh-CN")[0].startswith("您下一次的垃圾收集时间是")
    assert "感恩节" in trash_answer("zh-CN")[0]


def test_a_fourth_language_is_added_with_a_catalog_alone(tmp_path):
    catalog_dir(tmp_path, "fr", {"collection.curb": "Sortez vos bacs avant {time}, s'il vous plaît."})
    books = Catalogs.load(tmp_path)
    assert "fr" in books.languages
    assert books.text("fr", "collection.curb", time="7 h") == "Sortez vos bacs avant 7 h, s'il vous plaît."
    assert books.text("fr", "collection.today") == "today"  # missing in French: English is said, not silence


def test_the_city_name_is_a_parameter(tmp_path):
    catalog_dir(tmp_path, "en", {"greeting.thanks": "Thank you for calling {city}."})
    assert Catalogs.load(tmp_path, "Riverton 3-1-1").text("en", "greeting.thanks") == \
        "Thank you for calling Riverton 3-1-1."


def test_a_placeholder_a_translator_broke_falls_back_to_english_when_said(tmp_path):
    catalog_dir(tmp_path, "es", {"collection.curb": "Saque sus contenedores antes de {hora}."})
    books = Catalogs.load(tmp_path)
    assert books.text("es", "collection.curb", time="7 AM") == "Please have your carts at the curb by 7 AM."


def test_check_names_every_missing_message_and_wrong_placeholder(tmp_path):
    catalog_dir(tmp_path, "fr", {"collection.curb": "Sortez vos bacs avant {heure}."})
    findings = [str(f) for f in check(Catalogs.load(tmp_path)) if f.language == "fr"]
    assert "fr: collection.curb: placeholders differ from English: lacks {time}; has unknown {heure}" in findings
    assert "fr: collection.next: missing (English is said instead)" in findings
    assert [f for f in check(Catalogs.load()) if f.language in ("es", "zh-CN")] == []  # the shipped ones are whole


def test_the_command_reports_per_language_and_fails_on_a_problem(tmp_path):
    catalog_dir(tmp_path, "fr", {"collection.curb": "Sortez vos bacs avant {time}."})
    result = CliRunner().invoke(main, ["messages", "check"], env={"MESSAGES_DIR": str(tmp_path)})
    assert result.exit_code == 1
    assert "fr: collection.next: missing (English is said instead)" in result.output
    assert "; es: " in result.output and "messages, 0 problem(s); fr:" in result.output  # es is whole
    assert [line for line in result.output.splitlines() if line.startswith("es:")] == []
    assert CliRunner().invoke(main, ["messages", "check"], env={}).exit_code == 0
