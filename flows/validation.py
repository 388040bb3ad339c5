"""Whole-flow checks: everything that could otherwise fail in the middle of a call.

Run at start-up and by `cityline flows validate`; a flow that passes can be
walked from any node with any input without meeting a missing target, prompt,
message or handler.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import phonenumbers

from flows import model
from flows.handlers import HandlerRegistry
from flows.schema import Problems
from flows.twilio_languages import twilio_languages, voice_problems

#: Phrases the engine itself speaks; every flow must provide them in every language.
REQUIRED_MESSAGES = {
    "not_understood": (),
    "too_many_attempts": (),
    "menu_footer": (),
    "hold_position": ("{position}",),  # spoken to callers on hold
    "application_error": (),  # spoken if something breaks on our side mid-call
    "confirm_value": ("{value}",),  # reads back speech heard with low confidence
    "confirm_rejected": (),  # the caller said the read-back was wrong
}
DTMF_KEYS = set("0123456789*#")
SKILL_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
INPUT_KINDS = ("digits", "speech", "both", "any")
MAX_SET_VALUE = 60


def validate_flow(flow: model.Flow, handlers: HandlerRegistry, problems: Problems) -> None:
    _check_languages(flow, problems)
    _check_messages(flow, problems)
    _check_targets(flow, problems)
    for node in flow.nodes.values():
        _check_node(flow, node, handlers, problems)
    _check_reachability(flow, problems)
    _check_silent_loops(flow, problems)


def _check_languages(flow: model.Flow, problems: Problems) -> None:
    if not flow.languages:
        problems.add("languages", "at least one language is required")
    if flow.languages and flow.default_language not in flow.languages:
        problems.add("default_language", f"{flow.default_language!r} is not in languages")
    known = twilio_languages()
    for language in flow.languages:
        if language not in flow.voices:
            problems.add("voices", f"no voice for language {language!r}")
            continue
        for problem in voice_problems(language, flow.voices[language], known):
            problems.add(f"voices.{language}", problem)
        words = flow.speech.get(language)
        if words is None or not words.yes or not words.no:
            problems.add("speech", f"no yes and no words for {language!r} (flows/library/speech.yaml or the "
                                   "flow's own speech section)")


def _check_prompt(prompt: model.Prompt, languages: tuple[str, ...], where: str, problems: Problems) -> None:
    for language in languages:
        if not prompt.get(language):
            problems.add(where, f"missing the {language!r} text")
    for language in set(prompt) - set(languages):
        problems.add(where, f"has text for {language!r}, which is not one of the flow's languages")


def _check_messages(flow: model.Flow, problems: Problems) -> None:
    for name, placeholders in REQUIRED_MESSAGES.items():
        if name not in flow.messages:
            problems.add("messages", f"the required message {name!r} is missing")
            continue
        for language, text in flow.messages[name].items():
            for placeholder in placeholders:
                if placeholder not in text:
                    problems.add(f"messages.{name}.{language}", f"must contain {placeholder}")
    for name, prompt in flow.messages.items():
        _check_prompt(prompt, flow.languages, f"messages.{name}", problems)


def targets_of(flow: model.Flow, node: model.Node) -> Iterator[tuple[str, str]]:
    """Every (field, target node) a node can lead to, including the flow-wide fallbacks."""
    if node.next:
        yield "next", node.next
    if node.type in model.INTERACTIVE_TYPES or node.on_failure:
        yield "on_failure", flow.failure_target(node)
    if isinstance(node, model.MenuNode):
        yield from _menu_targets(flow, node)
    if isinstance(node, model.AnswerNode):
        for outcome, target in node.outcomes.items():
            yield f"outcome {outcome}", target


def _menu_targets(flow: model.Flow, node: model.MenuNode) -> Iterator[tuple[str, str]]:
    for option in node.options:
        yield f"option {option.key}", option.goto
    if node.on_words:
        yield "on_words", node.on_words
    if node.global_options:
        for name, option in flow.global_options.items():
            if option.goto:
                yield f"global option {name}", option.goto


def _check_targets(flow: model.Flow, problems: Problems) -> None:
    if flow.start not in flow.nodes:
        problems.add("start", f"names {flow.start!r}, which is not a node")
    if flow.settings.on_failure and flow.settings.on_failure not in flow.nodes:
        problems.add("settings.on_failure", f"names {flow.settings.on_failure!r}, which is not a node")
    for name, option in flow.global_options.items():
        if option.goto and option.goto not in flow.nodes:
            problems.add(f"global_options.{name}", f"goto {option.goto!r} is not a node")
    for node in flow.nodes.values():
        for field_name, target in targets_of(flow, node):
            if target and target not in flow.nodes:
                problems.add(f"node {node.id!r}", f"{field_name} leads to {target!r}, which is not a node")


def _check_node(flow: model.Flow, node: model.Node, handlers: HandlerRegistry, problems: Problems) -> None:
    where = f"node {node.id!r}"
    needs_prompt = isinstance(node, model.SayNode | model.MenuNode | model.CollectNode | model.RecordNode)
    if needs_prompt or node.prompt:
        _check_prompt(node.prompt, flow.languages, f"{where}.prompt", problems)
    needs_next = not isinstance(node, model.HangupNode | model.MenuNode | model.AnswerNode)
    if needs_next and not node.next and not isinstance(node, model.TransferNode):
        problems.add(where, f"a {node.type} node needs 'next'")
    for name, value in node.set.items():
        if not SKILL_PATTERN.match(name) or len(value) > MAX_SET_VALUE:
            problems.add(where, f"set {name!r}: names must be short lower-case words and values at most "
                                f"{MAX_SET_VALUE} characters (they travel with the call)")
    checker = NODE_CHECKS.get(node.type)
    if checker is not None:
        checker(flow, node, handlers, problems)


def _check_play(flow: model.Flow, node: model.Node, _: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.PlayNode)
    _check_prompt(node.audio, flow.languages, f"node {node.id!r}.audio", problems)


def _check_menu(flow: model.Flow, node: model.Node, _: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.MenuNode)
    where = f"node {node.id!r}"
    reserved = {o.key: n for n, o in flow.global_options.items()} if node.global_options else {}
    seen: set[str] = set()
    for option in node.options:
        if option.key not in DTMF_KEYS:
            problems.add(where, f"option key {option.key!r} is not a phone key (0-9, * or #)")
        if option.key in seen:
            problems.add(where, f"option key {option.key!r} is used twice")
        if option.key in reserved:
            problems.add(where, f"option key {option.key!r} is taken by the global option {reserved[option.key]!r}")
        if option.language is not None and option.language not in flow.languages:
            problems.add(where, f"option {option.key} switches to unknown language {option.language!r}")
        seen.add(option.key)
        _check_key_is_announced(flow, node, option, problems)
    _check_on_words(flow, node, problems)


def _check_on_words(flow: model.Flow, node: model.MenuNode, problems: Problems) -> None:
    target = flow.nodes.get(node.on_words or "")
    if target is not None and not isinstance(target, model.AnswerNode):
        problems.add(f"node {node.id!r}", f"on_words must lead to an answer node (the words never travel "
                                          f"in a URL), not the {target.type} {target.id!r}")


def _check_key_is_announced(
    flow: model.Flow, node: model.MenuNode, option: model.MenuOption, problems: Problems
) -> None:
    """A key the prompt never mentions is a key no caller will find (often a stale edit)."""
    languages = flow.languages if not node.all_languages else ()
    spoken = " ".join(node.prompt.values()) if node.all_languages else None
    if spoken is not None and option.key not in spoken:
        problems.add(f"node {node.id!r}", f"the prompt never mentions key {option.key}")
    for language in languages:
        text = node.prompt.get(language, "")
        if text and option.key not in text:
            problems.add(f"node {node.id!r}", f"the {language!r} prompt never mentions key {option.key}")


def _check_collect(flow: model.Flow, node: model.Node, _: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.CollectNode)
    where = f"node {node.id!r}"
    if not node.name:
        problems.add(where, "a collect node needs 'name', the value it stores")
    if node.input not in INPUT_KINDS:
        problems.add(where, f"input must be one of {', '.join(INPUT_KINDS)}, not {node.input!r}")
    if node.min_length > node.max_length:
        problems.add(where, f"min_length {node.min_length} is more than max_length {node.max_length}")
    if node.finish_on_key not in DTMF_KEYS - set("0123456789"):
        problems.add(where, f"finish_on_key must be # or *, not {node.finish_on_key!r}")


def _check_answer(flow: model.Flow, node: model.Node, handlers: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.AnswerNode)
    where = f"node {node.id!r}"
    handler = handlers.get(node.handler)
    if handler is None:
        known = ", ".join(sorted(handlers.names())) or "none"
        problems.add(where, f"handler {node.handler!r} does not exist (known: {known})")
        return
    for outcome in sorted(set(node.outcomes) - handler.outcomes):
        problems.add(where, f"handler {node.handler!r} has no outcome {outcome!r}")
    if not node.next:
        for outcome in sorted(handler.outcomes - set(node.outcomes)):
            problems.add(where, f"outcome {outcome!r} of {node.handler!r} leads nowhere: add it or 'next'")


def _check_enqueue(flow: model.Flow, node: model.Node, _: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.EnqueueNode)
    if not SKILL_PATTERN.match(node.skill):
        problems.add(f"node {node.id!r}", f"skill {node.skill!r} must be a short lower-case name")


def _check_transfer(flow: model.Flow, node: model.Node, _: HandlerRegistry, problems: Problems) -> None:
    assert isinstance(node, model.TransferNode)
    try:
        number = phonenumbers.parse(node.number, None)
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        problems.add(f"node {node.id!r}", f"number {node.number!r} is not a valid +E.164 phone number")


NODE_CHECKS = {
    "play": _check_play,
    "menu": _check_menu,
    "collect": _check_collect,
    "answer": _check_answer,
    "enqueue": _check_enqueue,
    "transfer": _check_transfer,
}


def _reachable(flow: model.Flow) -> set[str]:
    seen: set[str] = set()
    pending = [flow.start]
    while pending:
        node_id = pending.pop()
        if node_id in seen or node_id not in flow.nodes:
            continue
        seen.add(node_id)
        pending.extend(target for _, target in targets_of(flow, flow.nodes[node_id]))
    return seen


def _check_reachability(flow: model.Flow, problems: Problems) -> None:
    if flow.start not in flow.nodes:
        return
    for node_id in sorted(set(flow.nodes) - _reachable(flow)):
        problems.add(f"node {node_id!r}", "is unreachable from the start node")


def _silent_successors(flow: model.Flow, node: model.Node) -> list[str]:
    """Nodes entered right after this one without waiting for the caller."""
    if node.type in model.INTERACTIVE_TYPES or node.type == "hangup":
        return []
    return [target for _, target in targets_of(flow, node) if target in flow.nodes]


def _check_silent_loops(flow: model.Flow, problems: Problems) -> None:
    """A cycle of nodes that never wait for input would spin forever within one webhook."""
    graph: Mapping[str, list[str]] = {
        node_id: _silent_successors(flow, node) for node_id, node in flow.nodes.items()
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(node_id: str, path: list[str]) -> None:
        state[node_id] = 1
        for target in graph[node_id]:
            if state.get(target) == 1:
                loop = path[path.index(target):] + [target] if target in path else [node_id, target]
                problems.add(f"node {target!r}", f"loops without waiting for the caller: {' -> '.join(loop)}")
            elif target not in state:
                visit(target, path + [target])
        state[node_id] = 2

    for node_id in sorted(graph):
        if node_id not in state:
            visit(node_id, [node_id])
