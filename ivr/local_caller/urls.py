"""Which URL Twilio would see versus where the app really listens.

Behind a proxy the app is reached at base_url but Twilio signs (and the app
validates) the public URL. The call therefore thinks in public URLs, exactly as
Twilio does, and only the transport maps them to the local address.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from .flow import ApplicationError


@dataclass(frozen=True)
class Endpoints:
    """The local origin (where requests go) and the public one (what gets signed)."""

    base_url: str
    signing_base_url: str | None = None

    def public(self, path_or_url: str) -> str:
        """The URL Twilio would request for a path or a local URL."""
        local = urljoin(self.base_url, path_or_url)
        if not self.signing_base_url:
            return local
        return _with_origin(local, self.signing_base_url)

    def local(self, public_url: str) -> str:
        """Where to send a request for `public_url`; only the app itself is reachable."""
        origin = _origin(public_url)
        if origin == _origin(self.base_url):
            return public_url
        if self.signing_base_url and origin == _origin(self.signing_base_url):
            return _with_origin(public_url, self.base_url)
        raise ApplicationError(
            f"cannot reach {public_url} from the local caller (only {self.base_url} is served)"
        )

    @property
    def forwarded_headers(self) -> dict[str, str]:
        """What a reverse proxy in front of the app would add (for ProxyFix-style apps)."""
        if not self.signing_base_url:
            return {}
        public = urlsplit(self.signing_base_url)
        return {"X-Forwarded-Proto": public.scheme, "X-Forwarded-Host": public.netloc}


def with_query(url: str, params: dict[str, str]) -> str:
    """Append params to a URL's query string (how Twilio sends a GET)."""
    if not params:
        return url
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}{urlencode(params)}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _with_origin(url: str, origin_url: str) -> str:
    target = urlsplit(origin_url)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
