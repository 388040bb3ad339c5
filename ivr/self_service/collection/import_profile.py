"""An import profile: how a city's own files map onto ours, so its exports load as published.

    address_points:
      columns: {number: ADDRNUM, street: FULLNAME, zip: ZIPCODE, latitude: LAT, longitude: LON}
      zone_property: ROUTE_ID          # the GeoJSON property that names a zone
    pickup_dates:
      columns: {zone: ROUTE, stream: SERVICE, date: PICKUP_DATE}
      date_format: "%m/%d/%Y"          # or leave it out: it is detected when the dates allow only one
      streams: {GARBAGE: trash, RECYCLING: recycling, YARD WASTE: yard_waste}

A city that publishes one row per week with a column per stream (Toronto:
`Calendar,WeekStarting,GreenBin,Garbage,YardWaste,ChristmasTree`, a cell
`0` when that stream is not collected) says which column is which stream:

    pickup_dates:
      columns: {zone: Calendar, date: WeekStarting}
      stream_columns: {GreenBin: organics, Garbage: trash, YardWaste: yard_waste, ChristmasTree: christmas_tree}
      no_pickup: ["0"]                 # cells that mean "not collected" (and empty ones)
      ignore_columns: [_id]

Only what differs from our names needs saying.  Every mistake is named with
its field (`pickup_dates.streams.YARD: 'compost' is not a stream`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from ivr.self_service.collection.errors import InvalidFile, RowError

KINDS = {
    "address_points": {"columns", "zone_property"},
    "pickup_dates": {"columns", "date_format", "streams", "stream_columns", "no_pickup", "ignore_columns"},
    "addresses": {"columns"},
    "schedules": {"columns"},
}


@dataclass(frozen=True)
class FileProfile:
    columns: Mapping[str, str] = field(default_factory=dict)  # ours -> the city's
    date_format: str | None = None
    streams: Mapping[str, str] = field(default_factory=dict)  # the city's value (folded) -> ours
    zone_property: str | None = None
    stream_columns: Mapping[str, str] = field(default_factory=dict)  # the city's column (folded) -> our stream
    no_pickup: frozenset[str] = frozenset({"0", "", "no", "n", "false", "f"})
    ignore_columns: tuple[str, ...] = ()

    def stream(self, value: str) -> str:
        return self.streams.get(value.strip().casefold(), value.strip())


@dataclass(frozen=True)
class ImportProfile:
    files: Mapping[str, FileProfile] = field(default_factory=dict)

    def of(self, kind: str) -> FileProfile:
        return self.files.get(kind, FileProfile())


def parse_profile(text: str, streams: tuple[str, ...]) -> ImportProfile:
    """The profile; raises InvalidFile listing every mistake (line 1 for the file, since YAML paths say where)."""
    problems: list[RowError] = []
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise InvalidFile([RowError(1, f"not valid YAML: {error}")]) from None
    if not isinstance(document, dict):
        raise InvalidFile([RowError(1, "an import profile is a mapping of file kinds to their settings")])
    files: dict[str, FileProfile] = {}
    for kind, settings in document.items():
        if kind not in KINDS:
            problems.append(RowError(1, f"{kind}: is not a file kind (one of {', '.join(KINDS)})"))
            continue
        if not isinstance(settings, dict):
            problems.append(RowError(1, f"{kind}: must be a mapping of {', '.join(sorted(KINDS[kind]))}"))
            continue
        files[kind] = _file_profile(kind, settings, streams, problems)
    if problems:
        raise InvalidFile(problems)
    return ImportProfile(files)


def _file_profile(kind: str, settings: dict[str, Any], streams: tuple[str, ...],
                  problems: list[RowError]) -> FileProfile:
    for key in sorted(set(settings) - KINDS[kind]):
        problems.append(RowError(1, f"{kind}.{key}: is not a setting (one of {', '.join(sorted(KINDS[kind]))})"))
    columns = settings.get("columns") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, str | int) for v in columns.values()):
        problems.append(RowError(1, f"{kind}.columns: must map our column names to the file's"))
        columns = {}
    date_format = settings.get("date_format")
    if date_format is not None:
        try:
            datetime.strptime(datetime(2026, 11, 26).strftime(str(date_format)), str(date_format))
        except ValueError:
            problems.append(RowError(1, f"{kind}.date_format: {date_format!r} is not a strftime format like %m/%d/%Y"))
            date_format = None
    mapped: dict[str, str] = {}
    for theirs, ours in (settings.get("streams") or {}).items():
        if ours not in streams:
            problems.append(RowError(1, f"{kind}.streams.{theirs}: {ours!r} is not a stream ({', '.join(streams)})"))
        mapped[str(theirs).strip().casefold()] = str(ours)
    zone_property = settings.get("zone_property")
    stream_columns = _stream_columns(kind, settings.get("stream_columns") or {}, streams, problems)
    extra: dict[str, Any] = {}
    if "no_pickup" in settings:
        extra["no_pickup"] = frozenset(str(value).strip().casefold() for value in settings["no_pickup"] or ()) | {""}
    return FileProfile({str(k): str(v) for k, v in columns.items()}, None if date_format is None else str(date_format),
                       mapped, None if zone_property is None else str(zone_property), stream_columns,
                       ignore_columns=tuple(str(name) for name in settings.get("ignore_columns") or ()), **extra)


def _stream_columns(kind: str, given: Any, streams: tuple[str, ...], problems: list[RowError]) -> dict[str, str]:
    if not isinstance(given, dict):
        problems.append(RowError(1, f"{kind}.stream_columns: must map the file's columns to our streams"))
        return {}
    for theirs, ours in given.items():
        if ours not in streams:
            problems.append(RowError(1, f"{kind}.stream_columns.{theirs}: {ours!r} is not a stream "
                                        f"({', '.join(streams)})"))
    return {str(theirs).strip().casefold(): str(ours) for theirs, ours in given.items()}
