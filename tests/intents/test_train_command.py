"""`cityline intents train` learns what callers said on calls agents then opened cases for."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from click.testing import CliRunner

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, open_case
from ivr.cli import main
from ivr.intents.learned import read_learned
from ivr.models.agent import Agent
from ivr.models.call import Call

OPENED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def agent_case(session, service: str, said: str, sequence: int, with_agent: bool = True) -> None:  # type: ignore[no-untyped-def]
    call = Call(call_sid="CA" + uuid.uuid4().hex, path=[
        {"node": "main_menu", "input": f"said {said!r}", "result": "words"},
        {"node": "understand_request", "input": None, "result": "unsure"}])
    session.add(call)
    case = open_case(session, NewCase(make_reference(2026, sequence), service, "phone", OPENED), calls=[call])
    if with_agent:
        case.agents.append(Agent(login=f"a{uuid.uuid4().hex[:8]}", name="Alice"))


def test_train_learns_the_service_type_agents_filed_for_what_callers_said(sessions, tmp_path):
    with db.unit_of_work(sessions) as session:
        agent_case(session, "streetlights", "the thing on the pole is dark", 1)
        agent_case(session, "noise", "bang bang all night", 2)
        agent_case(session, "potholes", "nobody handled this one", 3, with_agent=False)
    learned = tmp_path / "learned.tsv"
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["intents", "train"], env={"DATABASE_URL": url,
                                                                   "INTENTS_LEARNED_FILE": str(learned)})
    assert result.exit_code == 0, result.output
    assert "2 phrases learned from agents' cases" in result.output
    assert "held-out examples" in result.output
    assert sorted(read_learned(learned)) == [("bang bang all night", "noise"),
                                             ("the thing on the pole is dark", "streetlights")]
