"""The call controls on real Redis: the router, the conference book and the local phone network agree."""

from __future__ import annotations

from typing import Any

import pytest
from redis import Redis

from flows.loader import DEFAULT_FLOW_FILE
from ivr.conference import conference_name
from ivr.conference.book import ConferenceBooks
from ivr.conference.controls import CallControls, Interpreter, Refused
from ivr.telephony import TelephonyError
from ivr.telephony.local_adapter import LocalTelephony
from ivr.voice import webhook_writes
from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from routing.config import config_from_mapping
from routing.router import Router
from tests.flows.test_languages import answer as reply_to
from tests.flows.test_languages import engine_for

CONFIG = {"languages": ["en", "es"], "defaults": {"reservation_timeout": 20, "wrap_up": 30},
          "queues": {"general": {}, "trash": {}}}
SID = "CA" + "1" * 32


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.notified: list[str] = []

    def record(self, call_sid: str, data: dict[str, Any]) -> None:
        self.events.append((call_sid, data))

    def notify(self, login: str) -> None:
        self.notified.append(login)


class DownNetwork(LocalTelephony):
    """A phone network that fails every conference move (Twilio unreachable)."""

    def hold(self, conference: str, participant: str, hold_url: str) -> None:
        raise TelephonyError("Twilio is unreachable")

    def end_conference(self, conference: str) -> None:
        raise TelephonyError("Twilio is unreachable")


@pytest.fixture
def center(redis: Redis):  # type: ignore[no-untyped-def]
    router = Router(redis, config_from_mapping(CONFIG), prefix="test:")
    for login, skill in (("ann", "general"), ("ben", "trash")):
        router.register_agent(AgentProfile(login, login.title(), {skill: 5}, ("en",)))
        router.set_agent_state(login, AgentState.AVAILABLE)
    network = LocalTelephony(redis)
    recorder = Recorder()
    controls = CallControls(router, network, ConferenceBooks(redis), recorder.record, recorder.notify,
                            Interpreter("+18005550199", "1234#"))
    return router, network, controls, recorder


def answer(router: Router, controls: CallControls, network: LocalTelephony) -> None:
    """A caller queues, ann is offered the call and accepts: the caller is bridged into the conference."""
    ticket = router.enqueue(CallRequest(SID, "general", "en"))
    assert ticket.offer is not None and ticket.offer.agent_id == "ann"
    router.accept(ticket.offer.id)
    controls.bridge(SID, "general-en", "ann", "en")
    network.join(conference_name(SID), SID)  # the caller's <Dial><Conference> reaches it


def test_an_accepted_call_is_a_conference_of_the_caller_and_the_agent(center):
    router, network, controls, recorder = center
    answer(router, controls, network)
    room = network.conference(conference_name(SID))["participants"]
    assert sorted(p["to"] for p in room.values()) == ["caller", "client:ann"]
    view = controls.view("ann")
    assert view["yours"] and [p["role"] for p in view["participants"]] == ["caller", "agent"]
    assert recorder.events == [(SID, {"event": "answered", "agent": "ann"})]
    assert controls.view("ben") is None


