"""Languages spelled as flows spell them (zh-CN, pt-BR, yue): queues per language, names split at the first '-'."""

from __future__ import annotations

import copy

import pytest

from routing.calls import CallRequest, queue_name, split_queue_name
from routing.config import config_from_mapping, load_config
from routing.exceptions import RoutingConfigError
from tests.routing.conftest import CONFIG, T0, staff


def with_languages(*languages: str) -> dict:
    raw = copy.deepcopy(CONFIG)
    raw["languages"] = list(languages)
    return raw


def test_the_shipped_configuration_has_mandarin_queues_and_wrap_up_labels():
    config = load_config()
    assert "zh-CN" in config.languages
    assert config.queue("general", "zh-CN").skill == "general"
    assert config.wrap_up_codes["resolved"]["zh-CN"] == "通话中已解决"


@pytest.mark.parametrize("code", ["en", "yue", "zh-CN", "pt-BR", "zh-Hant-TW", "es-419"])
def test_bcp47_like_codes_are_accepted(code):
    assert code in config_from_mapping(with_languages("en", code) if code != "en" else CONFIG).languages


@pytest.mark.parametrize("code", ["EN", "zh_CN", "zh-cn", "chinese", "zh-", "-CN", "zh-CN-x"])
def test_codes_that_are_not_language_tags_are_named(code):
    with pytest.raises(RoutingConfigError) as error:
        config_from_mapping(with_languages("en", code), "city.yaml")
    assert error.value.problems == [f"languages: {code!r} is not a language code such as en, es, yue or zh-CN"]


@pytest.mark.parametrize(("name", "parts"), [
    ("general-zh-CN", ("general", "zh-CN")),
    ("potholes-en", ("potholes", "en")),
    ("street_lights-zh-Hant-TW", ("street_lights", "zh-Hant-TW")),
    ("general", ("general", "")),
])
def test_a_queue_name_splits_at_its_first_hyphen(name, parts):
    assert split_queue_name(name) == parts
    if parts[1]:
        assert queue_name(*parts) == name


def test_a_mandarin_caller_waits_in_the_mandarin_queue_and_only_a_mandarin_speaker_is_offered(make_router):
    router = make_router(with_languages("en", "es", "zh-CN"))
    staff(router, "ann", {"general": 5}, languages=("en",))
    staff(router, "li", {"general": 5}, languages=("en", "zh-CN"), free_at=T0 + 1)
    ticket = router.enqueue(CallRequest("CA1", "general", "zh-CN"), now=T0 + 10)
    assert ticket.queue == "general-zh-CN"
    assert ticket.offer is not None and (ticket.offer.agent_id, ticket.offer.language) == ("li", "zh-CN")
    assert router.queue_stats("general", "zh-CN").waiting == 0
