"""Checking that a webhook really comes from Twilio (X-Twilio-Signature).

Twilio signs the full URL it requested plus the POST parameters with the
account's auth token.  Behind a proxy or load balancer the URL Flask sees
(http://10.0.0.5:8000/...) is not the one Twilio called, so the public URL is
rebuilt from PUBLIC_BASE_URL, or from X-Forwarded-Proto/Host when TRUSTED_PROXIES
says proxies set them (werkzeug's ProxyFix, in create_app).  Headers from a
client are never believed otherwise: a request signed for another deployment
must not pass here.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Request, abort, current_app, request
from twilio.request_validator import RequestValidator, get_signature_algorithm

from ivr.settings import Settings

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


def public_url(req: Request, public_base_url: str | None) -> str:
    """The URL as Twilio requested it: scheme and host from config or the (proxy-fixed) request, path and query
    as received.

    Twilio signs the URL byte for byte, percent-encoding included, so the path and
    query come from the raw request line (werkzeug's `request.url` decodes some
    characters, which would break the signature of any value with an accent or a comma).
    """
    if public_base_url:
        base = urlsplit(public_base_url)
        scheme, host = base.scheme, base.netloc
    else:
        scheme, host = req.scheme, req.host
    return f"{scheme}://{host}{_raw_target(req)}"


def _raw_target(req: Request) -> str:
    """Path and query string exactly as the client sent them."""
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if raw:
        return str(urlsplit(raw)._replace(scheme="", netloc="").geturl())
    query = req.environ.get("QUERY_STRING", "")
    path = quote(req.environ.get("SCRIPT_NAME", "") + req.environ.get("PATH_INFO", ""))
    return f"{path}?{query}" if query else path


def signature_is_valid(req: Request, settings: Settings) -> bool:
    """Twilio signs with the auth token, or with a webhook SharedKey when it sends the settings header."""
    signature = req.headers.get(SIGNATURE_HEADER)
    shared_key_settings = req.headers.get(SETTINGS_HEADER)
    secret = settings.twilio_webhook_shared_key if shared_key_settings else settings.twilio_auth_token
    if not signature or not secret:
        return False
    url = public_url(req, settings.public_base_url)
    params = req.form if req.method == "POST" else {}
    algorithm = get_signature_algorithm(shared_key_settings)
    validator = RequestValidator(secret)
    if "bodySHA256" not in url and _signed_as_received(validator, url, params, signature, algorithm):
        return True  # the usual case, one HMAC; validate() always computes two (with and without the port)
    return validator.validate(url, params, signature, algorithm)


def _signed_as_received(validator: RequestValidator, url: str, params: Any, signature: str,
                        algorithm: str | None) -> bool:
    try:
        expected = validator.compute_signature(url, params, algorithm)
    except ValueError:  # an algorithm twilio does not know: validate() refuses it and says so
        return False
    return hmac.compare_digest(expected.encode(), signature.encode())


def twilio_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reject (403) any request to a Twilio-facing view that Twilio did not sign."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.extensions["cityline"].settings
        if settings.validate_signatures and not signature_is_valid(request, settings):
            logger.warning(
                "rejected unsigned or forged webhook: %s %s from %s (signature %s)",
                request.method, public_url(request, settings.public_base_url),
                request.remote_addr, "present" if request.headers.get(SIGNATURE_HEADER) else "missing",
            )
            abort(403, description="This endpoint only accepts requests signed by Twilio.")
        return view(*args, **kwargs)

    return wrapper
