"""Mandarin in the shipped flow, and a fourth language added from files alone (engine level)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from flows.engine import Engine
from flows.handlers import HandlerRegistry, HandlerResult
from flows.instructions import EndCall, Listen, Queue, Reply, Speak, Turn
from flows.loader import DEFAULT_FLOW_FILE, load_flow
from flows.model import SpeechWords, Voice
from flows.speech import mentions, spoken_key
from flows.twilio_languages import twilio_languages, voice_problems

CHINESE = SpeechWords(yes=("是",), no=("不是", "不"), digits={"一": "1", "二": "2"}, key_filler=("请按", "按"),
                      spaced=False)


def stub_handlers() -> HandlerRegistry:
    """Every shipped handler name, answering with its first outcome the flow maps (office open, ...)."""
    registry = HandlerRegistry()
    flow_raw = yaml.safe_load(DEFAULT_FLOW_FILE.read_text(encoding="utf-8"))
    outcomes: dict[str, list[str]] = {}
    for node in flow_raw["nodes"].values():
        if node.get("type") == "answer":
            known = outcomes.setdefault(node["handler"], [])
            known += [o for o in node.get("outcomes", {}) or ["done"] if o not in known]
    for name, names in outcomes.items():
        first = "open" if "open" in names else "done" if "done" in names else names[0]
        registry.register(name, lambda request, first=first: HandlerResult(first, say=(f"[{request.language}]",)),
                          tuple(names))
    return registry


def engine_for(path: Path) -> Engine:
    return Engine(load_flow(path, stub_handlers()), stub_handlers(), lambda: datetime(2026, 12, 2, 15, tzinfo=UTC))


def said(turn: Turn) -> list[tuple[str, str]]:
    sounds: list[Any] = []
    for instruction in turn.instructions:
        sounds += list(instruction.prompts) if isinstance(instruction, Listen) else [instruction]
    return [(s.language, s.text) for s in sounds if isinstance(s, Speak)]


def answer(engine: Engine, turn: Turn, **reply: Any) -> Turn:
    listen = next(i for i in turn.instructions if isinstance(i, Listen | Queue))
    return engine.respond(listen.state, Reply(**reply))


def test_unspaced_words_are_found_inside_what_was_said_and_a_no_is_not_a_yes():
    assert mentions("我想问一下垃圾收集。", ["垃圾"], spaced=False)
    assert not mentions("我想问一下垃圾收集。", ["路灯"], spaced=False)
    assert spoken_key("请按二。", [CHINESE]) == "2"
    assert spoken_key("按一二", [CHINESE]) == ""


def test_a_mandarin_caller_chooses_by_key_and_by_words_and_hears_only_mandarin():
    engine = engine_for(DEFAULT_FLOW_FILE)
    greeting = engine.begin()
    assert ("zh-CN", "普通话服务，请按4。") in said(greeting)
    menu = answer(engine, greeting, digits="4")
    assert menu.language == "zh-CN"
    assert said(menu)[0][1].startswith("主菜单。")
    trash = answer(engine, menu, speech="我想问垃圾收集的时间", confidence=0.9)
    assert any("收集日" in text for _, text in said(trash))  # the classifier (stubbed) sent it to trash_info
    listen = next(i for i in trash.instructions if isinstance(i, Listen))
    assert listen.language == "zh-CN" and "街" in listen.hints
    assert {language for language, _ in said(trash)} == {"zh-CN"}


def test_a_mandarin_caller_reaches_the_queue_by_saying_a_key():
    engine = engine_for(DEFAULT_FLOW_FILE)
    menu = answer(engine, engine.begin(), digits="4")
    queued = answer(engine, menu, speech="请按五")
    [queue] = [i for i in queued.instructions if isinstance(i, Queue)]
    assert (queue.skill, queue.language) == ("general", "zh-CN")
    assert ("zh-CN", "请稍候，下一位有空的客服人员将为您服务。") in said(queued)


def test_other_languages_go_to_the_general_queue_marked_for_an_interpreter():
    engine = engine_for(DEFAULT_FLOW_FILE)
    queued = answer(engine, engine.begin(), digits="3")
    [queue] = [i for i in queued.instructions if isinstance(i, Queue)]
    assert queue.skill == "general"
    assert queued.values["language_requested"] == "other"
    assert any("interpreter" in text for _, text in said(queued))


def test_mandarin_voice_is_one_twilio_offers_and_a_wrong_one_is_named():
    known = twilio_languages()
    assert list(voice_problems("zh-CN", Voice("cmn-CN", "Polly.Zhiyu", "cmn-Hans-CN"), known)) == []
    problems = list(voice_problems("zh-CN", Voice("zh-CN", "Polly.Joanna", "xx-YY"), known))
    assert any("speaks en-US" in p for p in problems)
    assert any("'xx-YY'" in p for p in problems)


def fourth_language_flow(tmp_path: Path) -> Path:
    """The shipped flow plus French, every prompt, word list and message written into a copy of the file."""
    raw = yaml.safe_load(DEFAULT_FLOW_FILE.read_text(encoding="utf-8"))
    raw["languages"].append("fr")
    raw["voices"]["fr"] = {"language": "fr-FR", "voice": "Polly.Celine"}
    raw["speech"] = {"fr": {"yes": ["oui"], "no": ["non"], "digits": {"un": "1", "deux": "2", "cinq": "5"},
                            "key_filler": ["appuyez", "sur", "le"]}}

    def add(texts: dict[str, Any]) -> None:
        if isinstance(texts.get("en"), str):
            texts["fr"] = "[fr] " + texts["en"]
        elif isinstance(texts.get("en"), list):
            texts["fr"] = ["fr " + word for word in texts["en"]]

    for message in raw["messages"].values():
        add(message)
    for option in raw["global_options"].values():
        add(option["words"])
    for node in raw["nodes"].values():
        for field in ("prompt", "hints"):
            if field in node:
                add(node[field])
        for option in node.get("options", []):
            add(option.get("words", {}))
    raw["nodes"]["language"]["prompt"]["fr"] = "Pour le français, appuyez sur 5."
    raw["nodes"]["language"]["options"].append({"key": "5", "goto": "main_menu", "language": "fr",
                                                 "words": {"fr": ["français"]}})
    path = tmp_path / "city-fr.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_fourth_language_from_files_alone_reaches_an_answer_and_the_queue(tmp_path):
    engine = engine_for(fourth_language_flow(tmp_path))
    menu = answer(engine, engine.begin(), speech="français")
    assert menu.language == "fr"
    hours = answer(engine, menu, digits="4")
    assert ("fr", "[fr]") in said(hours)  # the office-hours handler answered in French
    back = answer(engine, hours, digits="1")
    queued = answer(engine, back, speech="appuyez sur cinq")
    [queue] = [i for i in queued.instructions if isinstance(i, Queue)]
    assert (queue.skill, queue.language) == ("general", "fr")
    ended = answer(engine, queued, result="hangup")
    assert isinstance(ended.instructions[-1], EndCall)
