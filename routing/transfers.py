"""Transfers between agents: a call one agent is on, offered to one named colleague.

The offer is a reservation of kind 'transfer' (so the receiving console shows
it like any other offer, with the same caller context, and the sweep times it
out like any other).  Accepted, the call is the colleague's; the agent who
handed it over stays on the line (a warm transfer: they talk first) until they
leave, and then wraps up.  Declined or missed, the call simply stays with the
agent who offered it.  A call that ends with the first agent still on the line
wraps them up too, so nobody is left "on a call" that is over.
"""

from __future__ import annotations

from routing.context import RoutingContext
from routing.dispatcher import new_reservation_id
from routing.exceptions import StateConflict, UnknownCall
from routing.reservations import Reservation
from routing.scripts import text
from routing.snapshots import load_reservation


def offer_transfer(ctx: RoutingContext, sid: str, from_agent: str, to_agent: str, now: float) -> Reservation:
    """Offer the call `from_agent` is on to `to_agent`; StateConflict when either cannot take part now."""
    if from_agent == to_agent:
        raise StateConflict(f"agent {to_agent}", "already on this call", "another agent")
    skill = text(ctx.connection.hget(ctx.keys.call(sid), "skill"))
    if not skill:
        raise UnknownCall(sid)
    timeout = ctx.config.queues[skill].reservation_timeout if skill in ctx.config.queues else 20
    reservation_id = new_reservation_id()
    result = ctx.scripts.transfer_offer(sid, from_agent, to_agent, reservation_id, now, now + timeout)
    if result == "call":
        raise StateConflict(f"call {sid}", "not yours, or a transfer is already offered", "answered by you")
    if result == "agent":
        raise StateConflict(f"agent {to_agent}", "not available", "available")
    reservation = load_reservation(ctx, reservation_id)
    if reservation is None:
        raise UnknownCall(sid)
    return reservation


def leave_call(ctx: RoutingContext, agent_id: str, sid: str, now: float) -> bool:
    """The agent who handed the call over leaves it and wraps up; False when they were not on it.

    StateConflict('owner') when the agent still has the call: they must hang up or transfer instead.
    """
    skill = text(ctx.connection.hget(ctx.keys.call(sid), "skill"))
    wrap_up = ctx.config.queues[skill].wrap_up if skill in ctx.config.queues else 0
    result = ctx.scripts.leave_call(agent_id, sid, now, ctx.day(now), now + wrap_up)
    if result == "owner":
        raise StateConflict(f"agent {agent_id}", "the one the caller is with", "handed over")
    return result == "ok"


def handed_over_by(ctx: RoutingContext, sid: str) -> str:
    """Who handed this call over and may still be on the line ('' when nobody)."""
    reservation_id = text(ctx.connection.hget(ctx.keys.call(sid), "transfer"))
    reservation = load_reservation(ctx, reservation_id) if reservation_id else None
    return reservation.from_agent if reservation is not None and reservation.status == "accepted" else ""
