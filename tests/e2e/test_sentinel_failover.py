"""Redis behind Sentinel loses its primary while calls come in: callers keep being answered, nothing is lost.

A primary, a replica and three sentinels run on loopback; gunicorn (two workers) and a real
`cityline worker` reach Redis only through the sentinels (REDIS_URL points nowhere).  Callers ring
without pause while an operator switches the primary (SENTINEL FAILOVER) and then the new primary
is killed.  Every call must end with exactly one Call row, and every webhook must be answered with
TwiML (no 5xx, no apology).  The whole test is bounded: it fails rather than run past BUDGET_SECONDS.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from limits import RateLimitItemPerMinute
from redis import Redis
from redis.sentinel import SentinelConnectionPool
from sqlalchemy import func, select

from agents.push import events_http
from ivr import db
from ivr.app import create_app
from ivr.limits import limiter
from ivr.local_caller import CallTranscript
from ivr.models.call import Call
from tests.e2e.conftest import ROOT, LiveServer, start_server, stop_server
from tests.sentinel_servers import SERVICE, SentinelSet

pytestmark = pytest.mark.e2e

BUDGET_SECONDS = 60
#: Whole calls of two shapes: self-service (office hours, goodbye) and a caller who waits in a queue and hangs up.
#: Keys only: the first spoken answer trains the intent classifier in each web process (4-14 s on a loaded
#: machine), which would be measured here as a slow webhook having nothing to do with Redis.
SCRIPTS = ("press 1\npress 4\npress 2\n", "press 1\npress 2\npress 1\nwait\nhangup\n")


@pytest.fixture(scope="module")
def sentinels(tmp_path_factory) -> Iterator[SentinelSet]:  # type: ignore[no-untyped-def]
    cluster = SentinelSet(tmp_path_factory.mktemp("sentinel"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def sentinel_server(server_env, sentinels, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """Web and a long-running worker that know only the sentinels; a plain REDIS_URL would fail loudly."""
    env = {**server_env, "REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_SENTINELS": sentinels.sentinels,
           "REDIS_SENTINEL_SERVICE": SERVICE,
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'cityline.sqlite3'}"}
    live = start_server(env, tmp_path_factory.mktemp("log") / "web.log")
    worker_log = (tmp_path_factory.mktemp("worker-log") / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], env=live.env, cwd=ROOT,
                              stdout=worker_log, stderr=subprocess.STDOUT)
    yield live
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    worker_log.close()
    stop_server(live)


def test_every_client_the_app_makes_goes_through_the_sentinels(sentinels, env):
    """Routing, jobs, rate limits and pushed pages alike: nothing falls back to REDIS_URL's host."""
    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_SENTINELS": sentinels.sentinels})
    services = app.extensions["cityline"]
    for client in (services.redis, app.extensions[events_http.EXTENSION].redis):
        assert isinstance(client.connection_pool, SentinelConnectionPool)
        client.set("cityline:probe", "seen")
    with app.app_context():
        assert limiter.limiter.hit(RateLimitItemPerMinute(5), "sentinel-probe")
    with Redis(port=sentinels.primary_port()) as primary:
        assert primary.get("cityline:probe") == b"seen"
        assert any(b"sentinel-probe" in key for key in primary.keys("*"))
        primary.flushdb()
    services.sql.dispose()
    services.redis.close()


@dataclass
class Callers:
    """Callers ringing back to back from two lines until told to stop."""

    server: LiveServer
    done: list[CallTranscript] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._ring, args=(line,), daemon=True) for line in range(2)]
        for thread in threads:
            thread.start()
        return threads

    def _ring(self, line: int) -> None:
        count = 0
        while not self.stop.is_set():
            transcript = self.server.call(SCRIPTS[(count + line) % len(SCRIPTS)],
                                          from_number=f"+1312555{line:02d}{count % 100:02d}", max_hold_loops=1)
            count += 1
            with self.lock:
                self.done.append(transcript)

    def wait_for(self, more: int, deadline: float) -> None:
        target = len(self.done) + more
        while len(self.done) < target:
            assert time.monotonic() < deadline, f"only {len(self.done)} calls finished within the budget"
            time.sleep(0.05)


def test_callers_are_answered_and_every_call_is_recorded_once_across_two_failovers(sentinel_server, sentinels):
    started = time.monotonic()
    deadline = started + BUDGET_SECONDS - 10  # leaves time to reconcile
    callers = Callers(sentinel_server)
    threads = callers.start()
    callers.wait_for(6, deadline)

    switched_at = time.monotonic()
    first = sentinels.failover()  # an operator's switch: the old primary is demoted (READONLY) under the clients
    switch_seconds = time.monotonic() - switched_at
    callers.wait_for(6, deadline)

    killed_at = time.monotonic()
    second = sentinels.kill_primary()  # the primary dies; the sentinels promote the replica
    kill_seconds = time.monotonic() - killed_at
    callers.wait_for(6, deadline)
    callers.stop.set()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()))
    assert first != second

    placed = list(callers.done)
    problems = [(t.call_sid, t.errors, [(r.url, r.status) for r in t.requests if r.status not in (200, 204)])
                for t in placed if t.errors or any(r.status not in (200, 204) for r in t.requests)]
    assert problems == []
    apologies = [t.call_sid for t in placed if any(line.startswith("Sorry, something went wrong") for line in t.heard)]
    assert apologies == []
    assert all(t.heard[-1].startswith(("Thank you for calling", "You are next in line", "Please hold"))
               or t.status == "completed" for t in placed)

    assert sum(1 for t in placed if t.requests_to("/voice/hold")) >= len(placed) // 3  # callers were in queues too
    sids = {t.call_sid for t in placed}
    assert len(sids) == len(placed)
    engine = db.make_engine(sentinel_server.env["DATABASE_URL"])
    sessions = db.make_session_factory(engine)
    ended: dict[str, int] = {}
    while time.monotonic() < started + BUDGET_SECONDS:  # the worker catches up on what was queued
        with sessions() as session:
            rows = session.execute(select(Call.call_sid, func.count()).where(Call.call_sid.in_(sids),
                                                                             Call.ended_at.is_not(None))
                                   .group_by(Call.call_sid)).all()
        ended = dict(rows)
        if len(ended) == len(sids):
            break
        time.sleep(0.25)
    with sessions() as session:
        rows_per_call = dict(session.execute(select(Call.call_sid, func.count()).group_by(Call.call_sid)).all())
    engine.dispose()
    assert sorted(sids - set(ended)) == []  # none lost: every call has its row, ended
    assert {sid: n for sid, n in rows_per_call.items() if n != 1} == {}  # none doubled
    assert set(rows_per_call) == sids  # and no row for a call nobody made
    elapsed = time.monotonic() - started
    print(f"\n{len(placed)} calls; failover {switch_seconds:.1f} s, kill to new primary {kill_seconds:.1f} s; "
          f"test {elapsed:.1f} s")
    assert elapsed < BUDGET_SECONDS
