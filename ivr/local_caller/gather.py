"""<Gather> rules that do not need the network: attributes, digits, what gets posted.

Kept pure so the fiddly parts (finishOnKey, numDigits, input modes) are easy to
read next to Twilio's documentation.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .flow import ApplicationError
from .replies import KEYS, GatherPrompt, Kind, Reply
from .twiml import int_attr

INPUT_MODES = frozenset({"dtmf", "speech"})


@dataclass(frozen=True)
class GatherResult:
    """What the caller's reply amounts to: parameters to post, or None for no input."""

    params: dict[str, str] | None
    note: str = ""


def gather_prompt(verb: ET.Element) -> GatherPrompt:
    """Read a <Gather>'s attributes with Twilio's defaults."""
    modes = frozenset((verb.get("input") or "dtmf").split())
    if not modes or not modes <= INPUT_MODES:
        raise ApplicationError(f"<Gather> input={verb.get('input')!r} must be dtmf and/or speech")
    num_digits = int_attr(verb, "numDigits", 0)
    return GatherPrompt(
        modes=modes,
        timeout=int_attr(verb, "timeout", 5),
        finish_on_key="".join(k for k in verb.get("finishOnKey", "#") if k in KEYS),
        num_digits=num_digits if num_digits > 0 else None,
        hints=verb.get("hints", ""),
        language=verb.get("language", "en-US"),
    )


def collect_digits(keys: str, finish_on_key: str, num_digits: int | None) -> tuple[str, str]:
    """Digits Twilio would post, and the finish key that ended input ("" if none).

    Input stops at a finish key (which is not included) or once numDigits keys
    are in; anything pressed after that is dropped.
    """
    digits = ""
    for key in keys:
        if key in finish_on_key:
            return digits, key
        digits += key
        if num_digits is not None and len(digits) >= num_digits:
            break
    return digits, ""


def gather_result(prompt: GatherPrompt, reply: Reply) -> GatherResult:
    """Turn a reply into posted parameters; hangups are handled by the caller of this."""
    if reply.kind is Kind.KEYS:
        return _keys_result(prompt, reply.text)
    if reply.kind is Kind.SPEECH:
        if not prompt.accepts_speech:
            return GatherResult(None, "ignored: this menu only listens for keys")
        return GatherResult({"SpeechResult": reply.text, "Confidence": f"{reply.confidence:g}"})
    notes = {Kind.WAIT: "a menu treats wait as silence",
             Kind.RECORD: "a menu does not record: treated as silence"}
    return GatherResult(None, notes.get(reply.kind, ""))


def _keys_result(prompt: GatherPrompt, keys: str) -> GatherResult:
    if not prompt.accepts_keys:
        return GatherResult(None, "ignored: this menu only listens for speech")
    digits, finished_on = collect_digits(keys, prompt.finish_on_key, prompt.num_digits)
    if not digits:
        return GatherResult(None, "no digits before the finish key")
    sent = f"sent Digits={digits}" + (f", FinishedOnKey={finished_on}" if finished_on else "")
    return GatherResult({"Digits": digits, "FinishedOnKey": finished_on}, sent)
