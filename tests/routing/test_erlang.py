"""Erlang C and A against published worked examples and exact special cases."""

from __future__ import annotations

import math

import pytest

from routing.erlang import StaffingInputError, Traffic, agents_needed, erlang_b, erlang_c, predict_a, predict_c

# The worked example: 100 calls in 30 minutes, 180 s handle time, 20 s threshold (10 erlangs).
EXAMPLE = Traffic(calls=100, handle_seconds=180, interval_seconds=1800, threshold_seconds=20)


def test_offered_load_is_calls_times_handle_time_over_the_interval() -> None:
    assert EXAMPLE.load == pytest.approx(10.0)


def test_fourteen_agents_match_the_published_example() -> None:
    prediction = predict_c(EXAMPLE, 14)
    assert round(prediction.probability_of_waiting, 4) == 0.1741
    assert round(prediction.service_level, 4) == 0.8884
    assert round(prediction.average_speed_of_answer, 2) == 7.84
    assert prediction.occupancy == pytest.approx(10 / 14)


def test_eleven_agents_match_the_published_example() -> None:
    prediction = predict_c(EXAMPLE, 11)
    assert round(prediction.probability_of_waiting, 4) == 0.6821
    assert round(prediction.service_level, 4) == 0.3896


def test_erlang_b_recursion_matches_the_closed_form_for_small_numbers() -> None:
    load, agents = 3.0, 5
    closed = (load**agents / math.factorial(agents)) / sum(load**k / math.factorial(k) for k in range(agents + 1))
    assert erlang_b(agents, load) == pytest.approx(closed)


def test_erlang_c_stays_finite_for_a_large_floor() -> None:
    assert 0 < erlang_c(600, 570.0) < 1


def test_too_few_agents_always_wait_and_never_meet_the_target() -> None:
    prediction = predict_c(EXAMPLE, 10)
    assert prediction.probability_of_waiting == 1.0
    assert prediction.service_level == 0.0
    assert math.isinf(prediction.average_speed_of_answer)


def test_agents_needed_is_the_fewest_that_reach_the_target() -> None:
    assert agents_needed(EXAMPLE, 0.8).agents == 14
    assert predict_c(EXAMPLE, 13).service_level < 0.8


@pytest.mark.parametrize("agents", [11, 14, 20])
def test_erlang_a_tends_to_erlang_c_as_patience_grows(agents: int) -> None:
    c, a = predict_c(EXAMPLE, agents), predict_a(EXAMPLE, agents, patience_seconds=1e9)
    assert a.probability_of_waiting == pytest.approx(c.probability_of_waiting, rel=1e-3)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-3)
    assert a.average_speed_of_answer == pytest.approx(c.average_speed_of_answer, rel=1e-3)
    assert a.probability_of_abandoning < 1e-6


def test_erlang_a_with_patience_equal_to_handle_time_is_a_poisson_floor() -> None:
    """θ = μ makes the chain M/M/∞: callers in the system are Poisson with mean A."""
    agents, load = 11, EXAMPLE.load
    poisson = [math.exp(-load) * load**n / math.factorial(n) for n in range(120)]
    waiting = sum(poisson[agents:])
    abandoning = sum((n - agents) * p for n, p in enumerate(poisson) if n > agents) / load
    prediction = predict_a(EXAMPLE, agents, patience_seconds=EXAMPLE.handle_seconds)
    assert prediction.probability_of_waiting == pytest.approx(waiting, rel=1e-6)
    assert prediction.probability_of_abandoning == pytest.approx(abandoning, rel=1e-6)


def test_impatient_callers_shorten_the_queue_for_those_who_stay() -> None:
    patient, impatient = predict_c(EXAMPLE, 11), predict_a(EXAMPLE, 11, patience_seconds=120)
    assert impatient.probability_of_waiting < patient.probability_of_waiting
    assert impatient.service_level > patient.service_level
    assert 0 < impatient.probability_of_abandoning < 1


def test_erlang_a_staffs_an_overloaded_interval() -> None:
    """With abandons the chain is stable even when the load exceeds the agents."""
    prediction = predict_a(EXAMPLE, 8, patience_seconds=60)
    assert 0 < prediction.service_level < 1
    assert prediction.probability_of_abandoning > 0.1


@pytest.mark.parametrize("bad", [dict(calls=-1, handle_seconds=180), dict(calls=10, handle_seconds=0),
                                 dict(calls=10, handle_seconds=180, interval_seconds=0)])
def test_impossible_traffic_is_refused(bad: dict[str, float]) -> None:
    with pytest.raises(StaffingInputError):
        Traffic(**bad)


def test_a_target_of_one_hundred_percent_is_refused() -> None:
    with pytest.raises(StaffingInputError):
        agents_needed(EXAMPLE, 1.0)
