"""One call's running state: identity, clock, transcript, and every request made.

Verb handlers go through the session for anything observable (what the caller
hears, what is printed, what is requested), so the transcript and the printed
walk-through can never disagree.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .clock import SimClock
from .flow import ApplicationError, CallEnded, Fetch
from .replies import Kind, Reply
from .transcript import CallTranscript, Event, Request
from .transport import HttpReply, Transport
from .twiml import Document, parse_document
from .urls import Endpoints, with_query

API_VERSION = "2010-04-01"
_TAGS = re.compile(r"<[^>]*>")
SHOWN_PARAMS = frozenset({
    "Digits", "FinishedOnKey", "SpeechResult", "Confidence", "QueuePosition", "QueueTime",
    "QueueResult", "DialCallStatus", "RecordingDuration", "TranscriptionText", "CallStatus",
    "CallDuration",
})


@dataclass(frozen=True)
class Parties:
    """Who calls whom, and the SIDs that identify the call to the app."""

    call_sid: str
    account_sid: str
    from_number: str
    to_number: str
    direction: str = "inbound"  # "outbound-api" for a call the app placed (a callback being answered)

    def params(self, call_status: str) -> dict[str, str]:
        """The parameters Twilio sends with every voice webhook."""
        return {
            "CallSid": self.call_sid, "AccountSid": self.account_sid,
            "From": self.from_number, "To": self.to_number,
            "Caller": self.from_number, "Called": self.to_number,
            "CallStatus": call_status, "Direction": self.direction, "ApiVersion": API_VERSION,
        }


@dataclass
class Session:
    """The mutable side of one call; built fresh by every LocalCall.run()."""

    transport: Transport
    parties: Parties
    max_requests: int
    out: Callable[[str], None] | None = None
    clock: SimClock = field(default_factory=SimClock)
    transcript: CallTranscript = field(default_factory=CallTranscript)
    answered: bool = False
    counted_requests: int = 0
    deferred: list[Fetch] = field(default_factory=list)

    @property
    def endpoints(self) -> Endpoints:
        return self.transport.endpoints

    def fetch(self, fetch: Fetch) -> Document:
        """Request TwiML and parse it; any failure is an ApplicationError."""
        reply = self.request(fetch)
        if not 200 <= reply.status < 300:
            raise ApplicationError(_http_failure(fetch, reply))
        document = parse_document(fetch.url, reply.body)
        self.flush_deferred()
        return document

    def request(self, fetch: Fetch, *, counted: bool = True) -> HttpReply:
        """Send one webhook with the standard parameters and record it."""
        if counted:
            self._count_request()
        status = "ringing" if not self.transcript.requests else "in-progress"
        params = {**self.parties.params(status), **fetch.params}
        self.show(f"  -> {fetch.method} {_path(fetch.url)}{_extras(fetch.params)}")
        began = time.perf_counter()
        try:
            reply = self.transport.send(fetch.method, fetch.url, params)
        except (OSError, http.client.HTTPException) as error:
            self._record(fetch, params, 0, time.perf_counter() - began)
            raise ApplicationError(
                f"11200 no reply from {fetch.method} {fetch.url}: {error}"
            ) from error
        self._record(fetch, params, reply.status, time.perf_counter() - began, reply.retried)
        return reply

    def _count_request(self) -> None:
        """Enforce max_requests, so an app that loops forever cannot hang a test."""
        if self.counted_requests >= self.max_requests:
            raise ApplicationError(
                f"request limit reached ({self.max_requests} requests): is the app looping?"
            )
        self.counted_requests += 1

    def notify(self, fetch: Fetch) -> None:
        """A request whose TwiML is never run (after a hangup, or a callback)."""
        try:
            reply = self.request(fetch)
        except ApplicationError as error:
            self.fail(str(error))
            return
        if not 200 <= reply.status < 300:
            self.fail(_http_failure(fetch, reply))

    def flush_deferred(self) -> None:
        """Send callbacks Twilio makes asynchronously, after the request they follow."""
        pending, self.deferred = self.deferred, []
        for fetch in pending:
            self.notify(fetch)

    def hear(self, text: str) -> None:
        self.transcript.heard.append(text)

    def emit(self, kind: str, detail: str, shown: str | None = None) -> None:
        """Record an event and, when printing, show `shown` to the person watching."""
        self.transcript.events.append(Event(kind, detail))
        if shown is not None:
            self.show(shown)

    def take_reply(self, reply: Reply, note: str = "", where: str = "") -> None:
        """Show and record what the caller did; a hangup ends the call right here."""
        detail = f"{reply.describe()} ({note})" if note else reply.describe()
        self.emit("input", detail, f"> {detail}")
        if reply.kind is Kind.HANGUP:
            why = f"caller hung up{where}"
            self.emit("hangup", why)
            raise CallEnded("completed", why)

    def fail(self, message: str) -> None:
        self.transcript.errors.append(message)
        self.emit("error", message, f"[application error: {message}]")

    def show(self, line: str) -> None:
        if self.out is not None:
            self.out(line)

    def _record(self, fetch: Fetch, params: dict[str, str], status: int, seconds: float,
                retried: bool = False) -> None:
        url = self.endpoints.local(fetch.url)
        if fetch.method == "GET":
            url = with_query(url, params)
        self.transcript.requests.append(Request(fetch.method, url, params, status, seconds, retried))
        self.emit("request", f"{fetch.method} {url} -> {status or 'no reply'}")


def _http_failure(fetch: Fetch, reply: HttpReply) -> str:
    text = f"11200 HTTP {reply.status} from {fetch.method} {fetch.url}"
    if reply.location:
        return f"{text} (redirect to {reply.location}; the local caller does not follow redirects)"
    excerpt = " ".join(_TAGS.sub(" ", reply.body[:400].decode("utf-8", "replace")).split())
    return f"{text}: {excerpt[:120]}" if excerpt else text


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _extras(params: dict[str, str]) -> str:
    """The parameters a person reading along cares about (SIDs and URLs are noise)."""
    shown = [f"{k}={v}" for k, v in params.items() if k in SHOWN_PARAMS]
    return "  " + ", ".join(shown) if shown else ""
