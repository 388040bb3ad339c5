"""The Lua scripts of `routing.lua`, registered on one Redis client and called with their keys.

Each method is one atomic step and returns the script's answer as text
('ok', or the word naming why it refused); mapping refusals to named errors is
left to the operations, which know what the caller was trying to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from routing import lua
from routing.keys import Keys

if TYPE_CHECKING:
    from redis import Redis


def text(value: Any) -> str:
    """A Redis reply as str, whether the client decodes responses or not."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)


class Scripts:
    def __init__(self, connection: Redis, keys: Keys) -> None:
        self.keys = keys
        self._register_agent = connection.register_script(lua.REGISTER_AGENT)
        self._set_agent_state = connection.register_script(lua.SET_AGENT_STATE)
        self._enqueue = connection.register_script(lua.ENQUEUE)
        self._reserve = connection.register_script(lua.RESERVE)
        self._accept = connection.register_script(lua.ACCEPT)
        self._decline = connection.register_script(lua.DECLINE)
        self._leave = connection.register_script(lua.LEAVE)
        self._complete = connection.register_script(lua.COMPLETE)
        self._convert = connection.register_script(lua.CONVERT_TO_CALLBACK)
        self._connected = connection.register_script(lua.CALLBACK_CONNECTED)
        self._unanswered = connection.register_script(lua.CALLBACK_UNANSWERED)
        self._due = connection.register_script(lua.CALLBACK_DUE)
        self._first_eligible = connection.register_script(lua.FIRST_ELIGIBLE)
        self._band_heads = connection.register_script(lua.BAND_HEADS)
        self._release_agent = connection.register_script(lua.RELEASE_AGENT)
        self._restore_on_call = connection.register_script(lua.RESTORE_ON_CALL)
        self._transfer_offer = connection.register_script(lua.TRANSFER_OFFER)
        self._leave_call = connection.register_script(lua.LEAVE_CALL)

    def _args(self, *args: Any) -> list[Any]:
        return [self.keys.prefix, *args]

    def register_agent(self, agent_id: str, name: str, skills: str, languages: str, now: float) -> str:
        keys = [self.keys.agent(agent_id), self.keys.agents]
        return text(self._register_agent(keys, self._args(agent_id, name, skills, languages, now)))

    def set_agent_state(self, agent_id: str, state: str, now: float, allowed: Sequence[str], window: int) -> str:
        keys = [self.keys.agent(agent_id), self.keys.wrap_ups]
        return text(self._set_agent_state(keys, self._args(agent_id, state, now, ",".join(allowed), window)))

    def enqueue(self, entry: dict[str, Any], max_size: int, due: float | None) -> tuple[str, str]:
        """Add an entry (fields as in calls.WaitingCall); answers ('ok', position), ('full', ''), ..."""
        keys = [self.keys.call(entry["sid"]), self.keys.queue(entry["skill"], entry["language"]),
                self.keys.holding, self.keys.callbacks_due]
        args = self._args(entry["sid"], entry["kind"], entry["skill"], entry["language"], entry["priority"],
                          entry["entered"], entry["score"], max_size, entry["number"],
                          "" if due is None else due, entry["position"], entry["estimate"])
        reply = self._enqueue(keys, args)
        return text(reply[0]), text(reply[1]) if len(reply) > 1 else ""

    def reserve(self, sid: str, skill: str, language: str, agent_id: str, reservation_id: str,
                now: float, expires: float, round_robin: bool) -> str:
        keys = [self.keys.call(sid), self.keys.agent(agent_id), self.keys.queue(skill, language),
                self.keys.reservation(reservation_id), self.keys.reservations,
                self.keys.round_robin(skill, language)]
        args = self._args(sid, agent_id, reservation_id, now, expires, int(round_robin))
        return text(self._reserve(keys, args))

    def accept(self, reservation_id: str, now: float, cap: int, window: int) -> str:
        keys = [self.keys.reservation(reservation_id)]
        return text(self._accept(keys, self._args(reservation_id, now, cap, window)))

    def decline(self, reservation_id: str, now: float, outcome: str, next_state: str, only_expired: bool,
                ttl: int) -> str:
        keys = [self.keys.reservation(reservation_id)]
        args = self._args(reservation_id, now, outcome, next_state, int(only_expired), ttl)
        return text(self._decline(keys, args))

    def leave(self, sid: str, now: float, outcome: str, cap: int, window: int, ttl: int) -> tuple[str, str]:
        """A waiting entry leaves without an answer; answers (result, agent freed from an offer or '')."""
        reply = self._leave([self.keys.call(sid)], self._args(sid, now, outcome, cap, window, ttl))
        return text(reply[0]), text(reply[1])

    def complete(self, sid: str, now: float, day: str, wrap_up_ends: float, ttl: int) -> tuple[str, str]:
        keys = [self.keys.call(sid), self.keys.wrap_ups]
        reply = self._complete(keys, self._args(sid, now, day, wrap_up_ends, ttl))
        return text(reply[0]), text(reply[1])

    def convert_to_callback(self, sid: str, number: str) -> str:
        return text(self._convert([self.keys.call(sid), self.keys.holding], self._args(sid, number)))

    def callback_connected(self, sid: str, now: float, cap: int, window: int) -> str:
        return text(self._connected([self.keys.call(sid)], self._args(sid, now, cap, window)))

    def callback_unanswered(self, sid: str, now: float, max_attempts: int, retry_at: float, cap: int,
                            window: int, ttl: int) -> tuple[str, str]:
        keys = [self.keys.call(sid), self.keys.callbacks_due]
        reply = self._unanswered(keys, self._args(sid, now, max_attempts, retry_at, cap, window, ttl))
        return text(reply[0]), text(reply[1])

    def callback_due(self, sid: str) -> str:
        return text(self._due([self.keys.call(sid), self.keys.callbacks_due], self._args(sid)))

    def first_eligible(self, queues: Sequence[str], cutoffs: Sequence[float]) -> list[tuple[int, str, float]]:
        """Per queue, the first entry (in serving order) that entered no later than its cutoff."""
        if not queues:
            return []
        reply = self._first_eligible(list(queues), self._args(*(f"{cutoff:.6f}" for cutoff in cutoffs)))
        return [(int(reply[i]) - 1, text(reply[i + 1]), float(reply[i + 2])) for i in range(0, len(reply), 3)]

    def band_heads(self, queues: Sequence[str]) -> list[tuple[str, float]]:
        """The first entry of each priority band in use in these queues, best served first."""
        reply = self._band_heads(list(queues), self._args())
        heads = [(text(reply[i]), float(reply[i + 1])) for i in range(0, len(reply), 2)]
        return sorted(heads, key=lambda head: (head[1], head[0]))

    def release_agent(self, agent_id: str, now: float, reason: str, ttl: int) -> tuple[str, str]:
        """Free an agent left on_call; answers (result, the call it was on)."""
        reply = self._release_agent([self.keys.agent(agent_id)], self._args(agent_id, now, reason, ttl))
        return text(reply[0]), text(reply[1])

    def restore_on_call(self, profile: dict[str, str], call: dict[str, str], now: float) -> str:
        """Put an agent back on a call Redis forgot (profile: id, name, skills, languages as JSON)."""
        keys = [self.keys.agent(profile["id"]), self.keys.agents, self.keys.call(call["sid"])]
        args = self._args(profile["id"], profile["name"], profile["skills"], profile["languages"], call["sid"],
                          call["skill"], call["language"], call["answered"], call["score"], now)
        return text(self._restore_on_call(keys, args))

    def transfer_offer(self, sid: str, from_agent: str, to_agent: str, reservation_id: str, now: float,
                       expires: float) -> str:
        keys = [self.keys.call(sid), self.keys.agent(to_agent), self.keys.reservation(reservation_id),
                self.keys.reservations]
        return text(self._transfer_offer(keys, self._args(sid, from_agent, to_agent, reservation_id, now, expires)))

    def leave_call(self, agent_id: str, sid: str, now: float, day: str, wrap_up_ends: float) -> str:
        keys = [self.keys.agent(agent_id), self.keys.wrap_ups, self.keys.call(sid)]
        return text(self._leave_call(keys, self._args(agent_id, sid, now, day, wrap_up_ends)))
