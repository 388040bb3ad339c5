"""How fast one worker turns call events into Call rows, and how long a hang-up takes to reach SQL.

    python bench/call_logging.py [--calls 300] [--stream-calls 3000] [--stream-only]
                                 [--database-url URL | --postgres] [--redis-url URL]

Prints, from one run on this machine:
- throughput of one worker process (`cityline worker --burst`, and with `--fork`) in calls and events
  recorded per second, next to the same events recorded in-process without RQ (the queue's overhead);
- throughput through the stream (the webhooks' path): `--stream-calls` calls, their webhooks' entries
  moved into batched jobs by one `cityline worker --burst`.  Its figure is the recording alone, from the
  first batch job's start to the last one's end (RQ's own timestamps); the worker's start-up (imports,
  connections, schema check) and the whole run's wall time are printed next to it.  `--stream-only` skips
  the other runs (the per-event ones take minutes with `--fork`);
- lag from the status callback being enqueued to the committed Call row showing the hang-up,
  with a worker running and calls arriving at a steady rate, as percentiles and as a ratio to one
  Redis round trip measured in the same run.
Absolute times on shared machines are noise; compare the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import FinishedJobRegistry
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr import db  # noqa: E402
from ivr.jobs import call_history, event_stream  # noqa: E402
from ivr.models.call import Call  # noqa: E402
from ivr.private_redis import start_private_redis  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from stack import fresh_schema  # noqa: E402

EVENTS_PER_CALL = 6
LAG_CALLS_FROM = 10_000_000  # CallSids of each phase never overlap


def call_events(number: int, start: datetime) -> list[dict]:
    sid = f"CA{number:032x}"

    def event(kind: str, seconds: int, data: dict, sequence: str) -> dict:
        return {"call_sid": sid, "kind": kind, "sequence": sequence,
                "at": (start + timedelta(seconds=seconds)).isoformat(), "data": data}

    turns = [event("turn", 2 * i + 1, {"language": "en", "visits": [{"node": f"node{i}", "input": "keys 1"}],
                                       "values": {}, "queue": None, "network": {}}, f"t{i}") for i in range(4)]
    return [event("started", 0, {"caller": "+13125550199", "called": "+13125550311"}, "s"), *turns,
            event("status", 10, {"status": "completed", "duration": 10}, "1:completed")]


def fresh_database(url: str | None, workdir: Path) -> str:
    url = url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    return url


def worker_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}


def throughput_with_worker(calls: int, database_url: str, redis_url: str, first: int, fork: bool) -> float:
    redis = Redis.from_url(redis_url)
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    start = datetime.now(UTC)
    for number in range(first, first + calls):
        for item in call_events(number, start):
            queue.enqueue(call_history.record_call_event, item, **call_history.CALL_JOB_OPTIONS)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ivr.cli", "worker", "--burst", *(["--fork"] if fork else [])],
                   cwd=ROOT, check=True, env=worker_env(database_url, redis_url))
    redis.close()
    return time.perf_counter() - began


@dataclass
class StreamRun:
    wall: float  # the worker's whole run, start-up included
    recording: float  # first batch job started to last one ended
    jobs: int


def throughput_through_stream(calls: int, database_url: str, redis_url: str, first: int) -> StreamRun:
    """The webhooks' path since issue 10: each webhook's events one stream entry; `cityline worker --burst`
    moves them into batched jobs (ivr.jobs.event_stream) and records them."""
    redis = Redis.from_url(redis_url)
    finished = FinishedJobRegistry(call_history.CALLS_QUEUE, connection=redis)
    earlier = set(finished.get_job_ids())
    start = datetime.now(UTC)
    pipe = redis.pipeline(transaction=False)
    for number in range(first, first + calls):
        events = call_events(number, start)
        for webhook in (events[:2], *([e] for e in events[2:])):  # incoming carries started + first turn
            event_stream.append(pipe, webhook)
    pipe.execute()
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ivr.cli", "worker", "--burst"], cwd=ROOT, check=True,
                   env=worker_env(database_url, redis_url))
    wall = time.perf_counter() - began
    batch_jobs = [job for job in Job.fetch_many([i for i in finished.get_job_ids() if i not in earlier],
                                                connection=redis) if job is not None]
    redis.close()
    recording = (max(job.ended_at for job in batch_jobs) - min(job.started_at for job in batch_jobs))
    return StreamRun(wall, recording.total_seconds(), len(batch_jobs))


def worker_start_up(database_url: str, redis_url: str) -> float:
    """A `cityline worker --burst` with nothing to do: imports, connections, schema check, RQ's start."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ivr.cli", "worker", "--burst"], cwd=ROOT, check=True,
                   env=worker_env(database_url, redis_url))
    return time.perf_counter() - began


def throughput_in_process(calls: int, database_url: str, first: int) -> float:
    engine = db.make_engine(database_url)
    call_history.bind(db.make_session_factory(engine))
    start = datetime.now(UTC)
    began = time.perf_counter()
    for number in range(first, first + calls):
        for item in call_events(number, start):
            call_history.record_call_event(item)
    elapsed = time.perf_counter() - began
    call_history.bind(None)
    engine.dispose()
    return elapsed


