"""Configuration, read once from the environment (12-factor) and checked at start-up.

Every value has a default that works on a fresh checkout for local
development.  In production (CITYLINE_ENV=production) the secrets have no
default and a missing or malformed value stops start-up with a sentence naming
the variable, never later in the middle of a call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ivr.retention.policy import InvalidRetention, RetentionPolicy, parse_policy
from routing.office_hours import OfficeHours, parse_closed_days, parse_weekly_hours

#: Signs webhooks between `cityline call` and a development server; never valid in production.
DEVELOPMENT_AUTH_TOKEN = "cityline-local-development-token"
#: Signs development sessions; published here, so never valid in production.
DEVELOPMENT_SECRET_KEY = "development-secret"
#: Published or placeholder values a production secret must not be (compared case-insensitively).
KNOWN_SECRETS = frozenset({DEVELOPMENT_SECRET_KEY, DEVELOPMENT_AUTH_TOKEN, "dev", "secret", "changeme", "change-me",
                           "password", "your-secret-key", "replace-me", "development", "test", "agent"})
MIN_SECRET_KEY = 32
DEFAULT_HOLD_MUSIC = "http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3"
ENVIRONMENTS = ("development", "production")
TELEPHONY_KINDS = ("local", "twilio")
T = TypeVar("T")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    environment: str
    port: int
    database_url: str
    redis_url: str | None  # None: `cityline run` starts a private Redis and sets it
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_webhook_shared_key: str | None  # set when webhooks are signed with a SharedKey instead
    validate_signatures: bool
    public_base_url: str | None
    flow_file: Path | None  # None: the flow shipped with CityLine
    routing_file: Path | None  # None: the routing config shipped with CityLine
    telephony: str  # "local" (this machine, for demos and tests) or "twilio"
    twilio_number: str | None  # the number callbacks and texts come from
    twilio_api_key_sid: str | None  # with the secret: access tokens for agents' browser softphones
    twilio_api_key_secret: str | None
    voice_sdk_url: str | None  # where the console loads Twilio's Voice JavaScript SDK from (the city hosts it)
    office_hours: OfficeHours
    hold_music_url: str
    secret_key: str
    log_level: str
    web_threads: int  # threads per gunicorn worker (gthread): webhooks and pushed pages share them
    push_max_streams: int  # pages one web process streams to at once; the other threads stay for webhooks
    trusted_proxies: int = 0  # proxies in front whose X-Forwarded-* headers are believed
    #: the local adapter's answer to "what kind of line is this number?" (LOCAL_LINE_TYPES); others are mobile
    local_line_types: Mapping[str, str] = field(default_factory=dict)
    interpreter_number: str = ""  # the language line agents add to a call (E.164); empty: no interpreter button
    interpreter_access_code: str = ""  # digits played to the language line once it answers (the city's account)
    intents_file: Path | None = None  # None: flows/library/intents.yaml, the shipped examples
    intents_learned_file: Path = Path("var/intents-learned.tsv")  # phrases `cityline intents train` learned
    intent_confirm_below: float | None = None  # None: the intents file's confirm_below
    collection_warn_days: int = 30  # warn when a published pickup calendar ends within this many days
    retention: RetentionPolicy = RetentionPolicy()  # days each kind of personal data is kept (RETENTION)
    open311_read_limit: str = "300/minute"  # every Open311 request, per client address
    open311_write_limit: str = "30/minute;1000/day"  # creating requests, per API key
    web_report_limit: str = "10/minute;100/day"  # residents' web reports, per address
    messages_dir: Path | None = None  # a city's own message catalogs (<locale>/LC_MESSAGES/cityline.po)
    city_name: str = "City 3-1-1"  # said and written as {city} in messages
    #: Redis Sentinel: (host, port) of each sentinel; empty means REDIS_URL names the server itself
    redis_sentinels: tuple[tuple[str, int], ...] = ()
    redis_sentinel_service: str = "mymaster"  # the name the sentinels monitor the primary under
    redis_sentinel_password: str | None = None  # the sentinels' own password (requirepass in sentinel.conf)
    duplicate_within_metres: float = 50.0  # an open case of the same service this close is "already reported"

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        return _read(_Env(os.environ if environ is None else environ))


class _Env:
    """Typed access to an environment mapping, raising ConfigError that names the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.environ.get(name, "").strip()
        return value or default

    def required(self, name: str, why: str) -> str:
        value = self.text(name)
        if value is None:
            raise ConfigError(f"{name} must be set: {why}")
        return value

    def value(self, name: str, default: str) -> str:
        return self.text(name) or default

    def secret(self, name: str, why: str, development_default: str, production: bool) -> str:
        """Required in production; a well-known default keeps a development checkout running."""
        return self.required(name, why) if production else self.value(name, development_default)

    def optional(self, name: str, parse: Callable[[str], T], expected: str) -> T | None:
        raw = self.text(name)
        return None if raw is None else self.parsed(name, raw, parse, expected)

    def parsed(self, name: str, default: str, parse: Callable[[str], T], expected: str) -> T:
        raw = self.text(name, default) or default
        try:
            return parse(raw)
        except (ValueError, KeyError, ZoneInfoNotFoundError) as error:
            raise ConfigError(f"{name}={raw!r} is not valid: expected {expected} ({error})") from None


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("not a yes/no value")


