"""REDIS_SENTINELS and friends: read and checked at start-up, turned into the right clients."""

from __future__ import annotations

import pytest
from redis.sentinel import SentinelConnectionPool

from ivr import redis_connection
from ivr.settings import ConfigError, Settings


def test_without_sentinels_the_url_names_the_server():
    settings = Settings.from_env({"REDIS_URL": "redis://127.0.0.1:6390/4"})
    assert settings.redis_sentinels == ()
    client = redis_connection.connect(settings)
    assert (client.connection_pool.connection_kwargs["port"], client.connection_pool.connection_kwargs["db"]) == (
        6390, 4)
    assert redis_connection.limiter_storage(settings) == ("redis://127.0.0.1:6390/4", {})


def test_sentinels_name_the_primary_and_the_url_gives_only_its_database_and_password():
    settings = Settings.from_env({"REDIS_SENTINELS": "10.0.0.1:26379, 10.0.0.2:26379,[fd00::3]:26380",
                                  "REDIS_SENTINEL_SERVICE": "cityline", "REDIS_SENTINEL_PASSWORD": "s3ntinel",
                                  "REDIS_URL": "redis://:pri%2Fmary@ignored:1/3"})
    assert settings.redis_sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26379), ("fd00::3", 26380))
    client = redis_connection.connect(settings, socket_timeout=2)  # nothing is contacted yet
    pool = client.connection_pool
    assert isinstance(pool, SentinelConnectionPool) and pool.service_name == "cityline"
    assert (pool.connection_kwargs["db"], pool.connection_kwargs["password"]) == (3, "pri/mary")
    assert pool.sentinel_manager.sentinels[0].connection_pool.connection_kwargs["password"] == "s3ntinel"
    uri, options = redis_connection.limiter_storage(settings, socket_timeout=2)
    assert uri == "redis+sentinel://10.0.0.1:26379,10.0.0.2:26379,[fd00::3]:26380/cityline"
    assert options["db"] == 3 and options["password"] == "pri/mary" and options["socket_timeout"] == 2
    assert options["sentinel_kwargs"]["password"] == "s3ntinel"


@pytest.mark.parametrize("value", ["sentinel-1", "host:port", "a:26379,,b:26379", "a:0", ":26379"])
def test_a_malformed_sentinel_list_stops_start_up_naming_the_variable(value):
    with pytest.raises(ConfigError, match="REDIS_SENTINELS"):
        Settings.from_env({"REDIS_SENTINELS": value})


def test_with_no_sentinel_answering_callers_are_still_answered_at_once(env):
    """Sentinels all down (or no primary named mid-failover): the outage paths answer, without dead air."""
    import time

    from ivr.app import create_app
    from tests.conftest import TwilioClient
    from tests.voice_responses import heard, twiml

    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0",
                      "REDIS_SENTINELS": "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3"})
    twilio = TwilioClient(app.test_client())
    started = time.monotonic()
    greeting = twiml(twilio.post("/voice/incoming", {"CallStatus": "ringing"}))
    ended = twilio.post("/voice/status", {"CallStatus": "completed", "CallDuration": "9"})
    seconds = time.monotonic() - started
    assert "If this is an emergency, hang up and dial 9-1-1." in " ".join(heard(greeting))
    assert ended.status_code in (200, 204)
    assert seconds < 2, f"{seconds:.1f} s with the sentinels away"
    app.extensions["cityline"].sql.dispose()


def test_with_redis_unreachable_callers_are_still_answered_at_once(env):
    """A plain REDIS_URL whose server refuses connections: the outage paths answer at once, no retry loop."""
    import time

    from ivr.app import create_app
    from tests.conftest import TwilioClient
    from tests.voice_responses import heard, twiml

    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
    twilio = TwilioClient(app.test_client())
    started = time.monotonic()
    greeting = twiml(twilio.post("/voice/incoming", {"CallStatus": "ringing"}))
    menu = twiml(twilio.post("/voice/step?node=main_menu&lang=en", {"Digits": "4"}))
    ended = twilio.post("/voice/status", {"CallStatus": "completed", "CallDuration": "9"})
    seconds = time.monotonic() - started
    assert "If this is an emergency, hang up and dial 9-1-1." in " ".join(heard(greeting))
    assert heard(menu) and ended.status_code in (200, 204)
    assert seconds < 1.5, f"{seconds:.1f} s with Redis away"
    app.extensions["cityline"].sql.dispose()
