"""Sends one signed webhook request the way Twilio does and returns the raw reply.

http.client (not urllib) because a webhook must not follow redirects silently:
a 3xx is something the app's author should see.
"""

from __future__ import annotations

import http.client
import uuid
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

from .urls import Endpoints, with_query

USER_AGENT = "TwilioProxy/1.1 (CityLine local caller)"
#: A connection the server dropped before any reply (a web process killed mid-request): Twilio retries such a
#: webhook once when the URL asks for it (connection overrides, `#rc=1`), with the same idempotency token.
DROPPED = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)


@dataclass(frozen=True)
class HttpReply:
    """Status and body of one reply; `location` is set on redirects."""

    status: int
    body: bytes
    location: str = ""
    retried: bool = False  # sent twice: the first connection dropped before a reply


@dataclass(frozen=True)
class Transport:
    """Signs with the auth token (if any) over the public URL, sends to the local one."""

    endpoints: Endpoints
    auth_token: str | None = None
    timeout: float = 10.0
    retry_dropped: bool = False  # send once more, same token, when the connection drops before a reply

    def send(self, method: str, public_url: str, params: dict[str, str]) -> HttpReply:
        """Send; raises OSError (or http.client errors) when no reply arrives."""
        if method == "GET":
            public_url, body_params = with_query(public_url, params), {}
        else:
            body_params = params
        headers = self._headers(public_url, body_params)
        body = urlencode(body_params).encode() if method != "GET" else None
        url = self.endpoints.local(public_url)
        try:
            return self._exchange(method, url, body, headers)
        except DROPPED:
            if not self.retry_dropped:
                raise
            return replace(self._exchange(method, url, body, headers), retried=True)

    def _headers(self, public_url: str, body_params: dict[str, str]) -> dict[str, str]:
        # Twilio marks each webhook delivery with a token that its retries repeat.
        headers = {"User-Agent": USER_AGENT, "I-Twilio-Idempotency-Token": uuid.uuid4().hex,
                   **self.endpoints.forwarded_headers}
        if body_params:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.auth_token is not None:
            validator = RequestValidator(self.auth_token)
            headers["X-Twilio-Signature"] = validator.compute_signature(public_url, body_params)
        return headers

    def _exchange(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str]
    ) -> HttpReply:
        parts = urlsplit(url)
        factory = (http.client.HTTPSConnection if parts.scheme == "https"
                   else http.client.HTTPConnection)
        connection = factory(parts.netloc, timeout=self.timeout)
        try:
            target = parts.path or "/"
            target += f"?{parts.query}" if parts.query else ""
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            return HttpReply(response.status, response.read(),
                             response.getheader("Location", ""))
        finally:
            connection.close()
