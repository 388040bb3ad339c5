"""`cityline import ...`: load the city's trash, recycling and yard-waste data.

Every command checks the whole file first and lists every bad row by line
number; only a file with none is loaded, in one transaction, so a city never
runs on half a file.  Loading compares the file with what is stored and changes
only what differs: re-importing a file changes nothing, an updated file
replaces what it covers.  docs/city-data.md describes the files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ivr.settings import ConfigError, Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")
SAMPLE_CITY = Path(__file__).resolve().parents[2] / "data" / "sample_city"
#: Calendar files in a city folder are named calendar-<ZONE>-<stream>.ics.
CALENDAR_GLOB = "calendar-*.ics"
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from None


@contextmanager
def _transaction(settings: Settings) -> Iterator[Session]:
    """One all-or-nothing transaction on a database whose schema is current."""
    from ivr import db

    engine = db.make_engine(settings.database_url)
    try:
        db.check_schema(engine)
        with db.unit_of_work(db.make_session_factory(engine)) as session:
            yield session
    except db.SchemaOutOfDate as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def _checked(path: Path, parse: Callable[[Iterable[str]], T]) -> T:
    """Parse a CSV file with a progress bar on stderr; every bad row is listed and nothing is loaded."""
    from ivr.self_service.collection.errors import InvalidFile

    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: is not UTF-8 text ({error}); save it as UTF-8 CSV") from None
    try:
        with click.progressbar(lines, label=f"checking {path.name}", file=sys.stderr) as tracked:
            return parse(tracked)
    except InvalidFile as error:
        _refuse(path, error)


def _refuse(path: Path, error: Any) -> NoReturn:
    for problem in error.errors:
        click.echo(f"{path}:{problem.line}: {problem.message}", err=True)
    raise click.ClickException(f"{path}: {len(error.errors)} bad row(s); nothing was loaded")


@click.group("import")
def import_group() -> None:
    """Load the city's collection data: addresses, schedules, holidays, calendars, service changes."""


@import_group.command("addresses")
@click.argument("file", type=FILE)
def import_addresses(file: Path) -> None:
    """Street segments to zones (zip,street,from,to,side,zone); replaces the file's ZIP codes."""
    from ivr.self_service.collection import sql
    from ivr.self_service.collection.address_file import parse_addresses

    book = _checked(file, parse_addresses)
    with _transaction(_settings()) as session:
        streets, segments = sql.replace_addresses(session, book)
    click.echo(f"{file.name}: streets {streets}; segments {segments}")


@import_group.command("schedules")
@click.argument("file", type=FILE)
def import_schedules(file: Path) -> None:
    """Pickup rules per zone and stream; replaces the rules of the file's zones."""
    from ivr.self_service.collection import sql
    from ivr.self_service.collection.schedule_file import parse_schedules

    settings = _settings()
    streams = _known_streams(settings)
    rows = _checked(file, lambda lines: parse_schedules(lines, streams))
    with _transaction(settings) as session:
        changes = sql.replace_schedules(session, rows)
    click.echo(f"{file.name}: schedules {changes}")


@import_group.command("streams")
@click.argument("file", type=FILE)
def import_streams(file: Path) -> None:
    """The city's streams (organics, leaf collection ...) and their words per language; replaces the list."""
    from ivr.self_service.collection import sql

    book = _checked_streams(file)
    with _transaction(_settings()) as session:
        changes = sql.replace_streams(session, book)
    click.echo(f"{file.name}: streams {changes}; callers hear them in this order: {', '.join(book.codes)}")


def _checked_streams(file: Path) -> Any:
    from ivr.self_service.collection.streams import parse_streams

    return _checked_document(file, parse_streams)


