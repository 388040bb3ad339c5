"""Checking that a webhook really comes from Twilio (X-Twilio-Signature).

Twilio signs the full URL it requested plus the POST parameters with the
account's auth token.  Behind a proxy or load balancer the URL Flask sees
(http://10.0.0.5:8000/...) is not the one Twilio called, so the public URL is
rebuilt from PUBLIC_BASE_URL or the X-Forwarded-Proto/Host headers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Request, abort, current_app, request
from twilio.request_validator import RequestValidator, get_signature_algorithm

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


def public_url(req: Request, public_base_url: str | None) -> str:
    """The URL as Twilio requested it: scheme and host from config or proxy headers, path and query as received."""
    received = urlsplit(req.url)
    if public_base_url:
        base = urlsplit(public_base_url)
        scheme, host = base.scheme, base.netloc
    else:
        scheme = _first(req.headers.get("X-Forwarded-Proto")) or received.scheme
        host = _first(req.headers.get("X-Forwarded-Host")) or received.netloc
    return urlunsplit((scheme, host, received.path, received.query, ""))


def _first(header: str | None) -> str | None:
    """Proxies append to these headers; the first value is the one the client used."""
    return header.split(",")[0].strip() if header else None


def signature_is_valid(req: Request, auth_token: str, public_base_url: str | None) -> bool:
    signature = req.headers.get(SIGNATURE_HEADER)
    if not signature:
        return False
    algorithm = get_signature_algorithm(req.headers.get(SETTINGS_HEADER))
    url = public_url(req, public_base_url)
    params = req.form if req.method == "POST" else {}
    return RequestValidator(auth_token).validate(url, params, signature, algorithm)


def twilio_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reject (403) any request to a Twilio-facing view that Twilio did not sign."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.extensions["cityline"].settings
        if settings.validate_signatures and not signature_is_valid(
            request, settings.twilio_auth_token, settings.public_base_url
        ):
            logger.warning(
                "rejected unsigned or forged webhook: %s %s from %s (signature %s)",
                request.method, public_url(request, settings.public_base_url),
                request.remote_addr, "present" if request.headers.get(SIGNATURE_HEADER) else "missing",
            )
            abort(403, description="This endpoint only accepts requests signed by Twilio.")
        return view(*args, **kwargs)

    return wrapper
