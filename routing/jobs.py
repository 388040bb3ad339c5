"""Background work for routing, written to run under RQ: jobs take ids and reload what they need.

The RQ entry points in the web/jobs layer build a Router and a telephony
adapter from settings and call these; the functions here take both as
parameters so tests run them in-process with a fake port.
"""

from __future__ import annotations

import logging
from typing import Any

from routing.calls import CallStatus
from routing.router import Router
from routing.scripts import text
from routing.sweeps import TickReport
from routing.telephony import TelephonyError, TelephonyPort

logger = logging.getLogger(__name__)

ROUTING_QUEUE = "routing"
#: Placing a callback: quick, and never retried by RQ blindly; a failed attempt counts against the callback.
CALLBACK_JOB_OPTIONS: dict[str, Any] = {"job_timeout": 30, "result_ttl": 3600, "failure_ttl": 7 * 24 * 3600}
#: How long one job holds an attempt before a re-run may dial it again (longer than the job timeout).
DIAL_CLAIM_SECONDS = 120


def place_callback(callback_id: str, answer_url: str, *, router: Router, telephony: TelephonyPort) -> str | None:
    """Call the resident back for an accepted callback; returns the outbound CallSid (None: nothing to do).

    Idempotent: the attempt is claimed in Redis first, so a re-run job returns the
    call already placed instead of ringing the resident twice.
    """
    call = router.call(callback_id)
    if call is None or call.status is not CallStatus.DIALING:
        logger.info("callback %s is not waiting to be dialed (%s)", callback_id, call.status if call else "gone")
        return None
    claim = router.ctx.keys.dial_claim(callback_id, call.attempts)
    if not router.ctx.connection.set(claim, "placing", nx=True, ex=DIAL_CLAIM_SECONDS):
        placed = text(router.ctx.connection.get(claim))
        return placed if placed != "placing" else None
    try:
        outbound = telephony.place_call(call.number, answer_url)
    except TelephonyError:
        logger.exception("placing callback %s to its number failed", callback_id)
        router.callback_unanswered(callback_id)
        return None
    router.ctx.connection.set(claim, outbound, ex=router.ctx.config.records.finished_ttl)
    return outbound


def sweep(*, router: Router) -> TickReport:
    """The periodic routing sweep (expired offers, wrap-ups, due callbacks, escalation, overdue callers)."""
    report = router.tick()
    if report.timed_out or report.overdue:
        logger.info("routing sweep: %d offers missed, %d callers over max wait",
                    len(report.timed_out), len(report.overdue))
    return report
