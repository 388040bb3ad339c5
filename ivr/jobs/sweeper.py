"""The routing sweep, run beside each worker: what routing must do because time passed.

Every couple of seconds: recovery first (after a Redis restart, agents back on
their live calls; changes kept in SQL while Redis was down replayed; callers
whose call is over taken out of line; agents freed from calls that are over;
promised callbacks Redis forgot put back in line: see routing.recovery), then
the router's tick (missed offers, wrap-ups ending, callbacks due, escalation),
overflow for callers past their queue's maximum wait, the callback watchdog
(agents freed from callbacks that never connected), agents' notes filed on
cases that now exist, and the copy of finished waits from Redis to SQL.  Every step is guarded
in Redis (atomic scripts, a claim per overflowed call, a lock around the copy),
so several workers sweeping at once is harmless; one sweeping is enough.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from agents.push.presence import PRESENCE_SECONDS, log_out_absent
from ivr import db
from ivr.cases.allocator import ReferenceUnavailable
from ivr.floor.handlings import copy_handlings
from ivr.floor.publish import publish_wallboard
from ivr.jobs import call_history
from ivr.jobs.callback_watchdog import free_stuck_callbacks
from ivr.jobs.routing_jobs import RoutingServices, copy_waits, file_kept_message, services_from
from ivr.routing_records import RoutingRecords
from ivr.settings import Settings
from ivr.telephony import TelephonyError
from ivr.voice.contact_center import overflow_url
from routing import recovery
from routing.calls import CallStatus
from routing.exceptions import RoutingError
from routing.jobs import sweep
from routing.queues import Overdue
from routing.sweeps import TickReport

logger = logging.getLogger(__name__)
SWEEP_EVERY = 2.0  # seconds
#: How long the claim on overflowing one call lasts: one sweep redirects it, never two.
OVERFLOW_CLAIM_SECONDS = 3600


#: Errors that mean Redis is still away: a replay stops and tries again at the next sweep.
REDIS_AWAY = (RedisError, ReferenceUnavailable)


@dataclass
class Recovery:
    restarted: bool = False  # Redis came back empty (or is new)
    replayed: int = 0  # changes kept in SQL while Redis was down, applied now
    agents_restored: list[str] = field(default_factory=list)
    ghosts_removed: list[str] = field(default_factory=list)
    agents_released: list[str] = field(default_factory=list)
    callbacks_restored: list[str] = field(default_factory=list)


@dataclass
class SweepResult:
    report: TickReport | None = None  # None: the router's tick failed this time
    overflowed: list[str] = field(default_factory=list)
    waits_copied: int = 0
    recovery: Recovery = field(default_factory=Recovery)
    logged_out: list[str] = field(default_factory=list)  # agents whose console was closed
    callbacks_timed_out: list[str] = field(default_factory=list)  # callbacks given up dialing (agent freed)
    notes_filed: int = 0  # agents' notes kept until their call's case existed, filed now


class PresenceGate:
    """Whether this process may take an agent's lapsed presence for a closed console.

    Presence lasts PRESENCE_SECONDS and is renewed in Redis; while Redis was out of reach no console could
    renew it, so right after a cut (or a worker's start) every presence may have lapsed at once.  Absent agents
    are logged out only once this process's sweeps have reached Redis without a break for that long: time
    enough for every open console to renew.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock, self._since = clock, None

    def reached(self) -> None:
        if self._since is None:
            self._since = self._clock()

    def lost(self) -> None:
        self._since = None

    def open(self) -> bool:
        return self._since is not None and self._clock() - self._since >= PRESENCE_SECONDS


class Sweeper:
    def __init__(self, services: RoutingServices, every: float = SWEEP_EVERY) -> None:
        self.services = services
        self.every = every
        self.presence = PresenceGate()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="routing-sweep", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.every * 2)

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            sweep_once(self.services, self.presence)


def start_sweeper(settings: Settings, connection: Redis) -> Sweeper:
    sessions = db.make_session_factory(db.make_engine(settings.database_url))
    return Sweeper(services_from(settings, connection, sessions)).start()


