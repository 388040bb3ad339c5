"""Loading the routing configuration: the shipped default, and every problem named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.config import DEFAULT_CONFIG_FILE, config_from_mapping, config_from_text, load_config
from routing.exceptions import RoutingConfigError, UnknownQueue
from tests.routing.conftest import CONFIG, config_with


def test_the_shipped_configuration_loads_with_every_311_queue():
    config = load_config()
    assert set(config.skills) == {"trash", "potholes", "streetlights", "noise", "general"}
    assert config.languages == ("en", "es", "zh-CN")
    assert config.queues["potholes"].escalation[0].skills == frozenset({"general"})
    assert config.queues["potholes"].escalation[-1].skills is None  # any agent


def test_a_json_file_loads_the_same(tmp_path: Path):
    path = tmp_path / "routing.json"
    path.write_text(json.dumps(CONFIG))
    assert load_config(path).queues["streetlights"].strategy == "round_robin"


def test_queue_defaults_apply_and_queue_settings_win():
    config = config_from_mapping(CONFIG)
    assert config.queue("noise", "es").max_size == 5
    assert config.queue("potholes", "en").strategy == "highest_proficiency"


def test_asking_for_a_queue_that_does_not_exist_names_it():
    with pytest.raises(UnknownQueue, match="'graffiti' in language 'en'"):
        config_from_mapping(CONFIG).queue("graffiti", "en")
    with pytest.raises(UnknownQueue):
        config_from_mapping(CONFIG).queue("trash", "fr")


@pytest.mark.parametrize(("raw", "problem"), [
    (config_with(trash={"strategy": "random"}), "queues.trash.strategy: 'random' is not one of"),
    (config_with(trash={"escalation": [{"after": 60, "skills": ["graffiti"]}]}),
     "queues.trash.escalation[0].skills: names skill(s) with no queue: graffiti"),
    (config_with(trash={"escalation": [{"after": 60, "skills": "any"}, {"after": 30, "skills": ["general"]}]}),
     "strictly increasing 'after'"),
    (config_with(trash={"escalation": [{"skills": ["general"]}]}), "queues.trash.escalation[0].after: is required"),
    (config_with(trash={"max_size": 0}), "queues.trash.max_size: 0 is not a whole number of at least 1"),
    (config_with(trash={"max_wiat": 10}), "queues.trash: unknown setting 'max_wiat'"),
    (config_with(trash={"min_proficiency": 11}), "queues.trash.min_proficiency: 11 is not a proficiency"),
    (config_with(Trash={}), "queues.Trash: 'Trash' is not a skill name"),
    ({**CONFIG, "languages": []}, "languages: must be a list"),
    ({**CONFIG, "after_missed": "lunch"}, "after_missed: 'lunch' is not one of break, offline"),
    ({**CONFIG, "estimates": {"quantile": 0.3}}, "estimates.quantile: must be at least 0.5"),
    ({**CONFIG, "callbacks": {"max_attempts": -1}}, "callbacks.max_attempts: -1 is not a positive number"),
    ({**CONFIG, "queues": {}}, "queues: must map each skill"),
    ([1, 2], "the file: must be a mapping"),
])
def test_each_problem_is_named_with_where_it_is(raw, problem):
    with pytest.raises(RoutingConfigError) as error:
        config_from_mapping(raw, "city.yaml")
    assert any(problem in item for item in error.value.problems), error.value.problems
    assert str(error.value).startswith("city.yaml: ")


def test_every_problem_is_listed_at_once():
    raw = config_with(trash={"strategy": "random", "max_size": -1})
    with pytest.raises(RoutingConfigError) as error:
        config_from_mapping(raw)
    assert len(error.value.problems) == 2


def test_a_duplicate_key_in_yaml_is_refused_not_silently_overwritten():
    text = DEFAULT_CONFIG_FILE.read_text().replace("queues:\n", "queues:\n  noise: {}\n", 1)
    with pytest.raises(RoutingConfigError, match="duplicate key 'noise'"):
        config_from_text(text, "dup.yaml")


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(RoutingConfigError, match="cannot be opened"):
        load_config(tmp_path / "nope.yaml")


def test_each_queue_has_a_service_level_promise_from_defaults_or_its_own():
    config = load_config()
    general, trash = config.queues["general"].service_level, config.queues["trash"].service_level
    assert (general.threshold, general.target, general.longest_wait_alert) == (20, 0.9, 120)
    assert (trash.threshold, trash.target) == (20, 0.8)
    assert config_from_mapping(CONFIG).queues["trash"].service_level.target == 0.8  # nothing set: the default


@pytest.mark.parametrize("level, problem", [
    ({"target": 90}, "queues.trash.service_level.target: 90 is not a share above 0 and at most 1"),
    ({"threshold": 0}, "queues.trash.service_level.threshold: 0 is not a whole number of at least 1"),
    ({"within": 20}, "queues.trash.service_level: unknown setting 'within'"),
    ("90% in 20 s", "queues.trash.service_level: must be a mapping"),
])
def test_a_bad_service_level_is_named(level, problem):
    raw = {**CONFIG, "queues": {**CONFIG["queues"], "trash": {"service_level": level}}}
    with pytest.raises(RoutingConfigError) as refused:
        config_from_mapping(raw)
    assert any(line.startswith(problem) for line in refused.value.problems), refused.value.problems