def _checked_document(path: Path, parse: Callable[[str], T]) -> T:
    """Parse a whole YAML file; every problem is listed and nothing is loaded."""
    from ivr.self_service.collection.errors import InvalidFile

    try:
        return parse(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: is not UTF-8 text ({error})") from None
    except InvalidFile as error:
        _refuse(path, error)


@import_group.command("holidays")
@click.argument("file", type=FILE)
def import_holidays(file: Path) -> None:
    """Which holidays move pickups: holidays.yaml (country, the city's own days, rules per zone) or
    holidays.csv (US holiday names, one per row, with the default rule). Replaces what was loaded."""
    from ivr.self_service.collection import sql

    if file.suffix.lower() in (".yaml", ".yml"):
        plan, document = _checked_plan(file)
        with _transaction(_settings()) as session:
            sql.replace_holiday_plan(session, document, plan.city.names)
        zones = f"; zones with their own rules: {', '.join(sorted(plan.zones))}" if plan.zones else ""
        click.echo(f"{file.name}: holiday file stored ({plan.city.country}"
                   f"{'-' + plan.city.subdivision if plan.city.subdivision else ''}, "
                   f"{len(plan.city.names)} listed and {len(plan.city.own)} city holidays{zones})")
        return
    from ivr.self_service.collection.holiday_file import parse_holidays

    names = _checked(file, parse_holidays)
    with _transaction(_settings()) as session:
        changes = sql.replace_holidays(session, names)
    click.echo(f"{file.name}: holidays {changes}")


def _checked_plan(file: Path) -> Any:
    from ivr.self_service.collection.holiday_plan import parse_plan

    return _checked_document(file, parse_plan)


@import_group.command("calendar")
@click.argument("zone")
@click.argument("stream")
@click.argument("file", type=FILE)
@click.option("--cutoff", default="07:00", show_default=True, help="Carts out by this time (HH:MM).")
@click.option("--summary", default=None, help="Only events whose SUMMARY contains this text.")
def import_calendar(zone: str, stream: str, file: Path, cutoff: str, summary: str | None) -> None:
    """Pickup dates for one zone and stream from an iCalendar (.ics) feed, instead of a rule."""
    from ivr.self_service.collection import sql

    cutoff_time = _option(lambda: _cutoff(cutoff), "--cutoff")
    settings = _settings()
    _check_zone_and_stream(zone, stream, _known_streams(settings), every=False)
    days = _calendar_days(file, settings, summary)
    with _transaction(settings) as session:
        changes = sql.replace_calendar(session, zone, stream, days, cutoff_time)
        _warn_of_ending_calendars(session, settings)
    click.echo(f"{file.name}: zone {zone} {stream} dates {changes}")


def _calendar_days(file: Path, settings: Settings, summary: str | None) -> tuple[date, ...]:
    from ivr.self_service.collection.errors import InvalidFile
    from ivr.self_service.collection.ical_file import parse_calendar

    def track(events: list[Any]) -> Iterable[Any]:
        with click.progressbar(events, label=f"checking {file.name}", file=sys.stderr) as tracked:
            yield from tracked

    try:
        return parse_calendar(file.read_bytes(), settings.office_hours.zone, summary=summary, track=track)
    except InvalidFile as error:
        _refuse(file, error)


PROFILE_OPTION = click.option("--profile", "profile_file", type=FILE, default=None,
                              help="An import profile (YAML) mapping the city's column names, date format "
                                   "and stream words onto ours.")


def _known_streams(settings: Settings) -> tuple[str, ...]:
    """The city's stream codes: the standard ones and those its streams file named (as loaded)."""
    from ivr.self_service.collection import sql

    with _transaction(settings) as session:
        return sql.load_streams(session).codes


def _profile(file: Path | None, streams: tuple[str, ...]) -> Any:
    from ivr.self_service.collection.errors import InvalidFile
    from ivr.self_service.collection.import_profile import ImportProfile, parse_profile

    if file is None:
        return ImportProfile()
    try:
        return parse_profile(file.read_text(encoding="utf-8-sig"), streams)
    except InvalidFile as error:
        _refuse(file, error)


@import_group.command("address-points")
@click.argument("points", type=FILE)
@click.option("--zones", "zones_file", type=FILE, required=True,
              help="The zone map: GeoJSON polygons, or a shapefile (.shp beside its .dbf, or a .zip of them).")
@click.option("--zone-property", default=None, help="The GeoJSON property naming each zone [zone].")
@PROFILE_OPTION
def import_address_points(points: Path, zones_file: Path, zone_property: str | None, profile_file: Path | None) -> None:
    """Address points (number,street,zip,latitude,longitude) placed in zones by the GeoJSON zone map;
    replaces the file's ZIP codes, like `import addresses`."""
    from ivr.self_service.collection import sql
    from ivr.self_service.collection.address_points import parse_address_points
    from ivr.self_service.collection.errors import InvalidFile
    from ivr.self_service.collection.zone_shapes import DEFAULT_ZONE_PROPERTY, parse_zone_shapes

    profile = _profile(profile_file, _known_streams(_settings())).of("address_points")
    prop = zone_property or profile.zone_property or DEFAULT_ZONE_PROPERTY
    try:
        if zones_file.suffix.lower() in (".shp", ".zip"):
            from ivr.self_service.collection.zone_shapefile import parse_zone_shapefile

            zones = parse_zone_shapefile(zones_file, prop)
        else:
            zones = parse_zone_shapes(zones_file.read_text(encoding="utf-8-sig"), prop)
    except InvalidFile as error:
        _refuse(zones_file, error)
    book = _checked(points, lambda lines: parse_address_points(lines, zones, profile.columns))
    with _transaction(_settings()) as session:
        streets, segments = sql.replace_addresses(session, book)
    click.echo(f"{points.name}: {len(book.segments)} address points in {len(book.zones)} of the map's "
               f"{len(zones.zones)} zones; streets {streets}; segments {segments}")


@import_group.command("dates")
@click.argument("file", type=FILE)
@click.option("--cutoff", default="07:00", show_default=True, help="Carts out by this time (HH:MM).")
@PROFILE_OPTION
def import_dates(file: Path, cutoff: str, profile_file: Path | None) -> None:
    """Pickup dates as a list (zone,stream,date): each zone's stream follows exactly the file's dates."""
    from ivr.self_service.collection import sql
    from ivr.self_service.collection.date_list_file import parse_date_list

    cutoff_time = _option(lambda: _cutoff(cutoff), "--cutoff")
    settings = _settings()
    streams = _known_streams(settings)
    profile = _profile(profile_file, streams).of("pickup_dates")
    calendars = _checked(file, lambda lines: parse_date_list(lines, profile, streams))
    with _transaction(settings) as session:
        for (zone, stream), days in sorted(calendars.items()):
            changes = sql.replace_calendar(session, zone, stream, days, cutoff_time)
            click.echo(f"zone {zone} {stream}: {len(days)} dates, {days[0]} to {days[-1]}; {changes}")
        _warn_of_ending_calendars(session, settings)


@import_group.command("exception")
@click.argument("zone")
@click.argument("stream")
@click.argument("day", metavar="DATE")
@click.option("--moved-to", default=None, metavar="DATE", help="The day the pickups happen instead.")
@click.option("--cancelled", is_flag=True, help="The pickups of DATE do not happen.")
@click.option("--extra", is_flag=True, help="An extra pickup on DATE, beyond the schedule.")
@click.option("--withdraw", is_flag=True, help="Remove a change posted earlier.")
@click.option("--note", default="", help="Why, for the operators (not spoken).")
def import_exception(zone: str, stream: str, day: str, moved_to: str | None, cancelled: bool, extra: bool,
                     withdraw: bool, note: str) -> None:
    """Post a one-off service change: ZONE's STREAM pickups due on DATE move (or are cancelled), or an
    extra pickup on DATE.

    ZONE and STREAM may be `all`. DATE is the day the pickup was due, after any holiday slide.
    """
    from dataclasses import replace

    from ivr.self_service.collection import sql

    if (moved_to is not None) + cancelled + extra + withdraw != 1:
        raise click.UsageError("give exactly one of --moved-to DATE, --cancelled, --extra or --withdraw")
    settings = _settings()
    change = replace(_change(zone, stream, day, moved_to, note, _known_streams(settings)), extra=extra)
    with _transaction(settings) as session:
        if change.zone != "*" and not sql.zone_exists(session, change.zone):
            raise click.BadParameter(f"there is no zone {zone!r}; import the addresses first", param_hint="ZONE")
        if withdraw:
            found = sql.withdraw_change(session, change.zone, change.stream, change.day)
            click.echo("withdrawn" if found else "there was no such change: nothing to withdraw")
            return
        problem = _posting_problem(session, change)
        if problem:
            raise click.BadParameter(problem, param_hint="DATE")
        click.echo(f"service change {sql.post_change(session, change)}: {_describe(change)}")


def _posting_problem(session: Any, change: Any) -> str | None:
    from datetime import timedelta

    from ivr.self_service.collection import sql
    from ivr.self_service.collection.change_check import problem_with

    schedules = sql.load_every_schedule(session, change.day - timedelta(days=14))
    return problem_with(change, schedules, lambda zone: sql.load_holidays(session, zone))


def _change(zone: str, stream: str, day: str, moved_to: str | None, note: str, streams: tuple[str, ...]) -> Any:
    from ivr.self_service.collection.csv_rows import iso_date
    from ivr.self_service.collection.schedules import EVERY, ServiceChange

    _check_zone_and_stream(zone, stream, streams)
    due = _option(lambda: iso_date(day, "DATE"), "DATE")
    new_day = _option(lambda: iso_date(moved_to, "--moved-to"), "--moved-to") if moved_to else None
    if new_day == due:
        raise click.BadParameter("is the day the pickup was already due", param_hint="--moved-to")
    return ServiceChange(EVERY if zone == "all" else zone, EVERY if stream == "all" else stream, due, new_day,
                         note[:200])


def _describe(change: Any) -> str:
    zone = "every zone" if change.zone == "*" else f"zone {change.zone}"
    stream = "every stream" if change.stream == "*" else change.stream
    outcome = f"moved to {change.moved_to}" if change.moved_to else "cancelled"
    if change.extra:
        return f"{zone}, {stream}: an extra pickup on {change.day}"
    return f"{zone}, {stream} due {change.day}: {outcome}"


@import_group.command("sample")
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=SAMPLE_CITY, show_default=True, help="A folder laid out like data/sample_city.")
def import_sample(folder: Path) -> None:
    """Load a city folder (addresses, holidays.yaml or holidays.csv, schedules, calendar feeds) in one transaction."""
    from ivr.self_service.collection import sql
    from ivr.self_service.collection.address_file import parse_addresses
    from ivr.self_service.collection.holiday_file import parse_holidays
    from ivr.self_service.collection.schedule_file import parse_schedules
    from ivr.self_service.collection.streams import StreamBook

    settings = _settings()
    stream_file = folder / "streams.yaml"
    streams = _checked_streams(stream_file) if stream_file.exists() else StreamBook()
    book = _checked(folder / "addresses.csv", parse_addresses)
    holiday_file = folder / "holidays.yaml"
    plan = _checked_plan(holiday_file) if holiday_file.exists() else None
    names = None if plan else _checked(folder / "holidays.csv", parse_holidays)
    rows = _checked(folder / "schedules.csv", lambda lines: parse_schedules(lines, streams.codes))
    calendars = [(*_calendar_target(path, streams.codes), _calendar_days(path, settings, None))
                 for path in sorted(folder.glob(CALENDAR_GLOB))]
    with _transaction(settings) as session:
        click.echo(f"streams: {sql.replace_streams(session, streams)}")
        streets, segments = sql.replace_addresses(session, book)
        click.echo(f"addresses: streets {streets}; segments {segments}")
        if plan is not None:
            click.echo(f"holidays: {sql.replace_holiday_plan(session, plan[1], plan[0].city.names)} from holidays.yaml")
        else:
            click.echo(f"holidays: {sql.replace_holidays(session, names or ())}")
        click.echo(f"schedules: {sql.replace_schedules(session, rows)}")
        for zone, stream, days in calendars:
            click.echo(f"calendar {zone} {stream}: dates {sql.replace_calendar(session, zone, stream, days, time(7))}")
        _warn_of_ending_calendars(session, settings)


