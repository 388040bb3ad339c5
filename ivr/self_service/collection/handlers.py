"""The collection answers as flow handlers: find the caller's address, offer choices, say the days.

An edge: it reads the call's values, asks SQL (read-only, while the caller
waits) and the plain-Python modules, and hands back sentences and short values.
The values travel in the call's signed URLs, so they stay small and use only
characters no web server rewrites (letters, digits, ".", "~", "-", "_"): a zone
code, a street id, candidates as "street id.zone" pairs joined by "~".  The
caller's own words (`street`) are dropped once looked up: accents and apostrophes
in them would not survive the round trip intact.

Values read: `address` (a whole address said at once, or a house number typed), `house`, `street` and
`zip` (collected by the flow), `choice` (a key).
Values set: `zone`, `sid` (the street's id), `zip`, `cands`, `picks` (bad choices so far).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from flows.numbers import is_ascii_digits, whole_number
from flows.speech import normalise
from ivr.addresses.lookup import find_spoken_address
from ivr.addresses.spoken import parse_address
from ivr.self_service.collection import answers, choices, sql
from ivr.self_service.collection.addresses import (
    AMBIGUOUS,
    FOUND,
    MAX_CHOICES,
    UNKNOWN,
    Lookup,
    Place,
    find_address,
    find_in_zip,
)
from ivr.self_service.collection.csv_rows import postal_code
from ivr.self_service.collection.pickups import LOOK_BACK, next_pickup

if TYPE_CHECKING:
    from ivr.self_service import SelfServiceContext

#: Keys on the choice prompt besides the streets' own numbers.
NONE_OF_THESE, REPEAT = "8", "9"
#: Wrong keys at the choice before the caller is handed to a person.
MAX_PICKS = 3
#: The longest value that travels in a call's URL.
MAX_VALUE = 200
#: Joins candidates in `cands`; unreserved in URLs, so signatures survive every web server.
CANDIDATE_SEPARATOR = "~"
LOOKUP_OUTCOMES = frozenset({FOUND, AMBIGUOUS, UNKNOWN})


class CollectionHandlers:
    def __init__(self, sessions: sessionmaker[Session], zone: ZoneInfo) -> None:
        self.sessions = sessions
        self.zone = zone

    def check_house(self, request: HandlerRequest) -> HandlerResult:
        """A house number, or 0: the key that reaches a person everywhere else on the line."""
        return HandlerResult("ok" if _number(request.values.get("house", "")) else "agent")

    def lookup_address(self, request: HandlerRequest) -> HandlerResult:
        """House number and spoken street to a zone, or the streets to choose from."""
        house = _number(request.values.get("house", ""))
        street = request.values.get("street", "")
        if house is None or not street:
            return _unknown(Lookup(UNKNOWN), request)
        with self.sessions() as session:
            lookup = find_address(sql.SqlDirectory(session), house, street)
        return _lookup_result(lookup, request)

    def lookup_spoken_address(self, request: HandlerRequest) -> HandlerResult:
        """A whole address said at once ("one twenty-five Elm Street"), or just a house number typed or said.

        Outcomes beyond a lookup's: need_street (only a house number was given),
        need_house (only a street; its name travels on, normalised), agent (a lone 0).
        """
        text = request.values.get("address", "")
        said = parse_address(text)
        if said.house == 0 or (said.house is None and text.strip() == "0"):
            return HandlerResult("agent", values={"address": ""})
        if said.house is not None and not said.street and not said.zip:
            return HandlerResult("need_street", values={"address": "", "house": str(said.house)})
        if said.house is None:
            street = "-".join(normalise(said.street).split())[:MAX_VALUE]
            return HandlerResult("need_house" if street else UNKNOWN, values={"address": "", "street": street})
        with self.sessions() as session:
            match = find_spoken_address(sql.SqlDirectory(session), text)
        found = {"address": "", "house": str(said.house)} | ({"zip": said.zip} if said.zip else {})
        result = _lookup_result(match.lookup or Lookup(UNKNOWN), _with_values(request, found))
        return replace(result, values={**found, **result.values})

    def lookup_zip(self, request: HandlerRequest) -> HandlerResult:
        """ZIP code and house number to a zone, when the street name was not understood."""
        house, zip_code = _number(request.values.get("house", "")), postal_code(request.values.get("zip", "")) or ""
        if house is None or not zip_code:
            return _unknown(Lookup(UNKNOWN), request)
        with self.sessions() as session:
            lookup = find_in_zip(sql.SqlDirectory(session), zip_code, house)
        return _lookup_result(lookup, request)

    def offer_streets(self, request: HandlerRequest) -> HandlerResult:
        places = self._candidates(request.values)
        if not places:
            return HandlerResult("none")
        return HandlerResult("offered", choices.offer(places, request.language))

    def choose_street(self, request: HandlerRequest) -> HandlerResult:
        """The key pressed after the offer: a street, 'none of these', 'again', or a wrong key."""
        choice, places = request.values.get("choice", ""), self._candidates(request.values)
        if choice == REPEAT:
            return HandlerResult("repeat")
        if choice == NONE_OF_THESE or not places:
            return HandlerResult("none")
        number = whole_number(choice)
        if number is not None and 1 <= number <= len(places):
            return HandlerResult(FOUND, values=_found_values(places[number - 1]))
        return _wrong_key(request)

    def next_pickups(self, request: HandlerRequest) -> HandlerResult:
        """The next pickup of every stream the caller's zone has, read back with the address."""
        now = request.now.astimezone(self.zone)
        zone, since = request.values.get("zone", ""), now.date() - LOOK_BACK
        with self.sessions() as session:
            schedules = sql.load_schedules(session, zone, since)
            holidays, changes = sql.load_holidays(session, zone), sql.load_changes(session, zone, since)
            streams = sql.load_streams(session)
        if not schedules:
            return HandlerResult("no_schedule")
        ordered = sorted(schedules, key=lambda schedule: (streams.rank(schedule.stream), schedule.stream))
        found = [answers.Answer(s, next_pickup(s, now, self.zone, holidays, changes)) for s in ordered]
        values = request.values
        intro = answers.address_intro(values.get("house", ""), self._street(values.get("sid", "")),
                                      values.get("zip", ""), request.language)
        return HandlerResult("done", (intro, *answers.describe(found, now.date(), request.language, holidays,
                                                               streams)))

    def _street(self, street_id: str) -> str:
        """The street's spoken name, or '' when the address was found by ZIP code alone."""
        if not is_ascii_digits(street_id):
            return ""
        with self.sessions() as session:
            rows = sql.streets_by_id(session, [int(street_id)])
        return sql.street_name(rows[int(street_id)]).spoken if rows else ""

    def _candidates(self, values: Mapping[str, str]) -> list[Place]:
        """The places stored by the lookup, with their names read again (ids stay stable across imports)."""
        pairs = [item.partition(".") for item in values.get("cands", "").split(CANDIDATE_SEPARATOR) if item]
        ids = [int(street_id) for street_id, _, _ in pairs if is_ascii_digits(street_id)][:MAX_CHOICES]
        if not ids:
            return []
        with self.sessions() as session:
            rows = sql.streets_by_id(session, ids)
            names = {street_id: sql.street_name(row).spoken for street_id, row in rows.items()}
        places = [Place(int(street_id), rows[int(street_id)].zip, names[int(street_id)], zone)
                  for street_id, _, zone in pairs if is_ascii_digits(street_id) and int(street_id) in rows]
        return places if len(places) == len(pairs) else []


