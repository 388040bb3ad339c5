"""The two stock callers: one follows a script, one asks a person at a keyboard."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable

from .replies import KEYS, GatherPrompt, Kind, RecordPrompt, Reply, Step

#: While a timed `wait N` runs, the caller comes back to the hold loop at least this often (seconds),
#: so an agent's accept in the console reaches the call within about a second.
HOLD_POLL_SECONDS = 1.0

KEYBOARD_HELP = (
    "(type keys like 12#, words to speak, 'record <words>', 'wait' or 'wait 60' (seconds on hold), or 'hangup'; "
    "an empty line is silence)"
)


class ScriptedCaller:
    """Answers every question with the next script step.

    When the script runs out the caller hangs up, so a scripted call always ends
    even if the app keeps asking. Steps that do not fit the moment are handed over
    as they are; the call decides what they mean there (e.g. `wait` at a menu is
    silence), so the same rules apply to every kind of caller.
    """

    def __init__(self, steps: Iterable[Step], *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._steps: deque[Step] = deque(steps)
        self._sleep = sleep
        self._clock = clock
        self._waiting: tuple[float, int] | None = None  # a timed wait's deadline, and where it began

    @property
    def remaining(self) -> list[Step]:
        """Steps not used yet: handy to assert that a test script was fully walked."""
        return list(self._steps)

    def answer_gather(self, prompt: GatherPrompt) -> Reply:
        return self._next()

    def answer_record(self, prompt: RecordPrompt) -> Reply:
        return self._next()

    def hold_decision(self, position: int) -> Reply:
        """On hold (or with an agent, position 0); a timed `wait N` keeps answering 'wait' for N real seconds."""
        head = self._steps[0] if self._steps else None
        if head is None or head.kind is not Kind.WAIT or not head.text:
            return self._next()
        now = self._clock()
        if self._waiting is not None and self._waiting[1] != position:  # connected meanwhile: that wait is over
            self._finish_wait()
            return self.hold_decision(position)
        if self._waiting is None:
            self._waiting = (now + float(head.text), position)
        left = self._waiting[0] - now
        if left <= 0:
            self._finish_wait()
            return self.hold_decision(position)
        self._sleep(min(left, HOLD_POLL_SECONDS))
        return Reply(Kind.WAIT, note=f"{max(0.0, left - HOLD_POLL_SECONDS):.0f} s of the wait left")

    def _finish_wait(self) -> None:
        self._steps.popleft()
        self._waiting = None

    def _next(self) -> Reply:
        if not self._steps:
            return Reply.hangup(note="script ended")
        return self._steps.popleft()


class KeyboardCaller:
    """Lets a person walk the IVR: each question reads one line of input."""

    def __init__(
        self,
        input_fn: Callable[[str], str] = input,
        out: Callable[[str], None] | None = print,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._input = input_fn
        self._out = out
        self._helped = False
        self._sleep = sleep
        self._clock = clock
        self._hold_until: float | None = None  # a typed `wait N` keeps holding, without asking, until then

    def answer_gather(self, prompt: GatherPrompt) -> Reply:
        return self._ask("keys or words> ")

    def answer_record(self, prompt: RecordPrompt) -> Reply:
        return self._ask("record <words>, or empty for silence> ")

    def hold_decision(self, position: int) -> Reply:
        if position == 0:  # connected to an agent, not waiting
            self._hold_until = None
            return self._ask("talking to the agent: words, or hangup> ")
        left = (self._hold_until or 0.0) - self._clock()
        if left > 0:
            self._sleep(min(left, HOLD_POLL_SECONDS))
            return Reply(Kind.WAIT, note=f"{max(0.0, left - HOLD_POLL_SECONDS):.0f} s of the wait left")
        reply = self._ask(f"on hold (position {position}): wait, hangup, keys or words> ")
        if reply.kind is Kind.WAIT and reply.text:
            self._hold_until = self._clock() + float(reply.text)
        return reply

    def _ask(self, label: str) -> Reply:
        if self._out is not None and not self._helped:
            self._out(KEYBOARD_HELP)
            self._helped = True
        try:
            line = self._input(label)
        except EOFError:
            return Reply.hangup(note="end of input")
        return reply_from_line(line)


def reply_from_line(line: str) -> Reply:
    """Read a typed line the way a person means it."""
    text = line.strip()
    lowered = text.lower()
    if not text or lowered == "silence":
        return Reply.silence()
    if lowered in ("hangup", "bye"):
        return Reply.hangup()
    if lowered == "wait":
        return Reply.wait()
    seconds = lowered[5:].strip() if lowered.startswith("wait ") else ""
    if seconds.replace(".", "", 1).isdigit() and 0 < float(seconds) <= 3600:
        return Reply(Kind.WAIT, seconds)  # hold that many seconds of real time (see KeyboardCaller.hold_decision)
    if set(text) <= KEYS:
        return Reply.keys(text)
    if lowered.startswith("record ") and text[7:].strip():
        return Reply.recording(text[7:].strip())
    return Reply.speech(text)
