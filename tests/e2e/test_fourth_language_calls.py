"""A fourth language from files alone, through the real server: a French flow file (FLOW_FILE), a French
catalog in the city's own MESSAGES_DIR and a routing file with French queues (ROUTING_FILE), no Python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from ivr.i18n.catalog import SHIPPED, read_catalog
from routing.config import DEFAULT_CONFIG_FILE
from tests.e2e.conftest import LiveServer, start_server, stop_server
from tests.flows.test_languages import fourth_language_flow

pytestmark = pytest.mark.e2e
FRENCH = {
    ("greeting", "prompt"): "Merci d'avoir appelé la ligne 3-1-1 de la ville. En cas d'urgence, raccrochez et "
                            "composez le 9-1-1.",
    ("main_menu", "prompt"): "Menu principal. Pour la collecte des ordures et du recyclage, appuyez sur 1. Pour "
                             "signaler un problème, appuyez sur 2. Pour un dossier, appuyez sur 3. Pour les horaires "
                             "d'ouverture, appuyez sur 4. Pour parler à un agent, appuyez sur 5.",
    ("anything_else", "prompt"): "Pour revenir au menu principal, appuyez sur 1. Pour terminer l'appel, appuyez sur 2.",
    ("queue_general", "prompt"): "Veuillez patienter, le prochain agent disponible va vous répondre.",
    ("goodbye", "prompt"): "Merci d'avoir appelé la ligne 3-1-1 de la ville. Au revoir.",
}
OFFICE_HOURS = {"office_hours.week_intro": "Nos agents sont disponibles", "office_hours.every_day": "tous les jours",
                "office_hours.all_day": "24 heures sur 24", "office_hours.week": "{intro} {days}.",
                "office_hours.day_hours": "{days}, {hours}", "office_hours.groups_separator": " ; "}


def french_flow(folder: Path) -> Path:
    """The shipped flow with French everywhere ('[fr] ...' where no one translated it), real French on this path."""
    path = fourth_language_flow(folder)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for (node, field), text in FRENCH.items():
        raw["nodes"][node][field]["fr"] = text
    raw["messages"]["hold_unstaffed"]["fr"] = "Personne n'est disponible pour prendre votre appel en ce moment."
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def french_catalog(folder: Path) -> Path:
    """MESSAGES_DIR/fr/LC_MESSAGES/cityline.po: every English message id, the same placeholders."""
    english = read_catalog(SHIPPED / "en" / "LC_MESSAGES" / "cityline.po")
    catalog = Catalog(locale="fr", domain="cityline")
    for key, text in english.items():
        catalog.add(key, OFFICE_HOURS.get(key, f"[fr] {text}"))
    target = folder / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "cityline.po").open("wb") as handle:
        write_po(handle, catalog)
    return folder


def french_routing(folder: Path) -> Path:
    raw = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text(encoding="utf-8"))
    raw["languages"].append("fr")
    for labels in raw["wrap_up_codes"].values():
        labels["fr"] = "[fr] " + labels["en"]
    path = folder / "routing-fr.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def french_server(server_env, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    files = tmp_path_factory.mktemp("french")
    env = {**server_env, "FLOW_FILE": str(french_flow(files)), "ROUTING_FILE": str(french_routing(files)),
           "MESSAGES_DIR": str(french_catalog(files / "messages")),
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('french-db') / 'cityline.sqlite3'}"}
    live = start_server(env, tmp_path_factory.mktemp("french-log") / "web.log")
    yield live
    stop_server(live)


def after_choosing_french(transcript) -> list[str]:  # type: ignore[no-untyped-def]
    assert transcript.errors == [], transcript.errors
    assert all(r.status in (200, 204) for r in transcript.requests), [(r.url, r.status) for r in transcript.requests]
    return transcript.heard[transcript.heard.index("Pour le français, appuyez sur 5.") + 1:]


def test_the_language_menu_offers_french_in_french(french_server):
    transcript = french_server.call("hangup\n")
    assert FRENCH[("greeting", "prompt")] in transcript.heard
    assert "Pour le français, appuyez sur 5." in transcript.heard
    assert ("say", "[fr-FR] Pour le français, appuyez sur 5.") in [(e.kind, e.detail) for e in transcript.events]


def test_a_french_caller_who_says_francais_hears_the_office_hours_from_the_city_catalog(french_server):
    heard = after_choosing_french(french_server.call("say français\npress 4\npress 2\n"))
    assert heard[0] == FRENCH[("main_menu", "prompt")]
    assert "Nos agents sont disponibles tous les jours, 24 heures sur 24." in heard  # the city's fr catalog
    assert heard[-1] == FRENCH[("goodbye", "prompt")]
    assert not any(line.startswith(("Main menu", "Our agents", "Thank you")) for line in heard)


def test_a_french_caller_reaches_the_french_queue_and_hears_french_on_hold(french_server):
    transcript = french_server.call("press 5\nsay appuyez sur cinq\nwait\nhangup\n", max_hold_loops=2)
    heard = after_choosing_french(transcript)
    assert ("enqueue", "general-fr") in [(e.kind, e.detail) for e in transcript.events]
    assert FRENCH[("queue_general", "prompt")] in heard
    assert any(line.startswith("Personne n'est disponible") for line in heard), heard
    assert not any(line.startswith(("Please hold", "Nobody is available")) for line in heard)
