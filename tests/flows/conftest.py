"""A small two-language flow that uses every node type, and handlers to go with it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.engine import Engine
from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from flows.loader import load_flow_text
from flows.model import Flow

SAMPLE_FLOW = """
flow: sample
languages: [en, es]
default_language: en
start: welcome
voices:
  en: {language: en-US, voice: Polly.Joanna}
  es: {language: es-US}
settings: {max_attempts: 3, timeout: 5, on_failure: agent}
messages:
  not_understood: {en: "Sorry, I didn't get that.", es: No le entendí.}
  too_many_attempts: {en: Let me get you some help., es: Le comunico con alguien.}
  menu_footer: {en: Press 9 to repeat or 0 for an agent., es: Oprima 9 para repetir o 0 para un agente.}
  hold_position: {en: "You are number {position}.", es: "Usted es el número {position}."}
  application_error: {en: "Sorry, something broke.", es: "Disculpe, hubo un error."}
  confirm_value: {en: "I heard {value}. Press 1 if right, 2 if not.", es: "Escuché {value}. Oprima 1 o 2."}
  confirm_rejected: {en: "Let's try again.", es: "Otra vez."}
global_options:
  repeat: {key: "9", words: {en: [repeat], es: [repetir]}}
  agent: {key: "0", goto: agent, words: {en: [agent, operator], es: [agente]}}
nodes:
  welcome:
    type: say
    all_languages: true
    prompt: {en: Welcome., es: Bienvenidos.}
    next: jingle
  jingle:
    type: play
    audio: {en: "https://example.org/en.mp3", es: "https://example.org/es.mp3"}
    next: menu
  menu:
    type: menu
    prompt: {en: "Press 1 for zip, 2 for lookup, 3 for Spanish, 4 to transfer, 5 to record.",
             es: "Oprima 1 código postal, 2 consulta, 3 español, 4 transferir, 5 grabar."}
    options:
      - {key: "1", goto: ask_zip, words: {en: [zip, postal], es: [postal]}}
      - {key: "2", goto: lookup, words: {en: [lookup, look up], es: [consulta]}}
      - {key: "3", goto: menu, language: es, words: {en: [spanish, español], es: [español]}}
      - {key: "4", goto: transfer}
      - {key: "5", goto: record}
  ask_zip:
    type: collect
    name: zip
    min_length: 5
    max_length: 5
    prompt: {en: Enter your five digit ZIP code., es: Marque su código postal de cinco dígitos.}
    next: lookup
  lookup:
    type: answer
    handler: lookup.zone
    outcomes: {found: goodbye, missing: agent}
  agent:
    type: enqueue
    skill: general
    prompt: {en: Please hold., es: Por favor espere.}
    next: goodbye
    on_failure: record
  transfer:
    type: transfer
    number: "+12025550123"
    timeout: 20
    prompt: {en: Transferring., es: Transfiriendo.}
    next: goodbye
    on_failure: record
  record:
    type: record
    name: message
    max_length: 60
    on_failure: goodbye
    prompt: {en: Leave a message after the tone., es: Deje un mensaje después del tono.}
    next: goodbye
  goodbye:
    type: hangup
    prompt: {en: Goodbye., es: Adiós.}
"""

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def lookup_zone(request: HandlerRequest) -> HandlerResult:
    """A stand-in self-service answer: ZIPs starting with 1 are in zone A."""
    zip_code = request.values.get("zip", "")
    if zip_code.startswith("1"):
        word = "Zone A" if request.language == "en" else "Zona A"
        return HandlerResult("found", (f"{word}.",), {"zone": "A"})
    return HandlerResult("missing")


def sample_handlers() -> HandlerRegistry:
    registry = HandlerRegistry()
    registry.register("lookup.zone", lookup_zone, {"found", "missing"})
    return registry


@pytest.fixture
def handlers() -> HandlerRegistry:
    return sample_handlers()


@pytest.fixture
def flow(handlers: HandlerRegistry) -> Flow:
    return load_flow_text(SAMPLE_FLOW, "sample.yaml", handlers)


@pytest.fixture
def engine(flow: Flow, handlers: HandlerRegistry) -> Engine:
    return Engine(flow, handlers, clock=lambda: NOW)
