"""The supervisor's figures and their definitions, computed from finished waits (plain Python).

Every figure is defined once here (DEFINITIONS) and docs/metrics.md repeats the
same words; every export carries DEFINITIONS so a number never travels without
its meaning.  A wait is one caller's time in an agent queue, ending answered,
abandoned (hung up), overflowed or failed.  Abandons shorter than the short-abandon
threshold (default 5 s: misdials, callers who hear the hold message and leave)
are counted apart and excluded from offered, abandonment and both service levels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

DEFAULT_THRESHOLD_SECONDS = 20.0
DEFAULT_SHORT_ABANDON_SECONDS = 5.0

DEFINITIONS: dict[str, str] = {
    "offered": "waits that entered the queue, less short abandons",
    "answered": "waits answered by an agent",
    "abandoned": "callers who hung up while waiting for at least the short-abandon threshold",
    "short_abandoned": "callers who hung up before the short-abandon threshold; excluded from every rate",
    "service_level": "answered within the threshold / answered",
    "service_level_with_abandons": "answered within the threshold / (answered + abandoned after the threshold)",
    "asa_seconds": "average speed of answer: mean wait of answered calls",
    "wait_p90_seconds": "90th percentile of the wait of answered calls (nearest rank)",
    "aht_seconds": "average handle time: mean of talk + hold + wrap-up over handled calls",
    "occupancy": "time agents spent handling calls / time agents were signed in and not on a break",
    "abandonment": "abandoned / offered",
}


@dataclass(frozen=True)
class Wait:
    outcome: str  # answered, abandoned, overflowed, failed
    waited_seconds: float


@dataclass(frozen=True)
class Handling:
    talk_seconds: float
    hold_seconds: float = 0.0
    wrap_seconds: float = 0.0

    @property
    def total(self) -> float:
        return self.talk_seconds + self.hold_seconds + self.wrap_seconds


@dataclass(frozen=True)
class Figures:
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    service_level: float | None
    service_level_with_abandons: float | None
    asa_seconds: float | None
    wait_p90_seconds: float | None
    abandonment: float | None
    aht_seconds: float | None = None
    occupancy: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def figures(waits: Iterable[Wait], threshold: float = DEFAULT_THRESHOLD_SECONDS,
            short_abandon: float = DEFAULT_SHORT_ABANDON_SECONDS,
            handlings: Sequence[Handling] = (), busy_seconds: float = 0.0,
            available_seconds: float = 0.0) -> Figures:
    """Every figure for one queue (or the floor) over one period; None where the denominator is 0."""
    waits = list(waits)
    short = [w for w in waits if w.outcome == "abandoned" and w.waited_seconds < short_abandon]
    abandoned = [w for w in waits if w.outcome == "abandoned" and w.waited_seconds >= short_abandon]
    answered = sorted(w.waited_seconds for w in waits if w.outcome == "answered")
    offered = len(waits) - len(short)
    within = sum(1 for seconds in answered if seconds <= threshold)
    late_abandons = sum(1 for w in abandoned if w.waited_seconds > threshold)
    return Figures(
        offered=offered, answered=len(answered), abandoned=len(abandoned), short_abandoned=len(short),
        service_level=_ratio(within, len(answered)),
        service_level_with_abandons=_ratio(within, len(answered) + late_abandons),
        asa_seconds=_ratio(sum(answered), len(answered)),
        wait_p90_seconds=percentile(answered, 0.9),
        abandonment=_ratio(len(abandoned), offered),
        aht_seconds=_ratio(sum(h.total for h in handlings), len(handlings)),
        occupancy=_ratio(busy_seconds, available_seconds),
    )


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
