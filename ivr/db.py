"""The SQL database: engine and sessions from DATABASE_URL, and the schema check.

History (calls, cases) lives here; it is written by background jobs, never by
a webhook while a caller waits.  The schema is owned by Alembic migrations
(`cityline db upgrade`); the app refuses to run against an out-of-date one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, Dialect, Engine, TypeDecorator, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every database: stored in UTC, read back as aware UTC.

    SQLite keeps no offset and returns naive values; comparing those with the
    aware times the rest of the code uses would fail, so both directions are
    normalised here.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime}


class SchemaOutOfDate(RuntimeError):
    """The database is behind the code's migrations."""


def make_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A managed PostgreSQL's failover (or a proxy, or an idle timeout) drops connections without telling the
    # pool: pre-ping finds a dead one at checkout and reconnects (through the same host name, which the
    # service points at the new primary); recycling keeps no connection older than POOL_RECYCLE_SECONDS;
    # keepalives notice a peer that vanished mid-transaction. A job whose connection drops while it runs is
    # run again at once (ivr.jobs.sql_retry), then by RQ's retries.
    return create_engine(database_url, pool_pre_ping=True, pool_recycle=POOL_RECYCLE_SECONDS,
                         connect_args=_postgres_keepalives(database_url))


#: Seconds a pooled connection is kept before it is replaced (under common 30-60 min idle cut-offs).
POOL_RECYCLE_SECONDS = 1800


def _postgres_keepalives(database_url: str) -> dict[str, int]:
    """libpq's TCP keepalives (psycopg passes them through); other drivers keep their defaults."""
    if not database_url.startswith(("postgresql", "postgres")):
        return {}
    return {"connect_timeout": 10, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
            "keepalives_count": 3}


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets the web process read while a worker writes; foreign keys are off by default."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def check_schema(engine: Engine) -> None:
    """Raise SchemaOutOfDate with the command to run when migrations are pending."""
    current, head = current_revision(engine), head_revision(engine)
    if current != head:
        raise SchemaOutOfDate(
            f"the database at {engine.url.render_as_string(hide_password=True)} is at schema "
            f"revision {current or 'none'} but this code needs {head}: run `cityline db upgrade`"
        )
