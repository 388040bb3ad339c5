"""Two real workers writing events of the same calls at once: one row per call, no insert race, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rq import Queue
from rq.job import Job
from sqlalchemy import select

from ivr.jobs import call_history
from ivr.models.call import Call

ROOT = Path(__file__).resolve().parents[2]
CALLS = 30
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def events_of(sid: str) -> list[dict]:
    at = [(T0 + timedelta(seconds=s)).isoformat() for s in (0, 5, 9)]
    return [
        {"call_sid": sid, "kind": "started", "sequence": "s", "at": at[0],
         "data": {"caller": "+13125550199", "caller_withheld": False, "called": "+13125550311"}},
        {"call_sid": sid, "kind": "turn", "sequence": "t", "at": at[1],
         "data": {"language": "en", "visits": [{"node": "greeting", "input": None, "result": "said"}],
                  "values": {}, "queue": None, "network": {}}},
        {"call_sid": sid, "kind": "status", "sequence": "3:completed", "at": at[2],
         "data": {"status": "completed", "duration": 9}},
    ]


def test_two_workers_on_postgresql_store_every_call_once_without_a_retry(postgres, postgres_url, redis, redis_url):
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    sids = [f"CA{n:032x}" for n in range(CALLS)]
    enqueued = [queue.enqueue(call_history.record_call_event, event, **call_history.CALL_JOB_OPTIONS)
                for event in (e for sid in sids for e in events_of(sid))]
    env = {**os.environ, "DATABASE_URL": postgres_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    workers = [subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker", "--burst"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    logs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
    assert all("UniqueViolation" not in log for log in logs), logs
    assert [Job.fetch(job.id, connection=redis).retries_left for job in enqueued] == [5] * len(enqueued)
    with postgres() as session:
        rows = {row.call_sid: row for row in session.scalars(select(Call))}
        assert sorted(rows) == sids
        assert all(row.status == "completed" and row.caller == "+13125550199" and len(row.path) == 1
                   for row in rows.values())
