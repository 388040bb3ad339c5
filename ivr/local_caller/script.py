"""The plain-text script format for scripted calls.

One instruction per line, so a call can be written (and reviewed) like a story:

    # main menu
    press 2
    say@0.42 pothole on Main Street
    silence
    record The streetlight at 5th and Oak is out
    wait 30
    hangup

`wait` stays on hold one more loop; `wait 30` stays on hold (or on the line with an agent) for 30 seconds
of real time, following the hold loops meanwhile, so a person can accept the call in the console.
"""

from __future__ import annotations

import re

from .replies import KEYS, Kind, Step

_COMMENT = re.compile(r"#(\s|$)")
_SAY_AT = re.compile(r"say@(\d+(?:\.\d+)?|\.\d+)")
_BARE = {"silence": Kind.SILENCE, "wait": Kind.WAIT, "hangup": Kind.HANGUP}
_SECONDS = re.compile(r"\d+(?:\.\d+)?")
#: The longest timed wait a script may ask for (seconds).
MAX_WAIT_SECONDS = 3600


def parse_script(text: str) -> list[Step]:
    """Parse a whole script; raises ValueError naming the line of the first bad one."""
    steps = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not _COMMENT.match(line):
            steps.append(parse_line(line, number))
    return steps


def parse_line(line: str, number: int = 1) -> Step:
    """Parse one non-blank, non-comment instruction."""
    word, _, rest = line.replace("\t", " ").partition(" ")
    word, rest = word.lower(), rest.strip()
    if word == "wait" and rest:
        _require(bool(_SECONDS.fullmatch(rest)) and 0 < float(rest) <= MAX_WAIT_SECONDS, line, number,
                 f"wait takes a number of seconds from 1 to {MAX_WAIT_SECONDS}")
        return Step(Kind.WAIT, rest, line=number)
    if word in _BARE:
        _require(not rest, line, number, f"'{word}' takes no argument")
        return Step(_BARE[word], line=number)
    if word == "press":
        _require(bool(rest) and set(rest) <= KEYS, line, number, "press needs keys 0-9 * #")
        return Step(Kind.KEYS, rest, line=number)
    if word in ("say", "record"):
        _require(bool(rest), line, number, f"{word} needs words")
        return Step(Kind.SPEECH if word == "say" else Kind.RECORD, rest, line=number)
    if word.startswith("say@"):
        return _say_with_confidence(word, rest, line, number)
    raise ValueError(f"line {number}: unknown instruction {line!r}")


def _say_with_confidence(word: str, rest: str, line: str, number: int) -> Step:
    match = _SAY_AT.fullmatch(word)
    _require(match is not None, line, number, "confidence must look like say@0.42")
    confidence = float(match.group(1)) if match else 0.0
    _require(0.0 <= confidence <= 1.0, line, number, "confidence must be between 0 and 1")
    _require(bool(rest), line, number, "say needs words")
    return Step(Kind.SPEECH, rest, confidence, line=number)


def _require(ok: bool, line: str, number: int, why: str) -> None:
    if not ok:
        raise ValueError(f"line {number}: {why}: {line!r}")
