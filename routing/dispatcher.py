"""Pairing waiting calls with free agents: read a snapshot, decide with plain functions, commit atomically.

Two moments start a match.  A call that enters (or returns to) a queue is
offered to the best free agent its queue's strategy picks among the tiers
its wait allows.  An agent who becomes free looks for the first entry it may
take across every queue it serves (highest priority, then longest waiting,
escalation included) and that entry is then offered by its own queue's
strategy, which is usually, but not always, this agent.  The reserve script
refuses a pair whose call or agent was taken meanwhile; then we decide again.
"""

from __future__ import annotations

import uuid

from routing.calls import CallStatus, WaitingCall
from routing.config import QueueConfig
from routing.context import RoutingContext
from routing.matching import first_served
from routing.reservations import Reservation
from routing.snapshots import eligible_heads, free_candidates, load_agent, load_call, round_robin_cursor
from routing.strategies import rank

#: Snapshots read per match before giving up until the next trigger (another process is racing us).
MAX_ROUNDS = 5
#: Agents tried from one snapshot before reading a fresh one.
TRIES_PER_SNAPSHOT = 3
#: Offers one freed agent may set off in a row (each to the agent its queue's strategy prefers).
MAX_OFFERS_PER_AGENT = 10
#: Every agent tried from a snapshot was taken by another process: read again.
_AGENTS_TAKEN = "agents taken"


def new_reservation_id() -> str:
    return "WR" + uuid.uuid4().hex


def offer_call(ctx: RoutingContext, sid: str, now: float, call: WaitingCall | None = None) -> Reservation | None:
    """Offer a waiting call to the best free agent allowed now; None when nobody may take it.

    `call` saves a read when the caller has just written the entry itself.
    """
    for _ in range(MAX_ROUNDS):
        call = call or load_call(ctx, sid)
        if call is None or call.status is not CallStatus.WAITING:
            return None
        offer = _offer_from_snapshot(ctx, call, now)
        if offer != _AGENTS_TAKEN:
            return offer if isinstance(offer, Reservation) else None
        call = None
    return None


def _offer_from_snapshot(ctx: RoutingContext, call: WaitingCall, now: float) -> Reservation | str | None:
    queue = ctx.config.queue(call.skill, call.language)
    cursor = round_robin_cursor(ctx, call.skill, call.language) if queue.strategy == "round_robin" else ""
    ranked = rank(free_candidates(ctx, call, queue, now, TRIES_PER_SNAPSHOT), queue.strategy, cursor)
    if not ranked:
        return None
    for candidate in ranked[:TRIES_PER_SNAPSHOT]:
        result = _reserve(ctx, call, queue, candidate.agent_id, now)
        if isinstance(result, Reservation) or result == "call":
            return result
    return _AGENTS_TAKEN


def offer_agent(ctx: RoutingContext, agent_id: str, now: float) -> list[Reservation]:
    """Find work for a free agent; returns every offer made on the way (some may go to other agents)."""
    offers: list[Reservation] = []
    for _ in range(MAX_OFFERS_PER_AGENT):
        agent = load_agent(ctx, agent_id)
        if agent is None or not agent.offerable:
            break
        head = first_served(eligible_heads(ctx, agent, now))
        if head is None:
            break
        offer = offer_call(ctx, head.sid, now)
        if offer is not None:
            offers.append(offer)
            if offer.agent_id == agent_id:
                break
    return offers


def _reserve(ctx: RoutingContext, call: WaitingCall, queue: QueueConfig, agent_id: str,
             now: float) -> Reservation | str:
    reservation = Reservation(
        id=new_reservation_id(), call_sid=call.sid, agent_id=agent_id, skill=call.skill, language=call.language,
        kind=call.kind.value, offered=now, expires=now + queue.reservation_timeout, number=call.number,
    )
    result = ctx.scripts.reserve(call.sid, call.skill, call.language, agent_id, reservation.id, now,
                                 reservation.expires, queue.strategy == "round_robin")
    return reservation if result == "ok" else result
