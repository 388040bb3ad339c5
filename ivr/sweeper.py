"""The routing sweep, run beside each worker: missed offers, wrap-ups ending, callbacks due, escalation.

Every step of the sweep is an atomic script in Redis, so several workers
sweeping at once is harmless; one sweeping is enough.
"""

from __future__ import annotations

import logging
import threading

from redis import Redis
from redis.exceptions import RedisError

from ivr.settings import Settings
from routing.config import load_config
from routing.exceptions import RoutingError
from routing.jobs import sweep
from routing.router import Router

logger = logging.getLogger(__name__)
SWEEP_EVERY = 2.0  # seconds


class Sweeper:
    def __init__(self, router: Router, every: float = SWEEP_EVERY) -> None:
        self.router = router
        self.every = every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="routing-sweep", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.every * 2)

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                sweep(router=self.router)
            except (RoutingError, RedisError):
                logger.exception("routing sweep failed; trying again in %.0f s", self.every)


def start_sweeper(settings: Settings, connection: Redis) -> Sweeper:
    router = Router(connection, load_config(settings.routing_file), hours=settings.office_hours)
    return Sweeper(router).start()
