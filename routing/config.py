"""The routing configuration: queues, strategies, escalation steps and limits, as data a city edits.

A YAML or JSON file (see `default_routing.yaml`) is read into frozen
dataclasses.  The loader checks the whole file and raises one
RoutingConfigError listing every problem with where it is, so a typo in a
strategy name stops start-up instead of silently routing calls the wrong way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from routing.exceptions import RoutingConfigError, UnknownQueue

#: The routing configuration shipped with CityLine; a city points ROUTING_FILE at its own copy.
DEFAULT_CONFIG_FILE = Path(__file__).parent / "default_routing.yaml"
STRATEGIES = ("longest_idle", "fewest_calls", "highest_proficiency", "round_robin")
AGENT_STATES_AFTER_MISS = ("break", "offline")
#: Escalation target meaning every agent who speaks the caller's language.
ANY = "any"
MAX_PRIORITY = 9
#: Skill names become parts of Redis keys and queue names ('potholes-es'); they never hold '-', so a queue
#: name splits at its first hyphen into skill and language (routing.calls.split_queue_name).
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Language codes as flows and catalogs spell them, BCP-47-like: a lower-case language of 2-3 letters, then
#: optionally a script (Hans) and a region (CN, 419): en, es, yue, zh-CN, pt-BR, zh-Hant-TW, es-419.
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


@dataclass(frozen=True)
class EscalationStep:
    """After `after` seconds of waiting, also offer the call to agents with one of `skills` (None: any agent)."""

    after: int
    skills: frozenset[str] | None
    min_proficiency: int = 1


@dataclass(frozen=True)
class ServiceLevelConfig:
    """The queue's published promise and when the supervisor's floor raises an alert (docs/metrics.md)."""

    threshold: int = 20  # seconds: answered within this counts towards the service level
    target: float = 0.8  # share of calls to answer within the threshold
    longest_wait_alert: int = 120  # seconds a caller may wait before the floor raises an alert


@dataclass(frozen=True)
class QueueConfig:
    skill: str
    strategy: str = "longest_idle"
    max_size: int = 100
    max_wait: int = 1800
    reservation_timeout: int = 20
    wrap_up: int = 30
    min_proficiency: int = 1
    escalation: tuple[EscalationStep, ...] = ()
    service_level: ServiceLevelConfig = field(default_factory=ServiceLevelConfig)
    wrap_up_extend: int = 30  # seconds each press of "More time" adds
    wrap_up_max: int = 120  # seconds a wrap-up may last in all, extensions included
    wrap_up_codes: tuple[str, ...] = ()  # the codes an agent picks from after a call in this queue
    wrap_up_required: bool = False  # the agent must pick one before taking the next call


@dataclass(frozen=True)
class EstimateConfig:
    quantile: float = 0.8  # announce a wait most callers will not exceed
    default_handle_time: float = 300.0  # seconds, until the queue has `min_samples` of its own
    min_samples: int = 5
    short_abandon: float = 10.0  # seconds: callers who hang up sooner are not counted as abandons


@dataclass(frozen=True)
class CallbackConfig:
    #: seconds of estimated wait from which callers on hold are offered a callback (keep their place, hang up)
    offer_after: int = 120
    max_attempts: int = 3
    retry_after: int = 300
    dial_timeout: int = 60  # seconds a placed callback may go without being answered before it counts as missed


@dataclass(frozen=True)
class RecordConfig:
    waits_cap: int = 100_000  # completed-wait records kept in Redis until a job copies them to SQL
    stats_window: int = 100  # recent outcomes (answered, abandoned) kept per queue
    #: recent handle times kept per queue: a long history estimates the mean handle time far better
    #: (bench/wait_accuracy.py: 1000 brings the estimate's error within 5-10% of knowing the true mean)
    handle_window: int = 1000
    finished_ttl: int = 86_400  # how long a finished call or reservation stays readable


@dataclass(frozen=True)
class RoutingConfig:
    languages: tuple[str, ...]
    queues: Mapping[str, QueueConfig]
    after_missed: str = "break"
    estimates: EstimateConfig = field(default_factory=EstimateConfig)
    callbacks: CallbackConfig = field(default_factory=CallbackConfig)
    records: RecordConfig = field(default_factory=RecordConfig)
    #: Wrap-up codes (dispositions) an agent records after a call: code -> label per language.
    wrap_up_codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(self.queues)

    def queue(self, skill: str, language: str) -> QueueConfig:
        """The queue for a skill in a language; UnknownQueue names both when there is none."""
        if language not in self.languages or skill not in self.queues:
            raise UnknownQueue(skill, language)
        return self.queues[skill]


def load_config(path: str | Path | None = None) -> RoutingConfig:
    """Load and check a routing file (the shipped default when None)."""
    path = Path(path) if path is not None else DEFAULT_CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RoutingConfigError(str(path), [f"cannot be opened: {error}"]) from error
    return config_from_text(text, str(path))


def config_from_text(text: str, source: str) -> RoutingConfig:
    return config_from_mapping(_parse(text, source), source)


def config_from_mapping(raw: Any, source: str = "<routing config>") -> RoutingConfig:
    problems = _Problems()
    config = _read_config(raw, problems)
    if problems or config is None:
        raise RoutingConfigError(source, problems.items)
    return config


class _StrictLoader(yaml.SafeLoader):
    """Refuses duplicate keys: YAML would keep the second silently and hide a queue or a setting."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse(text: str, source: str) -> Any:
    try:
        if source.endswith(".json"):
            return json.loads(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as error:
        raise RoutingConfigError(source, [f"cannot be read: {str(error).strip()}"]) from error


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.items.append(f"{where}: {problem}")

    def __bool__(self) -> bool:
        return bool(self.items)


_TOP_KEYS = {"languages", "defaults", "queues", "after_missed", "estimates", "callbacks", "records",
             "wrap_up_codes"}
_QUEUE_KEYS = {"strategy", "max_size", "max_wait", "reservation_timeout", "wrap_up", "min_proficiency",
               "escalation", "service_level", "wrap_up_extend", "wrap_up_max", "wrap_up_codes", "wrap_up_required"}


def _read_config(raw: Any, problems: _Problems) -> RoutingConfig | None:
    if not _is_mapping(raw, "the file", problems):
        return None
    _unknown_keys(raw, _TOP_KEYS, "the file", problems)
    after_missed = raw.get("after_missed", "break")
    if after_missed not in AGENT_STATES_AFTER_MISS:
        problems.add("after_missed", f"{after_missed!r} is not one of {', '.join(AGENT_STATES_AFTER_MISS)}")
    languages = _languages(raw.get("languages"), problems)
    codes = _wrap_up_labels(raw.get("wrap_up_codes") or {}, languages, problems)
    queues = _queues(raw.get("queues"), _defaults(raw.get("defaults") or {}, problems), problems)
    _check_queue_codes(queues, codes, problems)
    return RoutingConfig(
        languages=languages,
        queues=queues,
        wrap_up_codes=codes,
        after_missed=str(after_missed),
        estimates=_section(raw, "estimates", EstimateConfig, problems),
        callbacks=_section(raw, "callbacks", CallbackConfig, problems),
        records=_section(raw, "records", RecordConfig, problems),
    )


def _defaults(raw: Any, problems: _Problems) -> Mapping[str, Any]:
    """Settings every queue starts from (all but escalation, which is per queue)."""
    if not _is_mapping(raw, "defaults", problems):
        return {}
    _unknown_keys(raw, _QUEUE_KEYS - {"escalation"}, "defaults", problems)
    return dict(raw)


def _languages(raw: Any, problems: _Problems) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(item, str) and item for item in raw):
        problems.add("languages", "must be a list of language codes such as [en, es]")
        return ()
    if len(set(raw)) != len(raw):
        problems.add("languages", "lists a language twice")
    for language in raw:
        if not LANGUAGE.match(language):
            problems.add("languages", f"{language!r} is not a language code such as en, es, yue or zh-CN")
    return tuple(raw)


