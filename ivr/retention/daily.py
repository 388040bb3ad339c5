"""The retention purge once a day, run beside each worker; a claim in Redis makes one worker do it.

Several workers on several machines each check every hour; the first to claim
the day (SET NX, kept two days) purges.  A purge that fails is logged and the
claim released, so another worker (or the next hour) tries again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from ivr.retention.policy import RetentionPolicy
from ivr.retention.purge import PurgeReport, purge

logger = logging.getLogger(__name__)
CHECK_EVERY = 3600.0  # seconds
CLAIM_KEY = "cityline:retention:done:"
CLAIM_SECONDS = 2 * 86_400


def run_if_due(redis: Redis, sessions: sessionmaker[Session], policy: RetentionPolicy,
               delete_recording: Callable[[str], None], now: datetime | None = None) -> PurgeReport | None:
    """Purge if no worker has today (UTC); None when another did or Redis cannot say."""
    now = now or datetime.now(UTC)
    claim = CLAIM_KEY + now.date().isoformat()
    try:
        if not redis.set(claim, now.isoformat(), nx=True, ex=CLAIM_SECONDS):
            return None
    except RedisError as error:
        logger.warning("retention: cannot claim today's purge (%s); trying again in an hour", error)
        return None
    try:
        report = purge(sessions, policy, now, delete_recording)
    except Exception:
        logger.exception("retention: the purge failed; another worker or the next hour tries again")
        redis.delete(claim)
        return None
    logger.info("retention: purged %s", "; ".join(report.lines()) or "nothing")
    return report


class DailyRetention:
    def __init__(self, check: Callable[[], object], every: float = CHECK_EVERY) -> None:
        self.check = check
        self.every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> DailyRetention:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while True:
            self.check()
            if self._stopped.wait(self.every):
                return
