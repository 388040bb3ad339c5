"""Forecasts from the same weekday and time in past weeks, and the staffing plan beside them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from routing.erlang import StaffingInputError
from routing.forecast import IntervalVolume, forecast, read_forecast_csv, staffing_plan

MONDAY_9 = datetime(2026, 12, 7, 9, 0)
WEEK = timedelta(weeks=1)


def test_forecast_is_the_mean_of_the_same_interval_in_past_weeks() -> None:
    history = [IntervalVolume(MONDAY_9 - WEEK, 120, 200), IntervalVolume(MONDAY_9 - 2 * WEEK, 80, 160),
               IntervalVolume(MONDAY_9 - timedelta(days=1), 999, 999)]  # Sunday: another weekday, not used
    [row] = forecast(history, [MONDAY_9], weeks=2)
    assert (row.calls, row.handle_seconds) == (100, 180)


def test_a_week_without_calls_counts_as_zero_calls() -> None:
    [row] = forecast([IntervalVolume(MONDAY_9 - WEEK, 100, 180)], [MONDAY_9], weeks=4)
    assert (row.calls, row.handle_seconds) == (25, 180)


def test_the_plan_puts_required_agents_beside_those_staffed() -> None:
    volumes = [IntervalVolume(MONDAY_9, 100, 180), IntervalVolume(MONDAY_9 + timedelta(minutes=30), 0, 0)]
    busy, quiet = staffing_plan(volumes, 1800, threshold=20, target=0.8, staffed={MONDAY_9: 12})
    assert (busy.required, busy.staffed, busy.gap) == (14, 12, -2)
    assert (quiet.required, quiet.staffed, quiet.gap) == (0, None, None)


def test_forecast_csv_is_read_with_optional_staffing() -> None:
    volumes, staffed = read_forecast_csv("start,calls,handle_seconds,staffed\n"
                                         "2026-12-07T09:00,100,180,12\n2026-12-07T09:30,50,180,\n")
    assert [v.calls for v in volumes] == [100, 50]
    assert staffed == {MONDAY_9: 12}


@pytest.mark.parametrize("text", ["start,calls\n2026-12-07T09:00,100\n", "start,calls,handle_seconds\nsoon,1,2\n"])
def test_a_bad_forecast_file_names_its_line(text: str) -> None:
    with pytest.raises(StaffingInputError, match="line 2"):
        read_forecast_csv(text)
