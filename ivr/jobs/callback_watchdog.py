"""The sweep's callback watchdog on the web/jobs side: free agents stranded on a callback that never connected.

routing.callback_watchdog decides (no answer, failed status or no status within
`callbacks.dial_timeout`); here the agent's console gets a notice saying what happened, and a callback
whose last attempt this was is closed in SQL and becomes a case, as an unanswered status report would.
"""

from __future__ import annotations

import logging

from agents import notices
from ivr.jobs.routing_jobs import RoutingServices, enqueue_callback_case
from ivr.routing_records import RoutingRecords
from routing.callback_watchdog import StuckCallback, time_out_dialing

logger = logging.getLogger(__name__)


def free_stuck_callbacks(services: RoutingServices) -> list[StuckCallback]:
    router = services.router
    ctx = router.ctx
    stuck, _ = time_out_dialing(ctx, router.ctx.now())
    for callback in stuck:
        key = "notice_callback_failed" if callback.result == "failed" else "notice_callback_scheduled"
        notices.leave(ctx.connection, ctx.keys.prefix, callback.agent_id, key,
                      {"number": callback.number, "s": ctx.config.callbacks.dial_timeout,
                       "callback": callback.callback_id})
        if callback.result == "failed":
            RoutingRecords(services.sessions).close_callback(callback.callback_id, "failed")
            enqueue_callback_case(ctx.connection, callback.callback_id)
    return stuck
