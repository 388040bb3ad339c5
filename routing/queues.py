"""Joining and leaving queues: limits, opening hours, positions and the wait announced to callers.

A caller joins with the position and wait estimate they are told stored on
their entry, so the completed-wait record can later compare the promise with
what happened.  Leaving without an answer (hang-up, overflow) is recorded the
same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from routing.announcements import position_and_wait
from routing.calls import CallKind, CallRequest, CallStatus, Ticket, WaitingCall, queue_name, queue_score
from routing.context import RoutingContext
from routing.dispatcher import offer_agent, offer_call
from routing.estimates import WaitEstimate, estimate_wait
from routing.exceptions import CallInProgress, QueueClosed, QueueFull, StateConflict, UnknownCall
from routing.reservations import Reservation
from routing.scripts import text
from routing.snapshots import load_call, queue_load, queue_load_and_place


@dataclass(frozen=True)
class Entry:
    """A queue entry about to be added (a call or a callback)."""

    sid: str
    kind: CallKind
    skill: str
    language: str
    priority: int
    number: str = ""


@dataclass(frozen=True)
class Overdue:
    """A caller on hold longer than the queue's maximum wait, for the IVR to move to overflow."""

    sid: str
    queue: str
    waited: float


def enqueue(ctx: RoutingContext, request: CallRequest, now: float, entered: float | None = None) -> Ticket:
    """Put a caller on hold: refused when closed or full; offered at once when an agent is free."""
    queue = ctx.config.queue(request.skill, request.language)
    check_open(ctx, queue_name(request.skill, request.language), now)
    entry = Entry(request.sid, CallKind.CALL, request.skill, request.language, request.priority)
    ticket = add_entry(ctx, entry, queue.max_size, now, entered=entered)
    just_added = WaitingCall(request.sid, CallKind.CALL, request.skill, request.language, request.priority,
                             now if entered is None else entered, CallStatus.WAITING) if ticket.fresh else None
    return replace(ticket, offer=offer_call(ctx, request.sid, now, just_added))


def check_open(ctx: RoutingContext, queue: str, now: float) -> None:
    if ctx.hours is not None and not ctx.hours.is_open(ctx.moment(now)):
        raise QueueClosed(queue, ctx.hours.next_opening(ctx.moment(now)))


def add_entry(ctx: RoutingContext, entry: Entry, max_size: int, now: float, due: float | None = None,
              entered: float | None = None) -> Ticket:
    """Add an entry with the position and estimate it is told; idempotent for an entry already waiting.

    `entered` (default now) is earlier for an entry put back after Redis lost it: it keeps its place.
    """
    # Kept to the microsecond it is stored with, so a score worked out again from the stored entry is this one:
    # from the unrounded time it could come out a microsecond above its own, and count the caller ahead of
    # themselves ("number 2 in line" with nobody ahead).
    entered = round(now if entered is None else entered, 6)
    score = queue_score(entry.priority, entered)
    load = queue_load(ctx, entry.skill, entry.language, score, waited=max(now - entered, 0.0), now=now)
    estimate = estimate_wait(load, ctx.config.estimates)
    fields = {"sid": entry.sid, "kind": entry.kind.value, "skill": entry.skill, "language": entry.language,
              "priority": entry.priority, "entered": f"{entered:.6f}", "score": f"{score:.6f}",
              "number": entry.number, "position": load.ahead + 1, "estimate": _seconds(estimate)}
    result, position = ctx.scripts.enqueue(fields, max_size, due)
    _raise_refusal(result, entry, max_size, position)
    if result == "exists":
        return ticket(ctx, entry.sid, now)
    if result == "ok" and int(position) != load.ahead + 1:
        estimate = estimate_wait(replace(load, ahead=int(position) - 1), ctx.config.estimates)
        ctx.connection.hset(ctx.keys.call(entry.sid), mapping={"position": position, "estimate": _seconds(estimate)})
    return Ticket(entry.sid, queue_name(entry.skill, entry.language), int(position or 0), estimate,
                  fresh=result == "ok")


def _raise_refusal(result: str, entry: Entry, max_size: int, detail: str) -> None:
    if result == "full":
        raise QueueFull(queue_name(entry.skill, entry.language), max_size)
    if result == "in_progress":
        raise CallInProgress(entry.sid)
    if result == "elsewhere":
        raise StateConflict(f"call {entry.sid}", f"waiting in {detail}", "leaving that queue first")


def _seconds(estimate: WaitEstimate | None) -> str:
    return "" if estimate is None else f"{estimate.seconds:.1f}"


def ticket(ctx: RoutingContext, sid: str, now: float) -> Ticket:
    """A waiting entry's current position and estimate (position 0: being offered or no longer waiting)."""
    call = load_call(ctx, sid)
    if call is None:
        raise UnknownCall(sid)
    return ticket_of(ctx, call, now)


def ticket_of(ctx: RoutingContext, call: WaitingCall, now: float) -> Ticket:
    """The ticket of an entry already loaded (the hold loop has it): no second read of the entry."""
    load, waiting = queue_load_and_place(ctx, call.skill, call.language, call.score, call.sid,
                                         waited=max(now - call.entered, 0.0), now=now)
    estimate = estimate_wait(load, ctx.config.estimates) if waiting else None
    return Ticket(call.sid, call.queue, load.ahead + 1 if waiting else 0, estimate)


def announcement(ctx: RoutingContext, sid: str, language: str, now: float) -> str:
    """The sentence for the hold loop: 'You are number 3 in line; the wait is about 4 minutes.'"""
    current = ticket(ctx, sid, now)
    return position_and_wait(max(current.position, 1), current.estimate, language)


def estimate_for_new_caller(ctx: RoutingContext, skill: str, language: str) -> WaitEstimate | None:
    """The wait a caller joining now (at normal priority) would be told, e.g. to offer a callback first."""
    ctx.config.queue(skill, language)
    return estimate_wait(queue_load(ctx, skill, language, math.inf), ctx.config.estimates)


def leave(ctx: RoutingContext, sid: str, now: float, outcome: str = "abandoned") -> list[Reservation]:
    """An entry leaves unanswered (hang-up, overflow, cancelled callback); an agent it was offered to is freed."""
    records = ctx.config.records
    result, freed = ctx.scripts.leave(sid, now, outcome, records.waits_cap, records.stats_window,
                                      records.finished_ttl)
    if result == "unknown":
        raise UnknownCall(sid)
    return offer_agent(ctx, freed, now) if freed else []


def overdue(ctx: RoutingContext, now: float) -> list[Overdue]:
    """Callers on hold longer than their queue's maximum wait (callbacks never overflow)."""
    shortest = min(queue.max_wait for queue in ctx.config.queues.values())
    late = ctx.connection.zrangebyscore(ctx.keys.holding, "-inf", now - shortest, withscores=True)
    pipe = ctx.connection.pipeline(transaction=False)
    for member, _ in late:
        pipe.hmget(ctx.keys.call(text(member)), "skill", "language")
    found = []
    for (member, entered), (skill, language) in zip(late, pipe.execute() if late else [], strict=True):
        queue = ctx.config.queues.get(text(skill))
        if queue is not None and now - entered > queue.max_wait:
            found.append(Overdue(text(member), queue_name(text(skill), text(language)), now - entered))
    return found