def test_hold_plays_music_to_the_caller_and_mute_silences_the_agent(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    controls.hold("ann", True)
    caller = network.conference(conference_name(SID))["participants"][SID]
    assert caller["held"] and caller["hold_url"] == "/voice/conference-hold?say=hold&lang=en"
    controls.hold("ann", False)
    assert not network.conference(conference_name(SID))["participants"][SID]["held"]
    controls.mute("ann", True)
    mine = next(p for p in controls.view("ann")["participants"] if p["who"] == "ann")
    assert mine["muted"] is True
    assert [p["muted"] for p in network.conference(conference_name(SID))["participants"].values()
            if p["to"] == "client:ann"] == [True]


def test_a_warm_transfer_holds_the_caller_then_hands_over_when_the_first_agent_leaves(center):
    router, network, controls, recorder = center
    answer(router, controls, network)
    controls.transfer_to_agent("ann", "ben", warm=True)
    assert network.conference(conference_name(SID))["participants"][SID]["hold_url"].endswith(
        "say=transferring&lang=en")
    offer = router.reservation(router.agent("ben").reservation)
    assert (offer.kind, offer.from_agent) == ("transfer", "ann")
    controls.take_transfer(offer, "ben")
    assert "ann" in recorder.notified  # ann's console learns ben joined
    assert controls.view("ann")["yours"] is False and controls.view("ben")["yours"] is True
    with pytest.raises(Refused) as refused:
        controls.hold("ann", True)  # the caller is ben's now
    assert refused.value.status == 403
    controls.leave("ann")
    assert router.agent("ann").state is AgentState.WRAP_UP
    room = network.conference(conference_name(SID))["participants"]
    assert sorted(p["to"] for p in room.values()) == ["caller", "client:ben"]
    assert not room[SID]["held"]  # back in the conversation, with ben
    assert controls.hang_up("ben") == "ended"
    assert router.agent("ben").state is AgentState.WRAP_UP
    assert network.conference(conference_name(SID))["ended"] is True
    kinds = [data["event"] for _, data in recorder.events]
    assert kinds == ["answered", "transfer", "joined", "left"]
    assert recorder.events[1][1] == {"event": "transfer", "mode": "warm", "from": "ann", "to_kind": "agent",
                                     "to": "ben"}


def test_a_cold_transfer_to_an_agent_lets_the_first_agent_go_as_soon_as_it_is_accepted(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    controls.transfer_to_agent("ann", "ben", warm=False)
    controls.take_transfer(router.reservation(router.agent("ben").reservation), "ben")
    assert router.agent("ann").state is AgentState.WRAP_UP
    assert controls.view("ann") is None and controls.view("ben")["yours"] is True


def test_a_declined_transfer_leaves_the_caller_with_the_first_agent(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    controls.transfer_to_agent("ann", "ben", warm=True)
    router.reject(router.agent("ben").reservation)
    view = controls.view("ann")
    assert view["yours"] and view["transfer"]["status"] == "rejected"
    controls.hold("ann", False)  # the agent takes the caller back
    assert not network.conference(conference_name(SID))["participants"][SID]["held"]


def test_a_cold_transfer_to_a_queue_moves_the_caller_and_frees_the_agent(center):
    router, network, controls, recorder = center
    answer(router, controls, network)
    assert controls.transfer_to_queue("ann", "trash") == "trash-en"
    assert network.take_redirect(SID) == "/voice/transferred?skill=trash&lang=en"  # the caller is redirected
    assert router.agent("ann").state is AgentState.WRAP_UP
    call = router.call(SID)
    assert (call.skill, call.status.value, call.agent) == ("trash", "offered", "ben")  # ben is free for trash
    assert recorder.events[-1][1]["to"] == "trash-en"
    with pytest.raises(Refused):
        controls.transfer_to_queue("ann", "trash")  # ann has no call any more


def test_an_unknown_queue_is_refused_with_words(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    with pytest.raises(Refused) as refused:
        controls.transfer_to_queue("ann", "parking")
    assert refused.value.status == 400 and "parking" in refused.value.message


def test_the_interpreter_line_is_dialed_with_its_access_code_and_can_be_removed(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    controls.add_interpreter("ann")
    [placed] = network.sent("calls")
    assert (placed["to"], placed["digits"]) == ("+18005550199", "1234#")
    interpreter = next(p for p in controls.view("ann")["participants"] if p["role"] == "interpreter")
    with pytest.raises(Refused):
        controls.add_interpreter("ann")
    controls.remove("ann", interpreter["id"])
    assert all(p["role"] != "interpreter" for p in controls.view("ann")["participants"])
    assert placed["sid"] not in network.conference(conference_name(SID))["participants"]


def test_telephony_down_is_a_clear_refusal_and_hang_up_still_frees_the_agent(center, redis):
    router, _, _, recorder = center
    network = DownNetwork(redis)
    controls = CallControls(router, network, ConferenceBooks(redis), recorder.record, recorder.notify)
    answer(router, controls, network)
    with pytest.raises(Refused) as refused:
        controls.hold("ann", True)
    assert refused.value.status == 503 and "phone network" in refused.value.message
    assert controls.hang_up("ann") == "ended"
    assert router.agent("ann").state is AgentState.WRAP_UP  # never stuck on a call the network cannot end


def _agent_leg(network: LocalTelephony, login: str) -> str:
    room = network.conference(conference_name(SID))["participants"]
    return next(sid for sid, p in room.items() if p["to"] == f"client:{login}")


def test_a_dropped_softphone_puts_the_caller_back_in_line_ahead_of_new_callers(center):
    router, network, controls, recorder = center
    answer(router, controls, network)
    leg = _agent_leg(network, "ann")
    assert network.conference(conference_name(SID))["participants"][leg]["on_end"] == \
        f"/voice/agent-leg-ended?call={SID}&agent=ann"
    router.enqueue(CallRequest("CA" + "2" * 32, "general", "en"))  # a new caller joins meanwhile

    assert controls.leg_ended(SID, "ann", leg) == "requeued"
    assert network.take_redirect(SID) == "/voice/transferred?skill=general&lang=en&say=agent_lost"
    assert router.agent("ann").state is AgentState.WRAP_UP  # freed, not stuck on a call that is gone
    assert router.ticket(SID).position == 1  # ahead of the caller who had not reached anyone
    assert (SID, {"event": "agent_dropped", "agent": "ann"}) in recorder.events
    assert controls.view("ann") is None and "ann" in recorder.notified


def test_a_leg_that_ends_after_the_console_hung_up_changes_nothing(center):
    router, network, controls, recorder = center
    answer(router, controls, network)
    leg = _agent_leg(network, "ann")
    controls.hang_up("ann")
    assert controls.leg_ended(SID, "ann", leg) == "done"
    assert network.take_redirect(SID) is None
    assert all(data["event"] != "agent_dropped" for _, data in recorder.events)


def test_when_the_caller_is_gone_too_the_conference_end_completes_the_call(center):
    router, network, controls, _ = center

    class CallerGone(LocalTelephony):
        def redirect(self, call_sid: str, url: str) -> None:
            raise TelephonyError("Call is not in-progress. Cannot redirect.")

    answer(router, controls, network)
    gone = CallControls(router, CallerGone(network.redis), controls.books, controls.record, controls.notify)
    assert gone.leg_ended(SID, "ann", _agent_leg(network, "ann")) == "caller gone"
    assert router.call(SID).agent == "ann"  # the caller's <Dial> action (conference-done) completes it


def test_a_colleague_whose_softphone_drops_during_a_warm_transfer_just_leaves(center):
    router, network, controls, _ = center
    answer(router, controls, network)
    controls.transfer_to_agent("ann", "ben", warm=True)
    controls.take_transfer(router.reservation(router.agent("ben").reservation), "ben")
    assert controls.leg_ended(SID, "ann", _agent_leg(network, "ann")) == "left"
    assert [p["who"] for p in controls.view("ben")["participants"] if p["role"] == "agent"] == ["ben"]
    assert network.take_redirect(SID) is None  # the caller stays with ben


# -- "For other languages, press 3": the agent who accepts such a caller gets the interpreter line at once --

def caller_walks_the_menu(redis: Redis, prefix: str, digits: str) -> None:
    """The shipped flow's language menu, answered with `digits`, remembered as the voice webhook remembers it."""
    engine = engine_for(DEFAULT_FLOW_FILE)
    turn = reply_to(engine, engine.begin(), digits=digits)
    webhook_writes.remember_turn(redis, prefix, SID, "+13125550199", turn)


def roles(controls: CallControls) -> list[str]:
    return sorted(p["role"] for p in controls.view("ann")["participants"])


def test_a_press_3_caller_is_answered_with_the_interpreter_dialled_in_at_once(center, redis):
    router, network, controls, recorder = center
    caller_walks_the_menu(redis, router.ctx.keys.prefix, "3")
    answer(router, controls, network)
    [placed] = network.sent("calls")
    assert (placed["to"], placed["digits"]) == ("+18005550199", "1234#")
    assert placed["sid"] in network.conference(conference_name(SID))["participants"]
    assert roles(controls) == ["agent", "caller", "interpreter"]
    assert [data["event"] for _, data in recorder.events] == ["answered", "interpreter"]


def test_a_caller_who_chose_a_language_of_the_menu_gets_no_interpreter(center, redis):
    router, network, controls, recorder = center
    caller_walks_the_menu(redis, router.ctx.keys.prefix, "4")  # Mandarin
    answer(router, controls, network)
    assert network.sent("calls") == []
    assert roles(controls) == ["agent", "caller"]


def test_without_an_interpreter_line_the_press_3_caller_is_still_connected(center, redis):
    router, network, _, recorder = center
    controls = CallControls(router, network, ConferenceBooks(redis), recorder.record, recorder.notify, None)
    caller_walks_the_menu(redis, router.ctx.keys.prefix, "3")
    answer(router, controls, network)
    assert network.sent("calls") == []
    assert roles(controls) == ["agent", "caller"]
