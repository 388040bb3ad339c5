"""Only Twilio may drive a call: X-Twilio-Signature is checked on every voice webhook."""

from __future__ import annotations

import logging

import pytest
from twilio.request_validator import RequestValidator

from ivr.app import create_app
from ivr.settings import ConfigError, Settings
from tests.conftest import AUTH_TOKEN, TwilioClient

WEBHOOKS = ["/voice/incoming", "/voice/step?node=main_menu&lang=en", "/voice/hold?skill=general&lang=en",
            "/voice/status"]


@pytest.mark.parametrize("path", WEBHOOKS)
def test_a_request_signed_by_the_twilio_library_passes(twilio, path):
    assert twilio.post(path, {"Digits": "1", "CallDuration": "3"}).status_code in (200, 204)


@pytest.mark.parametrize("path", WEBHOOKS)
def test_a_missing_signature_is_forbidden(app, path, caplog):
    with caplog.at_level(logging.WARNING, logger="ivr.voice.signatures"):
        response = app.test_client().post(path, data={"CallSid": "CA" + "1" * 32})
    assert response.status_code == 403
    assert "signature missing" in caplog.text


def test_a_tampered_body_is_forbidden(twilio):
    signed_for = {"CallSid": "CA" + "1" * 32, "Digits": "1"}
    response = twilio.post("/voice/step?node=main_menu&lang=en", {"Digits": "5"}, sign_data=signed_for)
    assert response.status_code == 403


def test_a_tampered_url_is_forbidden(twilio):
    """The state in the query string is covered too: a caller cannot jump to another node."""
    response = twilio.post("/voice/step?node=record_message&lang=en", {"Digits": "1"},
                           sign_url="http://localhost/voice/step?node=main_menu&lang=en")
    assert response.status_code == 403


def test_a_signature_made_with_another_token_is_forbidden(app):
    stale = TwilioClient(app.test_client(), token="an-old-rotated-token")
    assert stale.post("/voice/incoming").status_code == 403


SHARED_KEY_HEADERS = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"}


def _sha256_signed(secret: str) -> tuple[dict[str, str], dict[str, str]]:
    params = {"CallSid": "CA" + "1" * 32, "From": "+13125550199", "CallStatus": "ringing"}
    signature = RequestValidator(secret).compute_signature(
        "http://localhost/voice/incoming", params, algorithm="HMAC_SHA256")
    return params, {"X-Twilio-Signature": signature, **SHARED_KEY_HEADERS}


def test_a_shared_key_sha256_signature_is_accepted_when_configured(env):
    app = create_app({**env, "TWILIO_WEBHOOK_SHARED_KEY": "shared-secret"})
    params, headers = _sha256_signed("shared-secret")
    assert app.test_client().post("/voice/incoming", data=params, headers=headers).status_code == 200
    app.extensions["cityline"].sql.dispose()


def test_a_shared_key_signature_is_refused_when_no_shared_key_is_configured(app):
    params, headers = _sha256_signed(AUTH_TOKEN)
    assert app.test_client().post("/voice/incoming", data=params, headers=headers).status_code == 403


class TestBehindAProxy:
    def test_forwarded_proto_and_host_are_what_twilio_signed_when_a_proxy_is_trusted(self, env):
        app = create_app({**env, "TRUSTED_PROXIES": "1"})
        response = TwilioClient(app.test_client()).post(
            "/voice/incoming", sign_url="https://311.example.gov/voice/incoming",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "311.example.gov"})
        assert response.status_code == 200
        app.extensions["cityline"].sql.dispose()

    def test_forwarded_headers_from_a_client_are_not_believed_by_default(self, twilio):
        """A request signed for another deployment (its host in X-Forwarded-Host) is refused."""
        response = twilio.post("/voice/incoming", sign_url="https://other-city.example.gov/voice/incoming",
                               headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "other-city.example.gov"})
        assert response.status_code == 403

    def test_without_the_headers_the_public_url_does_not_match(self, twilio):
        response = twilio.post("/voice/incoming", sign_url="https://311.example.gov/voice/incoming")
        assert response.status_code == 403

    def test_public_base_url_overrides_what_the_proxy_says(self, env):
        app = create_app({**env, "PUBLIC_BASE_URL": "https://311.example.gov"})
        client = TwilioClient(app.test_client())
        signed = client.post("/voice/incoming", sign_url="https://311.example.gov/voice/incoming",
                             headers={"X-Forwarded-Host": "attacker.example"})
        assert signed.status_code == 200
        assert client.post("/voice/incoming").status_code == 403
        app.extensions["cityline"].sql.dispose()


class TestTurningValidationOff:
    def test_is_possible_in_development_only_when_asked_for(self, env):
        app = create_app({**env, "TWILIO_VALIDATE_SIGNATURES": "false"})
        unsigned = app.test_client().post("/voice/incoming", data={"CallSid": "CA" + "1" * 32})
        assert unsigned.status_code == 200
        app.extensions["cityline"].sql.dispose()

    def test_is_refused_in_production(self):
        with pytest.raises(ConfigError, match="TWILIO_VALIDATE_SIGNATURES=false is only allowed"):
            Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "x", "SECRET_KEY": "y",
                               "TWILIO_VALIDATE_SIGNATURES": "false"})

    def test_production_needs_the_auth_token(self):
        with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN must be set"):
            Settings.from_env({"CITYLINE_ENV": "production", "SECRET_KEY": "y"})


def test_the_url_is_checked_exactly_as_twilio_requested_it_with_encoded_characters(twilio):
    """Values carried in the action URL may hold accents, commas or quotes: Twilio signs them percent-encoded."""
    path = "/voice/step?node=main_menu&lang=es&v_street=Calle+%C3%89lm%2C+O%27Brien+%40+5%3A30"
    assert twilio.post(path, {"Digits": "9"}).status_code == 200
