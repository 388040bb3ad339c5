"""A broken flow is refused at load time with the file and node named, never mid-call."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from redis import Redis

from flows.exceptions import FlowError
from flows.loader import DEFAULT_FLOW_FILE, flow_from_mapping, load_flow, load_flow_text
from ivr import db
from ivr.cli import main
from ivr.intents.catalogue import DEFAULT_FILE as INTENTS_FILE
from ivr.self_service import build_registry, make_context
from ivr.settings import Settings
from tests.flows.conftest import SAMPLE_FLOW, sample_handlers

Raw = dict[str, Any]


def problems_after(change: Callable[[Raw], None]) -> list[str]:
    raw = copy.deepcopy(yaml.safe_load(SAMPLE_FLOW))
    change(raw)
    with pytest.raises(FlowError) as caught:
        flow_from_mapping(raw, "city.yaml", sample_handlers())
    assert str(caught.value).startswith("city.yaml: ")
    return caught.value.problems


def nodes(raw: Raw) -> Raw:
    return raw["nodes"]


BROKEN_FLOWS: list[tuple[str, Callable[[Raw], None], str]] = [
    ("unknown target", lambda r: nodes(r)["menu"]["options"][0].update(goto="nowhere"),
     "node 'menu': option 1 leads to 'nowhere', which is not a node"),
    ("unknown next", lambda r: nodes(r)["welcome"].update(next="nowhere"),
     "node 'welcome': next leads to 'nowhere', which is not a node"),
    ("unknown start", lambda r: r.update(start="nowhere"), "start: names 'nowhere', which is not a node"),
    ("unreachable node", lambda r: nodes(r).update(orphan={"type": "hangup"}),
     "node 'orphan': is unreachable from the start node"),
    ("missing prompt language", lambda r: nodes(r)["goodbye"]["prompt"].pop("es"),
     "node 'goodbye'.prompt: missing the 'es' text"),
    ("prompt in a language the flow lacks", lambda r: nodes(r)["goodbye"]["prompt"].update(fr="Au revoir."),
     "node 'goodbye'.prompt: has text for 'fr', which is not one of the flow's languages"),
    ("duplicate option key", lambda r: nodes(r)["menu"]["options"][1].update(key="1"),
     "node 'menu': option key '1' is used twice"),
    ("option key taken by a global option", lambda r: nodes(r)["menu"]["options"][4].update(key="9"),
     "node 'menu': option key '9' is taken by the global option 'repeat'"),
    ("key never announced", lambda r: nodes(r)["menu"]["options"][4].update(key="6"),
     "node 'menu': the 'en' prompt never mentions key 6"),
    ("not a phone key", lambda r: nodes(r)["menu"]["options"][4].update(key="A"),
     "node 'menu': option key 'A' is not a phone key (0-9, * or #)"),
    ("unknown handler", lambda r: nodes(r)["lookup"].update(handler="trash.next_day"),
     "node 'lookup': handler 'trash.next_day' does not exist (known: lookup.zone)"),
    ("outcome the handler lacks", lambda r: nodes(r)["lookup"]["outcomes"].update(maybe="agent"),
     "node 'lookup': handler 'lookup.zone' has no outcome 'maybe'"),
    ("outcome leading nowhere", lambda r: nodes(r)["lookup"]["outcomes"].pop("missing"),
     "node 'lookup': outcome 'missing' of 'lookup.zone' leads nowhere: add it or 'next'"),
    ("unknown node type", lambda r: nodes(r)["goodbye"].update(type="dance"),
     "node 'goodbye': unknown type 'dance'"),
    ("misspelt field", lambda r: nodes(r)["goodbye"].update(promt={"en": "x"}),
     "node 'goodbye': unknown field(s) promt for a hangup node"),
    ("loop that never waits", lambda r: nodes(r)["jingle"].update(next="welcome"),
     "loops without waiting for the caller"),
    ("invalid transfer number", lambda r: nodes(r)["transfer"].update(number="555-0123"),
     "node 'transfer': number '555-0123' is not a valid +E.164 phone number"),
    ("missing required message", lambda r: r["messages"].pop("menu_footer"),
     "messages: the required message 'menu_footer' is missing"),
    ("hold message without the position", lambda r: r["messages"]["hold_position"].update(es="Espere."),
     "messages.hold_position.es: must contain {position}"),
    ("read-back without the value", lambda r: r["messages"]["confirm_value"].update(en="Is that right?"),
     "messages.confirm_value.en: must contain {value}"),
    ("confidence threshold out of range", lambda r: r["settings"].update(confirm_below=1.5),
     "settings.confirm_below: expected a number from 0 to 1, got 1.5"),
    ("default language not offered", lambda r: r.update(default_language="fr"),
     "default_language: 'fr' is not in languages"),
    ("language without a voice", lambda r: r["voices"].pop("es"), "voices: no voice for language 'es'"),
    ("collect lengths reversed", lambda r: nodes(r)["ask_zip"].update(min_length=6),
     "node 'ask_zip': min_length 6 is more than max_length 5"),
    ("collect input kind", lambda r: nodes(r)["ask_zip"].update(input="telepathy"),
     "node 'ask_zip': input must be one of digits, speech, both"),
    ("no fallback", lambda r: r["settings"].pop("on_failure"), "settings: on_failure is required"),
    ("option switching to an unknown language", lambda r: nodes(r)["menu"]["options"][2].update(language="fr"),
     "node 'menu': option 3 switches to unknown language 'fr'"),
    ("bare no in YAML", lambda r: nodes(r)["menu"]["options"][0].update(words={"en": [False]}),
     "put them in quotes"),
    ("negative attempts", lambda r: r["settings"].update(max_attempts=0),
     "settings.max_attempts: expected a positive whole number, got 0"),
    ("enqueue without a skill", lambda r: nodes(r)["agent"].update(skill="Help Desk!"),
     "node 'agent': skill 'Help Desk!' must be a short lower-case name"),
    ("a say node without next", lambda r: nodes(r)["welcome"].pop("next"),
     "node 'welcome': a say node needs 'next'"),
]


@pytest.mark.parametrize(("change", "expected"), [case[1:] for case in BROKEN_FLOWS],
                         ids=[case[0] for case in BROKEN_FLOWS])
def test_each_broken_flow_is_refused_with_the_node_named(change, expected):
    problems = problems_after(change)
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_at_once():
    def two_mistakes(raw: Raw) -> None:
        nodes(raw)["goodbye"]["prompt"].pop("es")
        nodes(raw)["welcome"]["prompt"].pop("en")

    assert len(problems_after(two_mistakes)) == 2


def test_duplicate_yaml_keys_are_refused_with_their_line():
    text = SAMPLE_FLOW.replace("  goodbye:\n", "  welcome:\n    type: hangup\n  goodbye:\n", 1)
    with pytest.raises(FlowError, match=r"duplicate key 'welcome' \(first on line \d+\)"):
        load_flow_text(text, "city.yaml", sample_handlers())


def test_duplicate_json_keys_are_refused():
    raw = json.dumps(yaml.safe_load(SAMPLE_FLOW))
    text = raw.replace('"start": "welcome"', '"start": "welcome", "start": "menu"')
    with pytest.raises(FlowError, match="duplicate key 'start'"):
        load_flow_text(text, "city.json", sample_handlers())


def test_a_json_flow_loads_like_yaml():
    text = json.dumps(yaml.safe_load(SAMPLE_FLOW))
    assert load_flow_text(text, "city.json", sample_handlers()).start == "welcome"


@pytest.mark.parametrize(("text", "expected"), [
    ("flow: x\nnodes: [\n", "cannot be read: line"),
    ("- just\n- a list\n", "must hold a mapping"),
    ("flow: x\n", "missing required key 'nodes'"),
])
def test_unreadable_files_are_refused(text, expected):
    with pytest.raises(FlowError, match=expected):
        load_flow_text(text, "city.yaml", sample_handlers())


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FlowError, match="cannot be opened"):
        load_flow(tmp_path / "absent.yaml", sample_handlers())


def test_the_shipped_3_1_1_flow_is_valid():
    settings = Settings.from_env({})
    sessions = db.make_session_factory(db.make_engine("sqlite://"))
    context = make_context(settings, sessions, Redis.from_url("redis://127.0.0.1:6379/0"))
    flow = load_flow(DEFAULT_FLOW_FILE, build_registry(context))
    assert flow.languages == ("en", "es", "zh-CN")


class TestValidateCommand:
    def test_reports_a_valid_flow(self):
        result = CliRunner().invoke(main, ["flows", "validate", str(DEFAULT_FLOW_FILE)], env={})
        assert result.exit_code == 0, result.output
        assert "flow 'city311' is valid" in result.output

    def test_lists_the_problems_of_a_broken_flow_and_fails(self, tmp_path):
        broken = tmp_path / "broken.yaml"
        broken.write_text(DEFAULT_FLOW_FILE.read_text().replace("goto: report_menu", "goto: report_menyu")
                          .replace("report_other: report_menu", "report_other: report_menyu"))
        result = CliRunner().invoke(main, ["flows", "validate", str(broken)], env={})
        assert result.exit_code == 1
        assert f"{broken}: " in result.output
        assert "node 'main_menu': option 2 leads to 'report_menyu', which is not a node" in result.output
        assert "node 'report_menu': is unreachable from the start node" in result.output


class TestValidateCommandAndTheIntentsFile:
    def test_names_an_intent_missing_a_language_and_fails(self, tmp_path):
        intents = tmp_path / "intents.yaml"
        shipped = INTENTS_FILE.read_text(encoding="utf-8")
        intents.write_text(shipped.replace(', zh-CN: "报告路面坑洞"', ""), encoding="utf-8")
        result = CliRunner().invoke(main, ["flows", "validate", str(DEFAULT_FLOW_FILE)],
                                    env={"INTENTS_FILE": str(intents)})
        assert result.exit_code == 1
        assert f"{intents}: intent potholes: says: missing zh-CN (the languages of confirm: en, es, zh-CN)" \
            in result.output

    def test_notes_a_flow_language_the_intents_file_cannot_understand(self, tmp_path):
        intents = tmp_path / "intents.yaml"
        raw = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
        del raw["confirm"]["zh-CN"]
        for intent in raw["intents"].values():
            del intent["says"]["zh-CN"], intent["examples"]["zh-CN"]
        intents.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        result = CliRunner().invoke(main, ["flows", "validate", str(DEFAULT_FLOW_FILE)],
                                    env={"INTENTS_FILE": str(intents)})
        assert result.exit_code == 0, result.output
        assert "note: the intents file has no examples in zh-CN" in result.output
        assert "no examples in en" not in result.output
