"""The supervisor's figures, checked against values worked out by hand."""

from __future__ import annotations

import pytest

from routing.metrics import DEFINITIONS, Figures, Handling, Wait, figures, percentile

# A known morning in one queue (threshold 20 s, short abandons under 5 s):
#   answered after 5, 10, 20 (within) and 30, 60 (after) seconds;
#   abandoned after 2 s (short), 15 s (long, within the threshold), 45 s (long, after it);
#   one overflowed to another queue after 90 s.
WAITS = [Wait("answered", s) for s in (5, 10, 20, 30, 60)] + [
    Wait("abandoned", 2), Wait("abandoned", 15), Wait("abandoned", 45), Wait("overflowed", 90)]
HANDLINGS = [Handling(200, 20, 30), Handling(100, 0, 50), Handling(150)]  # 250, 150, 150 s


@pytest.fixture
def morning() -> Figures:
    return figures(WAITS, threshold=20, short_abandon=5, handlings=HANDLINGS, busy_seconds=2700,
                   available_seconds=3600)


def test_counts_leave_short_abandons_out_of_offered(morning: Figures) -> None:
    assert (morning.offered, morning.answered, morning.abandoned, morning.short_abandoned) == (8, 5, 2, 1)


def test_service_level_is_answered_within_the_threshold_over_answered(morning: Figures) -> None:
    assert morning.service_level == pytest.approx(3 / 5)


def test_service_level_with_abandons_counts_callers_who_gave_up_after_the_threshold(morning: Figures) -> None:
    assert morning.service_level_with_abandons == pytest.approx(3 / 6)


def test_speed_of_answer_and_its_90th_percentile_are_over_answered_calls(morning: Figures) -> None:
    assert morning.asa_seconds == pytest.approx(25.0)
    assert morning.wait_p90_seconds == 60


def test_handle_time_is_talk_hold_and_wrap_up(morning: Figures) -> None:
    assert morning.aht_seconds == pytest.approx((250 + 150 + 150) / 3)


def test_occupancy_and_abandonment(morning: Figures) -> None:
    assert morning.occupancy == pytest.approx(0.75)
    assert morning.abandonment == pytest.approx(2 / 8)


def test_a_longer_short_abandon_threshold_moves_callers_out_of_the_rates() -> None:
    counted = figures(WAITS, threshold=20, short_abandon=20)
    assert (counted.offered, counted.abandoned, counted.short_abandoned) == (7, 1, 2)
    assert counted.service_level_with_abandons == pytest.approx(3 / 6)


def test_an_empty_period_has_no_rates_rather_than_zero() -> None:
    empty = figures([])
    assert empty.offered == 0
    assert empty.service_level is None and empty.asa_seconds is None and empty.wait_p90_seconds is None


def test_nearest_rank_percentile() -> None:
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([7], 0.9) == 7


def test_every_figure_has_a_definition(morning: Figures) -> None:
    assert set(morning.as_dict()) == set(DEFINITIONS)
