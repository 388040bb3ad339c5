"""Whether an agent's console is open: a key the page's event stream renews, read by the routing sweep.

An agent who closes the browser (or loses the network) stops renewing it; once
it lapses the sweep logs the agent out, so no call rings an empty desk.  Any
request the agent's console makes renews it too, so a page between two
streams, or a tool driving the API, is not mistaken for a closed one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from agents.push import streams
from routing.agents import AgentState
from routing.exceptions import RoutingError

if TYPE_CHECKING:
    from redis import Redis

    from routing.router import Router

logger = logging.getLogger(__name__)
#: How long one renewal lasts: a few heartbeats of the event stream, so one slow beat is not a departure.
PRESENCE_SECONDS = 3 * streams.HEARTBEAT_SECONDS - 3
#: The login of whoever signed in on this browser, kept in the signed session cookie beside Flask-Login's id:
#: while the database is away no request can load the account, and this keeps the agent present meanwhile.
SESSION_LOGIN = "presence_login"
#: States an absent agent is taken out of (on a call, the call's own end decides; offline is already out).
LEFT_BEHIND = frozenset({AgentState.AVAILABLE, AgentState.BREAK, AgentState.WRAP_UP})


def presence_key(prefix: str, login: str) -> str:
    return f"{prefix}presence:{login}"


def renew(redis: Redis, prefix: str, login: str, seconds: int = PRESENCE_SECONDS) -> None:
    redis.set(presence_key(prefix, login), "1", ex=seconds)


def renew_during_outage(redis: Redis, prefix: str, session: Mapping[str, Any]) -> None:
    """A console request the database could not answer still shows the console is open: an outage longer than
    PRESENCE_SECONDS must not log out every agent (seen in a storm: all four logged out by a 60 s cut, and the
    callers and callbacks waiting for them left there)."""
    login = session.get(SESSION_LOGIN)
    if not isinstance(login, str) or not login:
        return
    try:
        renew(redis, prefix, login)
    except RedisError as error:
        logger.warning("presence of %s not renewed during a database outage: %s", login, error)


def is_present(redis: Redis, prefix: str, login: str) -> bool:
    return bool(redis.exists(presence_key(prefix, login)))


def log_out_absent(router: Router) -> list[str]:
    """Log out every agent left available, on break or in wrap-up whose console is gone; returns their logins."""
    redis, prefix = router.ctx.connection, router.ctx.keys.prefix
    gone = []
    for agent in router.agents():
        if agent.state not in LEFT_BEHIND or agent.reservation or is_present(redis, prefix, agent.id):
            continue
        try:
            router.set_agent_state(agent.id, AgentState.OFFLINE)
        except RoutingError as error:  # took an offer or a call meanwhile: the next sweep looks again
            logger.info("absent agent %s not logged out: %s", agent.id, error)
            continue
        logger.info("agent %s logged out: their console has been closed for %d s or more", agent.id,
                    PRESENCE_SECONDS)
        gone.append(agent.id)
    return gone