def _with_values(request: HandlerRequest, values: Mapping[str, str]) -> HandlerRequest:
    return replace(request, values={**request.values, **values})


def _number(text: str) -> int | None:
    number = whole_number(text)
    return number if number is not None and 0 < number < 1_000_000 else None


def _lookup_result(lookup: Lookup, request: HandlerRequest) -> HandlerResult:
    if lookup.outcome == FOUND:
        return HandlerResult(FOUND, values=_found_values(lookup.place))
    if lookup.outcome == AMBIGUOUS:
        cands = CANDIDATE_SEPARATOR.join(f"{place.street_id}.{place.zone}" for place in lookup.places)
        return HandlerResult(AMBIGUOUS, values={**_cleared(), "cands": cands[:MAX_VALUE]})
    return _unknown(lookup, request)


def _unknown(lookup: Lookup, request: HandlerRequest) -> HandlerResult:
    values = request.values
    sentence = choices.not_found(lookup, values.get("house", ""), values.get("zip", ""), request.language)
    return HandlerResult(UNKNOWN, (sentence,), _cleared())


def _found_values(place: Place) -> dict[str, str]:
    found = {**_cleared(), "zone": place.zone, "sid": str(place.street_id) if place.street_id else ""}
    return found | ({"zip": place.zip} if place.zip else {})


def _cleared() -> dict[str, str]:
    """Empty values are dropped from the call's URL: a new lookup forgets the last one's results."""
    return {"zone": "", "sid": "", "cands": "", "picks": "", "choice": "", "street": ""}


def _wrong_key(request: HandlerRequest) -> HandlerResult:
    picks = int(request.values.get("picks", "0") or 0) + 1
    if picks >= MAX_PICKS:
        return HandlerResult("give_up", (choices.PHRASES[request.language]["gave_up"],))
    return HandlerResult("repeat", (choices.PHRASES[request.language]["not_a_choice"],), {"picks": str(picks)})


def register(registry: HandlerRegistry, context: SelfServiceContext) -> None:
    """Registers collection.check_house, lookup_spoken_address, lookup_address, lookup_zip, offer_streets,
    choose_street, next_pickups."""
    handlers = CollectionHandlers(context.sessions, context.settings.office_hours.zone)
    registry.register("collection.check_house", handlers.check_house, {"ok", "agent"})
    registry.register("collection.lookup_address", handlers.lookup_address, LOOKUP_OUTCOMES)
    registry.register("collection.lookup_spoken_address", handlers.lookup_spoken_address,
                      LOOKUP_OUTCOMES | {"need_street", "need_house", "agent"})
    registry.register("collection.lookup_zip", handlers.lookup_zip, LOOKUP_OUTCOMES)
    registry.register("collection.offer_streets", handlers.offer_streets, {"offered", "none"})
    registry.register("collection.choose_street", handlers.choose_street, {FOUND, "repeat", "none", "give_up"})
    registry.register("collection.next_pickups", handlers.next_pickups, {"done", "no_schedule"})

