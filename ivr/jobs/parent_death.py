"""A worker's children die with it: RQ's scheduler process, and a `--fork` worker's job processes.

RQ forks its scheduler from the worker and stops it when the worker stops
cleanly.  A worker killed outright (SIGKILL, the OOM killer, a container's
hard stop) cannot, and the scheduler lived on, orphaned, still moving jobs on
that Redis.  Linux lets a process ask for a signal when its parent dies
(prctl PR_SET_PDEATHSIG); every child this process forks asks for SIGTERM, on
which RQ's scheduler releases its locks and stops within its interval.
Elsewhere (macOS) this is a no-op.

The signal follows the *thread* that forked: RQ forks from the worker's main
thread, which lives as long as the worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_forking_pid = {"pid": 0}


def children_die_with_this_process(sig: signal.Signals = signal.SIGTERM) -> bool:
    """From now on, every child forked from Python asks for `sig` when this process dies; False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    def remember_parent() -> None:
        _forking_pid["pid"] = os.getpid()

    def ask_for_signal() -> None:
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != _forking_pid["pid"]:  # the parent died between the fork and the prctl
            os.kill(os.getpid(), sig)

    os.register_at_fork(before=remember_parent, after_in_child=ask_for_signal)
    return True
