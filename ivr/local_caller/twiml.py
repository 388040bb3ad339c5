"""Reading a TwiML reply: parse, check the root, and read attributes safely.

Twilio rejects documents it cannot parse (error 12100) or whose root is not
<Response> (12102); reporting the same codes makes the local run point at the
same fix a real call would.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

from .flow import ApplicationError


@dataclass(frozen=True)
class Document:
    """One TwiML document and the (public) URL it came from."""

    url: str
    verbs: tuple[ET.Element, ...]

    def resolve(self, reference: str | None) -> str:
        """Resolve a URL from this document; empty means this document (Twilio's default)."""
        return urljoin(self.url, (reference or "").strip())


def parse_document(url: str, body: bytes) -> Document:
    """Parse a reply body into a Document or raise ApplicationError."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        excerpt = body[:80].decode("utf-8", "replace").strip()
        raise ApplicationError(
            f"12100 document parse failure from {url}: {error} (body starts {excerpt!r})"
        ) from None
    if root.tag != "Response":
        raise ApplicationError(f"12102 the root element must be <Response>, got <{root.tag}>")
    return Document(url, tuple(root))


def text_of(element: ET.Element) -> str:
    """The element's text with nested SSML flattened and whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def int_attr(element: ET.Element, name: str, default: int) -> int:
    """An integer attribute; a value Twilio could not read is an application error."""
    raw = element.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ApplicationError(f"<{element.tag}> {name}={raw!r} is not a whole number") from None


def bool_attr(element: ET.Element, name: str, default: bool = False) -> bool:
    raw = element.get(name)
    return default if raw is None else raw.strip().lower() == "true"


def method_attr(element: ET.Element, name: str = "method") -> str:
    """GET or POST (Twilio's default); anything else is an application error."""
    method = (element.get(name) or "POST").strip().upper()
    if method not in ("GET", "POST"):
        raise ApplicationError(f"<{element.tag}> {name}={method!r} must be GET or POST")
    return method
