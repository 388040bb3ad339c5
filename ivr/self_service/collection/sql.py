"""The collection data in SQL: reads for calls, and the imports' all-or-nothing replacements.

An edge, like `handlers`: the rest of the package never sees a session.  Every
replacement compares the file with what is stored and changes only what
differs, so re-importing a file changes nothing and row ids stay stable.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ivr.models.collection import (
    CollectionChange,
    CollectionDate,
    CollectionHoliday,
    CollectionHolidayPlan,
    CollectionSchedule,
    CollectionSegment,
    CollectionStream,
    CollectionStreet,
    CollectionZone,
)
from ivr.self_service.collection.address_file import AddressBook
from ivr.self_service.collection.addresses import Segment, Street
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.holiday_plan import stored_plan
from ivr.self_service.collection.schedule_file import ScheduleRow
from ivr.self_service.collection.schedules import (
    CALENDAR,
    EVERY,
    EVERY_OTHER_WEEK,
    Rule,
    Schedule,
    Season,
    ServiceChange,
)
from ivr.self_service.collection.streams import StreamBook, document_of, stored_book
from ivr.self_service.collection.streets import StreetName


@dataclass
class Changes:
    """What an import did to one kind of row."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed, {self.unchanged} unchanged"

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


# -- reads, while a caller waits ---------------------------------------------------


class SqlDirectory:
    """The streets of collection.addresses.Directory, read from SQL."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def streets_named(self, bases: Collection[str]) -> list[Street]:
        if not bases:
            return []
        return self._with_segments(self.session.scalars(
            select(CollectionStreet).where(CollectionStreet.base.in_(list(bases)))))

    def base_names(self) -> list[str]:
        return list(self.session.scalars(select(CollectionStreet.base).distinct()))

    def streets_in_zip(self, zip_code: str, number: int) -> list[Street]:
        holding = (select(CollectionSegment.street_id)
                   .where(CollectionSegment.low <= number, CollectionSegment.high >= number))
        codes = {zip_code, zip_code[:3]} if len(zip_code) == 6 else {zip_code}  # a Canadian code, or its area
        return self._with_segments(self.session.scalars(
            select(CollectionStreet).where(CollectionStreet.zip.in_(codes), CollectionStreet.id.in_(holding))))

    def _with_segments(self, rows: Iterable[CollectionStreet]) -> list[Street]:
        streets = {row.id: row for row in rows}
        segments: dict[int, list[Segment]] = defaultdict(list)
        if streets:
            query = select(CollectionSegment).where(CollectionSegment.street_id.in_(list(streets)))
            for segment in self.session.scalars(query.order_by(CollectionSegment.low)):
                segments[segment.street_id].append(Segment(segment.low, segment.high, segment.side, segment.zone))
        return [Street(row.id, row.zip, street_name(row), tuple(segments[row.id])) for row in streets.values()]


def street_name(row: CollectionStreet) -> StreetName:
    return StreetName(row.base, row.suffix, row.directional, row.spoken_base)


def streets_by_id(session: Session, ids: Collection[int]) -> dict[int, CollectionStreet]:
    return {row.id: row for row in session.scalars(select(CollectionStreet).where(CollectionStreet.id.in_(ids)))}


def load_schedules(session: Session, zone: str, since: date) -> list[Schedule]:
    """The zone's schedules; a published calendar's dates from `since` on."""
    rows = session.scalars(select(CollectionSchedule).where(CollectionSchedule.zone == zone))
    return [_schedule(session, row, since) for row in rows]


PLAN_ROW = 1


def calendar_last_days(session: Session) -> list[tuple[str, str, date | None]]:
    """Every published calendar's zone, stream and last pickup date (None: it has no dates)."""
    last = func.max(CollectionDate.day)
    query = (select(CollectionSchedule.zone, CollectionSchedule.stream, last)
             .outerjoin(CollectionDate, CollectionDate.schedule_id == CollectionSchedule.id)
             .where(CollectionSchedule.frequency == CALENDAR)
             .group_by(CollectionSchedule.zone, CollectionSchedule.stream))
    return [(zone, stream, day) for zone, stream, day in session.execute(query)]


def load_every_schedule(session: Session, since: date) -> list[Schedule]:
    """Every zone's schedules (a published calendar's dates from `since` on)."""
    return [_schedule(session, row, since) for row in session.scalars(select(CollectionSchedule))]


def _schedule(session: Session, row: CollectionSchedule, since: date) -> Schedule:
    if row.frequency == CALENDAR:
        query = select(CollectionDate.day).where(CollectionDate.schedule_id == row.id, CollectionDate.day >= since)
        return Schedule(row.zone, row.stream, None, tuple(session.scalars(query.order_by(CollectionDate.day))),
                        row.cutoff)
    season = (Season(_month_day(row.season_start), _month_day(row.season_end))
              if row.season_start and row.season_end else None)
    rule = Rule(row.weekday or 0, 2 if row.frequency == EVERY_OTHER_WEEK else 1, row.start, season)
    return Schedule(row.zone, row.stream, rule, cutoff=row.cutoff)


