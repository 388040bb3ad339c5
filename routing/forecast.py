"""Forecast the coming intervals from the same weekday and time in past weeks, and staff for them.

Plain Python.  History is a list of IntervalVolume rows (one per interval that
had calls); the forecast for an interval is the mean of the calls offered in the
same weekday and time of day over the last `weeks` weeks (a week with no row
counts as zero calls), with the handle time averaged over the weeks that had calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from routing.erlang import Prediction, StaffingInputError, Traffic, agents_needed

DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class IntervalVolume:
    start: datetime
    calls: float
    handle_seconds: float


@dataclass(frozen=True)
class StaffingRow:
    start: datetime
    calls: float
    handle_seconds: float
    required: int
    staffed: int | None
    predicted: Prediction

    @property
    def gap(self) -> int | None:
        """Agents short (negative) or spare (positive); None when staffing is unknown."""
        return None if self.staffed is None else self.staffed - self.required


def forecast(history: Iterable[IntervalVolume], starts: Iterable[datetime],
             weeks: int = DEFAULT_WEEKS) -> list[IntervalVolume]:
    """One forecast row per start, from the same weekday and time in the `weeks` weeks before it."""
    by_start = {row.start: row for row in history}
    rows = []
    for start in starts:
        past = [by_start.get(start - timedelta(weeks=back)) for back in range(1, weeks + 1)]
        seen = [row for row in past if row is not None]
        calls = sum(row.calls for row in seen) / weeks
        handle = sum(row.handle_seconds for row in seen) / len(seen) if seen else 0.0
        rows.append(IntervalVolume(start, calls, handle))
    return rows


def staffing_plan(volumes: Iterable[IntervalVolume], interval_seconds: float, threshold: float, target: float,
                  staffed: dict[datetime, int] | None = None,
                  patience_seconds: float | None = None) -> list[StaffingRow]:
    """Agents required per interval to reach `target` service level, beside the agents actually staffed."""
    rows = []
    for volume in volumes:
        if volume.calls <= 0 or volume.handle_seconds <= 0:
            prediction = Prediction(0, 0.0, 1.0, 0.0, 0.0)
        else:
            traffic = Traffic(volume.calls, volume.handle_seconds, interval_seconds, threshold)
            prediction = agents_needed(traffic, target, patience_seconds)
        rows.append(StaffingRow(volume.start, volume.calls, volume.handle_seconds, prediction.agents,
                                (staffed or {}).get(volume.start), prediction))
    return rows


def read_forecast_csv(text: str) -> tuple[list[IntervalVolume], dict[datetime, int]]:
    """Rows of `start,calls,handle_seconds[,staffed]` (start in ISO 8601); raises StaffingInputError on junk."""
    volumes, staffed = [], {}
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            start = datetime.fromisoformat(row["start"])
            volumes.append(IntervalVolume(start, float(row["calls"]), float(row["handle_seconds"])))
            if (row.get("staffed") or "").strip():
                staffed[start] = int(row["staffed"])
        except (KeyError, TypeError, ValueError) as error:
            raise StaffingInputError(f"line {number}: {error} (want start,calls,handle_seconds[,staffed])") from None
    return volumes, staffed
