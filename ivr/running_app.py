"""Where the app `cityline run` started is listening: written at start, read by `cityline call`.

`cityline run` prints its URL, but another terminal's `cityline call` used to guess
http://127.0.0.1:5000 whatever PORT the app was started with, and could not reach the private
Redis the app started (needed to answer a placed callback).  The launcher writes both to
var/running.json while it runs and removes the file when it stops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

RUNNING_FILE = Path("var") / "running.json"


@dataclass(frozen=True)
class RunningApp:
    url: str  # http://127.0.0.1:PORT, where the web process listens
    redis_url: str  # the Redis it uses (maybe the private one it started)


def announce(app: RunningApp, path: Path = RUNNING_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": app.url, "redis_url": app.redis_url}), encoding="utf-8")


def forget(path: Path = RUNNING_FILE) -> None:
    path.unlink(missing_ok=True)


def running(path: Path = RUNNING_FILE) -> RunningApp | None:
    """The app `cityline run` announced in this directory, or None (not running, or an unreadable file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    return RunningApp(data["url"], str(data.get("redis_url") or ""))


def call_url(explicit: str | None, environ: dict[str, str], path: Path = RUNNING_FILE) -> str:
    """Where `cityline call` calls: --url, else PORT when set, else what `cityline run` announced, else :5000."""
    if explicit:
        return explicit
    if environ.get("PORT"):
        return f"http://127.0.0.1:{environ['PORT']}"
    announced = running(path)
    return announced.url if announced is not None else "http://127.0.0.1:5000"
