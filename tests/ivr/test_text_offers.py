"""Texts are offered only to numbers the carrier says can get one, and the caller is told one is coming."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.handlers import HandlerRegistry, HandlerRequest
from ivr.self_service import texts as text_handlers
from ivr.telephony import TelephonyError
from ivr.telephony.line_types import LineTypes
from ivr.telephony.local_adapter import LocalTelephony
from ivr.voice.texts import AnswerTexts

SID = "CA" + "e" * 32
LANDLINE = "+13125550100"
MOBILE = "+13125550199"
NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


class CountingTelephony(LocalTelephony):
    def __init__(self, redis, line_types=None, fail: bool = False):  # type: ignore[no-untyped-def]
        super().__init__(redis, line_types)
        self.lookups: list[str] = []
        self.fail = fail

    def line_type(self, e164: str) -> str | None:
        self.lookups.append(e164)
        if self.fail:
            raise TelephonyError("lookup timed out")
        return super().line_type(e164)


def offer(redis, telephony, caller: str, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    registry = HandlerRegistry()
    text_handlers.register(registry, AnswerTexts(redis), LineTypes(redis, lambda: telephony))
    request = HandlerRequest(language, {}, NOW, caller=caller, call_sid=SID, said=("Your pickup is Tuesday.",))
    handler = registry.get("texts.offer")
    assert handler is not None
    return handler(request).outcome


def test_a_landline_caller_is_not_offered_a_text(redis):
    telephony = CountingTelephony(redis, {LANDLINE: "landline"})
    assert offer(redis, telephony, LANDLINE) == "skip"
    assert offer(redis, telephony, MOBILE) == "offer"


@pytest.mark.parametrize(("kind", "outcome"), [("mobile", "offer"), ("nonFixedVoip", "offer"), ("landline", "skip"),
                                               ("fixedVoip", "skip"), ("tollFree", "skip"), ("unknown", "skip")])
def test_only_line_types_that_receive_texts_are_offered_one(redis, kind, outcome):
    assert offer(redis, CountingTelephony(redis, {MOBILE: kind}), MOBILE) == outcome


def test_the_carrier_is_asked_once_per_number_and_the_answer_is_cached(redis):
    telephony = CountingTelephony(redis)
    for _ in range(3):
        assert offer(redis, telephony, MOBILE) == "offer"
    assert telephony.lookups == [MOBILE]
    assert 0 < redis.ttl("cityline:line-type:" + MOBILE) <= 30 * 24 * 3600


def test_a_failed_lookup_offers_nothing_and_is_not_retried_on_every_menu(redis):
    telephony = CountingTelephony(redis, fail=True)
    assert offer(redis, telephony, MOBILE) == "skip"
    assert offer(redis, telephony, MOBILE) == "skip"
    assert telephony.lookups == [MOBILE]
    assert 0 < redis.ttl("cityline:line-type:" + MOBILE) <= 300


def test_withheld_and_foreign_landline_numbers_are_not_looked_up(redis):
    telephony = CountingTelephony(redis)
    assert offer(redis, telephony, None) == "skip"
    assert telephony.lookups == []


SPANISH_SENT = "En un momento le enviaremos esto a su teléfono por mensaje de texto."


@pytest.mark.parametrize(("language", "words"), [("en", "I will text that to your phone in a moment."),
                                                 ("es", SPANISH_SENT)])
def test_the_caller_is_told_a_text_is_coming_not_that_it_was_sent(redis, language, words):
    registry = HandlerRegistry()
    text_handlers.register(registry, AnswerTexts(redis), LineTypes(redis, lambda: LocalTelephony(redis)))
    send = registry.get("texts.send")
    assert send is not None
    result = send(HandlerRequest(language, {}, NOW, caller=MOBILE, call_sid=SID))
    assert result.outcome == "sent" and result.say == (words,)