def load_holidays(session: Session, zone: str | None = None) -> HolidayCalendar:
    """The calendar `zone` follows: the city's holiday file if one was imported, else the holidays.csv names."""
    plan = session.get(CollectionHolidayPlan, PLAN_ROW)
    if plan is not None:
        return stored_plan(plan.document).for_zone(zone or "")
    return HolidayCalendar.of(session.scalars(select(CollectionHoliday.name)))


def load_changes(session: Session, zone: str, since: date) -> list[ServiceChange]:
    query = select(CollectionChange).where(CollectionChange.zone.in_([zone, EVERY]), CollectionChange.day >= since)
    return [ServiceChange(row.zone, row.stream, row.day, row.moved_to, row.note, bool(row.extra))
            for row in session.scalars(query)]


def load_streams(session: Session) -> StreamBook:
    """The city's streams file as loaded (none loaded: the standard streams, with the catalog's words)."""
    rows = session.scalars(select(CollectionStream).order_by(CollectionStream.position))
    return stored_book((row.code, json.loads(row.words), bool(row.headline)) for row in rows)


def zone_exists(session: Session, code: str) -> bool:
    return session.get(CollectionZone, code) is not None


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


# -- replacements, from imports ----------------------------------------------------


def ensure_zones(session: Session, codes: Iterable[str]) -> int:
    """Create the zones a file names that are not stored yet; returns how many were new."""
    wanted = set(codes)
    known = set(session.scalars(select(CollectionZone.code).where(CollectionZone.code.in_(wanted))))
    session.add_all(CollectionZone(code=code) for code in sorted(wanted - known))
    session.flush()
    return len(wanted - known)


def replace_addresses(session: Session, book: AddressBook) -> tuple[Changes, Changes]:
    """Make the streets and segments of the file's ZIP codes exactly the file's; (streets, segments)."""
    ensure_zones(session, book.zones)
    existing = {(row.zip, row.street_key): row for row in session.scalars(
        select(CollectionStreet).where(CollectionStreet.zip.in_(book.zips)))}
    wanted = book.streets()
    streets = _sync(session, existing, {key: _street_fields(key, name) for key, name in wanted.items()},
                    CollectionStreet, delete=False)
    session.flush()
    ids = {(zip_code, key): street_id for street_id, zip_code, key in session.execute(
        select(CollectionStreet.id, CollectionStreet.zip, CollectionStreet.street_key)
        .where(CollectionStreet.zip.in_(book.zips)))}
    segments = _sync(session, _stored_segments(session, book.zips),
                     {(ids[(s.zip, s.street.key)], s.low, s.high, s.side): {"zone": s.zone} for s in book.segments},
                     CollectionSegment)
    session.flush()
    for key in existing.keys() - wanted.keys():
        session.delete(existing[key])
    session.flush()
    return streets, segments


def _street_fields(key: tuple[str, str], name: StreetName) -> dict[str, Any]:
    return {"zip": key[0], "street_key": key[1], "base": name.base, "suffix": name.suffix,
            "directional": name.directional, "spoken_base": name.spoken_base}


def _stored_segments(session: Session, zips: Collection[str]) -> dict[tuple, CollectionSegment]:
    query = select(CollectionSegment).join(CollectionStreet).where(CollectionStreet.zip.in_(zips))
    return {(row.street_id, row.low, row.high, row.side): row for row in session.scalars(query)}


def _sync(session: Session, existing: Mapping[Any, Any], wanted: Mapping[Any, dict[str, Any]], model: type,
          *, delete: bool = True) -> Changes:
    """Insert, update and (unless told not to) delete rows so `existing` becomes `wanted`.

    Both are keyed alike; `wanted` holds the column values to compare and set, and
    new rows take their key columns from the key (see _KEY_COLUMNS) or from the values.
    """
    changes = Changes()
    for key, fields in wanted.items():
        row = existing.get(key)
        if row is None:
            session.add(model(**_with_key(model, key, fields)))
            changes.added += 1
        elif all(getattr(row, name) == value for name, value in fields.items()):
            changes.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(row, name, value)
            changes.changed += 1
    for key in existing.keys() - wanted.keys():
        changes.removed += 1
        if delete:
            session.delete(existing[key])
    return changes


#: The key columns of models whose `wanted` keys are not among the fields.
_KEY_COLUMNS = {
    CollectionSegment: ("street_id", "low", "high", "side"),
    CollectionSchedule: ("zone", "stream"),
}


def _with_key(model: type, key: Any, fields: dict[str, Any]) -> dict[str, Any]:
    columns = _KEY_COLUMNS.get(model)
    return {**dict(zip(columns, key, strict=True)), **fields} if columns else fields


