"""Fixtures for the collection tests: a street directory in memory, and the database on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cli import main
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
from ivr.self_service.collection.address_file import parse_addresses
from ivr.self_service.collection.addresses import Segment, Street

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CITY = ROOT / "data" / "sample_city"
#: Children before parents, so foreign keys never stop the clean-up.
TABLES = (CollectionSegment, CollectionStreet, CollectionDate, CollectionSchedule, CollectionChange,
          CollectionHoliday, CollectionHolidayPlan, CollectionStream, CollectionZone)


class MemoryDirectory:
    """The Directory protocol over streets built from CSV text, as the import would read them."""

    def __init__(self, csv_text: str) -> None:
        book = parse_addresses(csv_text.strip().splitlines(keepends=True))
        self.streets: list[Street] = []
        for number, ((zip_code, key), name) in enumerate(sorted(book.streets().items()), start=1):
            segments = tuple(Segment(s.low, s.high, s.side, s.zone) for s in book.segments
                             if (s.zip, s.street.key) == (zip_code, key))
            self.streets.append(Street(number, zip_code, name, segments))

    def streets_named(self, bases: Collection[str]) -> list[Street]:
        return [street for street in self.streets if street.name.base in bases]

    def base_names(self) -> list[str]:
        return sorted({street.name.base for street in self.streets})

    def streets_in_zip(self, zip_code: str, number: int) -> list[Street]:
        return [street for street in self.streets if street.zip == zip_code
                and any(s.low <= number <= s.high for s in street.segments)]


@pytest.fixture(scope="session")
def sample_directory() -> MemoryDirectory:
    return MemoryDirectory((SAMPLE_CITY / "addresses.csv").read_text(encoding="utf-8"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A migrated database with no collection data, on each engine."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        for table in TABLES:
            session.execute(delete(table))
    engine.dispose()
    yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = db.make_engine(database_url)
    yield db.make_session_factory(engine)
    engine.dispose()


def cityline(database_url: str, *args: str) -> Result:
    """Run `cityline ARGS...` in-process against `database_url`."""
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": database_url,
                                                     "CITY_TIMEZONE": "America/New_York"})
