"""The local caller: plays Twilio's part against a running CityLine app.

Anyone can walk the IVR without a Twilio account, and tests can script whole
calls end to end:

    call = LocalCall("http://127.0.0.1:5000", ScriptedCaller(parse_script("press 1")))
    transcript = call.run()
"""

from __future__ import annotations

from .call import LocalCall
from .callers import KeyboardCaller, ScriptedCaller
from .replies import Caller, GatherPrompt, Kind, RecordPrompt, Reply, Step
from .script import parse_script
from .transcript import CallTranscript, Event, Request

__all__ = [
    "CallTranscript",
    "Caller",
    "Event",
    "GatherPrompt",
    "Kind",
    "KeyboardCaller",
    "LocalCall",
    "RecordPrompt",
    "Reply",
    "Request",
    "ScriptedCaller",
    "Step",
    "parse_script",
]
