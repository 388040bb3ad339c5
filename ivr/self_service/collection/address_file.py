"""The addresses file: street segments (ZIP, street, house-number range, side) to collection zones.

Every row is checked, and the segments of one street are checked against each
other: two rows that give the same house two zones are refused, naming both lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.addresses import SIDES
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.streets import NotAStreetName, StreetName, parse_street

COLUMNS = ("zip", "street", "from", "to", "side", "zone")
#: House numbers have at most this many digits (the phone prompt takes six keys).
MAX_HOUSE_NUMBER = 999_999


@dataclass(frozen=True)
class SegmentRow:
    line: int
    zip: str
    street: StreetName
    low: int
    high: int
    side: str
    zone: str

    def overlaps(self, other: SegmentRow) -> bool:
        """Whether some house number lies in both (odd and even sides never share one)."""
        low, high = max(self.low, other.low), min(self.high, other.high)
        sides = {self.side, other.side}
        if low > high or sides == {"odd", "even"}:
            return False
        parity = next((side for side in ("odd", "even") if side in sides), None)
        if parity is None:
            return True
        first = low if (low % 2 == 1) == (parity == "odd") else low + 1
        return first <= high


@dataclass(frozen=True)
class AddressBook:
    segments: tuple[SegmentRow, ...]

    @property
    def zips(self) -> frozenset[str]:
        return frozenset(segment.zip for segment in self.segments)

    @property
    def zones(self) -> frozenset[str]:
        return frozenset(segment.zone for segment in self.segments)

    def streets(self) -> dict[tuple[str, str], StreetName]:
        """Each (ZIP, street key) once, named as its first row writes it."""
        streets: dict[tuple[str, str], StreetName] = {}
        for segment in self.segments:
            streets.setdefault((segment.zip, segment.street.key), segment.street)
        return streets


def parse_addresses(lines: Iterable[str]) -> AddressBook:
    """Every segment of the file; raises InvalidFile listing every bad row."""
    problems = Problems()
    segments = []
    for line, row in csv_rows.rows(lines, problems, COLUMNS):
        try:
            segments.append(_segment(line, row))
        except ValueError as error:
            problems.add(line, str(error))
    _check_overlaps(segments, problems)
    problems.raise_if_any()
    return AddressBook(tuple(segments))


def _segment(line: int, row: dict[str, str]) -> SegmentRow:
    code = csv_rows.postal_code(row["zip"])
    if code is None:
        raise ValueError(f"zip must be a five-digit ZIP code or a Canadian postal code (M5H 2N2), not {row['zip']!r}")
    try:
        street = parse_street(row["street"])
    except NotAStreetName:
        raise ValueError(f"street {row['street']!r} has no name in it") from None
    low, high = csv_rows.whole_number(row["from"], "from"), csv_rows.whole_number(row["to"], "to")
    if not 1 <= low <= high <= MAX_HOUSE_NUMBER:
        raise ValueError(f"the range {low}-{high} must run upwards from 1 to at most {MAX_HOUSE_NUMBER}")
    if row["side"].lower() not in SIDES:
        raise ValueError(f"side must be odd, even or both, not {row['side']!r}")
    return SegmentRow(line, code, street, low, high, row["side"].lower(), csv_rows.zone_code(row["zone"]))


def _check_overlaps(segments: list[SegmentRow], problems: Problems) -> None:
    by_street: dict[tuple[str, str], list[SegmentRow]] = defaultdict(list)
    for segment in segments:
        by_street[(segment.zip, segment.street.key)].append(segment)
    for street_segments in by_street.values():
        ordered = sorted(street_segments, key=lambda s: (s.low, s.line))
        for index, segment in enumerate(ordered):
            for later in ordered[index + 1:]:
                if later.low > segment.high:
                    break
                if segment.overlaps(later):
                    problems.add(later.line, f"overlaps line {segment.line}: the same houses of "
                                             f"{segment.street.spoken} ({segment.zip}) would be in two rows")
