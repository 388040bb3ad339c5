"""The whole CityLine stack on loopback, as bench/capacity.py and bench/storm.py run it.

A fresh PostgreSQL schema (or a given DATABASE_URL), a private Redis, gunicorn
as the Procfile starts it and `cityline worker` processes; the harness can kill
and restart a worker, and list gunicorn's worker processes, to inject faults.
Afterwards `reconcile` checks that every call placed has exactly one row.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from webhook_load import ROOT, WebProcess

from ivr import db
from ivr.models.call import Call

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def fresh_schema(url: str | None) -> tuple[str, Callable[[], None]]:
    """The database to run against and how to clean up after: a new PostgreSQL schema by default."""
    if url:
        return url, lambda: None
    schema = f"cityline_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_SERVER)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}", drop


def in_fresh_schema(database_url: str | None, run: Callable[[Path, str], int], name: str,
                    logs: str | None = None) -> int:
    """`run(workdir, database_url)` against a fresh schema (dropped after) in a temporary folder, or in `logs`
    (kept, for reading what the processes said)."""
    url, clean_up = fresh_schema(database_url)
    try:
        if logs:
            Path(logs).mkdir(parents=True, exist_ok=True)
            return run(Path(logs), url)
        with tempfile.TemporaryDirectory(prefix=f"cityline-{name}-") as folder:
            return run(Path(folder), url)
    finally:
        clean_up()


@dataclass(frozen=True)
class Reconciled:
    """Calls placed against Call rows."""

    rows: int
    missing: int  # placed, no row
    duplicated: int  # placed, more than one row
    unknown: int  # a row for a call nobody placed
    open_rows: int  # rows not ended
    missing_calls: frozenset[str] = frozenset()
    open_calls: frozenset[str] = frozenset()

    @property
    def wrong(self) -> int:
        return self.missing + self.duplicated + self.unknown


def reconcile(database_url: str, placed: list[str]) -> Reconciled:
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(Call.call_sid, Call.status)).all()
    engine.dispose()
    counts = Counter(sid for sid, _ in rows)
    wanted = set(placed)
    missing, open_calls = frozenset(wanted - set(counts)), frozenset(sid for sid, status in rows if status is None)
    return Reconciled(len(rows), len(missing), sum(1 for sid in wanted if counts.get(sid, 0) > 1),
                      sum(1 for sid in counts if sid not in wanted), len(open_calls), missing, open_calls)


@dataclass
class Workers:
    """`cityline worker` processes, each in a session of its own so a kill reaches only it."""

    env: dict[str, str]
    log: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, count: int = 1) -> None:
        with self.log.open("ab") as output:
            for _ in range(count):
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                    env={**os.environ, **self.env}, start_new_session=True))

    def kill_one(self) -> int:
        """SIGKILL the oldest worker (mid-job, as an OOM kill would) and start a new one; returns the pid."""
        victim = self.processes.pop(0)
        victim.kill()
        victim.wait(timeout=10)
        self.start()
        return victim.pid

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def wait_for_workers(redis_url: str, count: int, timeout: float = 60) -> None:
    from redis import Redis
    from rq import Worker

    connection, deadline = Redis.from_url(redis_url), time.monotonic() + timeout
    while len(Worker.all(connection=connection)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count} workers did not start within {timeout} s")
        time.sleep(0.2)
    connection.close()


def gunicorn_workers(web: WebProcess) -> list[int]:
    """Pids of the gunicorn master's worker processes (its children)."""
    children = Path(f"/proc/{web.process.pid}/task/{web.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]
