"""The script format, the two stock callers, digit collection and the command line."""

from __future__ import annotations

import pytest

from ivr.local_caller import GatherPrompt, KeyboardCaller, Reply, ScriptedCaller, parse_script
from ivr.local_caller.gather import collect_digits
from ivr.local_caller.replies import Kind, RecordPrompt


@pytest.mark.parametrize(
    ("line", "kind", "text", "confidence"),
    [
        ("press 12345#", Kind.KEYS, "12345#", 0.9),
        ("press *0#", Kind.KEYS, "*0#", 0.9),
        ("say trash pickup", Kind.SPEECH, "trash pickup", 0.9),
        ("say@0.42 pothole on Main", Kind.SPEECH, "pothole on Main", 0.42),
        ("say@1 yes", Kind.SPEECH, "yes", 1.0),
        ("silence", Kind.SILENCE, "", 0.9),
        ("record The light is out", Kind.RECORD, "The light is out", 0.9),
        ("wait", Kind.WAIT, "", 0.9),
        ("wait 30", Kind.WAIT, "30", 0.9),
        ("wait 2.5", Kind.WAIT, "2.5", 0.9),
        ("hangup", Kind.HANGUP, "", 0.9),
        ("  PRESS 1  ", Kind.KEYS, "1", 0.9),
        ("press\t2", Kind.KEYS, "2", 0.9),
    ],
)
def test_parse_script_reads_each_instruction(
    line: str, kind: Kind, text: str, confidence: float
) -> None:
    (step,) = parse_script(line)

    assert (step.kind, step.text, step.confidence, step.line) == (kind, text, confidence, 1)


def test_parse_script_skips_blanks_and_comments_and_keeps_line_numbers() -> None:
    steps = parse_script("# main menu\n\npress 1\n#\n   # indented comment\nsay help\n")

    assert [(s.kind, s.text, s.line) for s in steps] == [
        (Kind.KEYS, "1", 3), (Kind.SPEECH, "help", 6)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("press 1\ndance", "line 2: unknown instruction 'dance'"),
        ("#1 not a comment", "line 1: unknown instruction '#1 not a comment'"),
        ("press", "line 1: press needs keys 0-9 * #: 'press'"),
        ("press 12a", "line 1: press needs keys 0-9 * #: 'press 12a'"),
        ("press 1 2", "line 1: press needs keys 0-9 * #: 'press 1 2'"),
        ("\n\nsay", "line 3: say needs words: 'say'"),
        ("say@high hello", "line 1: confidence must look like say@0.42: 'say@high hello'"),
        ("say@1.5 hello", "line 1: confidence must be between 0 and 1: 'say@1.5 hello'"),
        ("say@0.5", "line 1: say needs words: 'say@0.5'"),
        ("record", "line 1: record needs words: 'record'"),
        ("wait soon", "line 1: wait takes a number of seconds from 1 to 3600: 'wait soon'"),
        ("wait 0", "line 1: wait takes a number of seconds from 1 to 3600: 'wait 0'"),
        ("wait 5000", "line 1: wait takes a number of seconds from 1 to 3600: 'wait 5000'"),
    ],
)
def test_parse_script_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_script(text)

    assert str(raised.value) == message


def test_replies_accept_plain_kind_strings_and_reject_unknown_ones() -> None:
    assert Reply("keys", "1") == Reply.keys("1")
    with pytest.raises(ValueError):
        Reply("dance")


