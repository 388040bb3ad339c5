"""Every Redis client CityLine makes, from one place: a plain URL, or the primary that Sentinel names.

Web processes, workers, RQ, the rate limiter and the push streams all connect
through `connect` (or, for Flask-Limiter, `limiter_storage`), so setting
REDIS_SENTINELS moves all of them to redis-py's Sentinel client at once.

With Sentinel, each connection asks the sentinels for the current primary
when it (re)connects.  During a failover a command fails with ConnectionError:
the old primary is gone, or it answers READONLY because it was demoted, which
redis-py's SentinelManagedConnection turns into a ConnectionError and a fresh
lookup.  redis-py retries such a command a few times with a short backoff;
what still fails in the switch is a RedisError like any brief outage, and the
code's outage paths (SQL fallback, the outbox, the sweep's recovery) take it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from redis import Redis
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

from ivr.settings import Settings

#: Used when REDIS_URL is unset and the process was not started by `cityline run`.
FALLBACK_REDIS_URL = "redis://127.0.0.1:6379/0"
#: How long a sentinel may take to answer "where is the primary?" before the next one is asked.
SENTINEL_TIMEOUT = 1.0
#: Reconnecting to the primary through the sentinels: two quick retries (about 0.1 s in all), then the
#: error goes to the outage paths.  With redis-py's defaults (10 tries, up to 1 s apart, for the sentinels'
#: connections and again around them for the primary's) two webhooks took 68 s when no sentinel answered.
FAILOVER_RETRIES = 2
FAILOVER_BACKOFF_CAP = 0.1


def connect(settings: Settings, **options: Any) -> Redis:
    """A client for the deployment's Redis; `options` are redis-py connection options (socket_timeout, ...)."""
    if not settings.redis_sentinels:
        return Redis.from_url(settings.redis_url or FALLBACK_REDIS_URL, **options)
    return sentinel(settings, **options).master_for(settings.redis_sentinel_service, redis_class=Redis)


def worker_connection(settings: Settings) -> Redis:
    """The RQ worker's client: no read timeout, because RQ waits for jobs with a blocking pop of minutes.

    redis-py 8 gives every client a 5 s socket timeout by default; an idle worker's pop then failed every
    5 s, RQ logged "could not connect to Redis" and backed off for up to a minute, so a job queued meanwhile
    (a call's row, a text) waited that long.  TCP keepalives and a health check find a dead server instead.
    """
    return connect(settings, socket_timeout=None, socket_keepalive=True, health_check_interval=30)


def sentinel(settings: Settings, **options: Any) -> Sentinel:
    """redis-py's Sentinel manager; the primary's database and password come from REDIS_URL (host ignored)."""
    options.setdefault("retry", Retry(ExponentialWithJitterBackoff(cap=FAILOVER_BACKOFF_CAP, base=0.02),
                                      FAILOVER_RETRIES))
    return Sentinel(list(settings.redis_sentinels), sentinel_kwargs=_sentinel_options(settings),
                    **primary_options(settings), **options)


def primary_options(settings: Settings) -> dict[str, Any]:
    """Database number, user and password for the primary, read from REDIS_URL when one is set."""
    if not settings.redis_url:
        return {"db": 0}
    parsed = urlparse(settings.redis_url)
    path = parsed.path.strip("/")
    options: dict[str, Any] = {"db": int(path) if path.isdecimal() and path.isascii() else 0}
    if parsed.username:
        options["username"] = unquote(parsed.username)
    if parsed.password:
        options["password"] = unquote(parsed.password)
    return options


def limiter_storage(settings: Settings, **options: Any) -> tuple[str, dict[str, Any]]:
    """Flask-Limiter's RATELIMIT_STORAGE_URI and _OPTIONS for the same Redis (limits' redis+sentinel scheme)."""
    if not settings.redis_sentinels:
        return settings.redis_url or FALLBACK_REDIS_URL, options
    hosts = ",".join(f"[{host}]:{port}" if ":" in host else f"{host}:{port}" for host, port in settings.redis_sentinels)
    return f"redis+sentinel://{hosts}/{settings.redis_sentinel_service}", {
        **primary_options(settings), **options, "use_replicas": False,  # counters are read where they are written
        "sentinel_kwargs": _sentinel_options(settings)}


def _sentinel_options(settings: Settings) -> dict[str, Any]:
    """The sentinels have their own password (or none), never the primary's."""
    return {"password": settings.redis_sentinel_password, "socket_timeout": SENTINEL_TIMEOUT,
            "socket_connect_timeout": SENTINEL_TIMEOUT,
            "retry": Retry(NoBackoff(), 0)}  # the next sentinel is the retry
