"""The text that gives a resident their case number, as an agent sends it from the console."""

from __future__ import annotations

from ivr.cases.reference import display

#: What the resident reads, per language (the case number in its written form, grouped as read aloud).
WORDS = {
    "en": "City 3-1-1: your case number is {number} ({service}). To check on it, call 3-1-1 and say "
          "\"case status\", or look it up on the city's website.",
    "es": "Ciudad 3-1-1: su número de caso es {number} ({service}). Para saber cómo va, llame al 3-1-1 y diga "
          "\"estado del caso\", o búsquelo en el sitio web de la ciudad.",
}


def case_number_text(reference: str, service: str, language: str) -> str:
    return WORDS.get(language, WORDS["en"]).format(number=display(reference), service=service)
