"""Failed logins are limited per account and per address, with counters in Redis shared by every web process."""

from __future__ import annotations

import pytest

from ivr.app import create_app
from tests.agents.login import PASSWORD, create_account, csrf_token_of


def attempt(client, login: str, password: str, address: str = "192.0.2.10"):  # type: ignore[no-untyped-def]
    token = csrf_token_of(client)
    return client.post("/agents/login", data={"login": login, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def two_apps(env):  # type: ignore[no-untyped-def]
    """Two web processes' apps on the same Redis and database."""
    config = {**env, "LOG_LEVEL": "ERROR"}
    apps = [create_app(config), create_app(config)]
    for app in apps:
        app.config.update(LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", LOGIN_LIMIT_PER_ADDRESS="5 per 15 minutes")
    yield apps
    for app in apps:
        app.extensions["cityline"].sql.dispose()


def test_an_account_is_locked_after_failures_spread_over_two_processes(two_apps):
    first, second = two_apps
    create_account(first, "alice")
    for app in (first, second, first):
        assert attempt(app.test_client(), "alice", "not the password").status_code == 401
    locked = attempt(second.test_client(), "alice", PASSWORD, address="198.51.100.7")
    assert locked.status_code == 429 and "Too many failed attempts" in locked.get_data(as_text=True)


def test_an_address_is_stopped_after_failures_on_many_accounts(two_apps):
    first, second = two_apps
    create_account(first, "zoe")
    for number in range(5):
        app = two_apps[number % 2]
        assert attempt(app.test_client(), f"guess{number}", "not the password").status_code == 401
    assert attempt(second.test_client(), "zoe", PASSWORD).status_code == 429
    assert attempt(second.test_client(), "zoe", PASSWORD, address="198.51.100.8").status_code == 303


def test_successful_logins_are_never_limited(two_apps):
    first, _ = two_apps
    create_account(first, "alice")
    for _ in range(6):
        assert attempt(first.test_client(), "alice", PASSWORD).status_code == 303


def test_the_counters_live_in_redis(two_apps, redis):
    first, _ = two_apps
    attempt(first.test_client(), "alice", "not the password")
    assert any(b"login-account" in key for key in redis.keys("*"))
