"""The city's holiday file (holidays.yaml): which holidays move pickups, how, and per zone where it differs.

    country: US                # any country the `holidays` package knows (CA, MX, GB, ...)
    subdivision: IL            # optional: the state's or province's holidays become choosable
    holidays: [New Year's Day, Thanksgiving Day, Christmas Day]
    city_holidays:             # days the package does not have
      - {name: Day after Thanksgiving, after: Thanksgiving Day, days: 1, es: el día después de Acción de Gracias}
      - {name: Christmas Eve, date: 12-24, es: la Nochebuena}
      - {name: Good Friday, easter: -2, es: el Viernes Santo}
    rule:                      # see holiday_rules.HolidayRule
      observed_weekends: true
      non_collection_days_slide: true
      displaced_last_day: saturday      # saturday | next_week | holiday
      last_collection_day: friday
    zones:                     # zones whose crews follow other rules or holidays
      B:
        rule: {non_collection_days_slide: false}
        holidays: [New Year's Day, Christmas Day]

The file is checked whole: every problem is reported with its line and the
field's path (`zones.B.rule.displaced_last_day`), and nothing is loaded until
it is right.  The parsed document is stored as JSON and rebuilt into calendars
when a caller asks, so the stored form and the file never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.holiday_calendar import (
    DEFAULT_COUNTRY,
    CityHoliday,
    HolidayCalendar,
    UnknownCountry,
    UnknownHoliday,
    check_country,
    check_name,
)
from ivr.self_service.collection.holiday_rules import DISPLACED, HolidayRule, InvalidHolidayRule

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
TOP_LEVEL = {"country", "subdivision", "holidays", "city_holidays", "rule", "zones"}
RULE_FIELDS = {"observed_weekends", "non_collection_days_slide", "displaced_last_day", "last_collection_day"}
MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true and false.  YAML 1.1 also reads ON, NO, Y as booleans, and Ontario is ON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


@dataclass(frozen=True)
class HolidayPlan:
    """The city's calendar, and the zones that differ from it."""

    city: HolidayCalendar
    zones: dict[str, HolidayCalendar] = field(default_factory=dict)

    def for_zone(self, zone: str) -> HolidayCalendar:
        return self.zones.get(zone, self.city)


def parse_plan(text: str) -> tuple[HolidayPlan, dict[str, Any]]:
    """The plan and the checked document (to store); raises InvalidFile listing every problem with its line."""
    problems = Problems()
    try:
        root = yaml.compose(text, Loader=_Loader)
        document = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader with YAML 1.2 booleans
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")
        problems.raise_if_any()
        raise  # unreachable: raise_if_any raised
    lines = _Lines(root)
    if not isinstance(document, dict):
        problems.add(1, "the file must be a mapping with at least `holidays:` or `city_holidays:`")
        problems.raise_if_any()
    plan = _Checker(document, lines, problems).plan()
    problems.raise_if_any()
    return plan, document


@lru_cache(maxsize=8)
def stored_plan(stored: str) -> HolidayPlan:
    """The plan from the JSON kept in SQL (checked when imported; JSON is YAML), built once per process and text."""
    return parse_plan(stored)[0]


