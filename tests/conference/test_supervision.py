"""Listen, whisper and barge on real Redis: the conference book, the local network and the console agree."""

from __future__ import annotations

import pytest
from redis import Redis

from ivr.conference import conference_name
from ivr.conference.book import ConferenceBooks
from ivr.conference.controls import CallControls, Refused
from ivr.conference.supervision import Supervision
from ivr.telephony import TelephonyError
from ivr.telephony.local_adapter import LocalTelephony
from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from routing.config import config_from_mapping
from routing.router import Router
from tests.conference.test_controls import CONFIG, SID, Recorder, answer


class DownNetwork(LocalTelephony):
    def remove_participant(self, conference: str, participant: str) -> None:
        raise TelephonyError("Twilio is unreachable")

    def update_participant(self, conference: str, participant: str, *, muted: bool, coach: str = "") -> None:
        raise TelephonyError("Twilio is unreachable")


@pytest.fixture
def floor(redis: Redis):  # type: ignore[no-untyped-def]
    router = Router(redis, config_from_mapping(CONFIG), prefix="test:")
    for login, skill in (("ann", "general"), ("ben", "trash")):
        router.register_agent(AgentProfile(login, login.title(), {skill: 5}, ("en",)))
        router.set_agent_state(login, AgentState.AVAILABLE)
    network = LocalTelephony(redis)
    recorder = Recorder()
    books = ConferenceBooks(redis)
    controls = CallControls(router, network, books, recorder.record, recorder.notify)
    supervision = Supervision(router, network, books, redis, recorder.notify)
    return router, network, controls, supervision, recorder


def supervisor_leg(network: LocalTelephony) -> tuple[str, dict]:
    room = network.conference(conference_name(SID))["participants"]
    legs = [(sid, p) for sid, p in room.items() if p["to"] == "client:sam"]
    assert len(legs) == 1
    return legs[0]


def test_listening_adds_the_supervisors_softphone_muted_and_tells_the_agent(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    recorder.notified.clear()
    book = supervision.join("sam", "ann", "listen")
    leg, on_network = supervisor_leg(network)
    assert on_network["muted"] is True and on_network["coach"] == ""
    assert [(p.role, p.who, p.muted) for p in book.participants][-1] == ("monitor", "sam", True)
    assert recorder.notified == ["ann"]
    view = controls.view("ann")
    assert [p["role"] for p in view["participants"]] == ["caller", "agent", "monitor"]
    assert supervision.mode_of(book) == ("sam", "listen")


def test_whisper_coaches_the_agents_leg_then_barge_is_heard_by_everyone_on_the_same_leg(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "listen")
    first_leg, _ = supervisor_leg(network)
    agent_leg = ConferenceBooks(network.redis).get(SID).agent("ann").id
    book = supervision.join("sam", "ann", "whisper")
    leg, on_network = supervisor_leg(network)
    assert leg == first_leg and on_network["muted"] is False and on_network["coach"] == agent_leg
    assert supervision.mode_of(book) == ("sam", "whisper")
    book = supervision.join("sam", "ann", "barge")
    leg, on_network = supervisor_leg(network)
    assert leg == first_leg and on_network["muted"] is False and on_network["coach"] == ""
    assert supervision.mode_of(book) == ("sam", "barge")


def test_leaving_hangs_up_the_supervisor_only(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "whisper")
    recorder.notified.clear()
    book, note = supervision.leave("sam", "ann")
    assert note == ""
    room = network.conference(conference_name(SID))["participants"]
    assert sorted(p["to"] for p in room.values()) == ["caller", "client:ann"]
    assert [p.role for p in book.participants] == ["caller", "agent"] and supervision.mode_of(book) is None
    assert recorder.notified == ["ann"]
    with pytest.raises(Refused, match="not on ann's call"):
        supervision.leave("sam", "ann")


def test_an_agent_not_on_a_call_or_unknown_is_refused_with_words(floor):
    router, network, controls, supervision, recorder = floor
    with pytest.raises(Refused, match="ann is not on a call") as error:
        supervision.join("sam", "ann", "listen")
    assert error.value.status == 409
    with pytest.raises(Refused, match="no agent zed") as error:
        supervision.join("sam", "zed", "listen")
    assert error.value.status == 404
    answer(router, controls, network)
    with pytest.raises(Refused, match="mode must be") as error:
        supervision.join("sam", "ann", "shout")
    assert error.value.status == 400
    assert network.conference(conference_name(SID))["participants"].keys() == {
        p.id for p in ConferenceBooks(network.redis).get(SID).participants}


def test_a_second_supervisor_is_refused_while_one_is_in(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "listen")
    with pytest.raises(Refused, match="sam is already on ann's call") as error:
        supervision.join("tia", "ann", "barge")
    assert error.value.status == 409
    assert [p["to"] for p in network.conference(conference_name(SID))["participants"].values()].count(
        "client:tia") == 0


def test_after_the_call_ends_the_supervisor_can_join_another(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "listen")
    assert controls.hang_up("ann") == "ended"
    with pytest.raises(Refused, match="not on a call"):
        supervision.join("sam", "ann", "listen")
    assert supervision._call_of("sam") == ""


def test_the_network_failing_a_mode_change_leaves_the_mode_as_it_was(floor, redis):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "listen")
    down = Supervision(router, DownNetwork(redis), ConferenceBooks(redis), redis, recorder.notify)
    with pytest.raises(Refused, match="phone network could not be reached") as error:
        down.join("sam", "ann", "barge")
    assert error.value.status == 503
    assert supervision.mode_of(ConferenceBooks(redis).get(SID)) == ("sam", "listen")


def test_a_supervisor_on_one_call_cannot_join_another_until_they_leave(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    other = "CA" + "2" * 32
    router.register_agent(AgentProfile("cy", "Cy", {"general": 5}, ("en",)))
    router.set_agent_state("cy", AgentState.AVAILABLE)
    ticket = router.enqueue(CallRequest(other, "general", "en"))
    assert ticket.offer is not None and ticket.offer.agent_id == "cy"
    router.accept(ticket.offer.id)
    controls.bridge(other, "general-en", "cy", "en")
    supervision.join("sam", "ann", "listen")
    with pytest.raises(Refused, match="already on another agent's call") as error:
        supervision.join("sam", "cy", "listen")
    assert error.value.status == 409
    supervision.leave("sam", "ann")
    book = supervision.join("sam", "cy", "barge")
    assert book.call_sid == other and supervision.mode_of(book) == ("sam", "barge")


def test_leaving_when_the_network_fails_still_frees_the_supervisor_and_says_so(floor, redis):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "barge")
    down = Supervision(router, DownNetwork(redis), ConferenceBooks(redis), redis, recorder.notify)
    book, note = down.leave("sam", "ann")
    assert "hang it up" in note and supervision.mode_of(book) is None
    assert supervision.join("sam", "ann", "listen").call_sid == SID  # not stuck


def test_after_a_warm_transfer_whisper_again_coaches_the_agent_now_on_the_call(floor):
    router, network, controls, supervision, recorder = floor
    answer(router, controls, network)
    supervision.join("sam", "ann", "whisper")
    controls.transfer_to_agent("ann", "ben", warm=True)
    controls.take_transfer(router.reservation(router.agent("ben").reservation), "ben")
    controls.leave("ann")
    ben_leg = ConferenceBooks(network.redis).get(SID).agent("ben").id
    book = supervision.join("sam", "ben", "whisper")
    assert supervisor_leg(network)[1]["coach"] == ben_leg and supervision.mode_of(book) == ("sam", "whisper")