@import_group.command("check")
def import_check() -> None:
    """Warn of published pickup calendars that end within COLLECTION_WARN_DAYS (exit 1 if any): run it daily."""
    settings = _settings()
    with _transaction(settings) as session:
        ending = _warn_of_ending_calendars(session, settings)
    if ending:
        raise SystemExit(1)
    click.echo(f"every published calendar runs more than {settings.collection_warn_days} days ahead")


def _warn_of_ending_calendars(session: Session, settings: Settings) -> list[Any]:
    from datetime import datetime

    from ivr.self_service.collection import sql
    from ivr.self_service.collection.freshness import ending_soon

    today = datetime.now(settings.office_hours.zone).date()
    ending = ending_soon(sql.calendar_last_days(session), today, settings.collection_warn_days)
    for calendar in ending:
        click.echo(f"warning: {calendar.describe(today)}", err=True)
    return ending


def _calendar_target(path: Path, streams: tuple[str, ...]) -> tuple[str, str]:
    """calendar-E-recycling.ics -> ('E', 'recycling')."""
    zone, _, stream = path.stem.removeprefix("calendar-").partition("-")
    _check_zone_and_stream(zone, stream, streams, every=False)
    return zone, stream


def _check_zone_and_stream(zone: str, stream: str, streams: tuple[str, ...], *, every: bool = True) -> None:
    """A zone code and one of the city's streams; `all` for either only where `every` allows it."""
    from ivr.self_service.collection.csv_rows import zone_code

    if zone != "all" or not every:
        _option(lambda: zone_code(zone, "ZONE"), "ZONE")
    if stream not in (*streams, *(("all",) if every else ())):
        raise click.BadParameter(f"must be one of {', '.join(streams)}{' (or all)' if every else ''}, "
                                 f"not {stream!r}", param_hint="STREAM")


def _cutoff(text: str) -> time:
    from ivr.self_service.collection.csv_rows import clock_time

    return clock_time(text, "--cutoff")


def _option(parse: Callable[[], T], name: str) -> T:
    try:
        return parse()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint=name) from None

