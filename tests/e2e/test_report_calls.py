"""Reporting a pothole by phone with no agent, through the real server, worker and sample city.

The first caller answers the pothole's questions, gives the address in one
breath and a description, asks for texts, and hears the case number; the case
is then found on the web lookup page and on Open311.  A second caller about the
same pothole is added to it and hears the already-reported sentence; a web
report and an Open311 request about it link too.  Moving the case to "in
progress" texts each resident who asked once, even when the job runs twice, and
never a number that sent STOP.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from sqlalchemy import select

from ivr import db
from ivr.jobs.case_update_jobs import queue_update_texts
from ivr.models.case import Case, CaseUpdate
from ivr.models.case_reporter import CaseReporter
from ivr.models.service_attribute import ServiceAttribute
from ivr.models.service_type import ServiceType
from ivr.self_service.spoken import spoken_month_day
from ivr.sms.contacts import set_opted_out
from ivr.telephony.local_adapter import LocalTelephony
from tests.e2e.conftest import ROOT, LiveServer, start_server, stop_server

pytestmark = pytest.mark.e2e
NEW_YORK = ZoneInfo("America/New_York")
API_KEY = "report-calls-api-key-0123456789"
FIRST, SECOND, STOPPED = "+13125550199", "+13125550142", "+13125550177"
#: English; the report menu; report a pothole now; size 3 (bigger than a tire); yes, in a lane;
#: the address at once; the description; 1 for texts about the case; 2: no text of the number.
POTHOLE_CALL = ("press 1\npress 2\npress 5\npress 3#\nsay yes\nsay 125 Elm Street\n"
                "say a deep hole by the school crossing\npress 1\npress 2\n")


@pytest.fixture(scope="module")
def report_server(server_env, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    env = {**server_env, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('reports') / 'cityline.sqlite3'}",
           "OPEN311_API_KEYS": API_KEY}
    db.upgrade(db.make_engine(env["DATABASE_URL"]))
    subprocess.run([sys.executable, "-m", "ivr.cli", "import", "sample"], env={**env, "PATH": "/usr/bin:/bin"},
                   cwd=ROOT, check=True, timeout=120, capture_output=True)
    _pothole_questions(env["DATABASE_URL"])
    live = start_server(env, tmp_path_factory.mktemp("reports-log") / "web.log")
    yield live
    stop_server(live)


def _pothole_questions(url: str) -> None:
    """The city's questions for a pothole, as it would keep them in its catalogue."""
    engine = db.make_engine(url)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        pothole = session.scalar(select(ServiceType).where(ServiceType.code == "potholes"))
        assert pothole.phone_reportable  # the migration marks potholes as reportable by phone
        session.add_all([
            ServiceAttribute(service_type_id=pothole.id, code="size", position=1, datatype="singlevaluelist",
                             required=True, description="How big is the pothole?",
                             values=[{"key": "small", "name": "smaller than a plate"},
                                     {"key": "medium", "name": "about a tire wide"},
                                     {"key": "large", "name": "bigger than a tire"}]),
            ServiceAttribute(service_type_id=pothole.id, code="in_lane", position=2, datatype="singlevaluelist",
                             required=True, description="Is it in a traffic lane?",
                             values=[{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]),
        ])
        streetlight = session.scalar(select(ServiceType).where(ServiceType.code == "streetlights"))
        session.add(ServiceAttribute(service_type_id=streetlight.id, code="pole", position=1,  # a list, no choices
                                     datatype="singlevaluelist", required=True, description="Which pole?", values=[]))
    engine.dispose()


def _clean(transcript) -> None:  # type: ignore[no-untyped-def]
    assert transcript.errors == [], transcript.errors
    assert all(r.status in (200, 204) for r in transcript.requests), [(r.url, r.status) for r in transcript.requests]


def _sessions(server: LiveServer):  # type: ignore[no-untyped-def]
    return db.make_session_factory(db.make_engine(server.env["DATABASE_URL"]))


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _texts(server: LiveServer) -> list[dict[str, str]]:
    with Redis.from_url(server.env["REDIS_URL"]) as redis:
        return LocalTelephony(redis).sent("sms")


@pytest.fixture(scope="module")
def first_report(report_server):  # type: ignore[no-untyped-def]
    transcript = report_server.call(POTHOLE_CALL, from_number=FIRST)
    _clean(transcript)
    return transcript


def _reference(transcript) -> str:  # type: ignore[no-untyped-def]
    [filed] = [line for line in transcript.heard if line.startswith("Thank you. Your report has been filed")]
    return "".join(ch for ch in filed.split("Again")[0] if ch.isdigit())


def test_a_pothole_reported_by_phone_is_filed_with_its_answers(report_server, first_report):
    heard = first_report.heard
    assert "How big is the pothole?" in heard
    assert "For bigger than a tire, press 3." in heard
    assert "Is it in a traffic lane?" in heard and "Press 1 or say yes. Press 2 or say no." in heard
    reference = _reference(first_report)
    assert len(reference) == 10
    spoken = f"{' '.join(reference[:2])}, {' '.join(reference[2:9])}, {reference[9]}"
    assert f"Thank you. Your report has been filed as case number {spoken}. " \
           f"Again, your case number is {spoken}." in heard
    assert heard[-1] == "Thank you for your report. Goodbye."
    with _sessions(report_server)() as session:
        case = session.scalar(select(Case).where(Case.reference == reference))
        assert case.service_type.code == "potholes" and case.channel == "phone" and case.status == "open"
        assert case.address == "125 Elm Street" and case.contact_phone == FIRST
        assert case.description == "a deep hole by the school crossing"
        from ivr.models.service_attribute import CaseAttribute
        answers = {a.code: a.value for a in session.scalars(select(CaseAttribute).where(
            CaseAttribute.case_id == case.id))}
        assert answers == {"size": "large", "in_lane": "yes"}
        [filer] = session.scalars(select(CaseReporter).where(CaseReporter.case_id == case.id)).all()
        assert filer.phone == FIRST and filer.wants_updates and not filer.joined
    report_server.run_worker()  # the call's events: the worker ties the call to the case it filed
    with _sessions(report_server)() as session:
        case = session.scalar(select(Case).where(Case.reference == reference))
        assert [call.call_sid for call in case.calls] == [first_report.call_sid]


def test_the_phoned_case_is_found_on_the_web_lookup_page_and_on_open311(report_server, first_report):
    reference = _reference(first_report)
    status, page = _get(f"{report_server.url}/cases/lookup?ref={reference}")
    printed = f"{reference[:2]}-{reference[2:9]}-{reference[9]}"
    assert status == 200 and printed in page and "Pothole or damaged street" in page and "Opened by phone." in page
    status, body = _get(f"{report_server.url}/open311/v2/requests/{reference}.json")
    [request] = json.loads(body)
    assert status == 200 and request["service_code"] == "potholes" and request["status"] == "open"


def test_a_second_call_about_the_same_pothole_is_added_to_it(report_server, first_report):
    reference = _reference(first_report)
    transcript = report_server.call(POTHOLE_CALL.replace("say 125 Elm Street", "say 131 Elm Street"),
                                    from_number=SECOND)
    _clean(transcript)
    today = spoken_month_day(datetime.now(NEW_YORK).date(), "en")
    assert (f"That was already reported on {today} and is scheduled for repair; I have added you, "
            "and we will text you when it is fixed.") in transcript.heard
    with _sessions(report_server)() as session:
        assert session.query(Case).count() == 1
        case = session.scalar(select(Case).where(Case.reference == reference))
        joined = session.scalars(select(CaseReporter).where(CaseReporter.case_id == case.id,
                                                            CaseReporter.joined)).all()
        assert [(r.phone, r.channel, r.wants_updates) for r in joined] == [(SECOND, "phone", True)]


def test_web_and_open311_reports_of_the_same_pothole_link_to_it(report_server, first_report):
    reference = _reference(first_report)
    data = urllib.parse.urlencode({"api_key": API_KEY, "service_code": "potholes",
                                   "address_string": "127 Elm St", "description": "Huge hole",
                                   "attribute[size]": "large", "attribute[in_lane]": "yes",
                                   "email": "open311@example.com"}).encode()
    with urllib.request.urlopen(f"{report_server.url}/open311/v2/requests.json", data=data, timeout=10) as answer:
        created = json.loads(answer.read())
        assert answer.headers["Already-Reported"] == "true"
    assert created[0]["service_request_id"] == reference
    with _sessions(report_server)() as session:
        assert session.query(Case).count() == 1
        assert session.query(CaseReporter).filter_by(joined=True, channel="api").count() == 1


def test_a_status_change_texts_each_resident_who_asked_once_and_never_one_who_said_stop(
        report_server, first_report):
    reference = _reference(first_report)
    stopped = report_server.call(POTHOLE_CALL.replace("say 125 Elm Street", "say 129 Elm Street"),
                                 from_number=STOPPED)
    _clean(stopped)
    sessions = _sessions(report_server)
    with db.unit_of_work(sessions) as session:
        set_opted_out(session, STOPPED, True)  # they texted STOP after the call
    before = len(_texts(report_server))
    subprocess.run([sys.executable, "-m", "ivr.cli", "cases", "update", reference, "--status", "in_progress",
                    "--note", "Crew scheduled"], env={**report_server.env, "PATH": "/usr/bin:/bin"}, cwd=ROOT,
                   check=True, timeout=60, capture_output=True)
    with sessions() as session:
        update = session.scalars(select(CaseUpdate).join(Case).where(Case.reference == reference)
                                 .order_by(CaseUpdate.id.desc())).first()
    with Redis.from_url(report_server.env["REDIS_URL"]) as redis:
        assert queue_update_texts(redis, update.id)  # the same change queued a second time
    report_server.run_worker()
    report_server.run_worker()
    texts = _texts(report_server)[before:]
    printed = f"{reference[:2]}-{reference[2:9]}-{reference[9]}"
    assert sorted(t["to"] for t in texts) == [SECOND, FIRST]
    assert all(t["body"] == f"City 3-1-1: your report {printed} (Pothole or damaged street) is now in progress."
               " Reply STOP to stop texts." for t in texts)


def test_a_question_the_phone_cannot_ask_hands_the_caller_to_an_agent_with_a_reason(report_server):
    transcript = report_server.call("press 1\npress 2\npress 6\n", max_hold_loops=1)
    _clean(transcript)
    said = transcript.heard.index(
        "Sorry, I can't take this report by phone right now. Let me get you to someone who can.")
    assert transcript.heard[said + 1] == "Please hold for the next available agent."


def test_a_spanish_caller_answers_in_spanish_and_hears_it_was_already_reported(report_server, first_report):
    transcript = report_server.call(
        "press 2\npress 2\npress 5\nsay más grande que una llanta\nsay sí\nsay ciento treinta y tres calle Elm\n"
        "say un bache muy hondo\npress 1\npress 2\n", from_number="+13125550166")
    _clean(transcript)
    assert "¿Qué tan grande es el bache?" in transcript.heard
    today = spoken_month_day(datetime.now(NEW_YORK).date(), "es")
    assert (f"Eso ya se reportó el {today} y está programado para reparación; le agregué al reporte"
            " y le enviaremos un mensaje de texto cuando esté reparado.") in transcript.heard
    assert transcript.heard[-1] == "Gracias por su reporte. Adiós."
    with _sessions(report_server)() as session:
        [spanish] = session.scalars(select(CaseReporter).where(CaseReporter.phone == "+13125550166")).all()
        assert spanish.joined and spanish.language == "es" and spanish.wants_updates
