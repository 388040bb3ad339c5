"""Every Redis key routing uses, under one prefix.

The Lua scripts in `routing.lua` build the per-agent pool and staffing keys
and the per-call keys themselves, with the same names as here (`key(...)` in
the Lua prelude joins the prefix and the parts with ':').  Everything lives on
one Redis; on Redis Cluster use a hash-tagged prefix such as '{cityline}:' so
all keys share a slot.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "cityline:"


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    # agents
    def agent(self, agent_id: str) -> str:
        return self._key("agent", agent_id)

    @property
    def agents(self) -> str:
        return self._key("agents")

    def pool(self, language: str, skill: str | None = None) -> str:
        """Free, un-offered agents speaking `language` (with `skill`), scored by when they became free."""
        return self._key("pool", language) if skill is None else self._key("pool", language, skill)

    def staffed(self, language: str, skill: str) -> str:
        return self._key("staffed", language, skill)

    @property
    def wrap_ups(self) -> str:
        return self._key("wrapups")

    # queues and calls
    def queue(self, skill: str, language: str) -> str:
        return self._key("queue", skill, language)

    def call(self, sid: str) -> str:
        return self._key("call", sid)

    @property
    def holding(self) -> str:
        """Callers on hold (not callbacks) by the time they entered: the max-wait sweep reads it."""
        return self._key("holding")

    @property
    def callbacks_due(self) -> str:
        return self._key("callbacks", "due")

    def round_robin(self, skill: str, language: str) -> str:
        return self._key("rr", skill, language)

    # reservations
    def reservation(self, reservation_id: str) -> str:
        return self._key("reservation", reservation_id)

    @property
    def reservations(self) -> str:
        """Pending reservations by expiry time."""
        return self._key("reservations")

    @property
    def sequence(self) -> str:
        return self._key("seq")

    # records and statistics
    @property
    def waits(self) -> str:
        return self._key("waits")

    @property
    def handles(self) -> str:
        """One record per handled call (answered, wrap-up ended), written by the state script, copied to SQL."""
        return self._key("handles")

    def handle_times(self, skill: str, language: str) -> str:
        return self._key("stats", skill, language, "handle")

    def outcomes(self, skill: str, language: str) -> str:
        return self._key("stats", skill, language, "outcomes")

    def dial_claim(self, sid: str, attempt: int) -> str:
        """Taken by the job placing a callback's attempt, so a retried job never dials twice."""
        return self._key("dial", sid, str(attempt))
