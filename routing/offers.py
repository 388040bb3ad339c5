"""The reservation lifecycle: an offered call is accepted, rejected or missed, then completed.

accept   -> the agent is on the call, the wait is recorded as answered;
reject / timeout -> the agent goes on break (configurable) so the next call
           does not ring an empty desk, and the call returns to the place it
           had, keeping its entry time, and is offered to the next agent;
complete -> the agent wraps up, then is free again (after the queue's
           wrap-up time, or earlier when the agent says so).
"""

from __future__ import annotations

from routing import transfers
from routing.agents import AgentState
from routing.context import RoutingContext
from routing.dispatcher import offer_agent, offer_call
from routing.exceptions import StateConflict, UnknownCall, UnknownReservation
from routing.reservations import Reservation
from routing.scripts import text
from routing.snapshots import load_reservation


def accept(ctx: RoutingContext, reservation_id: str, now: float) -> Reservation:
    """The agent takes the offer; StateConflict('expired', 'cancelled', ...) when it is too late."""
    records = ctx.config.records
    result = ctx.scripts.accept(reservation_id, now, records.waits_cap, records.stats_window)
    _raise_unless_ok(result, reservation_id, "pending")
    reservation = load_reservation(ctx, reservation_id)
    if reservation is None:  # only if Redis lost it meanwhile: accepted reservations are kept until completion
        raise UnknownReservation(reservation_id)
    return reservation


def reject(ctx: RoutingContext, reservation_id: str, now: float) -> list[Reservation]:
    """The agent declines: on break, and the call goes back to its place and to the next agent."""
    return _decline(ctx, reservation_id, now, "rejected", only_expired=False)


def time_out(ctx: RoutingContext, reservation_id: str, now: float) -> list[Reservation]:
    """The agent did not answer in time (the sweep calls this for expired offers)."""
    return _decline(ctx, reservation_id, now, "timed_out", only_expired=True)


def _decline(ctx: RoutingContext, reservation_id: str, now: float, outcome: str,
             only_expired: bool) -> list[Reservation]:
    reservation = load_reservation(ctx, reservation_id)
    if reservation is None:
        raise UnknownReservation(reservation_id)
    result = ctx.scripts.decline(reservation_id, now, outcome, ctx.config.after_missed, only_expired,
                                 ctx.config.records.finished_ttl)
    _raise_unless_ok(result, reservation_id, "pending" if not only_expired else "pending and expired")
    offer = offer_call(ctx, reservation.call_sid, now)
    return [offer] if offer is not None else []


def complete(ctx: RoutingContext, sid: str, now: float) -> list[Reservation]:
    """The call ended: the agent wraps up (and is offered the next call at once when wrap-up is 0)."""
    skill = text(ctx.connection.hget(ctx.keys.call(sid), "skill"))
    wrap_up = ctx.config.queues[skill].wrap_up if skill in ctx.config.queues else 0
    required = skill in ctx.config.queues and ctx.config.queues[skill].wrap_up_required
    result, agent_id = ctx.scripts.complete(sid, now, ctx.day(now), now + wrap_up, ctx.config.records.finished_ttl)
    if result == "unknown":
        raise UnknownCall(sid)
    if result != "ok":
        raise StateConflict(f"call {sid}", result, "answered")
    _wrap_up_whoever_handed_it_over(ctx, sid, now)
    if wrap_up == 0 and not required:  # a required wrap-up code holds the agent until chosen
        return end_wrap_up(ctx, agent_id, now)
    return []


def end_wrap_up(ctx: RoutingContext, agent_id: str, now: float) -> list[Reservation]:
    """Wrap-up time is over: the agent is free (unless it already moved on) and gets the next call."""
    window = ctx.config.records.handle_window
    result = ctx.scripts.set_agent_state(agent_id, AgentState.AVAILABLE, now, [AgentState.WRAP_UP], window)
    return offer_agent(ctx, agent_id, now) if result == "ok" else []


def _raise_unless_ok(result: str, reservation_id: str, wanted: str) -> None:
    if result == "unknown":
        raise UnknownReservation(reservation_id)
    if result != "ok":
        raise StateConflict(f"reservation {reservation_id}", result, wanted)


def _wrap_up_whoever_handed_it_over(ctx: RoutingContext, sid: str, now: float) -> None:
    """A call that ends during a warm transfer ends for the agent who handed it over too."""
    previous = transfers.handed_over_by(ctx, sid)
    if previous:
        transfers.leave_call(ctx, previous, sid, now)
