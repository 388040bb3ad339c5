"""Redis unreachable: what callers said and what routing must do is kept in SQL and applied when Redis returns.

The live app (`app`, on the run's Redis) and an app on a dead port (`down`) share one database, as web
processes do while Redis is away; `sweep_once` is the worker's sweep once Redis answers again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from agents.push import presence
from ivr import db
from ivr.app import create_app
from ivr.cli import main
from ivr.jobs import call_history
from ivr.jobs.sweeper import sweep_once
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case
from ivr.models.outbox import OutboxEntry
from ivr.private_redis import free_port
from ivr.routing_records import RoutingRecords
from routing import recovery
from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest, CallStatus
from routing.exceptions import StateConflict
from tests.conftest import CALL_SID, TwilioClient
from tests.voice_responses import heard, twiml

RECORDING = {"RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
             "RecordingDuration": "12"}


@pytest.fixture
def down(env):  # type: ignore[no-untyped-def]
    """A web process whose Redis is unreachable (nothing listens on its port), on the same database."""
    application = create_app({**env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    yield TwilioClient(application.test_client())
    application.extensions["cityline"].sql.dispose()


@pytest.fixture
def city(app, app_services):  # type: ignore[no-untyped-def]
    """The live app's services, with call-log jobs writing to its database and numbering from its Redis."""
    services = app.extensions["cityline"]
    call_history.bind(services.sessions, services.references)
    yield services
    call_history.bind(None)


@pytest.fixture
def on_call(city):  # type: ignore[no-untyped-def]
    """Ann, her console open, took the caller's call before Redis went away."""
    router = city.router
    console_open(router, "ann")
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
    router.set_agent_state("ann", AgentState.AVAILABLE)
    ticket = router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
    router.accept(ticket.offer.id)
    return router


def console_open(router, login: str) -> None:  # type: ignore[no-untyped-def]
    """The agent's page is open (its event stream renews presence), so the sweep does not log them out."""
    presence.renew(router.ctx.connection, router.ctx.keys.prefix, login)


def outbox(city) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(entry.kind, entry.subject) for entry in RoutingRecords(city.sessions).pending()]


class TestTheAgentsLegEndsWhileRedisIsDown:
    def test_the_caller_hears_goodbye_and_the_end_is_kept_in_sql(self, city, on_call, down):
        root = twiml(down.post("/voice/agent-done?agent=ann&lang=en", {"DialCallStatus": "completed",
                                                                       "DialCallDuration": "30"}))
        assert heard(root) == ["Thank you for calling City 3-1-1. Goodbye."]
        assert outbox(city) == [("call_over", CALL_SID)]
        assert on_call.agent("ann").state is AgentState.ON_CALL  # Redis never heard

    def test_when_redis_returns_the_sweep_frees_the_agent_once(self, city, on_call, down, app_services):
        down.post("/voice/agent-done?agent=ann&lang=en", {"DialCallStatus": "completed", "DialCallDuration": "30"})
        down.post("/voice/status", {"CallStatus": "completed", "CallDuration": "60"})
        assert sweep_once(app_services).recovery.replayed == 1
        assert on_call.agent("ann").state in (AgentState.WRAP_UP, AgentState.AVAILABLE)
        assert on_call.call(CALL_SID).status is CallStatus.COMPLETED
        assert outbox(city) == [] and sweep_once(app_services).recovery.replayed == 0

    def test_nothing_the_call_log_needed_was_lost(self, city, on_call, down):
        down.post("/voice/agent-done?agent=ann&lang=en", {"DialCallStatus": "completed", "DialCallDuration": "30"})
        with city.sessions() as session:
            row = session.scalar(select(Call).where(Call.call_sid == CALL_SID))
            assert row.talk_seconds == 30


class TestACallerHangsUpOnHoldWhileRedisIsDown:
    def test_the_ghost_is_removed_before_any_agent_is_offered_it(self, city, down, app_services):
        router = city.router
        router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
        down.post("/voice/status", {"CallStatus": "completed", "CallDuration": "60"})
        assert router.call(CALL_SID).status is CallStatus.WAITING  # the hang-up never reached Redis
        sweep_once(app_services)
        assert router.call(CALL_SID).status is CallStatus.ABANDONED
        console_open(router, "ann")
        router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
        assert router.set_agent_state("ann", AgentState.AVAILABLE) == []

    def test_a_caller_whose_call_row_ended_is_no_longer_offered_even_without_the_outbox(self, city, app_services):
        city.router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
        ended_in_sql(city, CALL_SID)
        assert sweep_once(app_services).recovery.ghosts_removed == [CALL_SID]

    def test_the_phone_network_saying_the_call_is_over_removes_it_too(self, city):
        city.router.enqueue(CallRequest(CALL_SID, "potholes", "en"))
        city.telephony.call_over(CALL_SID)
        removed = recovery.remove_ghosts(city.router, RoutingRecords(city.sessions), city.telephony)
        assert removed == [CALL_SID]


