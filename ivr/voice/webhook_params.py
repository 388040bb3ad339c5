"""Reading Twilio's webhook parameters and our own call-state query string, strictly.

Anything malformed raises BadWebhook with a reason the caller of the endpoint
can act on; the views turn it into a 400 instead of letting a KeyError or
ValueError become a 500.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from flows.instructions import CallState, Reply
from flows.numbers import whole_number
from ivr.exceptions import BadWebhook
from ivr.phone import CallerNumber, parse_caller
from ivr.xml_text import xml_safe

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
NODE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
DIGITS = re.compile(r"^[0-9*#]{0,64}$")
VALUE_PREFIX = "v_"
MAX_VALUES = 20
MAX_VALUE_LENGTH = 200
MAX_SPEECH_LENGTH = 500
#: The widths of the calls columns these parameters are kept in (ivr/models/call.py).
MAX_CALLED_LENGTH = 32
MAX_DIRECTION_LENGTH = 20
MAX_RESULT_LENGTH = 20
MAX_URL_LENGTH = 500
CALL_STATUSES = frozenset({
    "queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled",
})


@dataclass(frozen=True)
class CallFacts:
    """The parameters Twilio sends with every voice webhook."""

    call_sid: str
    caller: CallerNumber
    called: str
    status: str
    direction: str


def read_call(form: Mapping[str, str], home_region: str = "US") -> CallFacts:
    call_sid = form.get("CallSid", "")
    if not CALL_SID.match(call_sid):
        raise BadWebhook("CallSid is missing or is not a Twilio call SID (CA followed by 32 hex digits)")
    status = form.get("CallStatus", "in-progress")
    if status not in CALL_STATUSES:
        raise BadWebhook(f"CallStatus {status!r} is not a Twilio call status")
    return CallFacts(
        call_sid=call_sid,
        caller=parse_caller(form.get("From"), home_region),
        called=called_number(form.get("To", "")),
        status=status,
        direction=_bounded(form.get("Direction", "inbound"), MAX_DIRECTION_LENGTH) or "inbound",
    )


def called_number(raw: str) -> str:
    """The number called, as the call's row keeps it: a long SIP URI is cut to the column, never refused.

    A SIP `To` (sip:311@pbx.city.example;transport=tls...) can be longer than
    the column; storing it whole made the call's started event fail, so the
    row had no numbers at all.  The leading part names the line well enough.
    """
    return _bounded(raw, MAX_CALLED_LENGTH)


def _bounded(raw: str, limit: int) -> str:
    """Outside text made XML-safe, on one line, and cut to `limit` characters."""
    return " ".join(xml_safe(raw).split())[:limit]


def read_reply(form: Mapping[str, str]) -> Reply:
    digits = form.get("Digits", "")
    if not DIGITS.match(digits):
        raise BadWebhook("Digits may only hold the keys 0-9, * and #")
    speech = " ".join(xml_safe(form.get("SpeechResult", "")).split())
    if len(speech) > MAX_SPEECH_LENGTH:
        raise BadWebhook(f"SpeechResult is longer than {MAX_SPEECH_LENGTH} characters")
    return Reply(
        digits=digits,
        speech=speech,
        confidence=_confidence(form.get("Confidence")),
        recording_url=_recording_url(form.get("RecordingUrl", "")),
        recording_seconds=_whole_number(form.get("RecordingDuration"), "RecordingDuration"),
        result=_bounded(form.get("DialCallStatus") or form.get("QueueResult") or "", MAX_RESULT_LENGTH),
    )


#: What Twilio tells us about a queue wait, a transfer or a recording, kept for the call log.
NETWORK_WORDS = ("QueueResult", "DialCallStatus")
NETWORK_NUMBERS = ("QueueTime", "DialCallDuration", "RecordingDuration")


def read_network(form: Mapping[str, str]) -> dict[str, str]:
    """Those facts made fit for the call's row; one that is not (a number in other digits) is left out.

    Only for the log, after the reply itself was read strictly: it never refuses.
    """
    facts = {name: _bounded(form[name], MAX_RESULT_LENGTH) for name in NETWORK_WORDS if form.get(name)}
    facts.update({name: str(whole_number(form.get(name), 9)) for name in NETWORK_NUMBERS
                  if whole_number(form.get(name), 9) is not None})
    with contextlib.suppress(BadWebhook):
        facts["RecordingUrl"] = _recording_url(form.get("RecordingUrl", ""))
    return {name: value for name, value in facts.items() if value}


def _confidence(raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadWebhook("Confidence must be a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise BadWebhook("Confidence must be a number between 0 and 1")
    return value


def _recording_url(raw: str) -> str:
    if raw and (len(raw) > MAX_URL_LENGTH or not raw.isascii() or urlparse(raw).scheme not in ("http", "https")):
        raise BadWebhook(f"RecordingUrl must be an http(s) URL of at most {MAX_URL_LENGTH} characters")
    return raw


def _whole_number(raw: str | None, name: str) -> int:
    if not raw:
        return 0
    number = whole_number(raw, max_digits=9)
    if number is None:
        raise BadWebhook(f"{name} must be a whole number (ASCII digits, at most 9)")
    return number


def read_state(args: Mapping[str, str]) -> CallState:
    """The call's place in the flow, from the query string we put on every action URL."""
    node = args.get("node", "")
    if not NODE_ID.match(node):
        raise BadWebhook("node is missing or malformed")
    language = args.get("lang", "")
    if not LANGUAGE.match(language):
        raise BadWebhook("lang is missing or is not a language code")
    attempts = _whole_number(args.get("try"), "try")
    values = {xml_safe(k[len(VALUE_PREFIX):]): xml_safe(v) for k, v in args.items() if k.startswith(VALUE_PREFIX)}
    if len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in values.values()):
        raise BadWebhook("too many or too long values in the call state")
    return CallState(node=node, language=language, attempts=attempts, values=values)


def state_query(state: CallState) -> dict[str, str]:
    """The inverse of read_state: query parameters that carry `state` to the next webhook."""
    query = {"node": state.node, "lang": state.language}
    if state.attempts:
        query["try"] = str(state.attempts)
    query.update({VALUE_PREFIX + k: v for k, v in state.values.items() if v})
    return query
