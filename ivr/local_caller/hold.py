"""<Enqueue>: hold the caller, loop the waitUrl, and report how the wait ended.

Nobody ever dequeues a local caller (there are no agents), so a wait ends only
when the TwiML says <Leave>, the caller hangs up, or the caller stays silent for
max_hold_loops passes in a row (a safety bound, reported as a hangup).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from .flow import LEAVE, CallEnded, Fetch, Outcome
from .ids import new_sid
from .modes import HoldMode, Mode
from .replies import Caller, Kind
from .session import Session
from .twiml import Document, method_attr, text_of

DEFAULT_MUSIC_SECONDS = 30.0
RunDocument = Callable[[Document, Mode], Outcome]


@dataclass(frozen=True)
class QueueVisit:
    """One stay in a named queue; the local caller is always alone in it."""

    name: str
    sid: str
    joined_at: float

    def wait_params(self, now: float) -> dict[str, str]:
        waited = str(int(now - self.joined_at))
        return {"QueuePosition": "1", "QueueSid": self.sid, "QueueTime": waited,
                "AvgQueueTime": waited, "CurrentQueueSize": "1", "MaxQueueSize": "1000"}

    def result_params(self, result: str, now: float) -> dict[str, str]:
        return {"QueueResult": result, "QueueSid": self.sid,
                "QueueTime": str(int(now - self.joined_at))}


class HoldLine:
    """Runs <Enqueue> verbs for one call."""

    def __init__(self, session: Session, caller: Caller, run_document: RunDocument,
                 max_loops: int) -> None:
        self.session = session
        self.caller = caller
        self.run_document = run_document
        self.max_loops = max_loops

    def enqueue(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        """Hold until the caller leaves; then the action, or the next verb without one."""
        visit = QueueVisit(text_of(verb), new_sid("QU"), self.session.clock.seconds)
        self.session.emit("enqueue", visit.name, f"[queued in {visit.name!r}]")
        action = verb.get("action")
        try:
            self.hold(verb, doc, visit)
        except CallEnded:
            if action:
                self.session.notify(self._action(verb, doc, visit, "hangup"))
            raise
        return self._action(verb, doc, visit, "leave") if action else None

    def hold(self, verb: ET.Element, doc: Document, visit: QueueVisit) -> None:
        """Loop the wait TwiML until <Leave>; hangups end the call by raising.

        Each TwiML document played while queued is one loop. A Redirect or a
        Gather action there names the next document; otherwise the waitUrl is
        requested again, as Twilio does.
        """
        idle, pending = 0, None
        while True:
            mode = HoldMode(self.caller)
            self.session.emit("hold", "position 1", "[on hold, position 1]")
            outcome = self.play_wait(verb, doc, visit, mode, pending)
            if outcome is LEAVE:
                return
            pending = outcome if isinstance(outcome, Fetch) else None
            if not mode.asked:
                self.decide(mode)
            idle = 0 if mode.instructed else idle + 1
            if idle >= self.max_loops:
                self._give_up(idle)

    def play_wait(self, verb: ET.Element, doc: Document, visit: QueueVisit,
                  mode: HoldMode, pending: Fetch | None) -> Outcome:
        """Play one wait document: `pending` if set, else the waitUrl (or Twilio's music)."""
        wait_url = verb.get("waitUrl")
        if pending is None and not wait_url:
            self.session.emit("hold", "default hold music", "  plays: Twilio's hold music")
            self.session.clock.advance(DEFAULT_MUSIC_SECONDS)
            return None
        fetch = pending or Fetch(doc.resolve(wait_url), method_attr(verb, "waitUrlMethod"),
                                 visit.wait_params(self.session.clock.seconds))
        return self.run_document(self.session.fetch(fetch), mode)

    def decide(self, mode: HoldMode) -> None:
        """Ask whether to keep holding when no menu in the wait music asked already."""
        reply = self.caller.hold_decision(mode.position)
        ignored = reply.kind in (Kind.KEYS, Kind.SPEECH, Kind.RECORD)
        note = "ignored: nothing on hold is listening" if ignored else ""
        self.session.take_reply(reply, note, " while on hold")
        mode.instructed = reply.kind is Kind.WAIT

    def _give_up(self, loops: int) -> None:
        why = f"no instruction after {loops} hold loops: the local caller hangs up"
        self.session.emit("hangup", why, f"[{why}]")
        raise CallEnded("completed", why)

    def _action(self, verb: ET.Element, doc: Document, visit: QueueVisit, result: str) -> Fetch:
        params = visit.result_params(result, self.session.clock.seconds)
        return Fetch(doc.resolve(verb.get("action")), method_attr(verb), params)