def replace_schedules(session: Session, rows: Iterable[ScheduleRow]) -> Changes:
    """Make the rules of the file's zones exactly the file's; a zone's published calendars are kept
    unless the file gives a rule for the same stream."""
    wanted = {(row.schedule.zone, row.schedule.stream): _rule_fields(row.schedule) for row in rows}
    ensure_zones(session, {zone for zone, _ in wanted})
    existing = {(row.zone, row.stream): row for row in session.scalars(
        select(CollectionSchedule).where(CollectionSchedule.zone.in_({zone for zone, _ in wanted})))}
    calendars = {key for key, row in existing.items() if row.frequency == CALENDAR}
    kept = calendars - wanted.keys()
    changes = _sync(session, {k: v for k, v in existing.items() if k not in kept}, wanted, CollectionSchedule)
    for key in calendars & wanted.keys():  # a rule replaces the published calendar it had
        session.execute(delete(CollectionDate).where(CollectionDate.schedule_id == existing[key].id))
    session.flush()
    return changes


def _rule_fields(schedule: Schedule) -> dict[str, Any]:
    rule = schedule.rule
    assert rule is not None, "a schedules file holds rules"
    season = rule.season
    return {
        "frequency": EVERY_OTHER_WEEK if rule.every_weeks == 2 else "weekly", "weekday": rule.weekday,
        "start": rule.start, "cutoff": schedule.cutoff,
        "season_start": f"{season.start[0]:02d}-{season.start[1]:02d}" if season else None,
        "season_end": f"{season.end[0]:02d}-{season.end[1]:02d}" if season else None,
    }


def replace_calendar(session: Session, zone: str, stream: str, days: Collection[date], cutoff: time) -> Changes:
    """Make a zone's stream follow exactly these dates (replacing a rule it had); the dates' changes."""
    ensure_zones(session, [zone])
    fields = {"frequency": CALENDAR, "weekday": None, "start": None, "season_start": None, "season_end": None,
              "cutoff": cutoff}
    row = session.scalars(select(CollectionSchedule).where(
        CollectionSchedule.zone == zone, CollectionSchedule.stream == stream)).one_or_none()
    if row is None:
        row = CollectionSchedule(zone=zone, stream=stream, **fields)
        session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    session.flush()
    existing = {stored.day: stored for stored in session.scalars(
        select(CollectionDate).where(CollectionDate.schedule_id == row.id))}
    changes = _sync(session, existing, {day: {"schedule_id": row.id, "day": day} for day in days}, CollectionDate)
    session.flush()
    return changes


def replace_holidays(session: Session, names: Collection[str]) -> Changes:
    """The holidays.csv list; it replaces any holiday file imported before (the city went back to names only)."""
    session.execute(delete(CollectionHolidayPlan))
    existing = {row.name: row for row in session.scalars(select(CollectionHoliday))}
    changes = _sync(session, existing, {name: {"name": name} for name in names}, CollectionHoliday)
    session.flush()
    return changes


def replace_holiday_plan(session: Session, document: Mapping[str, Any], names: Collection[str]) -> str:
    """Store the checked holiday file; `names` (the city-wide choice) also go to collection_holidays."""
    replace_holidays(session, names)
    stored = json.dumps(document, sort_keys=True, default=str)
    session.add(CollectionHolidayPlan(id=PLAN_ROW, document=stored, imported_at=datetime.now(UTC)))
    session.flush()
    return "stored"


def post_change(session: Session, change: ServiceChange) -> str:
    """Store an operator's service change: 'added', 'changed' or 'unchanged'."""
    row = session.scalars(select(CollectionChange).where(
        CollectionChange.zone == change.zone, CollectionChange.stream == change.stream,
        CollectionChange.day == change.day)).one_or_none()
    if row is None:
        session.add(CollectionChange(zone=change.zone, stream=change.stream, day=change.day,
                                     moved_to=change.moved_to, note=change.note, extra=change.extra))
        return "added"
    if (row.moved_to, row.note, bool(row.extra)) == (change.moved_to, change.note, change.extra):
        return "unchanged"
    row.moved_to, row.note, row.extra = change.moved_to, change.note, change.extra
    return "changed"


def replace_streams(session: Session, book: StreamBook) -> Changes:
    """Make the stored streams exactly the file's, in its order."""
    existing = {row.code: row for row in session.scalars(select(CollectionStream))}
    wanted = {stream.code: {"code": stream.code, "position": position,
                            "words": json.dumps(document_of(stream), sort_keys=True, ensure_ascii=False),
                            "headline": stream.headline}
              for position, stream in enumerate(book.streams)}
    changes = _sync(session, existing, wanted, CollectionStream)
    session.flush()
    return changes


def withdraw_change(session: Session, zone: str, stream: str, day: date) -> bool:
    row = session.scalars(select(CollectionChange).where(
        CollectionChange.zone == zone, CollectionChange.stream == stream, CollectionChange.day == day)).one_or_none()
    if row is not None:
        session.delete(row)
    return row is not None
