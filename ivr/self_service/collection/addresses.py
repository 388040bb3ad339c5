"""Which collection zone an address is in: street segments with house-number ranges and sides.

A city describes its zones as segments of streets, per ZIP code: "Lincoln Avenue,
odd numbers 101 to 1999, zone B; even numbers, zone C" (a street is often the
boundary between two zones).  A lookup answers found, ambiguous (the caller must
choose: Elm Street or Elm Avenue) or unknown, and never guesses: a name that only
sounds like a street is offered as a choice, not answered.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from ivr.self_service.collection.streets import NotAStreetName, StreetName, parse_street

SIDES = ("odd", "even", "both")
FOUND, AMBIGUOUS, UNKNOWN = "found", "ambiguous", "unknown"
#: Why a lookup found nothing: no such street, no such number on it, or too many streets to offer.
NO_STREET, NO_NUMBER, TOO_MANY = "no_street", "no_number", "too_many"
#: Choices offered on the phone, keys 1 to 4; more than that is no help to a caller.
MAX_CHOICES = 4
#: How alike a heard name must be to a real one to be offered ("Helm" for "Elm").
SIMILARITY = 0.8


@dataclass(frozen=True)
class Segment:
    low: int
    high: int
    side: str  # odd, even or both
    zone: str

    def contains(self, number: int) -> bool:
        if not self.low <= number <= self.high:
            return False
        return self.side == "both" or (number % 2 == 1) == (self.side == "odd")


@dataclass(frozen=True)
class Street:
    id: int
    zip: str
    name: StreetName
    segments: tuple[Segment, ...]

    def zone_at(self, number: int) -> str | None:
        return next((segment.zone for segment in self.segments if segment.contains(number)), None)


@dataclass(frozen=True)
class Place:
    """One address a caller may mean: the street and the zone its house number is in."""

    street_id: int
    zip: str
    street: str  # spoken: "North Main Street"
    zone: str


@dataclass(frozen=True)
class Lookup:
    outcome: str  # found, ambiguous or unknown
    places: tuple[Place, ...] = ()
    reason: str = ""  # for unknown: no_street, no_number or too_many
    street: str = ""  # for no_number: the street that has no such house

    @property
    def place(self) -> Place:
        return self.places[0]


class Directory(Protocol):
    """Where the streets come from (SQL in the app, a list in tests)."""

    def streets_named(self, bases: Collection[str]) -> list[Street]: ...

    def base_names(self) -> list[str]: ...

    def streets_in_zip(self, zip_code: str, number: int) -> list[Street]:
        """The ZIP code's streets with a segment whose range holds `number` (either side)."""
        ...


def find_address(directory: Directory, number: int, street_text: str) -> Lookup:
    """The zone of house `number` on the street the caller named (in any ZIP)."""
    try:
        wanted = parse_street(street_text)
    except NotAStreetName:
        return Lookup(UNKNOWN, reason=NO_STREET)
    exact = [street for street in directory.streets_named([wanted.base]) if _agrees(wanted, street.name)]
    if exact:
        return _resolve(exact, number, sure=True)
    similar = difflib.get_close_matches(wanted.base, directory.base_names(), n=MAX_CHOICES, cutoff=SIMILARITY)
    streets = directory.streets_named(similar)
    alike = [street for street in streets if _agrees(wanted, replace(street.name, base=wanted.base))]
    return _resolve(alike or streets, number, sure=False)


def find_in_zip(directory: Directory, zip_code: str, number: int) -> Lookup:
    """The zone of house `number` in a ZIP code; ambiguous when its streets are in different zones."""
    places = _places(directory.streets_in_zip(zip_code, number), number)
    if not places:
        return Lookup(UNKNOWN, reason=NO_NUMBER)
    if len({place.zone for place in places}) == 1:
        return Lookup(FOUND, (Place(0, zip_code, "", places[0].zone),))
    if len(places) > MAX_CHOICES:
        return Lookup(UNKNOWN, reason=TOO_MANY)
    return Lookup(AMBIGUOUS, places)


def _agrees(wanted: StreetName, name: StreetName) -> bool:
    """The caller may leave out the street type or the directional, but may not contradict them.

    Among names that only sound alike ("Helm Street"), those that agree on the type are offered first.
    """
    return (wanted.base == name.base and wanted.suffix in ("", name.suffix)
            and wanted.directional in ("", name.directional))


def _resolve(streets: list[Street], number: int, *, sure: bool) -> Lookup:
    places = _places(streets, number)
    if not places:
        names = {street.name.spoken for street in streets}
        if sure and len(names) == 1:
            return Lookup(UNKNOWN, reason=NO_NUMBER, street=names.pop())
        return Lookup(UNKNOWN, reason=NO_NUMBER if sure else NO_STREET)
    if len(places) == 1 and sure:
        return Lookup(FOUND, places)
    if len(places) > MAX_CHOICES:
        return Lookup(UNKNOWN, reason=TOO_MANY)
    return Lookup(AMBIGUOUS, places)


def _places(streets: Iterable[Street], number: int) -> tuple[Place, ...]:
    found = [Place(street.id, street.zip, street.name.spoken, zone)
             for street in streets if (zone := street.zone_at(number)) is not None]
    return tuple(sorted(found, key=lambda place: (place.street, place.zip, place.street_id)))
