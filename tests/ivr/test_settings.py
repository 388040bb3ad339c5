"""Configuration comes from the environment and fails fast, naming the variable."""

from __future__ import annotations

import pytest

from ivr.settings import DEVELOPMENT_AUTH_TOKEN, DEVELOPMENT_SECRET_KEY, ConfigError, Settings


def test_a_fresh_checkout_needs_no_configuration():
    settings = Settings.from_env({})
    assert settings.environment == "development"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("cityline.sqlite3")
    assert settings.redis_url is None
    assert settings.twilio_auth_token == DEVELOPMENT_AUTH_TOKEN
    assert settings.validate_signatures is True
    assert settings.port == 5000


def test_values_come_from_the_environment():
    settings = Settings.from_env({
        "PORT": "8080", "DATABASE_URL": "postgresql+psycopg://db/cityline", "REDIS_URL": "redis://cache:6379/2",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "tok",
        "PUBLIC_BASE_URL": "https://311.example.gov/", "CITY_TIMEZONE": "America/Chicago"})
    assert (settings.port, settings.redis_url, settings.twilio_auth_token) == (8080, "redis://cache:6379/2", "tok")
    assert settings.public_base_url == "https://311.example.gov"
    assert str(settings.office_hours.zone) == "America/Chicago"


@pytest.mark.parametrize(("name", "value"), [
    ("PORT", "eighty"), ("PORT", "70000"), ("REDIS_URL", "localhost:6379"),
    ("PUBLIC_BASE_URL", "311.example.gov"), ("PUBLIC_BASE_URL", "https://311.example.gov/voice"),
    ("CITY_TIMEZONE", "Mars/Olympus"), ("OFFICE_HOURS", "weekdays 9-5"), ("CLOSED_DAYS", "Christmas"),
    ("TWILIO_VALIDATE_SIGNATURES", "maybe"), ("CITYLINE_ENV", "staging"),
])
def test_a_malformed_value_stops_start_up_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=f"^{name}="):
        Settings.from_env({name: value})


PRODUCTION_KEY = "k3Y-" + "0123456789abcdefghijklmnopqrstuvwxyz"


def test_production_needs_its_secrets():
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok"})
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN must be set"):
        Settings.from_env({"CITYLINE_ENV": "production", "SECRET_KEY": PRODUCTION_KEY})
    settings = Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok",
                                  "SECRET_KEY": PRODUCTION_KEY})
    assert settings.production and settings.twilio_auth_token == "tok" and settings.telephony == "twilio"


@pytest.mark.parametrize("key", [DEVELOPMENT_SECRET_KEY, "short-but-random-Xq3", "changeme", "a" * 40,
                                 "CHANGEME"])
def test_production_refuses_a_development_or_trivial_secret_key(key):
    with pytest.raises(ConfigError, match="^SECRET_KEY must be a random value of at least 32 characters"):
        Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok", "SECRET_KEY": key})


def test_production_refuses_the_development_twilio_token():
    with pytest.raises(ConfigError, match="^TWILIO_AUTH_TOKEN is the development token"):
        Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": DEVELOPMENT_AUTH_TOKEN,
                           "SECRET_KEY": PRODUCTION_KEY})


def test_development_keeps_its_published_defaults():
    settings = Settings.from_env({})
    assert (settings.secret_key, settings.twilio_auth_token) == (DEVELOPMENT_SECRET_KEY, DEVELOPMENT_AUTH_TOKEN)
