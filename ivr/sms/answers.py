"""The phone's self-service answers, asked for by the text line: the same handlers, the same sentences.

Each answer runs the flow handler the IVR runs (`cases.status`,
`office_hours.announce`, `collection.next_pickups`) with the values the phone
would have collected, and uses the sentence written for a text message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.addresses.lookup import find_spoken_address
from ivr.self_service.collection import sql
from ivr.self_service.collection.addresses import AMBIGUOUS, FOUND, MAX_CHOICES
from ivr.sms.conversation import PickupAnswer


class HandlerAnswers:
    def __init__(self, handlers: HandlerRegistry, sessions: sessionmaker[Session],
                 clock: Callable[[], datetime], phone: str | None) -> None:
        self.handlers, self.sessions, self.clock, self.phone = handlers, sessions, clock, phone

    def case_status(self, reference: str, language: str) -> Sequence[str]:
        return _written(self._run("cases.status", language, {"lookup_ref": reference}))

    def office_hours(self, language: str) -> Sequence[str]:
        return _written(self._run("office_hours.announce", language, {}))

    def pickups(self, address: str, language: str) -> PickupAnswer:
        with self.sessions() as session:
            match = find_spoken_address(sql.SqlDirectory(session), address)
        if match.lookup is None:
            return PickupAnswer("need_street")  # the reply asks for the whole address
        house = str(match.said.house)
        if match.outcome == AMBIGUOUS:
            places = match.lookup.places[:MAX_CHOICES]
            return PickupAnswer(AMBIGUOUS, [f"{house} {place.street} {place.zip}".strip() for place in places])
        if match.outcome != FOUND:
            return PickupAnswer("unknown")
        place = match.lookup.place
        values = {"house": house, "sid": str(place.street_id or ""), "zone": place.zone, "zip": place.zip}
        result = self._run("collection.next_pickups", language, values)
        return PickupAnswer(FOUND if result.outcome == "done" else "unknown", _written(result))

    def _run(self, name: str, language: str, values: Mapping[str, str]) -> HandlerResult:
        handler = self.handlers.get(name)
        assert handler is not None, f"{name} is registered by build_registry"
        return handler(HandlerRequest(language, dict(values), self.clock(), self.phone))


def _written(result: HandlerResult) -> Sequence[str]:
    return tuple(result.written or result.say)
