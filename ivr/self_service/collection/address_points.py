"""Address points (a house number, street, ZIP and its location) placed in zones by point-in-polygon.

Each point becomes a one-house segment of the address book (its side from the
number's parity), so the phone lookup works exactly as for street ranges.  A
point outside every zone, on the border of two, or given two zones by two rows
is reported with its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.address_file import MAX_HOUSE_NUMBER, AddressBook, SegmentRow
from ivr.self_service.collection.errors import Problems
from ivr.self_service.collection.streets import NotAStreetName, parse_street
from ivr.self_service.collection.zone_shapes import ZoneMap

COLUMNS = ("number", "street", "zip", "latitude", "longitude")


def parse_address_points(lines: Iterable[str], zones: ZoneMap, columns: Mapping[str, str] | None = None
                         ) -> AddressBook:
    """Every point as a one-house segment in its zone; raises InvalidFile listing every bad row."""
    problems = Problems()
    placed: dict[tuple[str, str, int], SegmentRow] = {}
    for line, row in csv_rows.rows(lines, problems, COLUMNS, columns=columns):
        try:
            segment = _placed(line, row, zones)
        except ValueError as error:
            problems.add(line, str(error))
            continue
        key = (segment.zip, segment.street.key, segment.low)
        earlier = placed.get(key)
        if earlier is not None and earlier.zone != segment.zone:
            problems.add(line, f"{segment.low} {segment.street.spoken} ({segment.zip}) is in zone {segment.zone} "
                               f"here and in zone {earlier.zone} on line {earlier.line}")
        placed.setdefault(key, segment)
    problems.raise_if_any()
    return AddressBook(tuple(placed.values()))


def _placed(line: int, row: dict[str, str], zones: ZoneMap) -> SegmentRow:
    code = csv_rows.postal_code(row["zip"])
    if code is None:
        raise ValueError(f"zip must be a ZIP code or a Canadian postal code (M5H 2N2), not {row['zip']!r}")
    try:
        street = parse_street(row["street"])
    except NotAStreetName:
        raise ValueError(f"street {row['street']!r} has no name in it") from None
    number = csv_rows.whole_number(row["number"], "number")
    if not 1 <= number <= MAX_HOUSE_NUMBER:
        raise ValueError(f"number {number} must be from 1 to {MAX_HOUSE_NUMBER}")
    try:
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        raise ValueError(f"latitude and longitude must be numbers, not {row['latitude']!r}, "
                         f"{row['longitude']!r}") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"({latitude}, {longitude}) is not a place on Earth: are latitude and longitude swapped?")
    found = zones.zones_at(longitude, latitude)
    if not found and zones.zones_at(latitude, longitude):
        raise ValueError(f"{number} {street.spoken} at ({latitude}, {longitude}) is in no zone, but would be with "
                         "latitude and longitude swapped: check which column is which")
    if not found:
        raise ValueError(f"{number} {street.spoken} at ({latitude}, {longitude}) is in no zone of the zone map")
    if len(found) > 1:
        raise ValueError(f"{number} {street.spoken} at ({latitude}, {longitude}) is on the border of zones "
                         f"{' and '.join(found)}")
    side = "odd" if number % 2 else "even"
    return SegmentRow(line, code, street, number, number, side, found[0])
