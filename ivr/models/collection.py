"""The city's collection data: zones, streets and their segments, schedules, holidays, service changes.

Loaded by `cityline import ...` in one transaction per file and only read while
a caller waits.  Imports change rows in place (a re-import of the same file
changes nothing), so ids stay stable while calls that carry them are in flight.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Integer, SmallInteger, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class CollectionZone(Base):
    __tablename__ = "collection_zones"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)


class CollectionStreet(Base):
    """A street in one ZIP code, stored by its comparable parts (see collection.streets)."""

    __tablename__ = "collection_streets"
    __table_args__ = (UniqueConstraint("zip", "street_key", name="uq_collection_street"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zip: Mapped[str] = mapped_column(String(10))  # a US ZIP code (62701), or a Canadian postal code (M5H 2N2)
    street_key: Mapped[str] = mapped_column(String(120))  # "n main st"
    base: Mapped[str] = mapped_column(String(100), index=True)  # "main": what a caller's words are matched on
    suffix: Mapped[str] = mapped_column(String(8))
    directional: Mapped[str] = mapped_column(String(2))
    spoken_base: Mapped[str] = mapped_column(String(100))  # "Main", as the city writes it


class CollectionSegment(Base):
    """House numbers low..high on one side (odd, even or both) of a street, and their zone."""

    __tablename__ = "collection_segments"
    __table_args__ = (UniqueConstraint("street_id", "low", "high", "side", name="uq_collection_segment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("collection_streets.id", ondelete="CASCADE"), index=True)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(4))
    zone: Mapped[str] = mapped_column(ForeignKey("collection_zones.code"))


class CollectionSchedule(Base):
    """One zone's stream: a rule (weekly, every_other_week) or a published calendar of dates."""

    __tablename__ = "collection_schedules"
    __table_args__ = (UniqueConstraint("zone", "stream", name="uq_collection_schedule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(ForeignKey("collection_zones.code"))
    stream: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[str] = mapped_column(String(16))  # weekly, every_other_week or calendar
    weekday: Mapped[int | None] = mapped_column(SmallInteger)  # Monday = 0
    start: Mapped[date | None] = mapped_column(Date)
    season_start: Mapped[str | None] = mapped_column(String(5))  # "04-01"
    season_end: Mapped[str | None] = mapped_column(String(5))
    cutoff: Mapped[time] = mapped_column(Time)


class CollectionDate(Base):
    """A pickup date of a schedule that follows a published calendar."""

    __tablename__ = "collection_dates"
    __table_args__ = (UniqueConstraint("schedule_id", "day", name="uq_collection_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("collection_schedules.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)


class CollectionHoliday(Base):
    """A US holiday (as the `holidays` package names it) that slides the city's pickups."""

    __tablename__ = "collection_holidays"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)


class CollectionHolidayPlan(Base):
    """The city's holiday file (holidays.yaml) as checked JSON: country, chosen and own holidays, rules per zone.

    One row; when it exists it, not collection_holidays, decides how holidays move pickups."""

    __tablename__ = "collection_holiday_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column()


class CollectionChange(Base):
    """An operator's one-off change: the pickups due on `day` moved to `moved_to`, or cancelled (NULL)."""

    __tablename__ = "collection_changes"
    __table_args__ = (UniqueConstraint("zone", "stream", "day", name="uq_collection_change"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone: Mapped[str] = mapped_column(String(16))  # a zone code, or "*" for every zone
    stream: Mapped[str] = mapped_column(String(16))  # a stream, or "*" for every stream
    day: Mapped[date] = mapped_column(Date, index=True)
    moved_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    extra: Mapped[bool] = mapped_column(Boolean, default=False)  # an extra pickup on `day`, beyond the schedule


class CollectionStream(Base):
    """A stream the city's streams file names (organics, leaf collection ...), with its words per language.

    Trash, recycling and yard waste need no row: their words are in the message catalogs."""

    __tablename__ = "collection_streams"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    words: Mapped[str] = mapped_column(Text)  # JSON: {"en": {"name": ..., "subject": ..., "pickup": ...}, ...}
    headline: Mapped[bool] = mapped_column(Boolean, default=False)
