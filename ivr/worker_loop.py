"""Keep an RQ worker working through a lost Redis: a failover, a restart, a network cut.

RQ's worker quits its loop on any error it does not expect, a Redis connection
error included (seen when Sentinel switched the primary in the middle of a job's
bookkeeping: "found an unhandled exception, quitting").  A process manager would
start it again; this loop does it at once, so a worker on its own (`cityline
run`, a container without restart policy) is back as soon as Redis answers.
Only a stop that was asked for (SIGTERM, Ctrl-C) or the end of a burst ends it.
A job interrupted that way is re-run later; every job is idempotent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError
from rq import Worker

logger = logging.getLogger(__name__)
#: Pause before a new worker is started, so a Redis that is still away is not hammered.
RESTART_PAUSE = 1.0


def work_until_stopped(make_worker: Callable[[], Worker], *, burst: bool, pause: float = RESTART_PAUSE,
                       **work_options: Any) -> None:
    """Run `make_worker()`'s loop, and a new one whenever the last quit without being asked to."""
    while True:
        worker = None
        try:
            worker = make_worker()  # RQ asks Redis for this client's address: it can fail too
            worker.work(burst=burst, **work_options)
        except RedisError as error:
            if burst:
                raise
            logger.warning("worker lost Redis (%s); starting a new worker in %.0f s", error, pause)
        else:
            if burst or (worker is not None and _stop_requested(worker)):
                return
            logger.warning("worker quit without being asked (Redis lost?); starting a new worker in %.0f s", pause)
        time.sleep(pause)


def _stop_requested(worker: Worker) -> bool:
    """RQ records a warm shutdown (SIGTERM, SIGINT) on the worker, with no public accessor: the date it was
    asked (an idle worker), or a flag (a busy one, which stops after its job)."""
    return getattr(worker, "_shutdown_requested_date", None) is not None or bool(
        getattr(worker, "_stop_requested", False))
