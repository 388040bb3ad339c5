"""What every response and every state-changing request gets: CSRF checks, cookie flags and security headers.

CSRF (Flask-WTF): every POST/PUT/PATCH/DELETE must carry the session's token,
in the form field `csrf_token` or, from JavaScript, the `X-CSRFToken` header
(pages expose it in <meta name="csrf-token">).  Exempt are the blueprints that
authenticate otherwise: Twilio's webhooks (voice and sms: signatures) and the Open311 API
(API keys); the residents' forms check the same Flask-WTF token themselves
(ivr.web.csrf) so a refused form can be shown again with what was typed.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect

from ivr.settings import Settings

csrf = CSRFProtect()
EXEMPT_BLUEPRINTS = ("voice", "voice_unstaffed", "conference", "open311", "web", "sms")
TWILIO_ORIGINS = "https://*.twilio.com wss://*.twilio.com"
FIXED_HEADERS = (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_SECURE=settings.production, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.production, REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # a console stays open for a whole shift; the token lives as long as the session
    )
    csrf.init_app(app)
    for name in EXEMPT_BLUEPRINTS:
        csrf.exempt(app.blueprints[name])
    app.register_error_handler(CSRFError, _csrf_refused)
    add_headers(app, settings)


def add_headers(app: Flask, settings: Settings) -> None:
    """The security headers on every response of `app` (the main app, and the Twilio edge: ivr.voice.edge)."""
    policy = content_security_policy(settings.voice_sdk_url)
    app.after_request(lambda response: _headers(response, policy))


def content_security_policy(voice_sdk_url: str | None) -> str:
    """Scripts only from this site (and the host of Twilio's SDK, if elsewhere); no framing at all."""
    sdk = urlparse(voice_sdk_url or "")
    sdk_origin = f" {sdk.scheme}://{sdk.netloc}" if sdk.scheme in ("http", "https") and sdk.netloc else ""
    return "; ".join([
        "default-src 'self'", f"script-src 'self'{sdk_origin}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", f"connect-src 'self' {TWILIO_ORIGINS}", f"media-src 'self' {TWILIO_ORIGINS}",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ])


def _headers(response: Response, policy: str) -> Response:
    """Each header unless the view set its own; one look at the response's headers (this runs on every webhook)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - werkzeug Headers iterate as pairs
    for name, value in (("Content-Security-Policy", policy), *FIXED_HEADERS):
        if name.lower() not in present:
            headers.add(name, value)
    return response


def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    if request.is_json or "/api/" in request.path:
        return jsonify(error=f"refused: {error.description} (send the page's csrf-token in X-CSRFToken)"), 400
    from agents.auth import text

    words = text.words()
    return render_template("auth/csrf.html", t=words, lang=words["code"]), 400
