"""Twilio's webhooks are served by the edge app, without the stack built for browsers (ivr.voice.edge)."""

from __future__ import annotations

import pytest

from ivr.limits import limiter
from ivr.security import content_security_policy


def test_a_webhook_is_answered_without_sessions_limits_or_csrf(app, twilio, monkeypatch):
    consulted = []
    monkeypatch.setattr(limiter, "_check_request_limit", lambda *a, **k: consulted.append(a))
    response = twilio.post("/voice/incoming")
    assert response.status_code == 200 and b"<Gather" in response.data
    assert consulted == []  # Flask-Limiter never looked at it
    assert "Set-Cookie" not in response.headers and "Vary" not in response.headers  # no session touched
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the security headers are still there
    assert response.headers["Content-Security-Policy"] == content_security_policy(None)


def test_the_edge_shares_the_apps_settings_services_and_testing_flag(app):
    edge = app.wsgi_app.edge.__self__  # the edge's bound wsgi_app
    assert edge.config is app.config and edge.extensions is app.extensions
    app.testing = False
    assert edge.testing is False
    assert {"voice", "voice_unstaffed", "conference", "sms"} <= set(edge.blueprints)


def test_a_webhook_that_tried_to_keep_a_session_would_be_refused(app):
    from flask.sessions import NullSession

    edge = app.wsgi_app.edge.__self__
    with edge.test_request_context("/voice/incoming", method="POST"):
        from flask import session

        assert isinstance(session._get_current_object(), NullSession)
        with pytest.raises(RuntimeError):
            session["caller"] = "+13125550199"


def test_an_unsigned_webhook_is_still_refused_and_an_unknown_one_is_not_found(app):
    client = app.test_client()
    assert client.post("/voice/incoming", data={"CallSid": "CA1"}).status_code == 403
    assert client.post("/voice/no-such-hook").status_code == 404


def test_pages_for_people_still_go_through_the_main_app(app):
    response = app.test_client().get("/agents/login")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    with app.test_request_context():
        from flask import url_for

        assert url_for("voice.step") == "/voice/step"  # the main app still builds webhook URLs
