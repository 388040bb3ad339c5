"""Whether anyone staffed could take a waiting call: the difference between "you are next" and "nobody is here".

A caller is next in line even when every agent who could answer is on break or logged out; telling
them so, again and again, keeps them holding for nobody.  A call is covered when some agent who is
available, on a call or in wrap-up has the queue's skill in the caller's language, or a skill (or,
for `any`, any skill) that the queue's escalation has already opened to this caller.
"""

from __future__ import annotations

from routing.calls import WaitingCall
from routing.context import RoutingContext


def skills_open_to(ctx: RoutingContext, call: WaitingCall, now: float) -> set[str]:
    """The skills whose agents may take this call now (its own, plus escalation steps already reached)."""
    queue = ctx.config.queues.get(call.skill)
    skills = {call.skill}
    if queue is None:
        return skills
    waited = call.waited(now)
    for step in queue.escalation:
        if waited >= step.after:
            skills |= set(ctx.config.queues) if step.skills is None else set(step.skills)
    return skills


def anyone_staffed_for(ctx: RoutingContext, call: WaitingCall, now: float) -> bool:
    """True when at least one staffed agent (available, on a call, in wrap-up) could take the call."""
    pipe = ctx.connection.pipeline(transaction=False)
    for skill in sorted(skills_open_to(ctx, call, now)):
        pipe.scard(ctx.keys.staffed(call.language, skill))
    return any(int(count) for count in pipe.execute())
