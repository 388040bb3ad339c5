"""Folding a call's events into its single Call row.

The row is rebuilt from every stored event, sorted, each time one arrives, so
duplicates, retries and out-of-order delivery all end in the same row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from flows.numbers import whole_number
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.call_event import CallEvent

#: Twilio's final call statuses that mean nobody was ever connected.
NOT_CONNECTED = frozenset({"busy", "failed", "no-answer", "canceled"})
KIND_ORDER = {"started": 0, "turn": 1, "failed": 1, "agent": 1, "status": 2}


#: Calls named in one IN (...) list: well under SQLite's and PostgreSQL's limits on bound values.
CHUNK = 500


class StoredEvent(Protocol):
    """A call event as read for folding: plain rows, not ORM objects (building those cost most of a batch)."""

    call_sid: str
    kind: str
    sequence: str
    occurred_at: datetime
    data: dict[str, Any]


def _in_order(events: Iterable[StoredEvent]) -> list[StoredEvent]:
    return sorted(events, key=lambda e: (KIND_ORDER.get(e.kind, 1), e.occurred_at, _sequence_number(e)))


def _sequence_number(event: StoredEvent) -> int:
    head = event.sequence.split(":", 1)[0]
    return whole_number(head) or 0


def rebuild_call(session: Session, call_sid: str) -> tuple[Call, dict[str, Any]]:
    """The call's row, made to match its events; also the values the caller gave (zip, message, ...)."""
    return rebuild_calls(session, [call_sid])[0]


def rebuild_calls(session: Session, call_sids: Iterable[str]) -> list[tuple[Call, dict[str, Any]]]:
    """Each call's row made to match its events, with the values its caller gave, in the order given.

    A batch costs a few statements whatever its size: the missing rows are added and every row locked in
    one go each, then all the calls' events are read in one query, folded in Python, and the changed rows
    written in one flush (statements grouped by the columns that changed).
    """
    wanted = list(dict.fromkeys(call_sids))
    if not wanted:
        return []
    rows = _locked_rows(session, wanted)
    events = _events_by_call(session, wanted)
    rebuilt = []
    for call_sid in wanted:
        fresh = Call(call_sid=call_sid)
        rebuilt.append((rows[call_sid], fresh, _fold(fresh, _in_order(events.get(call_sid, [])))))
    agents = _agent_ids(session, {values["agent_login"] for _, _, values in rebuilt if values.get("agent_login")})
    for call, fresh, values in rebuilt:
        fresh.agent_id = agents.get(values["agent_login"]) if values.get("agent_login") else None
        for column in Call.__table__.columns:
            if column.key not in ("id", "call_sid", "details_removed"):  # the retention mark outlives rebuilds
                setattr(call, column.key, getattr(fresh, column.key))
    session.flush()
    return [(call, values) for call, _, values in rebuilt]


def _locked_rows(session: Session, call_sids: list[str]) -> dict[str, Call]:
    """The calls' rows, created if missing without racing another worker, and locked until commit.

    INSERT ... ON CONFLICT DO NOTHING never fails on a row another worker is adding; the row locks
    (PostgreSQL; SQLite serialises writers anyway) make a second worker wait, then read every event.
    Rows are added and locked in call_sid order, so two workers whose batches share calls take the
    locks in the same order and wait for each other rather than deadlock.
    """
    ordered = sorted(call_sids)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(Call).on_conflict_do_nothing(index_elements=["call_sid"]),
                    [{"call_sid": call_sid, "path": [], "answers": []} for call_sid in ordered])
    rows: dict[str, Call] = {}
    for chunk in _chunks(ordered):
        rows.update((call.call_sid, call) for call in session.scalars(
            select(Call).where(Call.call_sid.in_(chunk)).order_by(Call.call_sid).with_for_update()
            .execution_options(populate_existing=True)))
    return rows


def _events_by_call(session: Session, call_sids: list[str]) -> dict[str, list[StoredEvent]]:
    """Every stored event of these calls, in the order stored (events at the same moment keep it when sorted);
    read after their rows are locked, so a racing worker's events are in."""
    columns = (CallEvent.call_sid, CallEvent.kind, CallEvent.sequence, CallEvent.occurred_at, CallEvent.data)
    events: dict[str, list[StoredEvent]] = {}
    for chunk in _chunks(call_sids):
        for event in session.execute(select(*columns).where(CallEvent.call_sid.in_(chunk)).order_by(CallEvent.id)):
            events.setdefault(event.call_sid, []).append(event)
    return events


def _agent_ids(session: Session, logins: set[str]) -> dict[str, int]:
    if not logins:
        return {}
    return dict(session.execute(select(Agent.login, Agent.id).where(Agent.login.in_(logins))).all())


