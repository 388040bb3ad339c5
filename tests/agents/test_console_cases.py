"""Working the case from the console: duplicates nearby, adding the caller to one, filing, the lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, find_by_reference, open_case
from ivr.jobs import call_history
from ivr.models.agent import Agent
from ivr.models.call import Call
from routing.calls import CallRequest
from tests.agents.login import log_in

SID = "CA" + "d" * 32
EXISTING = make_reference(2026, 41)


@pytest.fixture
def services(app):  # type: ignore[no-untyped-def]
    return app.extensions["cityline"]


@pytest.fixture
def client(app, services):  # type: ignore[no-untyped-def]
    client = log_in(app.test_client(), "alice", skills={"potholes": 6}, name="Alice Rivera")
    with db.unit_of_work(services.sessions) as session:
        open_case(session, NewCase(reference=EXISTING, service_code="potholes", channel="web", address="121 Elm St",
                                   opened_at=datetime(2026, 11, 30, tzinfo=UTC), description="Deep hole"))
        open_case(session, NewCase(reference=make_reference(2026, 42), service_code="potholes", channel="web",
                                   address="900 Elm St", opened_at=datetime(2026, 11, 30, tzinfo=UTC)))
        open_case(session, NewCase(reference=make_reference(2026, 43), service_code="streetlights",
                                   channel="web", address="118 Elm St", opened_at=datetime(2026, 11, 30, tzinfo=UTC)))
    return client


@pytest.fixture
def on_call(client, services):  # type: ignore[no-untyped-def]
    """Alice accepted SID's call; the worker has written its row."""
    assert client.post("/agents/api/me/state", json={"state": "available"}).status_code == 200
    services.router.enqueue(CallRequest(SID, "potholes", "en"))
    offer = client.get("/agents/api/me").get_json()["offer"]
    assert client.post(f"/agents/api/offers/{offer['id']}/accept").status_code == 200
    with db.unit_of_work(services.sessions) as session:
        session.add(Call(call_sid=SID, caller="+13125550199", started_at=datetime.now(UTC)))
    return client


def test_service_types_are_found_by_name_or_keyword(client):
    found = client.get("/agents/api/service-types?q=pothole").get_json()["services"]
    assert [s["code"] for s in found] == ["potholes"]


def test_open_cases_of_the_same_type_near_the_address_are_suggested(client):
    nearby = client.get("/agents/api/cases/nearby?service=potholes&address=125 Elm Street").get_json()
    assert [case["reference"] for case in nearby["cases"]] == [EXISTING]  # not 900 Elm, not the streetlight


def test_adding_the_caller_to_the_existing_case_links_the_call_and_no_second_case_opens(on_call, services):
    joined = on_call.post(f"/agents/api/cases/{EXISTING}/join").get_json()
    assert joined["case"]["callers"] == 1 and joined["already"] is False
    assert on_call.get("/agents/api/cases/mine").get_json()["case"]["reference"] == EXISTING
    with db.unit_of_work(services.sessions) as session:
        call = session.query(Call).filter_by(call_sid=SID).one()
        call.agent_id = session.query(Agent).filter_by(login="alice").one().id
        call_history._open_case_for_agent_call(session, call, {"agent_login": "alice"}, services.references)
    with services.sessions() as session:
        case = find_by_reference(session, EXISTING)
        assert case.updates[-1].note == "Another caller reported this." and case.contact_phone == "+13125550199"
        assert session.query(type(case)).count() == 3  # the worker opened no automatic case


def test_the_agent_files_the_case_and_reads_back_its_number(on_call):
    response = on_call.post("/agents/api/cases", json={"service_code": "potholes", "address": "500 Oak Ave",
                                                      "description": "Large pothole in the bus lane"})
    assert response.status_code == 201, response.get_json()
    case = response.get_json()["case"]
    assert case["status"] == "open" and case["callers"] == 1 and " " in case["spoken_en"]


