"""Callers on hold are offered a callback once the estimated wait reaches the routing file's
`callbacks.offer_after` (a city's policy, not code)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ivr.app import create_app
from routing.agents import AgentProfile, AgentState
from routing.config import DEFAULT_CONFIG_FILE, load_config
from routing.exceptions import RoutingConfigError
from tests.conftest import TwilioClient
from tests.voice_responses import twiml


def routing_file(tmp_path: Path, offer_after: object) -> Path:
    config = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    config["callbacks"]["offer_after"] = offer_after
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def hold_loop(env: dict[str, str], tmp_path: Path, offer_after: int):  # type: ignore[no-untyped-def]
    app = create_app({**env, "ROUTING_FILE": str(routing_file(tmp_path, offer_after))})
    try:
        router = app.extensions["cityline"].router
        router.register_agent(AgentProfile("zoe", "Zoe", {s: 5 for s in router.ctx.config.queues}, ("en",)))
        router.set_agent_state("zoe", AgentState.AVAILABLE)
        twilio = TwilioClient(app.test_client())
        first = {"CallSid": "CA" + "1" * 32}
        twilio.post("/voice/step?node=report_menu&lang=en", {"Digits": "1", **first})  # offered to Zoe at once
        offer = router.agent("zoe").reservation
        router.accept(offer)  # Zoe talks with the first caller: the next one waits for her
        twilio.post("/voice/step?node=report_menu&lang=en", {"Digits": "1"})  # joins potholes-en
        return twiml(twilio.post("/voice/hold?skill=potholes&lang=en", {"QueuePosition": "1", "QueueTime": "5"}))
    finally:
        app.extensions["cityline"].sql.dispose()
        app.extensions["cityline"].redis.close()


def offers_callback(root) -> bool:  # type: ignore[no-untyped-def]
    return any((g.get("action") or "").startswith("/voice/callback") for g in root.iter("Gather"))


def test_a_short_offer_after_offers_the_callback_at_the_first_hold_loop(env, tmp_path):
    assert offers_callback(hold_loop(env, tmp_path, offer_after=1))


def test_a_long_offer_after_keeps_the_caller_on_music(env, tmp_path):
    root = hold_loop(env, tmp_path, offer_after=86_400)
    assert not offers_callback(root) and root.find("Play") is not None


def test_the_shipped_policy_is_two_minutes():
    assert load_config(DEFAULT_CONFIG_FILE).callbacks.offer_after == 120


@pytest.mark.parametrize("value", [0, -5, "soon", True])
def test_an_offer_after_that_is_not_a_positive_number_is_refused_with_its_place(tmp_path, value):
    with pytest.raises(RoutingConfigError, match="callbacks.offer_after"):
        load_config(routing_file(tmp_path, value))
