"""A supervisor acting on a waiting caller: raise their priority, or move them to another queue.

Each change is one Lua script, so it happens only while the caller is still
waiting in the queue the supervisor saw: a caller who was offered to an agent,
answered or hung up meanwhile is left alone and the supervisor is told why.
The caller keeps the time they entered (their place among callers of the same
priority); after the change the router offers them at once if an agent is free.
"""

from __future__ import annotations

from routing.calls import WaitingCall, queue_name, queue_score
from routing.config import MAX_PRIORITY
from routing.context import RoutingContext
from routing.dispatcher import offer_call
from routing.exceptions import InvalidRequest, QueueFull, StateConflict, UnknownCall
from routing.reservations import Reservation
from routing.scripts import text
from routing.snapshots import load_call

# KEYS: call, queue.  ARGV: sid, priority, score
REPRIORITISE = r"""
local status = redis.call("HGET", KEYS[1], "status")
if not status then return "unknown" end
if status ~= "waiting" or not redis.call("ZSCORE", KEYS[2], ARGV[1]) then return status end
redis.call("ZADD", KEYS[2], "XX", ARGV[3], ARGV[1])
redis.call("HSET", KEYS[1], "priority", ARGV[2], "score", ARGV[3])
return "ok"
"""

# KEYS: call, from queue, to queue.  ARGV: sid, skill, language, score, max size
MOVE = r"""
local status = redis.call("HGET", KEYS[1], "status")
if not status then return "unknown" end
if status ~= "waiting" or not redis.call("ZSCORE", KEYS[2], ARGV[1]) then return status end
if redis.call("ZCARD", KEYS[3]) >= tonumber(ARGV[5]) then return "full" end
redis.call("ZREM", KEYS[2], ARGV[1])
redis.call("ZADD", KEYS[3], ARGV[4], ARGV[1])
redis.call("HSET", KEYS[1], "skill", ARGV[2], "language", ARGV[3], "score", ARGV[4])
return "ok"
"""


def set_priority(ctx: RoutingContext, sid: str, priority: int, now: float) -> Reservation | None:
    """Give a waiting caller `priority` (0-9, higher is served first); returns an offer made at once, if any."""
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= MAX_PRIORITY:
        raise InvalidRequest(f"priority {priority!r} is not a whole number from 0 to {MAX_PRIORITY}")
    call = _waiting(ctx, sid)
    script = ctx.connection.register_script(REPRIORITISE)
    result = text(script(keys=[ctx.keys.call(sid), ctx.keys.queue(call.skill, call.language)],
                         args=[sid, priority, f"{queue_score(priority, call.entered):.6f}"]))
    _raise_unless_ok(result, sid, call.queue)
    return offer_call(ctx, sid, now)


def move(ctx: RoutingContext, sid: str, skill: str, language: str, now: float) -> Reservation | None:
    """Move a waiting caller to another queue, keeping their priority and entry time."""
    target = ctx.config.queue(skill, language)  # UnknownQueue names a queue that is not there
    call = _waiting(ctx, sid)
    if (call.skill, call.language) == (skill, language):
        raise InvalidRequest(f"call {sid} is already waiting in {queue_name(skill, language)}")
    script = ctx.connection.register_script(MOVE)
    result = text(script(keys=[ctx.keys.call(sid), ctx.keys.queue(call.skill, call.language),
                               ctx.keys.queue(skill, language)],
                         args=[sid, skill, language, f"{queue_score(call.priority, call.entered):.6f}",
                               target.max_size]))
    if result == "full":
        raise QueueFull(queue_name(skill, language), target.max_size)
    _raise_unless_ok(result, sid, call.queue)
    return offer_call(ctx, sid, now)


def _waiting(ctx: RoutingContext, sid: str) -> WaitingCall:
    call = load_call(ctx, sid)
    if call is None:
        raise UnknownCall(sid)
    return call


def _raise_unless_ok(result: str, sid: str, queue: str) -> None:
    if result == "unknown":
        raise UnknownCall(sid)
    if result != "ok":
        raise StateConflict(f"call {sid}", result, f"waiting in {queue}")
