"""The contact center as the web layer and the jobs see it: one object, one method per thing that happens.

    router = Router(redis, load_config(), hours=settings.office_hours)
    ticket = router.enqueue(CallRequest(call_sid, "potholes", "es"))      # caller put on hold
    router.announcement(call_sid, "es")                                  # said over hold music
    router.accept(ticket.offer.id)                                       # the agent answers
    router.complete(call_sid)                                            # the call ends

Methods that can pair a call with an agent return the offers (reservations)
they made, for the web layer to push to agents' consoles.  Every method takes
an optional `now` (seconds since the epoch) so tests and simulations drive time.
No state is kept here: any number of Router objects in any number of
processes share one contact center through Redis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from routing import callbacks, offers, queues, staffing, sweeps, transfers, waits
from routing.agents import Agent, AgentProfile, AgentState
from routing.calls import CallbackRequest, CallRequest, Ticket, WaitingCall
from routing.config import RoutingConfig
from routing.context import RoutingContext
from routing.dispatcher import offer_call
from routing.estimates import WaitEstimate
from routing.keys import DEFAULT_PREFIX
from routing.office_hours import OfficeHours
from routing.reservations import Reservation
from routing.snapshots import load_call, load_call_and_values, load_reservation

if TYPE_CHECKING:
    from redis import Redis


class Router:
    def __init__(self, connection: Redis, config: RoutingConfig, *, hours: OfficeHours | None = None,
                 prefix: str = DEFAULT_PREFIX, clock: Callable[[], float] = time.time) -> None:
        self.ctx = RoutingContext(connection, config, hours, prefix, clock)

    def _now(self, now: float | None) -> float:
        return self.ctx.now(now)

    # -- agents ---------------------------------------------------------------------------------
    def register_agent(self, profile: AgentProfile, now: float | None = None) -> Agent:
        return staffing.register_agent(self.ctx, profile, self._now(now))

    def agent(self, agent_id: str) -> Agent:
        return staffing.get_agent(self.ctx, agent_id)

    def agents(self) -> list[Agent]:
        return staffing.all_agents(self.ctx)

    def set_agent_state(self, agent_id: str, state: AgentState, now: float | None = None) -> list[Reservation]:
        return staffing.set_agent_state(self.ctx, agent_id, state, self._now(now))

    def release_agent(self, agent_id: str, reason: str, now: float | None = None) -> str:
        """Free an agent left on a call that is over; returns that call's id ('' if none was recorded)."""
        return staffing.release_agent(self.ctx, agent_id, reason, self._now(now))

    # -- callers --------------------------------------------------------------------------------
    def enqueue(self, request: CallRequest, now: float | None = None, entered: float | None = None) -> Ticket:
        """`entered`: when the caller first joined, for a caller put back after Redis lost the queue."""
        return queues.enqueue(self.ctx, request, self._now(now), entered)

    def ticket(self, sid: str, now: float | None = None) -> Ticket:
        return queues.ticket(self.ctx, sid, self._now(now))

    def ticket_of(self, call: WaitingCall, now: float | None = None) -> Ticket:
        """The ticket of an entry the caller already loaded (the hold loop): the entry is not read again."""
        return queues.ticket_of(self.ctx, call, self._now(now))

    def announcement(self, sid: str, language: str, now: float | None = None) -> str:
        return queues.announcement(self.ctx, sid, language, self._now(now))

    def estimate(self, skill: str, language: str) -> WaitEstimate | None:
        return queues.estimate_for_new_caller(self.ctx, skill, language)

    def call(self, sid: str) -> WaitingCall | None:
        return load_call(self.ctx, sid)

    def call_and_values(self, sid: str, keys: Sequence[str]) -> tuple[WaitingCall | None, list[Any]]:
        """The entry, and the values of `keys` read in the same round trip (the hold loop reads the
        supervisor's switches with it)."""
        return load_call_and_values(self.ctx, sid, keys)

    def answered_at(self, sid: str) -> float | None:
        """When an agent took the call (None: not answered, or unknown)."""
        value = self.ctx.connection.hget(self.ctx.keys.call(sid), "answered")
        return float(value) if value else None

    def abandon(self, sid: str, now: float | None = None) -> list[Reservation]:
        return queues.leave(self.ctx, sid, self._now(now), "abandoned")

    def overflow(self, sid: str, now: float | None = None) -> list[Reservation]:
        return queues.leave(self.ctx, sid, self._now(now), "overflowed")

    def match(self, sid: str, now: float | None = None) -> Reservation | None:
        return offer_call(self.ctx, sid, self._now(now))

    # -- reservations ---------------------------------------------------------------------------
    def reservation(self, reservation_id: str) -> Reservation | None:
        return load_reservation(self.ctx, reservation_id)

    def accept(self, reservation_id: str, now: float | None = None) -> Reservation:
        return offers.accept(self.ctx, reservation_id, self._now(now))

    def reject(self, reservation_id: str, now: float | None = None) -> list[Reservation]:
        return offers.reject(self.ctx, reservation_id, self._now(now))

    def complete(self, sid: str, now: float | None = None) -> list[Reservation]:
        return offers.complete(self.ctx, sid, self._now(now))

    # -- transfers between agents ----------------------------------------------------------------
    def offer_transfer(self, sid: str, from_agent: str, to_agent: str, now: float | None = None) -> Reservation:
        return transfers.offer_transfer(self.ctx, sid, from_agent, to_agent, self._now(now))

    def leave_call(self, agent_id: str, sid: str, now: float | None = None) -> bool:
        return transfers.leave_call(self.ctx, agent_id, sid, self._now(now))

    # -- callbacks ------------------------------------------------------------------------------
    def request_callback(self, request: CallbackRequest, now: float | None = None,
                         entered: float | None = None) -> Ticket:
        return callbacks.request_callback(self.ctx, request, self._now(now), entered)

    def convert_to_callback(self, sid: str, number: str, now: float | None = None) -> Ticket:
        return callbacks.convert_to_callback(self.ctx, sid, number, self._now(now))

    def callback_connected(self, sid: str, now: float | None = None) -> None:
        callbacks.callback_connected(self.ctx, sid, self._now(now))

    def callback_unanswered(self, sid: str, now: float | None = None) -> tuple[str, list[Reservation]]:
        return callbacks.callback_unanswered(self.ctx, sid, self._now(now))

    # -- time passing and records ---------------------------------------------------------------
    def tick(self, now: float | None = None) -> sweeps.TickReport:
        return sweeps.tick(self.ctx, self._now(now))

    def read_waits(self, after: str = "0-0", count: int = 500) -> list[waits.WaitRecord]:
        return waits.read_waits(self.ctx, after, count)

    def queue_stats(self, skill: str, language: str) -> waits.QueueStats:
        self.ctx.config.queue(skill, language)
        return waits.queue_stats(self.ctx, skill, language)
