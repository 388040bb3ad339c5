"""The text that gives a resident their case number, as an agent sends it from the console."""

from __future__ import annotations

from ivr.cases.reference import display
from ivr.i18n import catalogs


def case_number_text(reference: str, service: str, language: str) -> str:
    """Catalog id case_reference.text: the case number in its written form, grouped as read aloud."""
    return catalogs().text(language, "case_reference.text", number=display(reference), service=service)
