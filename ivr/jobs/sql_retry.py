"""Run a job again, at once, when its database connection was dropped under it.

A managed PostgreSQL's failover or a restart kills every open connection.
Connections idle in the pool are checked before use (pool_pre_ping in
ivr/db.py); one dropped while a job was using it surfaces as a DBAPIError that
SQLAlchemy marks `connection_invalidated`.  Such a job is run once more on a
fresh connection instead of failing and waiting seconds for RQ's retry.  This
is safe because every job is idempotent: an event is stored once per (CallSid,
kind, sequence), so a commit that did reach the server before the drop makes
the second run a no-op.  Other errors, and a second drop, go on to RQ's retries.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
ATTEMPTS = 2


def retry_on_disconnect(job: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(job)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return job(*args, **kwargs)
            except DBAPIError as error:
                if not error.connection_invalidated or attempt == ATTEMPTS:
                    raise
                logger.warning("%s: database connection dropped (%s); running it again on a new connection",
                               job.__name__, error.orig)
        raise AssertionError("unreachable")

    return run