def test_scripted_caller_hangs_up_when_the_script_runs_out() -> None:
    caller = ScriptedCaller(parse_script("press 1"))

    assert caller.answer_gather(GatherPrompt()).text == "1"
    assert caller.remaining == []
    reply = caller.hold_decision(1)
    assert reply.kind is Kind.HANGUP and reply.note == "script ended"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12#", Reply.keys("12#")),
        ("", Reply.silence()),
        ("   ", Reply.silence()),
        ("hangup", Reply.hangup()),
        ("Bye", Reply.hangup()),
        ("wait", Reply.wait()),
        ("record broken meter on Elm", Reply.recording("broken meter on Elm")),
        ("missed trash pickup", Reply.speech("missed trash pickup", 0.9)),
    ],
)
def test_keyboard_caller_reads_typed_lines(typed: str, expected: Reply) -> None:
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return typed

    caller = KeyboardCaller(input_fn=fake_input, out=None)

    assert caller.answer_gather(GatherPrompt()) == expected
    assert prompts == ["keys or words> "]


def test_keyboard_caller_hangs_up_at_end_of_input_and_shows_help_once() -> None:
    def no_more_input(prompt: str) -> str:
        raise EOFError

    shown: list[str] = []
    caller = KeyboardCaller(input_fn=no_more_input, out=shown.append)

    assert caller.answer_record(RecordPrompt()) == Reply.hangup(note="end of input")
    assert caller.hold_decision(2).kind is Kind.HANGUP
    assert len(shown) == 1


@pytest.mark.parametrize(
    ("keys", "finish", "num_digits", "expected"),
    [
        ("1234#", "#", None, ("1234", "#")),
        ("1234#", "#", 2, ("12", "")),
        ("1#234", "#", 3, ("1", "#")),
        ("12*", "*", None, ("12", "*")),
        ("12#", "", None, ("12#", "")),
        ("#", "#", None, ("", "#")),
        ("99", "#", None, ("99", "")),
    ],
)
def test_collect_digits(
    keys: str, finish: str, num_digits: int | None, expected: tuple[str, str]
) -> None:
    assert collect_digits(keys, finish, num_digits) == expected


def test_keyboard_caller_says_whether_it_is_on_hold_or_talking_to_the_agent() -> None:
    asked: list[str] = []

    def fake_input(label: str) -> str:
        asked.append(label)
        return "wait"

    caller = KeyboardCaller(input_fn=fake_input, out=None)
    caller.hold_decision(3)
    caller.hold_decision(0)
    assert asked == ["on hold (position 3): wait, hangup, keys or words> ", "talking to the agent: words, or hangup> "]


class FakeTime:
    """A clock that the caller's sleeps move forward."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_timed_wait_keeps_holding_for_that_many_seconds_then_goes_on() -> None:
    time = FakeTime()
    caller = ScriptedCaller(parse_script("wait 3\nhangup"), sleep=time.sleep, clock=lambda: time.now)
    decisions = []
    while (reply := caller.hold_decision(1)).kind is Kind.WAIT:
        decisions.append(reply)
    assert reply.kind is Kind.HANGUP
    assert len(decisions) == 3 and sum(time.slept) == 3.0  # one hold loop a second, three seconds in all


def test_a_timed_wait_ends_when_the_call_is_connected_to_an_agent() -> None:
    time = FakeTime()
    caller = ScriptedCaller(parse_script("wait 60\nsay hello\nhangup"), sleep=time.sleep, clock=lambda: time.now)
    assert caller.hold_decision(1).kind is Kind.WAIT
    reply = caller.hold_decision(0)
    assert (reply.kind, reply.text) == (Kind.SPEECH, "hello")  # talking to the agent: the hold wait is over


def test_a_person_typing_wait_60_is_not_asked_again_for_a_minute_of_hold_loops() -> None:
    time = FakeTime()
    lines = iter(["wait 60", "hangup"])
    asked: list[str] = []

    def typed(label: str) -> str:
        asked.append(label)
        return next(lines)

    caller = KeyboardCaller(typed, out=None, sleep=time.sleep, clock=lambda: time.now)
    replies = [caller.hold_decision(1) for _ in range(62)]
    assert [r.kind for r in replies[:61]] == [Kind.WAIT] * 61 and replies[61].kind is Kind.HANGUP
    assert len(asked) == 2 and sum(time.slept) == 60.0
