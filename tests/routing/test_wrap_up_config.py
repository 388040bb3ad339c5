"""Wrap-up codes, More time and callback dial timeouts in the routing file: shipped values, every mistake named."""

from __future__ import annotations

import pytest

from routing.config import config_from_mapping, load_config
from routing.exceptions import RoutingConfigError
from tests.routing.conftest import CONFIG, config_with

CODES = {"resolved": {"en": "Resolved", "es": "Resuelto"}, "case_filed": {"en": "Case filed", "es": "Caso"}}


def test_the_shipped_file_lists_wrap_up_codes_in_every_language_and_a_dial_timeout():
    config = load_config()
    potholes = config.queues["potholes"]
    assert (potholes.wrap_up, potholes.wrap_up_extend, potholes.wrap_up_max) == (30, 30, 120)
    assert potholes.wrap_up_codes[0] == "resolved" and potholes.wrap_up_required is False
    assert config.wrap_up_codes["case_filed"] == {"en": "New case filed", "es": "Caso nuevo registrado",
                                                  "zh-CN": "已登记新案件"}
    assert config.callbacks.dial_timeout == 60


def test_a_queue_may_require_its_own_codes():
    config = config_from_mapping({**config_with(noise={"wrap_up_codes": ["resolved"], "wrap_up_required": True}),
                                  "wrap_up_codes": CODES})
    assert (config.queues["noise"].wrap_up_codes, config.queues["noise"].wrap_up_required) == (("resolved",), True)
    assert config.queues["trash"].wrap_up_codes == ()


@pytest.mark.parametrize(("raw", "problem"), [
    ({**config_with(noise={"wrap_up_codes": ["lunch"]}), "wrap_up_codes": CODES},
     "queues.noise.wrap_up_codes: names code(s) not in wrap_up_codes: lunch"),
    (config_with(noise={"wrap_up_required": True}), "queues.noise.wrap_up_required: needs a list of wrap_up_codes"),
    (config_with(noise={"wrap_up_required": "yes"}), "queues.noise.wrap_up_required: 'yes' is not true or false"),
    (config_with(noise={"wrap_up_max": 10, "wrap_up": 30}), "queues.noise.wrap_up_max: is shorter than wrap_up"),
    (config_with(noise={"wrap_up_extend": 0}), "queues.noise.wrap_up_extend: 0 is not a whole number of at least 1"),
    ({**CONFIG, "wrap_up_codes": {"resolved": {"en": "Resolved"}}}, "wrap_up_codes.resolved: needs a label in each"),
    ({**CONFIG, "wrap_up_codes": {"Bad Code": {"en": "x", "es": "y"}}}, "'Bad Code' is not a code name"),
    ({**CONFIG, "callbacks": {"dial_timeout": 0}}, "callbacks.dial_timeout: 0 is not a positive number"),
])
def test_each_wrap_up_mistake_is_named(raw, problem):
    with pytest.raises(RoutingConfigError) as error:
        config_from_mapping(raw, "city.yaml")
    assert any(problem in item for item in error.value.problems), error.value.problems