def _queues(raw: Any, defaults: Mapping[str, Any], problems: _Problems) -> dict[str, QueueConfig]:
    if not isinstance(raw, dict) or not raw:
        problems.add("queues", "must map each skill (trash, potholes, ...) to its settings")
        return {}
    skills = {str(skill) for skill in raw}
    queues = {}
    for skill, settings in raw.items():
        where = f"queues.{skill}"
        if not isinstance(skill, str) or not NAME.match(skill) or skill == ANY:
            problems.add(where, f"{skill!r} is not a skill name (lower case, digits and _; not '{ANY}')")
        settings = {} if settings is None else settings
        if _is_mapping(settings, where, problems):
            _unknown_keys(settings, _QUEUE_KEYS, where, problems)
            queues[str(skill)] = _queue(str(skill), {**defaults, **settings}, skills, problems)
    return queues


def _queue(skill: str, raw: Mapping[str, Any], skills: set[str], problems: _Problems) -> QueueConfig:
    where = f"queues.{skill}"
    strategy = raw.get("strategy", "longest_idle")
    if strategy not in STRATEGIES:
        problems.add(f"{where}.strategy", f"{strategy!r} is not one of {', '.join(STRATEGIES)}")
    numbers = {name: _integer(raw, name, f"{where}.{name}", low, problems)
               for name, low in (("max_size", 1), ("max_wait", 1), ("reservation_timeout", 1), ("wrap_up", 0),
                                 ("wrap_up_extend", 1), ("wrap_up_max", 0))}
    required = raw.get("wrap_up_required", False)
    if not isinstance(required, bool):
        problems.add(f"{where}.wrap_up_required", f"{required!r} is not true or false")
    codes = raw.get("wrap_up_codes") or []
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        problems.add(f"{where}.wrap_up_codes", "must be a list of wrap-up codes such as [resolved, case_filed]")
        codes = []
    if required is True and not codes:
        problems.add(f"{where}.wrap_up_required", "needs a list of wrap_up_codes to choose from")
    return QueueConfig(
        skill=skill, strategy=str(strategy), **{k: v for k, v in numbers.items() if v is not None},
        min_proficiency=_proficiency(raw.get("min_proficiency", 1), f"{where}.min_proficiency", problems),
        escalation=_escalation(raw.get("escalation") or [], where, skills, problems),
        wrap_up_codes=tuple(codes), wrap_up_required=required is True,
        service_level=_service_level(raw.get("service_level") or {}, f"{where}.service_level", problems),
    )


