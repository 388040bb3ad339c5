"""`cityline worker` starts a new RQ worker when one quits on a lost Redis, but never after a stop it was asked for."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from rq import Worker

from ivr import db
from tests.e2e.conftest import ROOT
from tests.redis_server import PrivateRedis


def test_sigterm_stops_the_worker_for_good(tmp_path: Path):
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    database = f"sqlite:///{tmp_path / 'cityline.sqlite3'}"
    db.upgrade(db.make_engine(database))
    log = tmp_path / "worker.log"
    try:
        with log.open("wb") as output:
            worker = subprocess.Popen([sys.executable, "-m", "ivr.cli", "worker"], cwd=ROOT, stdout=output,
                                      stderr=subprocess.STDOUT,
                                      env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database,
                                           "REDIS_URL": redis_server.url, "LOG_LEVEL": "INFO"})
        with Redis.from_url(redis_server.url) as client:
            deadline = time.monotonic() + 30
            while not any(w.get_state() == "idle" for w in Worker.all(connection=client)):  # signals handled
                assert time.monotonic() < deadline and worker.poll() is None, log.read_text()
                time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
        assert "starting a new worker" not in log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        redis_server.stop()
