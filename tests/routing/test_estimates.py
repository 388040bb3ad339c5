"""Wait estimates and how they are spoken: never promising less than is likely."""

from __future__ import annotations

import math

import pytest

from routing.announcements import position_and_wait
from routing.config import EstimateConfig
from routing.estimates import (
    QueueLoad,
    WaitEstimate,
    abandon_share,
    announced_minutes,
    estimate_wait,
    gamma_cdf,
    gamma_quantile,
    reference_wait,
    wrap_up_left,
)
from routing.exceptions import InvalidRequest

SETTINGS = EstimateConfig(quantile=0.8, default_handle_time=240.0, min_samples=3)


def estimate(**load) -> WaitEstimate | None:
    return estimate_wait(QueueLoad(**{"ahead": 0, "staffed": 4, "available": 0, **load}), SETTINGS)


def test_nobody_staffing_the_queue_means_no_estimate():
    assert estimate(staffed=0) is None


def test_a_free_agent_means_less_than_a_minute():
    assert estimate(ahead=1, available=2).minutes == 0


def test_the_announced_wait_is_an_upper_quantile_above_the_mean():
    found = estimate(ahead=7)
    assert found.expected == pytest.approx(8 * 240 / 4)
    assert found.seconds > found.expected
    assert found.minutes * 60 >= found.seconds


def test_more_callers_ahead_never_shortens_the_estimate():
    seconds = [estimate(ahead=ahead).seconds for ahead in range(0, 30)]
    assert seconds == sorted(seconds)


def test_more_agents_shorten_it():
    assert estimate(ahead=10, staffed=8).seconds < estimate(ahead=10, staffed=4).seconds


def test_recent_abandonment_shortens_it_once_there_are_enough_outcomes():
    assert estimate(ahead=10, abandon_rate=0.3, outcomes=3).seconds < estimate(ahead=10).seconds
    assert estimate(ahead=10, abandon_rate=1.0, outcomes=2).seconds == estimate(ahead=10).seconds


def test_the_queue_own_handle_times_replace_the_default_once_there_are_enough():
    quick = (60.0, 60.0, 60.0)
    assert estimate(ahead=5, handle_times=quick[:2]).expected == pytest.approx(6 * 240 / 4)
    assert estimate(ahead=5, handle_times=quick).expected == pytest.approx(6 * 60 / 4)


def test_steadier_handle_times_give_a_tighter_estimate():
    steady = (240.0,) * 10
    varied = (30.0, 450.0) * 5
    assert estimate(ahead=20, handle_times=steady).seconds < estimate(ahead=20, handle_times=varied).seconds


def test_gamma_quantile_matches_the_exponential_case():
    assert gamma_quantile(100.0, 100.0 ** 2, 0.8) == pytest.approx(160.94, rel=0.01)  # -ln(0.2) * 100


@pytest.mark.parametrize(("seconds", "minutes"), [
    (0, 0), (59.9, 0), (60, 1), (61, 2), (179, 3), (600, 10), (601, 15), (1501, 30),
])
def test_announced_minutes_round_up_and_to_fives_past_ten(seconds, minutes):
    assert announced_minutes(seconds) == minutes


def test_the_reference_estimator_is_callers_over_service_rate():
    assert reference_wait(3, 2, 120.0) == 240.0
    assert reference_wait(3, 0, 120.0) is None


@pytest.mark.parametrize(("position", "minutes", "language", "sentence"), [
    (3, 4, "en", "You are number 3 in line; the wait is about 4 minutes."),
    (1, 0, "en", "You are next in line; the wait is less than a minute."),
    (2, 1, "en", "You are number 2 in line; the wait is about 1 minute."),
    (3, 4, "es", "Usted es el número 3 en la fila; la espera es de aproximadamente 4 minutos."),
    (1, 0, "es", "Usted es el siguiente en la fila; la espera es de menos de un minuto."),
    (5, 1, "es", "Usted es el número 5 en la fila; la espera es de aproximadamente 1 minuto."),
])
def test_position_and_wait_are_phrased_in_english_and_spanish(position, minutes, language, sentence):
    assert position_and_wait(position, WaitEstimate(minutes * 60.0, 0.0, minutes), language) == sentence


def test_without_an_estimate_only_the_position_is_said():
    assert position_and_wait(4, None, "en") == "You are number 4 in line."


def test_an_unsupported_language_is_named():
    with pytest.raises(InvalidRequest, match="'fr'"):
        position_and_wait(1, None, "fr")


def test_an_agent_finishing_a_short_wrap_up_takes_the_next_caller_within_it():
    # four agents on calls or in wrap-up, one of them free in 30 s: the caller is not told a handle time
    found = estimate(ahead=0, wrap_up_left=(30.0,), handle_times=(480.0,) * 5)
    assert found.minutes == 0 and found.seconds == pytest.approx(30.0)
    assert estimate(ahead=1, wrap_up_left=(30.0, 50.0)).seconds == pytest.approx(50.0)


def test_agents_in_wrap_up_count_as_finishes_before_any_call_ends():
    without = estimate(ahead=6)
    with_wrap_ups = estimate(ahead=6, wrap_up_left=(20.0, 40.0))
    assert with_wrap_ups.expected == pytest.approx(without.expected - 2 * 240 / 4)


def test_callers_who_hang_up_within_seconds_are_not_counted_as_abandons():
    outcomes = ["A 120", "A 90", "X 2", "X 3", "X 1", "X 200"]
    assert abandon_share(outcomes, short_abandon=10.0) == (pytest.approx(1 / 3), 3)
    assert abandon_share(outcomes, short_abandon=0.0) == (pytest.approx(4 / 6), 6)
    assert abandon_share(["X oops"], short_abandon=10.0) == (0.0, 0)


def test_wrap_up_time_left_is_counted_for_this_queues_agents_only():
    assert wrap_up_left({"ana": 130.0, "ben": 90.0, "cy": 150.0}, {"ana", "ben"}, now=100.0) == (30.0, 0.0)


def test_the_quantile_is_exact_so_no_wait_is_announced_a_minute_low():
    # one call to finish with exponential handle times of mean 37.5 s: the 80% quantile is 37.5·ln 5 = 60.35 s,
    # which the approximation put at 59.97 s and announced as "less than a minute"
    found = estimate_wait(QueueLoad(ahead=0, staffed=4, available=0),
                          EstimateConfig(quantile=0.8, default_handle_time=150.0, min_samples=3))
    assert found.seconds == pytest.approx(37.5 * math.log(5), rel=1e-9)
    assert found.minutes == 2


@pytest.mark.parametrize("shape", [0.3, 1.0, 2.5, 7.0, 40.0, 400.0])
@pytest.mark.parametrize("quantile", [0.5, 0.8, 0.95])
def test_the_gamma_quantile_inverts_the_gamma_cdf(shape, quantile):
    mean = 300.0
    seconds = gamma_quantile(mean, mean * mean / shape, quantile)
    assert gamma_cdf(shape, seconds / (mean / shape)) == pytest.approx(quantile, abs=1e-9)