def _service_level(raw: Any, where: str, problems: _Problems) -> ServiceLevelConfig:
    """{threshold: 20, target: 0.9, longest_wait_alert: 120}: seconds, a share from 0 to 1, seconds."""
    if not _is_mapping(raw, where, problems):
        return ServiceLevelConfig()
    _unknown_keys(raw, {"threshold", "target", "longest_wait_alert"}, where, problems)
    numbers = {name: _integer(raw, name, f"{where}.{name}", 1, problems)
               for name in ("threshold", "longest_wait_alert")}
    target = raw.get("target", 0.8)
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 1:
        problems.add(f"{where}.target", f"{target!r} is not a share above 0 and at most 1 (0.9 for 90 %)")
        target = 0.8
    return ServiceLevelConfig(**{k: v for k, v in numbers.items() if v is not None}, target=float(target))


def _wrap_up_labels(raw: Any, languages: tuple[str, ...],
                    problems: _Problems) -> dict[str, dict[str, str]]:
    """`wrap_up_codes`: each code with its label in every language of the center."""
    if not _is_mapping(raw, "wrap_up_codes", problems):
        return {}
    codes = {}
    for code, labels in raw.items():
        where = f"wrap_up_codes.{code}"
        if not isinstance(code, str) or not NAME.match(code):
            problems.add(where, f"{code!r} is not a code name (lower case, digits and _)")
            continue
        if not isinstance(labels, dict) or not all(isinstance(labels.get(lang), str) and labels[lang].strip()
                                                   for lang in languages):
            problems.add(where, f"needs a label in each language ({', '.join(languages)})")
            continue
        codes[code] = {str(lang): str(text) for lang, text in labels.items()}
    return codes


