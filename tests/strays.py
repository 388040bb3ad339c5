"""Processes a test left running on this run's Redis database (a web server, a worker, RQ's scheduler child).

A module's servers and workers are stopped when it ends; anything still holding the run's REDIS_URL after
that would act on later tests' data (re-queue a caller after the flush, take their jobs), so it is killed.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def processes_with(variable: str, value: str) -> list[int]:
    """Process ids (never this one) whose environment sets `variable` to exactly `value`."""
    wanted = f"{variable}={value}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if wanted in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def kill_all(pids: list[int]) -> list[str]:
    """SIGKILL each; returns their command lines, for the warning."""
    killed = []
    for pid in pids:
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            os.kill(pid, signal.SIGKILL)
            killed.append(f"{pid}: {command}")
        except OSError:
            continue
    return killed