def _chunks(items: list[str]) -> Iterable[list[str]]:
    return (items[start:start + CHUNK] for start in range(0, len(items), CHUNK))


def _fold(call: Call, events: Iterable[StoredEvent]) -> dict[str, Any]:
    call.path, call.answers, call.failures, call.caller_withheld = [], [], 0, False
    call.agents, call.transfers = [], []
    call.called, call.direction = "", "inbound"
    values: dict[str, Any] = {}
    for event in events:
        APPLY[event.kind](call, event, values)
    call.disposition = disposition(call, values)
    return values


def _started(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    data = event.data
    call.caller, call.caller_withheld = data.get("caller"), bool(data.get("caller_withheld"))
    call.called, call.direction = data.get("called", ""), data.get("direction", "inbound")
    call.started_at = event.occurred_at


def _turn(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    data = event.data
    call.started_at = call.started_at or event.occurred_at
    call.language = data.get("language") or call.language
    at = event.occurred_at.isoformat()
    call.path = [*call.path, *({**visit, "at": at} for visit in data.get("visits", []))]
    call.answers = [*call.answers, *(v["handler"] for v in data.get("visits", []) if v.get("spoke"))]
    values.update(data.get("values", {}))
    call.language_requested = values.get("language_requested") or call.language_requested
    if data.get("queue") and call.queue_entered_at is None:
        call.queue, call.queue_entered_at = data["queue"], event.occurred_at
    _network(call, data.get("network", {}), event.occurred_at)


def _network(call: Call, facts: dict[str, str], at: datetime) -> None:
    if "QueueResult" in facts:
        call.queue_result = facts["QueueResult"]
        call.queue_seconds = int(facts.get("QueueTime") or 0)
        if call.queue_result == "bridged" and call.queue_entered_at is not None:
            call.answered_at = call.queue_entered_at + timedelta(seconds=call.queue_seconds)
    if facts.get("RecordingUrl"):
        call.recording_url = facts["RecordingUrl"]


def _agent(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    """An agent's leg ended: who talked to the caller, and for how long."""
    data = event.data
    if data.get("status") != "completed":
        return
    call.talk_seconds = int(data.get("seconds") or 0)
    call.answered_at = event.occurred_at - timedelta(seconds=call.talk_seconds)
    values["agent_login"] = data.get("agent")
    if data.get("agent") and data["agent"] not in call.agents:
        call.agents = [data["agent"], *call.agents]


def _handoff(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    """The call controls moved the call (ivr/conference/controls.py): who answered, transfers, who joined."""
    data = event.data
    agent = data.get("agent")
    if data.get("event") in ("answered", "joined") and agent and agent not in call.agents:
        call.agents = [*call.agents, agent]
    if data.get("event") == "transfer":
        call.transfers = [*call.transfers, {**{k: v for k, v in data.items() if k != "event"},
                                            "at": event.occurred_at.isoformat()}]


def _failed(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    call.failures += 1


def _status(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    data = event.data
    call.status, call.duration_seconds = data.get("status"), data.get("duration")
    if data.get("status") in NOT_CONNECTED or data.get("status") == "completed":
        call.ended_at = event.occurred_at
        call.started_at = call.started_at or event.occurred_at - timedelta(seconds=data.get("duration") or 0)
    if call.answered_at is not None and call.ended_at is not None and call.talk_seconds is None:
        call.talk_seconds = max(0, int((call.ended_at - call.answered_at).total_seconds()))


def _wrap_up(call: Call, event: StoredEvent, values: dict[str, Any]) -> None:
    """The agent's wrap-up code; chosen again, the latest counts (events are folded in time order)."""
    call.wrap_up_code = event.data.get("code") or call.wrap_up_code


APPLY = {"started": _started, "turn": _turn, "failed": _failed, "agent": _agent, "status": _status,
         "handoff": _handoff, "wrap_up": _wrap_up}


def disposition(call: Call, values: dict[str, Any]) -> str:
    """How the call ended for the city, most telling outcome first."""
    if call.status in NOT_CONNECTED and not call.path:
        return "not_connected"
    checks = (
        ("callback", bool(values.get("callback"))),  # asked on hold; kept or not, the city owes the call
        ("answered_by_agent", call.queue_result == "bridged" or bool(values.get("agent_login"))),
        ("voicemail", bool(values.get("message"))),
        ("overflow", call.queue_result in ("overflow", "queue-full", "error", "system-error")),
        ("abandoned_in_queue", call.queue is not None),
        ("after_hours", _reached_after_hours(call)),
        ("self_served", bool(call.answers)),
    )
    for name, applies in checks:
        if applies:
            return name
    return "hung_up_in_menu" if call.ended_at else "in_progress"


def _reached_after_hours(call: Call) -> bool:
    return any(v.get("handler") == "office_hours.is_open" and v.get("result") == "closed" for v in call.path)
