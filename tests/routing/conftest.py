"""Routing fixtures: a Router on the run's own Redis database, a test configuration and a clock.

Times are explicit (`now=`) everywhere, starting at T0, so escalation steps,
offer timeouts and wrap-ups are crossed exactly, without sleeping.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from redis import Redis

from routing.agents import AgentProfile, AgentState
from routing.config import config_from_mapping
from routing.router import Router

T0 = 1_800_000_000.0  # Friday 15 January 2027, 08:00 in UTC
PREFIX = "test:"

CONFIG: dict[str, Any] = {
    "languages": ["en", "es"],
    "defaults": {"max_size": 5, "max_wait": 600, "reservation_timeout": 20, "wrap_up": 30},
    "queues": {
        "general": {"escalation": [{"after": 180, "skills": "any"}]},
        "trash": {"strategy": "fewest_calls"},
        "potholes": {"strategy": "highest_proficiency",
                     "escalation": [{"after": 90, "skills": ["general"]}, {"after": 240, "skills": "any"}]},
        "streetlights": {"strategy": "round_robin"},
        "noise": {"strategy": "longest_idle"},
    },
    "callbacks": {"max_attempts": 2, "retry_after": 300},
    "estimates": {"default_handle_time": 240.0, "min_samples": 3},
}


def config_with(**queue_settings: dict[str, Any]) -> dict[str, Any]:
    """The test configuration with some queues' settings replaced."""
    raw = copy.deepcopy(CONFIG)
    for skill, settings in queue_settings.items():
        raw["queues"][skill] = settings
    return raw


@pytest.fixture
def make_router(redis: Redis) -> Callable[..., Router]:
    def make(raw: dict[str, Any] | None = None, **options: Any) -> Router:
        return Router(redis, config_from_mapping(raw or CONFIG), prefix=PREFIX, **options)

    return make


@pytest.fixture
def router(make_router: Callable[..., Router]) -> Router:
    return make_router()


def staff(router: Router, agent_id: str, skills: dict[str, int], languages: tuple[str, ...] = ("en",),
          free_at: float | None = T0) -> None:
    """Register an agent and, unless free_at is None, make it available at that time."""
    router.register_agent(AgentProfile(agent_id, agent_id.title(), skills, languages), now=T0 - 3600)
    if free_at is not None:
        router.set_agent_state(agent_id, AgentState.AVAILABLE, now=free_at)
