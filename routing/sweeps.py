"""The periodic sweep: everything routing must do because time passed rather than because someone acted.

Offers expire, wrap-ups end, callbacks come due, waits cross an escalation
step (a call may now go to agents it could not before) or the queue's maximum
wait.  Any process may run `tick` as often as it likes (a scheduled RQ job
every few seconds, or the hold-music webhook Twilio calls for every waiting
caller): each step is a guarded script, so concurrent sweeps do no harm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from routing import wrapups
from routing.callbacks import release_due
from routing.context import RoutingContext
from routing.dispatcher import offer_agent, offer_call
from routing.exceptions import StateConflict
from routing.offers import end_wrap_up, time_out
from routing.queues import Overdue, overdue
from routing.reservations import Reservation
from routing.scripts import text


@dataclass
class TickReport:
    offers: list[Reservation] = field(default_factory=list)  # new offers to push to agents' consoles
    timed_out: list[str] = field(default_factory=list)  # reservations missed; their agents are on break
    overdue: list[Overdue] = field(default_factory=list)  # callers to move to overflow (see Router.overflow)


def tick(ctx: RoutingContext, now: float) -> TickReport:
    report = TickReport()
    expire_offers(ctx, now, report)
    report.offers.extend(end_wrap_ups(ctx, now))
    report.offers.extend(release_due(ctx, now))
    report.offers.extend(match_free_agents(ctx, now))
    report.overdue = overdue(ctx, now)
    return report


def expire_offers(ctx: RoutingContext, now: float, report: TickReport) -> None:
    for member in ctx.connection.zrangebyscore(ctx.keys.reservations, "-inf", now):
        reservation_id = text(member)
        try:
            report.offers.extend(time_out(ctx, reservation_id, now))
        except (StateConflict, LookupError):
            continue  # accepted, declined or swept by another process meanwhile
        report.timed_out.append(reservation_id)


def end_wrap_ups(ctx: RoutingContext, now: float) -> list[Reservation]:
    offers = []
    for member in ctx.connection.zrangebyscore(ctx.keys.wrap_ups, "-inf", now):
        if wrapups.may_end(ctx, text(member)):  # a required wrap-up code holds the agent until it is chosen
            offers.extend(end_wrap_up(ctx, text(member), now))
    return offers


def match_free_agents(ctx: RoutingContext, now: float) -> list[Reservation]:
    """Offer waiting calls that escalation has opened to free agents.

    Works from whichever side is smaller, so the cost is bounded by the free agents or by the
    priority bands in use, never by their product: each free agent looks for its first call, or
    each band's oldest entry (the most escalated of its band) looks for an agent.
    """
    waiting, free = _waiting_and_free_counts(ctx)
    if not waiting or not free:
        return []
    queues = [ctx.keys.queue(skill, language) for skill in ctx.config.queues for language in ctx.config.languages]
    heads = ctx.scripts.band_heads(queues)
    if free <= len(heads):
        return [offer for agent_id in _free_agents(ctx) for offer in offer_agent(ctx, agent_id, now)]
    return _offer_band_heads(ctx, queues, heads, now, max_offers=free)


def _offer_band_heads(ctx: RoutingContext, queues: list[str], heads: list[tuple[str, float]], now: float,
                      max_offers: int) -> list[Reservation]:
    offers: list[Reservation] = []
    while heads and len(offers) < max_offers:
        made = [offer for sid, _ in heads if (offer := offer_call(ctx, sid, now)) is not None]
        if not made:
            break
        offers.extend(made)
        heads = ctx.scripts.band_heads(queues)
    return offers


def _waiting_and_free_counts(ctx: RoutingContext) -> tuple[int, int]:
    """Entries waiting in all queues, and free agents (counted once per language they speak)."""
    pipe = ctx.connection.pipeline(transaction=False)
    for skill in ctx.config.queues:
        for language in ctx.config.languages:
            pipe.zcard(ctx.keys.queue(skill, language))
    for language in ctx.config.languages:
        pipe.zcard(ctx.keys.pool(language))
    counts = [int(count) for count in pipe.execute()]
    languages = len(ctx.config.languages)
    return sum(counts[:-languages]), sum(counts[-languages:])


def _free_agents(ctx: RoutingContext) -> list[str]:
    """Free agents, longest free first."""
    pipe = ctx.connection.pipeline(transaction=False)
    for language in ctx.config.languages:
        pipe.zrange(ctx.keys.pool(language), 0, -1, withscores=True)
    free = {text(member): since for pool in pipe.execute() for member, since in pool}
    return sorted(free, key=lambda agent_id: (free[agent_id], agent_id))
