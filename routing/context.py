"""What every routing operation works with: the Redis client, the configuration, the key names, the clock.

Built once per process (see routing.router.Router) and passed explicitly, so
tests and benchmarks run the same operations against their own Redis database,
configuration and simulated time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from routing.config import RoutingConfig
from routing.keys import DEFAULT_PREFIX, Keys
from routing.office_hours import OfficeHours
from routing.scripts import Scripts

if TYPE_CHECKING:
    from redis import Redis


@dataclass
class RoutingContext:
    connection: Redis
    config: RoutingConfig
    hours: OfficeHours | None = None  # None: the queues never close
    prefix: str = DEFAULT_PREFIX
    clock: Callable[[], float] = time.time
    keys: Keys = field(init=False)
    scripts: Scripts = field(init=False)

    def __post_init__(self) -> None:
        self.keys = Keys(self.prefix)
        self.scripts = Scripts(self.connection, self.keys)

    def now(self, now: float | None = None) -> float:
        return self.clock() if now is None else now

    @property
    def zone(self) -> tzinfo:
        return self.hours.zone if self.hours is not None else UTC

    def day(self, now: float) -> str:
        """The city-local date calls-handled-today counts belong to."""
        return datetime.fromtimestamp(now, self.zone).date().isoformat()

    def moment(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.zone)