def _port(raw: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise ValueError("out of range")
    return port


def _environment(raw: str) -> str:
    if raw not in ENVIRONMENTS:
        raise ValueError(f"not one of {', '.join(ENVIRONMENTS)}")
    return raw


def _telephony(raw: str) -> str:
    if raw not in TELEPHONY_KINDS:
        raise ValueError(f"not one of {', '.join(TELEPHONY_KINDS)}")
    return raw


def _base_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path not in ("", "/"):
        raise ValueError("needs a scheme and host and no path")
    return raw.rstrip("/")


def _redis_url(raw: str) -> str:
    if urlparse(raw).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("must start with redis://, rediss:// or unix://")
    return raw


def _sentinel_addresses(raw: str) -> tuple[tuple[str, int], ...]:
    addresses = []
    for item in (part.strip() for part in raw.split(",")):
        host, colon, port = item.rpartition(":")
        if not item or not colon or not host:
            raise ValueError(f"{item!r} is not host:port")
        addresses.append((host.strip("[]"), _port(port)))
    return tuple(addresses)


def _sentinel(env: _Env) -> dict[str, object]:
    """Redis behind Sentinel: every process asks the sentinels where the primary is (ivr/redis_connection.py)."""
    return {
        "redis_sentinels": env.parsed("REDIS_SENTINELS", "", lambda raw: _sentinel_addresses(raw) if raw else (),
                                      "host:port of each sentinel, comma-separated"),
        "redis_sentinel_service": env.value("REDIS_SENTINEL_SERVICE", "mymaster"),
        "redis_sentinel_password": env.text("REDIS_SENTINEL_PASSWORD"),
    }


def _office_hours(env: _Env) -> OfficeHours:
    zone = env.parsed("CITY_TIMEZONE", "America/New_York", ZoneInfo, "an IANA zone like America/Chicago")
    weekly = env.parsed("OFFICE_HOURS", "mon-fri 08:00-17:00", parse_weekly_hours,
                        "days and hours like 'mon-fri 08:00-17:00; sat 09:00-12:00'")
    closed: frozenset[date] = env.parsed("CLOSED_DAYS", "", parse_closed_days,
                                         "dates like '2026-12-25, 2027-01-01'")
    return OfficeHours(zone, weekly, closed)


def _read(env: _Env) -> Settings:
    environment = env.parsed("CITYLINE_ENV", "development", _environment, "development or production")
    production = environment == "production"
    validate = env.parsed("TWILIO_VALIDATE_SIGNATURES", "true", _boolean, "true or false")
    if production and not validate:
        raise ConfigError("TWILIO_VALIDATE_SIGNATURES=false is only allowed in development")
    settings = Settings(
        environment=environment,
        port=env.parsed("PORT", "5000", _port, "a TCP port number"),
        database_url=env.value("DATABASE_URL", f"sqlite:///{Path('var/cityline.sqlite3').resolve()}"),
        redis_url=env.optional("REDIS_URL", _redis_url, "a redis:// URL"),
        twilio_account_sid=env.value("TWILIO_ACCOUNT_SID", "AC" + "0" * 32),
        twilio_auth_token=env.secret("TWILIO_AUTH_TOKEN", "webhooks are validated against it",
                                     DEVELOPMENT_AUTH_TOKEN, production),
        twilio_webhook_shared_key=env.text("TWILIO_WEBHOOK_SHARED_KEY"),
        validate_signatures=validate,
        public_base_url=env.optional("PUBLIC_BASE_URL", _base_url, "a URL like https://311.example.gov"),
        flow_file=env.optional("FLOW_FILE", Path, "a file path"),
        routing_file=env.optional("ROUTING_FILE", Path, "a file path"),
        telephony=env.parsed("TELEPHONY", "twilio" if production else "local", _telephony, "local or twilio"),
        twilio_number=env.text("TWILIO_NUMBER"),
        twilio_api_key_sid=env.text("TWILIO_API_KEY_SID"),
        twilio_api_key_secret=env.text("TWILIO_API_KEY_SECRET"),
        voice_sdk_url=env.text("TWILIO_VOICE_SDK_URL"),
        office_hours=_office_hours(env),
        hold_music_url=env.value("HOLD_MUSIC_URL", DEFAULT_HOLD_MUSIC),
        secret_key=env.secret("SECRET_KEY", "it signs sessions", DEVELOPMENT_SECRET_KEY, production),
        log_level=env.value("LOG_LEVEL", "INFO"),
        **_web_threads(env),
        trusted_proxies=env.parsed("TRUSTED_PROXIES", "0", _proxy_count, "a number of proxies from 0 to 5"),
        local_line_types=env.parsed("LOCAL_LINE_TYPES", "", parse_line_types,
                                    "pairs like '+13125550100=landline, +13125550101=mobile'"),
        **_intents(env),
        collection_warn_days=env.parsed("COLLECTION_WARN_DAYS", "30", _warn_days, "a number of days from 0 to 366"),
        retention=_retention(env),
        open311_read_limit=env.parsed("OPEN311_READ_LIMIT", "300/minute", _rate_limit, "limits like '300/minute'"),
        open311_write_limit=env.parsed("OPEN311_WRITE_LIMIT", "30/minute;1000/day", _rate_limit,
                                       "limits like '30/minute;1000/day'"),
        web_report_limit=env.parsed("WEB_REPORT_LIMIT", "10/minute;100/day", _rate_limit,
                                    "limits like '10/minute;100/day'"),
        messages_dir=env.optional("MESSAGES_DIR", Path, "a folder path"),
        city_name=env.value("CITY_NAME", "City 3-1-1"),
        interpreter_number=env.text("INTERPRETER_NUMBER") or "",
        interpreter_access_code=env.text("INTERPRETER_ACCESS_CODE") or "",
        **_sentinel(env),
        duplicate_within_metres=env.parsed("DUPLICATE_WITHIN_METRES", "50", _metres, "metres from 0 to 5000"),
    )
    if production:
        _refuse_development_secrets(settings)
    return settings


def _refuse_development_secrets(settings: Settings) -> None:
    """A published or guessable secret in production would let anyone forge sessions or webhooks."""
    key = settings.secret_key
    if key.lower() in KNOWN_SECRETS or len(key) < MIN_SECRET_KEY or len(set(key)) < 8:
        raise ConfigError(f"SECRET_KEY must be a random value of at least {MIN_SECRET_KEY} characters in production "
                          "(not a development or published default); make one with "
                          "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`")
    if settings.twilio_auth_token.lower() in KNOWN_SECRETS:
        raise ConfigError("TWILIO_AUTH_TOKEN is the development token; in production set it to the account's "
                          "auth token from the Twilio console")


def _rate_limit(raw: str) -> str:
    """Flask-Limiter's notation, checked now so a typo stops start-up instead of disabling the limit."""
    from limits import parse_many

    parse_many(raw)
    return raw


def _retention(env: _Env) -> RetentionPolicy:
    try:
        return parse_policy(env.value("RETENTION", ""))
    except InvalidRetention as error:
        raise ConfigError(f"RETENTION: {error}") from None


def _warn_days(raw: str) -> int:
    days = int(raw)
    if not 0 <= days <= 366:
        raise ValueError("out of range 0-366")
    return days


def _metres(raw: str) -> float:
    metres = float(raw)
    if not 0 <= metres <= 5000:
        raise ValueError("out of range 0-5000")
    return metres


def _fraction(raw: str) -> float:
    value = float(raw)
    if not 0 <= value <= 1:
        raise ValueError("out of range 0-1")
    return value


def _intents(env: _Env) -> dict[str, Path | float | None]:
    """Where the main menu's classifier finds its examples and learned phrases, and how sure it must be."""
    return {
        "intents_file": env.optional("INTENTS_FILE", Path, "a file path"),
        "intents_learned_file": env.parsed("INTENTS_LEARNED_FILE", "var/intents-learned.tsv", Path, "a file path"),
        "intent_confirm_below": env.optional("INTENT_CONFIRM_BELOW", _fraction, "a number from 0 to 1"),
    }


#: Threads per web process kept for webhooks and page requests however many pages are streaming.
THREADS_KEPT_FOR_REQUESTS = 8


def _threads(raw: str) -> int:
    threads = int(raw)
    if not 1 <= threads <= 1000:
        raise ValueError("out of range 1-1000")
    return threads


def _web_threads(env: _Env) -> dict[str, int]:
    threads = env.parsed("WEB_THREADS", "32", _threads, "a whole number of threads, 1-1000")
    default_streams = str(max(0, threads - THREADS_KEPT_FOR_REQUESTS))
    streams = env.parsed("PUSH_MAX_STREAMS", default_streams, int, "a whole number of pages")
    if not 0 <= streams <= threads - 1:
        raise ConfigError(f"PUSH_MAX_STREAMS={streams} must leave at least one of the WEB_THREADS={threads} "
                          "threads for webhooks")
    return {"web_threads": threads, "push_max_streams": streams}


def _proxy_count(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and int(raw) <= 5):
        raise ValueError(raw)
    return int(raw)
def parse_line_types(raw: str) -> dict[str, str]:
    pairs = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        number, _, kind = item.partition("=")
        if not number.strip().startswith("+") or not kind.strip():
            raise ValueError(f"{item!r} is not +E164=type")
        pairs[number.strip()] = kind.strip()
    return pairs