class _Lines:
    """The line of each field, from the YAML node tree, so messages point at the city's file."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def of(self, *path: str | int) -> int:
        node, line = self.root, 1
        for key in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            node = self._child(node, key)
        return node.start_mark.line + 1 if node is not None else line

    @staticmethod
    def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            return next((value for name, value in node.value if str(name.value) == str(key)), None)
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            return node.value[key]
        return None


class _Checker:
    def __init__(self, document: dict[str, Any], lines: _Lines, problems: Problems) -> None:
        self.document, self.lines, self.problems = document, lines, problems

    def problem(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.add(self.lines.of(*path), f"{'.'.join(map(str, path))}: {message}")

    def plan(self) -> HolidayPlan:
        doc = self.document
        for key in sorted(set(doc) - TOP_LEVEL):
            self.problem((key,), f"is not a setting (expected one of {', '.join(sorted(TOP_LEVEL))})")
        country = str(doc.get("country") or DEFAULT_COUNTRY).upper()
        subdivision = None if doc.get("subdivision") in (None, "") else str(doc["subdivision"]).upper()
        try:
            check_country(country, subdivision)
        except UnknownCountry as error:
            self.problem(("subdivision",) if subdivision and "subdivision" in str(error) else ("country",), str(error))
            return HolidayPlan(HolidayCalendar.of(()))
        own, spoken = self.city_holidays(doc.get("city_holidays"), country, subdivision)
        names = self.names(doc.get("holidays"), ("holidays",), country, subdivision)
        rule = self.rule(doc.get("rule"), ("rule",), HolidayRule())
        city = HolidayCalendar(names, rule, country, subdivision, own, spoken)
        return HolidayPlan(city, self.zones(doc.get("zones"), city, country, subdivision))

    def names(self, value: Any, path: tuple[str | int, ...], country: str, subdivision: str | None) -> frozenset[str]:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            self.problem(path, "must be a list of holiday names")
            return frozenset()
        chosen: dict[str, int] = {}
        for position, name in enumerate(value):
            try:
                spelt = check_name(str(name), country, subdivision)
            except UnknownHoliday as error:
                self.problem((*path, position), f"{error} (a day the calendar lacks goes under city_holidays)")
                continue
            if spelt in chosen:
                self.problem((*path, position), f"{spelt!r} is already listed")
            chosen.setdefault(spelt, position)
        return frozenset(chosen)

    def city_holidays(self, value: Any, country: str, subdivision: str | None
                      ) -> tuple[tuple[CityHoliday, ...], dict[str, dict[str, str]]]:
        if value is None:
            return (), {}
        if not isinstance(value, list):
            self.problem(("city_holidays",), "must be a list of {name, date | after | easter}")
            return (), {}
        own: list[CityHoliday] = []
        spoken: dict[str, dict[str, str]] = {}
        for position, entry in enumerate(value):
            path = ("city_holidays", position)
            if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
                self.problem(path, "needs a name, and one of date (MM-DD), after (a holiday) or easter (days)")
                continue
            holiday = self.city_holiday(entry, path, country, subdivision)
            if holiday is not None:
                own.append(holiday)
                for language, words in entry.items():
                    if language not in {"name", "date", "after", "easter", "days"}:
                        spoken.setdefault(str(language), {})[holiday.name] = str(words)
        return tuple(own), spoken

    def city_holiday(self, entry: dict[str, Any], path: tuple[str | int, ...], country: str,
                     subdivision: str | None) -> CityHoliday | None:
        name = str(entry["name"]).strip()
        kinds = [kind for kind in ("date", "after", "easter") if kind in entry]
        if len(kinds) != 1:
            self.problem(path, f"{name!r} needs exactly one of date (MM-DD), after (a holiday) or easter (days)")
            return None
        kind, value = kinds[0], entry[kinds[0]]
        if kind == "date":
            match = MONTH_DAY.match(str(value))
            try:
                if not match:
                    raise ValueError
                month, day = int(match[1]), int(match[2])
                date(2024, month, day)  # 2024 is a leap year: Feb 29 is allowed
            except ValueError:
                self.problem((*path, "date"), f"{value!r} is not a month and day like 12-24")
                return None
            return CityHoliday(name, month_day=(month, day))
        days = entry.get("days", 1) if kind == "after" else value
        if isinstance(days, bool) or not isinstance(days, int) or abs(days) > 60:
            self.problem((*path, "days" if kind == "after" else "easter"), "must be a whole number of days (-60 to 60)")
            return None
        if kind == "easter":
            return CityHoliday(name, from_easter=True, days=days)
        try:
            after = check_name(str(value), country, subdivision)
        except UnknownHoliday as error:
            self.problem((*path, "after"), str(error))
            return None
        return CityHoliday(name, after=after, days=days)

    def rule(self, value: Any, path: tuple[str | int, ...], base: HolidayRule) -> HolidayRule:
        if value is None:
            return base
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of {', '.join(sorted(RULE_FIELDS))}")
            return base
        changes: dict[str, Any] = {}
        for key, setting in value.items():
            where = (*path, key)
            if key not in RULE_FIELDS:
                self.problem(where, f"is not a rule setting (expected one of {', '.join(sorted(RULE_FIELDS))})")
                continue
            checked = self.rule_setting(key, setting, where)
            if checked is not None:
                changes.update(checked)
        try:
            return replace(base, **changes)
        except InvalidHolidayRule as error:  # pragma: no cover - every field is checked above
            self.problem(path, str(error))
            return base

    def rule_setting(self, key: str, setting: Any, where: tuple[str | int, ...]) -> dict[str, Any] | None:
        """One checked setting of a rule, as the HolidayRule field it sets; None (and a problem) when invalid."""
        if key in ("observed_weekends", "non_collection_days_slide"):
            if isinstance(setting, bool):
                return {key: setting}
            self.problem(where, "must be true or false")
        elif key == "displaced_last_day":
            if setting in DISPLACED:
                return {key: setting}
            self.problem(where, f"{setting!r} is not one of {', '.join(DISPLACED)}")
        elif str(setting).lower() in WEEKDAYS:
            return {"last_collection_weekday": WEEKDAYS.index(str(setting).lower())}
        else:
            self.problem(where, f"{setting!r} is not a weekday from monday to saturday")
        return None

    def zones(self, value: Any, city: HolidayCalendar, country: str, subdivision: str | None
              ) -> dict[str, HolidayCalendar]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(("zones",), "must map zone codes to their rule and holidays")
            return {}
        zones: dict[str, HolidayCalendar] = {}
        for code, settings in value.items():
            path: tuple[str | int, ...] = ("zones", str(code))
            if not isinstance(settings, dict) or not settings or set(settings) - {"rule", "holidays"}:
                self.problem(path, "takes `rule:` and/or `holidays:` (the city's settings apply otherwise)")
                continue
            names = (self.names(settings["holidays"], (*path, "holidays"), country, subdivision)
                     if "holidays" in settings else city.names)
            zones[str(code)] = replace(city, names=names, rule=self.rule(settings.get("rule"), (*path, "rule"),
                                                                         city.rule))
        return zones
