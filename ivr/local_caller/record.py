"""<Record> rules: attributes, the fake recording, and the transcription callback.

No audio exists locally, so a recording is a made-up URL on a reserved domain
(.invalid never resolves) plus the words the caller "said" as its transcript.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .flow import Fetch
from .ids import new_sid
from .replies import KEYS, RecordPrompt
from .twiml import Document, bool_attr, int_attr

RECORDING_BASE = "http://local-caller.invalid/recordings/"
RECORDING_SECONDS = 3


def record_prompt(verb: ET.Element) -> RecordPrompt:
    """Read a <Record>'s attributes with Twilio's defaults."""
    return RecordPrompt(
        max_length=int_attr(verb, "maxLength", 3600) or 3600,
        finish_on_key="".join(k for k in verb.get("finishOnKey", "1234567890*#") if k in KEYS),
        timeout=int_attr(verb, "timeout", 5),
        play_beep=bool_attr(verb, "playBeep", default=True),
    )


def recording_params(prompt: RecordPrompt) -> dict[str, str]:
    """What Twilio posts to the action URL for a finished recording."""
    sid = new_sid("RE")
    return {
        "RecordingUrl": RECORDING_BASE + sid,
        "RecordingSid": sid,
        "RecordingDuration": str(min(RECORDING_SECONDS, prompt.max_length)),
    }


def transcription_callback(
    verb: ET.Element, doc: Document, recording: dict[str, str], words: str
) -> Fetch | None:
    """The transcribeCallback POST; Twilio only calls back when that URL is given."""
    target = verb.get("transcribeCallback")
    if not target:
        return None
    sid = new_sid("TR")
    params = {
        "TranscriptionSid": sid,
        "TranscriptionText": words,
        "TranscriptionStatus": "completed",
        "TranscriptionUrl": f"http://local-caller.invalid/transcriptions/{sid}",
        "RecordingSid": recording["RecordingSid"],
        "RecordingUrl": recording["RecordingUrl"],
    }
    return Fetch(doc.resolve(target), "POST", params)
