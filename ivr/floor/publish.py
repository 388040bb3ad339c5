"""Publish the wallboard to the supervisors' push topic, at most once per `THROTTLE_MS` across every process.

The routing sweep calls this every couple of seconds, and each supervisor's
control right after it acts, so an open wallboard changes without a reload.
A Redis `SET NX PX` claim keeps several sweeping workers (and a burst of
controls) from publishing the same figures many times over.
"""

from __future__ import annotations

import logging
from datetime import tzinfo

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agents.push import streams
from ivr.floor.wallboard import wallboard
from routing.router import Router

logger = logging.getLogger(__name__)
THROTTLE_MS = 1000
KIND = "wallboard"
#: Wallboards kept on the floor topic: each replaces the last, so a reconnecting page needs only the newest
#: (the push module's default length, 1000, would keep megabytes of old figures).
KEEP = 20


def publish_wallboard(router: Router, sessions: sessionmaker[Session], zone: tzinfo, *, force: bool = False) -> bool:
    """True when published; False when another process published within the throttle (or it failed, logged)."""
    redis, prefix = router.ctx.connection, router.ctx.prefix
    try:
        if not force and not redis.set(f"{prefix}floor:published", "1", nx=True, px=THROTTLE_MS):
            return False
        board = wallboard(router, sessions, zone)
        board.pop("definitions")  # the page has them from its first load (GET /agents/api/floor/wallboard)
        streams.publish(redis, prefix, streams.FLOOR_TOPIC, KIND, board)
        redis.xtrim(streams.topic_key(prefix, streams.FLOOR_TOPIC), maxlen=KEEP, approximate=True)
        return True
    except (RedisError, SQLAlchemyError):
        logger.exception("the wallboard was not published; the next sweep tries again")
        return False
