"""Twilio's webhooks served by a Flask app of their own, in front of the app for people.

A webhook is authenticated by Twilio's signature (ivr.voice.signatures): it
carries no session cookie, no CSRF token and no rate limit.  Yet in the one
app every webhook went through the stack built for browsers: Flask-Limiter
resolving limits, Flask-WTF's CSRF check, Flask-Login's remember-cookie hook,
the session cookie.  That was a fifth of a webhook's own time (issue 10), on
the path a storm of callers takes.

So the webhook blueprints are also registered on a second, bare Flask app (the
edge), and `TwilioDispatch` hands it every request under `TWILIO_PATHS`.  The
edge shares the main app's config and extensions, so there is one set of
settings, services and caches, one `TESTING` flag; it has no sessions and
only the hooks webhooks need (latency metrics and the security headers, added
by the caller).  The blueprints stay registered on the main app as well, so its
`url_for` still builds webhook URLs and its CSRF exemptions still apply, but no
request reaches them there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: Where Twilio's requests arrive (the voice and conference webhooks, the SMS webhook).
TWILIO_PATHS = ("/voice/", "/sms/")


def create_edge(main: Flask, blueprints: Iterable[Blueprint]) -> Flask:
    """A Flask app serving `blueprints` with `main`'s config and extensions, and no sessions."""
    edge = Flask(main.import_name)
    edge.config = main.config
    edge.extensions = main.extensions
    edge.session_interface = NoSessions()
    for blueprint in blueprints:
        edge.register_blueprint(blueprint)
    return edge


class NoSessions(SessionInterface):
    """Twilio sends no cookie and keeps none: every webhook gets Flask's null session (which refuses to be
    written) without the request's cookies being read."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then makes the null session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


class TwilioDispatch:
    """WSGI: requests under `TWILIO_PATHS` to the edge, every other one to the main app."""

    def __init__(self, edge: WSGIApplication, main: WSGIApplication) -> None:
        self.edge = edge
        self.main = main

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path: Any = environ.get("PATH_INFO", "")
        target = self.edge if path.startswith(TWILIO_PATHS) else self.main
        return target(environ, start_response)
