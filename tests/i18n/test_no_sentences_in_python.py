"""Every word a caller or resident hears or reads is catalog data: no sentence is left in ivr/'s Python.

A "sentence" here is a string literal of at least four words that starts with a
capital letter and ends like a sentence (. ? ! or a full-width 。？！), or holds
one inside ("Sorry. Please"); lower-case notes ("ignored: nothing listens") are
trace lines for developers.
Not counted: docstrings, the messages of log calls and raised exceptions (read
by operators, never by residents), f-strings' fixed parts in those, and the
short allowlist below, each entry with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "ivr"
SENTENCE = re.compile(r"(\w[.?!]\s+[A-Z])|([\w)\"'][.?!。？！]\s*$)|[。？！]")
CHINESE = re.compile(r"[\u4e00-\u9fff]{2,}[。？！，]")
LOG_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "echo",
                       "secho", "fail", "abort", "BadParameter", "ClickException", "UsageError"})
#: (file, the literal's first words): why it may stay in Python.
ALLOWED = {
    # Operator-facing CLI output and help (`cityline ...`), in English by design: not heard by callers.
    ("ivr/cli/", ""): "the command line speaks to operators",
    # Agent-console and supervisor strings are out of this rule's scope (agents/ and the floor's replies).
    ("ivr/floor/notices.py", ""): "NoticeError texts are shown to the supervisor who typed the notice",
    ("ivr/migrations/", ""): "seed rows: a service's name and description, in the city's main language (SQL data)",
    ("ivr/settings.py", ""): "configuration errors, for operators starting the server",
    ("ivr/conference/controls.py", ""): "the agent console's answers to an agent's button (agents/ scope)",
    ("ivr/conference/supervision.py", ""): "the supervisor console's answers (agents/ scope)",
    ("ivr/floor/charts.py", ""): "chart legends on the supervisors' floor page",
    ("ivr/health.py", ""): "the health page, for the operator setting up Twilio",
    ("ivr/jobs/call_history.py", ""): "a voicemail case's description, read by agents in the case system",
    ("ivr/launcher.py", ""): "`cityline run` start-up notes, for the operator",
    ("ivr/open311/documents.py", ""): "Open311 discovery document, for API developers",
    ("ivr/self_service/collection/freshness.py", ""): "the feed-freshness warning, for operators",
}


def _allowed(path: str) -> bool:
    return any(path.startswith(prefix) for prefix, _ in ALLOWED)


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of Constant nodes that are docstrings or sit inside a log call or a raise."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            skipped.add(id(body[0].value))
        inside = None
        if isinstance(node, ast.Raise):
            inside = node
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in LOG_CALLS or name.endswith(("Error", "Exception", "Unaskable", "NotAnAnswer")):
                inside = node
        if inside is not None:
            skipped.update(id(each) for each in ast.walk(inside) if isinstance(each, ast.Constant))
    return skipped


def sentences_in(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skipped = _skipped_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            text = node.value.strip()
            if CHINESE.search(text) or (text[:1].isupper() and len(re.findall(r"\w+", text)) >= 4
                                         and SENTENCE.search(text)):
                found.append((node.lineno, text))
    return found


def test_the_rule_finds_a_sentence_and_leaves_logs_and_docstrings_alone():
    source = '''
"""A module docstring. It has sentences."""
import logging
logger = logging.getLogger(__name__)
PHRASES = {"en": {"hold": "Please hold. Your agent will be right back."}}
def f():
    """Says nothing. Really."""
    logger.warning("call %s: not found. Retrying later.", "x")
    raise ValueError("a list needs 1 to 9 choices. Each with a key.")
KEY = "cityline:phone-report:"
'''
    assert [text for _, text in sentences_in(source)] == ["Please hold. Your agent will be right back."]


def test_a_chinese_sentence_is_a_sentence_too():
    hold = "请稍候。您的服务人员马上回来。"
    assert [text for _, text in sentences_in(f'X = "{hold}"\n')] == [hold]
    assert sentences_in('PATTERN = r"\\d{5}(?:-\\d{4})?"\nURL = "/voice/transferred-out-done?"\n') == []


def test_no_caller_facing_sentence_is_left_in_python():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).as_posix()
        if _allowed(relative):
            continue
        offenders += [f"{relative}:{line}: {text[:80]!r}" for line, text in sentences_in(path.read_text("utf-8"))]
    assert offenders == [], "move these into the catalogs (ivr/i18n/locales), see docs/languages.md:\n" + \
        "\n".join(offenders)
