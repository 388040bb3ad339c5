"""The agents API: softphone tokens for an agent's own identity, and the supervisor's reports."""

from __future__ import annotations

import base64
import json

from ivr.app import create_app
from tests.agents.login import log_in


def claims(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_token_lets_the_agent_receive_calls_as_their_login(env):
    app = create_app({**env, "TELEPHONY": "twilio", "TWILIO_NUMBER": "+13125550311",
                      "PUBLIC_BASE_URL": "https://311.example.gov", "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
                      "TWILIO_API_KEY_SID": "SK" + "2" * 32, "TWILIO_API_KEY_SECRET": "s" * 32})
    response = log_in(app.test_client(), "alice").get("/agents/api/token")
    assert response.status_code == 200
    grants = claims(response.get_json()["token"])["grants"]
    assert grants["identity"] == "alice" and grants["voice"]["incoming"] == {"allow": True}
    assert "outgoing" not in grants["voice"]
    assert app.test_client().get("/agents/api/token").status_code == 401
    app.extensions["cityline"].sql.dispose()


def test_the_console_loads_the_sdk_the_city_hosts(env):
    app = create_app({**env, "TWILIO_VOICE_SDK_URL": "/static/twilio.min.js"})
    page = log_in(app.test_client(), "alice").get("/agents/").get_data(as_text=True)
    assert '<script src="/static/twilio.min.js"></script>' in page
    app.extensions["cityline"].sql.dispose()


def test_the_supervisor_gets_city_reports_as_json(env):
    app = create_app(env)
    client = log_in(app.test_client(), "sam", "supervisor")
    response = client.get("/agents/api/reports/calls-by-disposition?days=7")
    assert response.status_code == 200
    body = response.get_json()
    assert body["report"] == "calls-by-disposition" and body["rows"] == []
    assert client.get("/agents/api/reports/nonsense").status_code == 400
    assert client.get("/agents/api/reports/common-requests?days=0").status_code == 400
    agent = log_in(app.test_client(), "alice")
    assert agent.get("/agents/api/reports/calls-by-disposition").status_code == 403
    app.extensions["cityline"].sql.dispose()
