"""Prometheus figures, computed at scrape time from the shared state in Redis and SQL.

Each scrape builds a fresh registry from Redis and SQL, so every gunicorn worker
answers the same numbers and no worker's memory holds state (no multiprocess
directory to manage).  Webhook latency histograms are counted per request in
Redis (ivr.voice.webhook_metrics) and read here like everything else.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, generate_latest
from sqlalchemy import func, select

from ivr.jobs.job_registry import queue_status
from ivr.models.call import Call
from ivr.voice.webhook_metrics import WebhookLatency
from routing.agents import AgentState


def scrape(services: Any) -> bytes:
    """The Prometheus text exposition of the floor and the job queue now."""
    registry = CollectorRegistry()
    _queues(registry, services.router)
    _agents(registry, services.router)
    _jobs(registry, services.redis)
    _calls(registry, services.sessions)
    registry.register(WebhookLatency(services.redis, services.router.ctx.prefix))
    return generate_latest(registry)


def _queues(registry: CollectorRegistry, router: Any) -> None:
    waiting = Gauge("cityline_calls_waiting", "Callers waiting in an agent queue", ["queue"], registry=registry)
    for skill in router.ctx.config.skills:
        for language in router.ctx.config.languages:
            waiting.labels(f"{skill}-{language}").set(router.queue_stats(skill, language).waiting)


def _agents(registry: CollectorRegistry, router: Any) -> None:
    agents = Gauge("cityline_agents", "Agents by state", ["state"], registry=registry)
    counts = Counter(agent.state.value for agent in router.agents())
    for state in AgentState:
        agents.labels(state.value).set(counts.get(state.value, 0))


def _jobs(registry: CollectorRegistry, redis: Any) -> None:
    jobs = Gauge("cityline_jobs", "Background jobs by state", ["state"], registry=registry)
    status = queue_status(redis)
    for state in ("queued", "started", "scheduled", "failed"):
        jobs.labels(state).set(getattr(status, state))


def _calls(registry: CollectorRegistry, sessions: Any) -> None:
    in_progress = Gauge("cityline_calls_in_progress", "Calls not yet ended", registry=registry)
    with sessions() as session:
        in_progress.set(session.scalar(select(func.count()).select_from(Call).where(Call.ended_at.is_(None))) or 0)
