"""LocalCall: play Twilio's part in one inbound call against a running app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .flow import ApplicationError, CallEnded, Fetch, Outcome
from .ids import new_sid
from .interpreter import Interpreter
from .modes import MainMode
from .replies import Caller
from .session import Parties, Session
from .status import status_params
from .transcript import CallTranscript
from .transport import Transport
from .urls import Endpoints


@dataclass(frozen=True)
class LocalCall:
    """One call's settings; run() places the call and returns what happened.

    Everything that changes during the call lives in a Session made by run(), so
    a LocalCall can be reused (with a fresh caller) and shared across threads.
    """

    base_url: str
    caller: Caller
    auth_token: str | None = None
    signing_base_url: str | None = None
    from_number: str = "+15555550123"
    to_number: str = "+15555550311"
    voice_path: str = "/voice/incoming"
    status_path: str | None = "/voice/status"
    conference_path: str = "/voice/local-conference"  # where the local network says how a conference stands
    max_hold_loops: int = 3
    max_requests: int = 200
    out: Callable[[str], None] | None = None
    timeout: float = 10.0
    account_sid: str | None = None
    call_sid: str | None = None  # the CallSid to use (the one the app placed, when answering its call)
    direction: str = "inbound"
    retry_dropped: bool = False  # Twilio's retry of a webhook whose connection dropped (see transport.DROPPED)

    def __post_init__(self) -> None:
        if self.max_hold_loops < 1 or self.max_requests < 1:
            raise ValueError("max_hold_loops and max_requests must be at least 1")

    def run(self) -> CallTranscript:
        """Place the call, walk it to the end, post the status callback."""
        session = self._session()
        session.show(f"[calling {self.to_number} from {self.from_number}]")
        status = self._play(session)
        self._finish(session, status)
        return session.transcript

    def _session(self) -> Session:
        endpoints = Endpoints(self.base_url, self.signing_base_url)
        parties = Parties(self.call_sid or new_sid("CA"), self.account_sid or new_sid("AC"),
                          self.from_number, self.to_number, self.direction)
        transport = Transport(endpoints, self.auth_token, self.timeout, self.retry_dropped)
        session = Session(transport, parties, self.max_requests, self.out)
        session.transcript.call_sid = parties.call_sid
        return session

    def _play(self, session: Session) -> str:
        """Run the call and return its final status; never raises for app mistakes."""
        try:
            self._walk(session)
        except CallEnded as ended:
            return ended.status
        except ApplicationError as error:
            session.fail(str(error))
        return "completed"

    def _walk(self, session: Session) -> None:
        interpreter = Interpreter(session, self.caller, self.max_hold_loops, self.conference_path)
        mode = MainMode(self.caller)
        outcome: Outcome = Fetch(session.endpoints.public(self.voice_path))
        while isinstance(outcome, Fetch):
            outcome = interpreter.run_document(session.fetch(outcome), mode)
        session.emit("hangup", "end of TwiML: Twilio hangs up", "  (end of TwiML: the call ends)")

    def _finish(self, session: Session, status: str) -> None:
        session.flush_deferred()
        session.transcript.status = status
        if self.status_path is not None:
            self._post_status(session, status)
        session.show(f"[call ended: {status}]")

    def _post_status(self, session: Session, status: str) -> None:
        """Post the final CallStatus; a failure is noted, never raised."""
        params = status_params(status, session.clock.whole_seconds())
        fetch = Fetch(session.endpoints.public(self.status_path or ""), "POST", params)
        try:
            reply = session.request(fetch, counted=False)
        except ApplicationError as error:
            session.fail(f"status callback: {error}")
            return
        if not 200 <= reply.status < 300:
            session.fail(f"status callback: HTTP {reply.status} from POST {fetch.url}")