def hang_up_lag(calls: int, database_url: str, redis_url: str, rate: float) -> list[float]:
    """Seconds from enqueueing each call's status callback to its Call row showing it ended."""
    redis = Redis.from_url(redis_url)
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT,
                              env=worker_env(database_url, redis_url))
    engine = db.make_engine(database_url)
    sessions = db.make_session_factory(engine)
    lags = []
    try:
        for number in range(LAG_CALLS_FROM, LAG_CALLS_FROM + calls):
            events = call_events(number, datetime.now(UTC))
            for item in events[:-1]:
                queue.enqueue(call_history.record_call_event, item, **call_history.CALL_JOB_OPTIONS)
            hung_up = time.perf_counter()
            queue.enqueue(call_history.record_call_event, events[-1], **call_history.CALL_JOB_OPTIONS)
            lags.append(_wait_for_end(sessions, events[-1]["call_sid"], hung_up))
            time.sleep(max(0.0, 1 / rate - lags[-1]))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        engine.dispose()
        redis.close()
    return lags


def _wait_for_end(sessions, call_sid: str, since: float, timeout: float = 30.0) -> float:  # type: ignore[no-untyped-def]
    while time.perf_counter() - since < timeout:
        with sessions() as session:
            ended = session.scalar(select(Call.ended_at).where(Call.call_sid == call_sid))
        if ended is not None:
            return time.perf_counter() - since
        time.sleep(0.002)
    raise TimeoutError(f"call {call_sid} was not recorded within {timeout} s")


def redis_round_trip(redis_url: str, samples: int = 2000) -> float:
    redis = Redis.from_url(redis_url)
    began = time.perf_counter()
    for _ in range(samples):
        redis.ping()
    redis.close()
    return (time.perf_counter() - began) / samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--stream-calls", type=int, default=3000, help="calls for the run through the stream")
    parser.add_argument("--stream-only", action="store_true", help="only the run through the stream")
    parser.add_argument("--lag-calls", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="calls per second during the lag test")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="default: a SQLite file for this run")
    where.add_argument("--postgres", action="store_true",
                       help="a fresh schema on the local PostgreSQL, dropped at the end")
    parser.add_argument("--redis-url", help="default: a private Redis started for this run")
    args = parser.parse_args()
    database_url, clean_up = fresh_schema(None) if args.postgres else (args.database_url, lambda: None)
    with tempfile.TemporaryDirectory() as workdir:
        private = None
        redis_url = args.redis_url
        if redis_url is None:
            private, redis_url = start_private_redis(Path(workdir) / "redis")
        try:
            report(args, fresh_database(database_url, Path(workdir)), redis_url)
        finally:
            clean_up()
            if private is not None:
                private.terminate()
                private.wait(timeout=10)


def report(args: argparse.Namespace, database_url: str, redis_url: str) -> None:
    backend = database_url.split(":", 1)[0]
    print(f"database: {backend}")
    if not args.stream_only:
        per_event(args, database_url, redis_url)
    start_up = worker_start_up(database_url, redis_url)
    streamed = throughput_through_stream(args.stream_calls, database_url, redis_url, first=3 * args.calls)
    calls, events = args.stream_calls, args.stream_calls * EVENTS_PER_CALL
    print(f"stream, batched jobs: {calls} calls ({events} events) in {streamed.jobs} jobs: "
          f"{calls / streamed.recording:.1f} calls/s, {events / streamed.recording:.1f} events/s recording "
          f"({streamed.recording:.2f} s from the first job's start to the last one's end); "
          f"the worker's whole run {streamed.wall:.2f} s ({calls / streamed.wall:.1f} calls/s), "
          f"of which start-up about {start_up:.2f} s (a burst with nothing to do)")
    if not args.stream_only:
        hang_up(args, database_url, redis_url)


def per_event(args: argparse.Namespace, database_url: str, redis_url: str) -> None:
    calls, events = args.calls, args.calls * EVENTS_PER_CALL
    in_process = throughput_in_process(calls, database_url, first=0)
    worker = throughput_with_worker(calls, database_url, redis_url, first=calls, fork=False)
    forking = throughput_with_worker(calls, database_url, redis_url, first=2 * calls, fork=True)
    print(f"{calls} calls ({events} events) for each of three runs, one job per event "
          "(worker runs: the whole burst, start-up included)")
    for label, seconds in (("in-process, no RQ", in_process), ("one worker process", worker),
                           ("one worker, --fork", forking)):
        print(f"{label:20s} {calls / seconds:8.1f} calls/s {events / seconds:8.1f} events/s"
              f"   time ratio to in-process {seconds / in_process:5.2f}")


def hang_up(args: argparse.Namespace, database_url: str, redis_url: str) -> None:
    lags = sorted(hang_up_lag(args.lag_calls, database_url, redis_url, args.rate))
    ping = redis_round_trip(redis_url)
    p50, p95 = statistics.median(lags), lags[int(0.95 * (len(lags) - 1))]
    print(f"hang-up to committed row ({args.lag_calls} calls at {args.rate:g}/s, 6 events each, one worker): "
          f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms")
    print(f"as Redis round trips (PING {ping * 1e6:.0f} us): p50 {p50 / ping:.0f}x, p95 {p95 / ping:.0f}x")


if __name__ == "__main__":
    main()