def ended_in_sql(city, sid: str) -> None:  # type: ignore[no-untyped-def]
    with db.unit_of_work(city.sessions) as session:
        session.add(Call(call_sid=sid, ended_at=datetime.now(UTC), path=[], answers=[]))


class TestTheWatchdog:
    def test_an_agent_whose_call_row_ended_is_released(self, city, on_call, app_services):
        ended_in_sql(city, CALL_SID)
        assert sweep_once(app_services).recovery.agents_released == ["ann"]
        assert on_call.agent("ann").state is AgentState.AVAILABLE

    def test_an_agent_on_one_call_implausibly_long_with_the_call_not_live_is_released(self, city, on_call):
        records = RoutingRecords(city.sessions)
        assert recovery.release_finished_agents(on_call, records, city.telephony) == []  # a normal call
        assert recovery.release_finished_agents(on_call, records, city.telephony, max_seconds=-1) == ["ann"]

    def test_an_agent_on_a_live_call_is_left_alone(self, city, on_call):
        city.telephony.take_dequeue(CALL_SID)  # the local network heard from the call just now
        records = RoutingRecords(city.sessions)
        assert recovery.release_finished_agents(on_call, records, city.telephony, max_seconds=-1) == []
        assert on_call.agent("ann").state is AgentState.ON_CALL


class TestReleaseAgentCommand:
    def test_a_supervisor_releases_a_stuck_agent_and_the_log_says_who(self, env, on_call, caplog):
        with caplog.at_level(logging.WARNING, logger="ivr.cli.routing"):
            result = CliRunner().invoke(main, ["routing", "release-agent", "ann", "--by", "sam"], env=env)
        assert result.exit_code == 0, result.output
        assert "ann released from call" in result.output
        assert on_call.agent("ann").state is AgentState.AVAILABLE
        assert any("AUDIT agent ann released" in r.getMessage() and "by sam" in r.getMessage()
                   for r in caplog.records)

    def test_an_agent_not_on_a_call_is_refused(self, env, on_call):
        on_call.release_agent("ann", "test")
        result = CliRunner().invoke(main, ["routing", "release-agent", "ann"], env=env)
        assert result.exit_code != 0 and "not released" in result.output

    def test_on_call_still_refuses_an_ordinary_state_change(self, on_call):
        with pytest.raises(StateConflict):
            on_call.set_agent_state("ann", AgentState.AVAILABLE)


class TestAMessageLeftWhileRedisIsDown:
    def test_the_caller_hears_it_is_saved_without_a_number_and_nothing_is_rolled_back(self, city, down):
        root = twiml(down.post("/voice/step?node=record_message&lang=en", RECORDING))
        assert heard(root)[0].startswith("Your message has been saved. We could not create a case number")
        with city.sessions() as session:
            row = session.scalar(select(Call).where(Call.call_sid == CALL_SID))
            assert row.recording_url == RECORDING["RecordingUrl"]
            assert session.scalar(select(CallEvent.id).where(CallEvent.call_sid == CALL_SID)) is not None
        assert outbox(city) == [("open_cases", CALL_SID)]

    def test_the_sweep_numbers_and_opens_the_case_when_redis_returns(self, city, down, app_services):
        down.post("/voice/step?node=record_message&lang=en", RECORDING)
        sweep_once(app_services)
        with city.sessions() as session:
            case = session.scalar(select(Case).where(Case.source_key == f"call:{CALL_SID}:message"))
            assert case is not None and case.media_url == RECORDING["RecordingUrl"] and len(case.reference) == 10
            assert session.scalar(select(Call.disposition).where(Call.call_sid == CALL_SID)) == "voicemail"
        assert outbox(city) == []


class TestAnOverflowMessageWhileRedisIsDown:
    def test_it_is_kept_in_sql_and_the_caller_hears_the_truth(self, city, down):
        root = twiml(down.post("/voice/overflow-message?skill=potholes&lang=en", RECORDING))
        assert heard(root) == ["Thank you. Your message has been saved. We could not create a case number right "
                               "now; the 3-1-1 team will give you one when they follow up. Goodbye."]
        [entry] = RoutingRecords(city.sessions).pending()
        assert (entry.kind, entry.payload["recording_url"]) == ("overflow_message", RECORDING["RecordingUrl"])

    def test_it_becomes_a_case_once_when_redis_returns(self, city, down, app_services):
        down.post("/voice/overflow-message?skill=potholes&lang=en", RECORDING)
        down.post("/voice/overflow-message?skill=potholes&lang=en", RECORDING)  # Twilio retried
        sweep_once(app_services)
        sweep_once(app_services)
        with city.sessions() as session:
            cases = list(session.scalars(select(Case).where(Case.source_key == f"call:{CALL_SID}:overflow-message")))
            assert [case.media_url for case in cases] == [RECORDING["RecordingUrl"]]
            applied = session.scalars(select(OutboxEntry.applied_at)).all()
            assert len(applied) == 1 and applied[0] is not None


