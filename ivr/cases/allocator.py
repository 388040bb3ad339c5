"""Handing out reference numbers: one counter per year in Redis, seeded from SQL.

The IVR must tell a caller their reference before the case row exists (rows
are written by workers, never while a caller waits), so numbers come from an
atomic Redis counter.  Redis keeps nothing on disk here, so a missing counter
is re-seeded from the highest reference already in SQL before it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError

from ivr.cases.reference import make_reference

#: Increment only a counter that exists; a missing one must be seeded first.
_INCREMENT_IF_SEEDED = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCR', KEYS[1])
end
return false
"""


class ReferenceUnavailable(RuntimeError):
    """No reference can be handed out right now (Redis unreachable)."""


class ReferenceAllocator:
    def __init__(self, redis: Redis, highest_in_sql: Callable[[int], int], prefix: str = "cityline:") -> None:
        self.redis = redis
        self.highest_in_sql = highest_in_sql  # year -> highest sequence already stored
        self.prefix = prefix
        self._increment = redis.register_script(_INCREMENT_IF_SEEDED)

    def allocate_once(self, purpose: str, year: int, keep_seconds: int = 86_400) -> str:
        """The number for `purpose` (e.g. one call's voice message): the same one however often it is asked.

        A webhook Twilio retries must not hand the caller a second number for the same message.
        """
        key = f"{self.prefix}case-reference-for:{purpose}"
        try:
            existing = self.redis.get(key)
            if existing is not None:
                return existing.decode()
            candidate = self.allocate(year)
            if self.redis.set(key, candidate, nx=True, ex=keep_seconds):
                return candidate
            winner = self.redis.get(key)  # another process answered the same request first
        except RedisError as error:
            raise ReferenceUnavailable(str(error)) from error
        return winner.decode() if winner is not None else candidate

    def allocate(self, year: int) -> str:
        key = f"{self.prefix}case-reference:{year}"
        try:
            sequence = self._increment(keys=[key])
            if sequence is None:
                self.redis.set(key, self.highest_in_sql(year), nx=True)
                sequence = self._increment(keys=[key])
        except RedisError as error:
            raise ReferenceUnavailable(str(error)) from error
        return make_reference(year, int(sequence))
