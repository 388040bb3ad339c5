"""Agents joining, changing state and leaving the floor, as the agent console will ask.

An agent who becomes available is at once matched with the first call it may
take, so the console can ring straight away; every state change goes through
one script that checks the move is allowed from the state Redis holds now.
"""

from __future__ import annotations

import json

from routing.agents import Agent, AgentProfile, AgentState, allowed_from
from routing.context import RoutingContext
from routing.dispatcher import offer_agent
from routing.exceptions import StateConflict, UnknownAgent
from routing.reservations import Reservation
from routing.scripts import text
from routing.snapshots import agent_from_fields, decode_hash, load_agent


def register_agent(ctx: RoutingContext, profile: AgentProfile, now: float) -> Agent:
    """Create an agent (offline) or update its name, skills and languages, keeping its live state."""
    ctx.scripts.register_agent(profile.id, profile.name, json.dumps(dict(profile.skills), sort_keys=True),
                               json.dumps(list(profile.languages)), now)
    return get_agent(ctx, profile.id)


def get_agent(ctx: RoutingContext, agent_id: str) -> Agent:
    agent = load_agent(ctx, agent_id)
    if agent is None:
        raise UnknownAgent(agent_id)
    return agent


def all_agents(ctx: RoutingContext) -> list[Agent]:
    """Every registered agent, for supervisor views (one pipelined read)."""
    ids = sorted(text(member) for member in ctx.connection.smembers(ctx.keys.agents))
    pipe = ctx.connection.pipeline(transaction=False)
    for agent_id in ids:
        pipe.hgetall(ctx.keys.agent(agent_id))
    return [agent_from_fields(decode_hash(raw)) for raw in pipe.execute() if raw]


def set_agent_state(ctx: RoutingContext, agent_id: str, state: AgentState, now: float) -> list[Reservation]:
    """Move an agent (available, break, offline, ...); offers made when it becomes available are returned."""
    state = AgentState(state)
    allowed = sorted(allowed_from(state))
    result = ctx.scripts.set_agent_state(agent_id, state, now, allowed, ctx.config.records.handle_window)
    if result == "unknown":
        raise UnknownAgent(agent_id)
    if result == "reserved":
        raise StateConflict(f"agent {agent_id}", "holding an offer", "accepting or rejecting it first")
    if result not in ("ok", "same"):
        raise StateConflict(f"agent {agent_id}", result, f"one of {', '.join(allowed)}")
    if state is AgentState.AVAILABLE:
        return offer_agent(ctx, agent_id, now)
    return []


def release_agent(ctx: RoutingContext, agent_id: str, reason: str, now: float) -> str:
    """An agent on_call whose call is over (Redis missed the end): available again; returns the call's id.

    The call's routing entry, if still answered by this agent, is completed in the same script;
    StateConflict when the agent is not on a call.
    """
    result, call = ctx.scripts.release_agent(agent_id, now, reason, ctx.config.records.finished_ttl)
    if result == "unknown":
        raise UnknownAgent(agent_id)
    if result != "ok":
        raise StateConflict(f"agent {agent_id}", result, "on_call")
    offer_agent(ctx, agent_id, now)
    return call