class TestHoldWhileRedisIsDown:
    def test_hold_never_fails_the_caller(self, down):
        response = down.post("/voice/hold?skill=potholes&lang=en", {"QueuePosition": "2"})
        assert response.status_code == 200
        root = twiml(response)
        assert root.find("Play") is not None and heard(root)[0].startswith("You are number 2 in line.")

    def test_whatever_breaks_the_caller_hears_music_and_the_loop_comes_back(self, app, twilio, monkeypatch):
        def broken(*args: object) -> None:
            raise RuntimeError("something we did not foresee")

        monkeypatch.setattr(app.extensions["cityline"].contact, "hold", broken)
        response = twilio.post("/voice/hold?skill=potholes&lang=en")
        root = twiml(response)
        assert response.status_code == 200 and root.find("Play") is not None
        assert root.find("Redirect").text == "/voice/hold?skill=potholes&lang=en"


class TestAnAcceptedCallerStillOnHold:
    def test_hears_the_hold_loop_while_the_dequeue_may_still_be_on_its_way(self, on_call, twilio):
        root = twiml(twilio.post("/voice/hold?skill=potholes&lang=en"))
        assert root.find("Leave") is None and root.find("Play") is not None

    def test_leaves_hold_for_the_agent_when_the_dequeue_was_lost(self, on_call, twilio):
        on_call.ctx.connection.hset(on_call.ctx.keys.call(CALL_SID), "answered", on_call.ctx.now() - 60)
        root = twiml(twilio.post("/voice/hold?skill=potholes&lang=en"))
        assert root.find("Leave") is not None
        exit_root = twiml(twilio.post("/voice/step?node=report_menu&lang=en", {"QueueResult": "leave"}))
        assert exit_root.find("Dial/Conference").text == f"call-{CALL_SID}"  # where ann's softphone was added


class TestPresenceAfterAnOutage:
    """While Redis was away no console could renew its presence: right after, every agent looks absent."""

    def services(self, city):  # type: ignore[no-untyped-def]
        from ivr.jobs.routing_jobs import RoutingServices

        return RoutingServices(city.router, city.telephony, city.sessions, city.references,
                               ZoneInfo("America/New_York"))

    def available_but_lapsed(self, city) -> None:  # type: ignore[no-untyped-def]
        city.router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
        city.router.set_agent_state("ann", AgentState.AVAILABLE)  # and her presence key has expired

    def test_a_sweeper_that_just_reached_redis_again_logs_nobody_out(self, city):
        from ivr.jobs.sweeper import PresenceGate

        self.available_but_lapsed(city)
        now = [1000.0]
        gate = PresenceGate(clock=lambda: now[0])
        assert sweep_once(self.services(city), gate).logged_out == []
        now[0] += presence.PRESENCE_SECONDS - 1
        assert sweep_once(self.services(city), gate).logged_out == []  # consoles still have time to renew
        assert city.router.agent("ann").state is AgentState.AVAILABLE
        now[0] += 2  # Redis answered without a break for a whole presence period: Ann's console is gone
        assert sweep_once(self.services(city), gate).logged_out == ["ann"]

    def test_a_sweep_that_loses_redis_starts_the_wait_again(self, city, monkeypatch):
        from redis.exceptions import ConnectionError as RedisConnectionError

        from ivr.jobs import sweeper
        from ivr.jobs.sweeper import PresenceGate

        self.available_but_lapsed(city)
        now = [1000.0]
        gate = PresenceGate(clock=lambda: now[0])
        sweep_once(self.services(city), gate)
        now[0] += presence.PRESENCE_SECONDS + 1

        def cut(**_):  # type: ignore[no-untyped-def]
            raise RedisConnectionError("Connection refused")

        monkeypatch.setattr(sweeper, "sweep", cut)
        sweep_once(self.services(city), gate)  # Redis away
        monkeypatch.undo()
        assert sweep_once(self.services(city), gate).logged_out == []  # back: the wait starts again
        now[0] += presence.PRESENCE_SECONDS
        assert sweep_once(self.services(city), gate).logged_out == ["ann"]

    def test_an_operators_one_off_sweep_logs_out_at_once(self, city):
        self.available_but_lapsed(city)
        assert sweep_once(self.services(city)).logged_out == ["ann"]
