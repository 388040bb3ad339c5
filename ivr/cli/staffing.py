"""`cityline staffing`: agents required per interval (Erlang C or A) from history or a forecast file."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from ivr.cli.common import settings as _settings
from routing.erlang import StaffingInputError
from routing.forecast import DEFAULT_WEEKS, IntervalVolume, StaffingRow, forecast, read_forecast_csv, staffing_plan

DEFINITIONS = {
    "calls": "calls offered in the interval (forecast: mean of the same weekday and time in past weeks)",
    "handle_seconds": "average handle time, talk + hold + wrap-up, in seconds",
    "required": "fewest agents whose predicted service level reaches the target (Erlang C, or A with --patience)",
    "staffed": "agents actually staffed (from the forecast file's staffed column)",
    "gap": "staffed - required",
    "service_level": "predicted share of callers answered within the threshold with the required agents",
    "asa_seconds": "predicted average speed of answer with the required agents",
    "occupancy": "predicted share of the required agents' time spent handling calls",
}


@click.command()
@click.option("--forecast", "forecast_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of start,calls,handle_seconds[,staffed] instead of history.")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Day to forecast from history (UTC) [tomorrow].")
@click.option("--weeks", default=DEFAULT_WEEKS, show_default=True, help="Past weeks the forecast averages.")
@click.option("--interval", "minutes", type=click.Choice(["15", "30", "60"]), default="30", show_default=True)
@click.option("--threshold", default=20.0, show_default=True, help="Service-level threshold in seconds.")
@click.option("--target", default=0.8, show_default=True, help="Service-level target, 0-1.")
@click.option("--patience", type=float, default=None, help="Callers' mean patience in seconds (Erlang A).")
@click.option("--short-abandon", default=5.0, show_default=True, help="Abandons shorter than this are not offered.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
def staffing(forecast_file: Path | None, day: datetime | None, weeks: int, minutes: str, threshold: float,
             target: float, patience: float | None, short_abandon: float, output_format: str) -> None:
    """Print agents required per interval against those staffed, with the definitions."""
    interval = int(minutes)
    try:
        if forecast_file is not None:
            volumes, staffed = read_forecast_csv(forecast_file.read_text(encoding="utf-8"))
        else:
            volumes, staffed = _from_history(day, weeks, interval, short_abandon), {}
        rows = staffing_plan(volumes, interval * 60, threshold, target, staffed, patience)
    except StaffingInputError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_render(rows, output_format), nl=False)


def _from_history(day: datetime | None, weeks: int, minutes: int, short_abandon: float) -> list[IntervalVolume]:
    from ivr import db
    from ivr.floor.history import volumes

    first = (day.replace(tzinfo=UTC) if day else datetime.now(UTC) + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    starts = [first + timedelta(minutes=minutes * n) for n in range(24 * 60 // minutes)]
    engine = db.make_engine(_settings().database_url)
    try:
        with db.make_session_factory(engine)() as session:
            history = volumes(session, first - timedelta(weeks=weeks), first, minutes, short_abandon)
    finally:
        engine.dispose()
    return forecast(history, starts, weeks)


def _as_dict(row: StaffingRow) -> dict[str, object]:
    return {"start": row.start.isoformat(), "calls": round(row.calls, 2),
            "handle_seconds": round(row.handle_seconds, 1),
            "required": row.required, "staffed": row.staffed, "gap": row.gap,
            "service_level": round(row.predicted.service_level, 4),
            "asa_seconds": round(row.predicted.average_speed_of_answer, 2),
            "occupancy": round(row.predicted.occupancy, 4)}


def _render(rows: list[StaffingRow], output_format: str) -> str:
    records = [_as_dict(row) for row in rows]
    if output_format == "json":
        return json.dumps({"definitions": DEFINITIONS, "rows": records}, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        for name, meaning in DEFINITIONS.items():
            buffer.write(f"# {name}: {meaning}\n")
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["start"])
        writer.writeheader()
        writer.writerows(records)
        return buffer.getvalue()
    lines = [f"{'start':<17} {'calls':>7} {'aht s':>6} {'req':>4} {'staff':>5} {'gap':>4} {'SL':>6} {'ASA s':>7}"]
    for r in records:
        staffed = "-" if r["staffed"] is None else r["staffed"]
        gap = "-" if r["gap"] is None else r["gap"]
        lines.append(f"{str(r['start'])[:16]:<17} {r['calls']:>7} {r['handle_seconds']:>6} {r['required']:>4} "
                     f"{staffed:>5} {gap:>4} {r['service_level']:>6.1%} {r['asa_seconds']:>7}")
    return "\n".join(lines) + "\n"