def _check_queue_codes(queues: Mapping[str, QueueConfig], codes: Mapping[str, Any], problems: _Problems) -> None:
    for skill, queue in queues.items():
        unknown = sorted(set(queue.wrap_up_codes) - set(codes))
        if unknown:
            problems.add(f"queues.{skill}.wrap_up_codes", f"names code(s) not in wrap_up_codes: {', '.join(unknown)}")
        if queue.wrap_up_max and queue.wrap_up_max < queue.wrap_up:
            problems.add(f"queues.{skill}.wrap_up_max", "is shorter than wrap_up")


def _escalation(raw: Any, where: str, skills: set[str], problems: _Problems) -> tuple[EscalationStep, ...]:
    if not isinstance(raw, list):
        problems.add(f"{where}.escalation", "must be a list of steps such as {after: 60, skills: [general]}")
        return ()
    steps = [_step(item, f"{where}.escalation[{index}]", skills, problems) for index, item in enumerate(raw)]
    found = [step for step in steps if step is not None]
    if any(later.after <= earlier.after for earlier, later in zip(found, found[1:], strict=False)):
        problems.add(f"{where}.escalation", "steps must come in order of strictly increasing 'after'")
    return tuple(found)


def _step(raw: Any, where: str, skills: set[str], problems: _Problems) -> EscalationStep | None:
    if not _is_mapping(raw, where, problems):
        return None
    _unknown_keys(raw, {"after", "skills", "min_proficiency"}, where, problems)
    after = _integer(raw, "after", f"{where}.after", 1, problems, required=True)
    targets = _targets(raw.get("skills"), f"{where}.skills", skills, problems)
    proficiency = _proficiency(raw.get("min_proficiency", 1), f"{where}.min_proficiency", problems)
    if after is None or targets is False:
        return None
    return EscalationStep(after=after, skills=targets, min_proficiency=proficiency)


def _targets(raw: Any, where: str, skills: set[str], problems: _Problems) -> frozenset[str] | None | bool:
    """The skills a step widens to; None for 'any'; False when unusable (problem recorded)."""
    if raw == ANY:
        return None
    if not isinstance(raw, list) or not raw or not all(isinstance(item, str) for item in raw):
        problems.add(where, f"must be '{ANY}' or a list of skills such as [general]")
        return False
    unknown = sorted(set(raw) - skills)
    if unknown:
        problems.add(where, f"names skill(s) with no queue: {', '.join(unknown)}")
        return False
    return frozenset(raw)


def _integer(raw: Mapping[str, Any], name: str, where: str, low: int, problems: _Problems,
             required: bool = False) -> int | None:
    if name not in raw:
        if required:
            problems.add(where, "is required")
        return None
    value = raw[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        problems.add(where, f"{value!r} is not a whole number of at least {low}")
        return None
    return value


def _proficiency(value: Any, where: str, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        problems.add(where, f"{value!r} is not a proficiency from 1 to 10")
        return 1
    return value


def _section(raw: Mapping[str, Any], name: str, kind: type[Any], problems: _Problems) -> Any:
    """A flat section of numbers (estimates, callbacks, records) checked against its dataclass defaults."""
    section = raw.get(name) or {}
    if not _is_mapping(section, name, problems):
        return kind()
    defaults = kind()
    _unknown_keys(section, set(vars(defaults)), name, problems)
    values = {key: value for key, value in section.items() if key in vars(defaults)}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, type(getattr(defaults, key)) | int) or value <= 0:
            problems.add(f"{name}.{key}", f"{value!r} is not a positive number")
    if name == "estimates" and not 0.5 <= float(values.get("quantile", 0.8)) < 1:
        problems.add("estimates.quantile", "must be at least 0.5 and below 1 (an upper quantile)")
    return kind() if problems else kind(**values)


def _is_mapping(raw: Any, where: str, problems: _Problems) -> bool:
    if isinstance(raw, dict):
        return True
    problems.add(where, "must be a mapping of names to values")
    return False


def _unknown_keys(raw: Mapping[str, Any], known: set[str], where: str, problems: _Problems) -> None:
    for key in sorted(set(map(str, raw)) - known):
        problems.add(where, f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
