"""Reading Twilio's webhook parameters and our own call-state query string, strictly.

Anything malformed raises BadWebhook with a reason the caller of the endpoint
can act on; the views turn it into a 400 instead of letting a KeyError or
ValueError become a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from flows.instructions import CallState, Reply
from ivr.exceptions import BadWebhook
from ivr.phone import CallerNumber, parse_caller

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
NODE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
DIGITS = re.compile(r"^[0-9*#]{0,64}$")
VALUE_PREFIX = "v_"
MAX_VALUES = 20
MAX_VALUE_LENGTH = 200
MAX_SPEECH_LENGTH = 500
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
        called=form.get("To", ""),
        status=status,
        direction=form.get("Direction", "inbound"),
    )


def read_reply(form: Mapping[str, str]) -> Reply:
    digits = form.get("Digits", "")
    if not DIGITS.match(digits):
        raise BadWebhook("Digits may only hold the keys 0-9, * and #")
    speech = form.get("SpeechResult", "")
    if len(speech) > MAX_SPEECH_LENGTH:
        raise BadWebhook(f"SpeechResult is longer than {MAX_SPEECH_LENGTH} characters")
    return Reply(
        digits=digits,
        speech=speech,
        confidence=_confidence(form.get("Confidence")),
        recording_url=_recording_url(form.get("RecordingUrl", "")),
        recording_seconds=_whole_number(form.get("RecordingDuration"), "RecordingDuration"),
        result=form.get("DialCallStatus") or form.get("QueueResult") or "",
    )


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
    if raw and urlparse(raw).scheme not in ("http", "https"):
        raise BadWebhook("RecordingUrl must be an http(s) URL")
    return raw


def _whole_number(raw: str | None, name: str) -> int:
    if not raw:
        return 0
    if not raw.isdigit():
        raise BadWebhook(f"{name} must be a whole number of seconds")
    return int(raw)


def read_state(args: Mapping[str, str]) -> CallState:
    """The call's place in the flow, from the query string we put on every action URL."""
    node = args.get("node", "")
    if not NODE_ID.match(node):
        raise BadWebhook("node is missing or malformed")
    language = args.get("lang", "")
    if not LANGUAGE.match(language):
        raise BadWebhook("lang is missing or is not a language code")
    attempts = _whole_number(args.get("try"), "try")
    values = {k[len(VALUE_PREFIX):]: v for k, v in args.items() if k.startswith(VALUE_PREFIX)}
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
