"""One OS process of the concurrency test: enqueues calls and works random agents as fast as it can.

Kept out of the test module so a spawned process imports only routing and
redis.  Conflicts (another process accepted first, the agent moved meanwhile)
are expected and ignored: what matters is what Redis recorded.
"""

from __future__ import annotations

import random
import time
from typing import Any

from redis import Redis

from routing.agents import AgentState
from routing.calls import CallRequest
from routing.config import config_from_mapping
from routing.exceptions import StateConflict, UnknownReservation
from routing.router import Router


def run(redis_url: str, prefix: str, raw_config: dict[str, Any], worker: int, calls: int, agents: list[str],
        start: Any) -> None:
    connection = Redis.from_url(redis_url)
    try:
        router = Router(connection, config_from_mapping(raw_config), prefix=prefix)
        chance = random.Random(worker)
        start.wait()
        for number in range(calls):
            skill = chance.choice(("noise", "trash"))
            router.enqueue(CallRequest(f"W{worker}-{number}", skill, "en", chance.randint(0, 2)))
            for _ in range(3):
                work_agent(router, chance.choice(agents))
    finally:
        connection.close()


def work_agent(router: Router, agent_id: str) -> None:
    """Whatever moves the agent on: accept its offer, complete its call, or make it available."""
    agent = router.agent(agent_id)
    try:
        if agent.reservation:
            router.accept(agent.reservation)
        elif agent.state is AgentState.ON_CALL:
            router.complete(agent.call)
        elif agent.state is not AgentState.AVAILABLE:
            router.set_agent_state(agent_id, AgentState.AVAILABLE)
    except (StateConflict, UnknownReservation):
        pass


def drain(router: Router, agents: list[str], deadline: float) -> None:
    """Work every agent until no call waits (or the deadline passes)."""
    while time.monotonic() < deadline:
        for agent_id in agents:
            work_agent(router, agent_id)
        if not any(router.queue_stats(skill, "en").waiting for skill in ("noise", "trash")) and all(
                router.agent(agent_id).state is not AgentState.ON_CALL and not router.agent(agent_id).reservation
                for agent_id in agents):
            return
