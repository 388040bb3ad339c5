"""Callbacks instead of hold: a virtual place in the queue that an agent calls back.

A callback waits in the same queue and order as callers on hold.  When it
reaches an agent and the agent accepts, a job places the call to the resident
(routing.jobs.place_callback); if nobody answers, the callback is tried again
after `retry_after` seconds at the head of its queue (it keeps its entry
time), up to `max_attempts`, then recorded as failed.  A request made while the
center is closed is held until the next opening.
"""

from __future__ import annotations

from routing.calls import CallbackRequest, CallKind, Ticket, queue_name
from routing.context import RoutingContext
from routing.dispatcher import offer_agent, offer_call
from routing.exceptions import StateConflict, UnknownCall
from routing.queues import Entry, add_entry, ticket
from routing.reservations import Reservation
from routing.scripts import text


def request_callback(ctx: RoutingContext, request: CallbackRequest, now: float,
                     entered: float | None = None) -> Ticket:
    """A new callback (from a menu or a form); queued now, or at the next opening when closed.

    `entered` is when it was first requested, for a callback put back after Redis lost it.
    """
    queue = ctx.config.queue(request.skill, request.language)
    entry = Entry(request.id, CallKind.CALLBACK, request.skill, request.language, request.priority, request.number)
    due = _next_opening(ctx, now)
    added = add_entry(ctx, entry, queue.max_size, now, due=due, entered=entered)
    if due is not None:
        return Ticket(request.id, queue_name(request.skill, request.language), 0, None)
    offer = offer_call(ctx, request.id, now)
    return Ticket(added.sid, added.queue, added.position, added.estimate, offer)


def _next_opening(ctx: RoutingContext, now: float) -> float | None:
    if ctx.hours is None or ctx.hours.is_open(ctx.moment(now)):
        return None
    opening = ctx.hours.next_opening(ctx.moment(now))
    return opening.timestamp() if opening is not None else None


def convert_to_callback(ctx: RoutingContext, sid: str, number: str, now: float) -> Ticket:
    """A caller on hold asks to be called back: they keep their place and may hang up."""
    result = ctx.scripts.convert_to_callback(sid, number)
    if result == "unknown":
        raise UnknownCall(sid)
    if result != "ok":
        raise StateConflict(f"call {sid}", result, "waiting")
    return ticket(ctx, sid, now)


def callback_connected(ctx: RoutingContext, sid: str, now: float) -> None:
    """The resident answered the callback: their wait ends here and is recorded as answered."""
    records = ctx.config.records
    result = ctx.scripts.callback_connected(sid, now, records.waits_cap, records.stats_window)
    if result == "unknown":
        raise UnknownCall(sid)
    if result != "ok":
        raise StateConflict(f"callback {sid}", result, "dialing")


def callback_unanswered(ctx: RoutingContext, sid: str, now: float) -> tuple[str, list[Reservation]]:
    """No answer (busy, failed): 'scheduled' for another try, or 'failed' after the last; the agent is freed."""
    settings, records = ctx.config.callbacks, ctx.config.records
    result, agent_id = ctx.scripts.callback_unanswered(sid, now, settings.max_attempts, now + settings.retry_after,
                                                       records.waits_cap, records.stats_window,
                                                       records.finished_ttl)
    if result == "unknown":
        raise UnknownCall(sid)
    if result not in ("scheduled", "failed"):
        raise StateConflict(f"callback {sid}", result, "dialing")
    return result, offer_agent(ctx, agent_id, now) if agent_id else []


def release_due(ctx: RoutingContext, now: float) -> list[Reservation]:
    """Callbacks whose retry (or opening) time has come go back to their place and are offered."""
    offers = []
    for member in ctx.connection.zrangebyscore(ctx.keys.callbacks_due, "-inf", now):
        sid = text(member)
        if ctx.scripts.callback_due(sid) == "ok":
            offer = offer_call(ctx, sid, now)
            offers.extend([offer] if offer is not None else [])
    return offers