def sweep_once(services: RoutingServices, presence: PresenceGate | None = None) -> SweepResult:
    """One sweep; a failing step is logged and retried at the next sweep, never stopping the others.
    `presence`: log out absent agents only when it is open (None: always, as `cityline routing sweep` does)."""
    result = SweepResult()
    try:
        result.recovery = recover(services)
    except Exception:  # recovery must never stop the sweep that keeps calls moving
        logger.exception("routing recovery failed; trying again at the next sweep")
    try:
        result.report = sweep(router=services.router)
        if presence is not None:
            presence.reached()
        result.overflowed = overflow_overdue(services, result.report.overdue)
        if presence is None or presence.open():
            result.logged_out = log_out_absent(services.router)
        result.callbacks_timed_out = [c.callback_id for c in free_stuck_callbacks(services)]
    except RedisError:
        if presence is not None:
            presence.lost()
        logger.exception("routing sweep failed; trying again at the next sweep")
    except RoutingError:
        logger.exception("routing sweep failed; trying again at the next sweep")
    try:
        result.notes_filed = call_history.file_all_pending_notes(services.sessions)
    except SQLAlchemyError:
        logger.exception("filing pending agent notes failed; they stay pending for the next sweep")
    try:
        result.waits_copied = copy_waits(services.router, services.sessions)
    except (RedisError, SQLAlchemyError):
        logger.exception("copying waits to SQL failed; the next sweep resumes after the last copied wait")
    try:
        copy_handlings(services.router, services.sessions)
    except (RedisError, SQLAlchemyError):
        logger.exception("copying handled calls to SQL failed; the next sweep resumes after the last one")
    publish_wallboard(services.router, services.sessions, services.zone)  # the supervisors' wallboard
    return result


def recover(services: RoutingServices) -> Recovery:
    """Make routing agree with SQL and the phone network again (a no-op when nothing was lost)."""
    router, records, live = services.router, RoutingRecords(services.sessions), services.telephony
    found = Recovery(restarted=recovery.restarted(router))
    if found.restarted:
        logger.warning("routing has no epoch marker: Redis restarted empty (or is new); rebuilding from SQL")
        found.agents_restored = recovery.restore_agent_calls(router, records, live)
    found.replayed = records.replay(_replays(services), stop_on=REDIS_AWAY)
    check_network = found.restarted or found.replayed > 0
    found.ghosts_removed = recovery.remove_ghosts(router, records, live if check_network else None)
    found.agents_released = recovery.release_finished_agents(router, records, live)
    found.callbacks_restored = recovery.restore_callbacks(router, records)
    return found


def _replays(services: RoutingServices) -> dict[str, Callable[[str, dict[str, Any]], object]]:
    return {
        "call_over": lambda sid, _: recovery.end_call(services.router, sid),
        "open_cases": lambda sid, _: call_history.open_call_cases(sid, services.sessions, services.references),
        "overflow_message": lambda _, message: file_kept_message(services, message),
    }


def overflow_overdue(services: RoutingServices, overdue: list[Overdue]) -> list[str]:
    """Take callers past their queue's max wait off hold, to a callback offer or a message; returns their sids."""
    return [late.sid for late in overdue if _overflow(services, late.sid)]


def _overflow(services: RoutingServices, sid: str) -> bool:
    """Record the overflow, then redirect the call; a caller being offered to an agent right now is left alone."""
    router = services.router
    call = router.call(sid)
    if call is None or call.status is not CallStatus.WAITING:
        return False
    claim = f"{router.ctx.keys.prefix}overflow:{sid}"
    if not router.ctx.connection.set(claim, "1", nx=True, ex=OVERFLOW_CLAIM_SECONDS):
        return False  # another sweep took it
    router.overflow(sid)
    try:
        services.telephony.redirect(sid, overflow_url(call.skill, call.language))
    except TelephonyError as error:
        logger.warning("call %s overflowed but could not be redirected (hung up?): %s", sid, error)
    logger.info("call %s overflowed from %s after %.0f s", sid, call.queue, call.waited(router.ctx.now()))
    return True
