"""The record of one local call: what was heard, asked, requested and went wrong.

Tests assert against this, so every field is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Event:
    """One thing that happened, in order (kind is e.g. "say", "gather", "request")."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Request:
    """One HTTP request made to the app, as sent; status 0 means no reply at all."""

    method: str
    url: str
    params: dict[str, str]
    status: int
    seconds: float = 0.0  # from sending to the whole reply read (retry included)
    retried: bool = False  # the first connection dropped before a reply; sent again, as Twilio retries


@dataclass
class CallTranscript:
    """Everything one call produced; filled in while the call runs."""

    call_sid: str = ""
    heard: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    status: str = ""

    def requests_to(self, path: str) -> list[Request]:
        """Requests whose URL path is exactly `path` (query string ignored)."""
        return [r for r in self.requests if urlsplit(r.url).path == path]

    def kinds(self) -> list[str]:
        """Event kinds in order: a compact picture of the call's shape."""
        return [event.kind for event in self.events]
