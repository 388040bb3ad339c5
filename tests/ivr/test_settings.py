"""Configuration comes from the environment and fails fast, naming the variable."""

from __future__ import annotations

import pytest

from ivr.settings import DEVELOPMENT_AUTH_TOKEN, ConfigError, Settings


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


def test_production_needs_its_secrets():
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok", "AGENT_CONSOLE_PASSWORD": "p"})
    with pytest.raises(ConfigError, match="AGENT_CONSOLE_PASSWORD must be set"):
        Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok", "SECRET_KEY": "k"})
    settings = Settings.from_env({"CITYLINE_ENV": "production", "TWILIO_AUTH_TOKEN": "tok", "SECRET_KEY": "k",
                                  "AGENT_CONSOLE_PASSWORD": "p"})
    assert settings.production and settings.twilio_auth_token == "tok" and settings.telephony == "twilio"
