"""The residents' pages in every language the catalogs have: the words they read, and how a language is chosen.

The pages speak the flow's languages, like the phone line.  A language is
chosen by ?lang= (the switch on every page), else by the browser's
Accept-Language, else the flow's default.  Every word is a catalog message
(ids web.*, ivr/i18n); service names are data in SQL (in the city's main
language), translated by the catalogs' service.<code> messages, and any
other falls back to its stored name.  Dates come from CLDR through Babel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from babel.dates import format_date

from ivr.i18n import Section, babel_locale, service_name
from ivr.i18n.catalog import SOURCE_LANGUAGE
from ivr.open311.validation import Problem

__all__ = ["PROBLEMS", "TEXT", "choose_language", "long_date", "problem_text", "service_name"]

#: Every word of the pages, per language: TEXT["es"]["submit"] is catalog id web.submit ({city} filled).
TEXT = Section("web")
#: What a refused field says, by "<field>:<reason>" or reason (catalog ids web.problem.*).
PROBLEMS = Section("web.problem")


def choose_language(requested: str | None, accepted: Iterable[str], available: Sequence[str], default: str) -> str:
    """?lang= first, then the browser's preference, then the flow's default; always one we have words for."""
    usable = [code for code in available if code in TEXT]
    if requested in usable:
        return requested  # type: ignore[return-value]
    for code in accepted:  # 'zh-CN' is zh-CN, 'es-MX' is es, 'zh' is zh-CN if that is the only Chinese
        exact = [have for have in usable if have.lower() == code.lower()]
        close = [have for have in usable if have.split("-")[0].lower() == code.split("-")[0].lower()]
        if exact or close:
            return (exact or close)[0]
    return default if default in TEXT else SOURCE_LANGUAGE


def problem_text(problem: Problem, language: str) -> str:
    words = PROBLEMS[language]
    label = TEXT[language].get(_label_key(problem.field), problem.field)
    template = words.get(f"{problem.field}:{problem.reason}") or words.get(problem.reason) or words["other"]
    return template.format(label=label, **{k: v for k, v in problem.params.items() if k != "label"})


def _label_key(field: str) -> str:
    return "address" if field == "location" else field


def long_date(moment: datetime, zone: tzinfo, language: str) -> str:
    """'November 24, 2026' / '24 de noviembre de 2026' / '2026年11月24日' (CLDR's long date), in the city's zone."""
    return format_date(moment.astimezone(zone).date(), format="long", locale=babel_locale(language))