def test_invalid_answers_are_listed_not_filed(on_call):
    response = on_call.post("/agents/api/cases", json={"service_code": "nonsense"})
    assert response.status_code == 400 and response.get_json()["problems"]


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null"])
def test_a_body_that_is_not_a_json_object_is_refused(on_call, body):
    response = on_call.post("/agents/api/cases", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]


def test_without_a_call_there_is_nothing_to_file(client):
    response = client.post("/agents/api/cases", json={"service_code": "potholes"})
    assert response.status_code == 409 and "no call" in response.get_json()["error"]


def test_a_case_moves_to_in_progress_then_closed_with_a_resolution(client):
    path = f"/agents/api/cases/{EXISTING}/status"
    assert client.post(path, json={"status": "in_progress"}).get_json()["case"]["status"] == "in_progress"
    assert client.post(path, json={"status": "closed"}).status_code == 400
    closed = client.post(path, json={"status": "closed", "resolution": "Patched"}).get_json()["case"]
    assert (closed["status"], closed["resolution"]) == ("closed", "Patched")
    assert client.post(path, json={"status": "sideways"}).status_code == 400


def test_routing_down_is_a_clear_503_not_a_500(client, services, monkeypatch):
    from redis.exceptions import ConnectionError as RedisDown

    def unreachable(login):  # type: ignore[no-untyped-def]
        raise RedisDown("connection refused")

    monkeypatch.setattr(services.router, "agent", unreachable)
    response = client.post("/agents/api/cases", json={"service_code": "potholes"})
    assert response.status_code == 503 and "Routing is unreachable" in response.get_json()["error"]


def _texts_sent(redis_url: str) -> list[dict[str, str]]:
    from redis import Redis

    from ivr.telephony.local_adapter import LocalTelephony

    return LocalTelephony(Redis.from_url(redis_url)).sent("sms")


def _run_text_jobs(redis_url: str, env: dict[str, str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from redis import Redis
    from rq import Queue, SimpleWorker

    from ivr.voice.texts import TEXTS_QUEUE

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    connection = Redis.from_url(redis_url)
    SimpleWorker([Queue(TEXTS_QUEUE, connection=connection)], connection=connection).work(burst=True)


def test_the_case_number_is_texted_to_the_caller_once(on_call, env, redis_url, monkeypatch):
    on_call.post(f"/agents/api/cases/{EXISTING}/join")
    for _ in range(2):  # the agent presses twice
        sent = on_call.post(f"/agents/api/cases/{EXISTING}/text")
        assert sent.status_code == 202 and sent.get_json()["to"] == "+13125550199"
    _run_text_jobs(redis_url, env, monkeypatch)
    texts = [t for t in _texts_sent(redis_url) if t["to"] == "+13125550199"]
    assert [t["body"] for t in texts] == [
        "City 3-1-1: your case number is 26-0000041-7 (Pothole or damaged street). To check on it, call 3-1-1 and "
        "say \"case status\", or look it up on the city's website."]


def test_only_the_calls_own_case_can_be_texted(on_call):
    refused = on_call.post(f"/agents/api/cases/{make_reference(2026, 42)}/text")
    assert refused.status_code == 409 and "Only the case of this call" in refused.get_json()["error"]


def test_a_landline_caller_is_not_texted(app, services, on_call, redis_url):
    from redis import Redis

    from ivr.telephony.line_types import CACHE_KEY

    Redis.from_url(redis_url).set(CACHE_KEY + "+13125550199", "landline")  # the carrier's answer, cached
    on_call.post(f"/agents/api/cases/{EXISTING}/join")
    refused = on_call.post(f"/agents/api/cases/{EXISTING}/text")
    assert refused.status_code == 409 and "cannot receive texts" in refused.get_json()["error"]


def test_texting_needs_a_call(client):
    assert client.post(f"/agents/api/cases/{EXISTING}/text").status_code == 409
