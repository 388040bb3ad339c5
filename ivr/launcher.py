"""`cityline run`: web and worker together on one machine, for trying CityLine out.

Production runs the Procfile's processes separately; this command does what a
platform would (release step, then web and worker) and, when REDIS_URL is
unset, starts a private Redis first.  Ctrl-C stops everything it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from ivr import db, running_app
from ivr.models.collection import CollectionStreet
from ivr.private_redis import start_private_redis
from ivr.settings import Settings

VAR_DIR = Path("var")


def run(host: str, web_workers: int, out=print) -> int:  # type: ignore[no-untyped-def]
    env = dict(os.environ)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if not env.get("REDIS_URL") and not env.get("REDIS_SENTINELS"):
            redis_process, env["REDIS_URL"] = start_private_redis(VAR_DIR / "redis")
            processes.append(redis_process)
            out(f"started a private Redis at {env['REDIS_URL']} (set REDIS_URL to use your own)")
        settings = Settings.from_env(env)
        _prepare_database(settings, env, out)
        processes.append(_start([sys.executable, "-m", "ivr.cli", "worker"], env))
        processes.append(_start(gunicorn_command(host, settings.port, web_workers, settings.web_threads), env))
        out(f"CityLine 311 is answering on http://{host}:{settings.port}/voice/incoming")
        out(f"try a call in another terminal:  cityline call --url http://127.0.0.1:{settings.port}")
        running_app.announce(running_app.RunningApp(f"http://127.0.0.1:{settings.port}", env["REDIS_URL"]
                                                    if env.get("REDIS_URL") else ""))
        return _supervise(processes)
    finally:
        running_app.forget()
        _stop(processes)


def _prepare_database(settings: Settings, env: dict[str, str], out) -> None:  # type: ignore[no-untyped-def]
    """The release step, and on a first development run the sample city, so every menu has data."""
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    with db.make_session_factory(engine)() as session:
        empty = session.scalar(select(func.count(CollectionStreet.id))) == 0
    engine.dispose()
    out(f"database ready: {settings.database_url}")
    if empty and not settings.production:
        out("no streets loaded yet: loading the sample city (cityline import sample) for the demo")
        subprocess.run([sys.executable, "-m", "ivr.cli", "import", "sample"], env=env, check=True,
                       stdout=subprocess.DEVNULL)


#: gunicorn's access log line without the query string (%(U)s is the path alone): an Open311 api_key a client
#: put in the URL, or any other secret in a query, never reaches the log.  Same format in the Procfile.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """The Procfile's web line: gthread workers, so pushed pages and webhooks share a pool of threads."""
    return [sys.executable, "-m", "gunicorn", "ivr.wsgi:app", "--bind", f"{host}:{port}",
            "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--graceful-timeout", "5"]


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env)


def _supervise(processes: list[subprocess.Popen[bytes]]) -> int:
    """Wait until Ctrl-C, SIGTERM or any child exits; return that child's code."""
    stop = {"asked": False}

    def ask_to_stop(signum, frame) -> None:  # type: ignore[no-untyped-def]
        stop["asked"] = True

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    while not stop["asked"]:
        for process in processes:
            if process.poll() is not None:
                print(f"process {process.args[2:4]} exited with {process.returncode}", file=sys.stderr)
                return process.returncode or 1
        time.sleep(0.2)
    return 0


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Web first, then the worker (which finishes its job and moves what webhooks left), Redis last: a worker
    whose Redis vanished under it while stopping used to be killed after 10 s, mid-way."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
