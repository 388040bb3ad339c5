"""The moves an agent makes on their call: hold, mute, hang up, transfer, interpreter.

Each move checks that the agent is on the call and may make it, then asks the
phone network (the telephony port) and the router, in the order that leaves
the caller with someone (or at least somewhere) if the network fails half way.
What happened is told to `record` (the Call row keeps every agent and
transfer) and, for the agents involved, to `notify` (their consoles refresh).
Refusals are `Refused` with words for the agent and an HTTP-like status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from redis.exceptions import RedisError

from ivr.conference import conference_name
from ivr.conference.book import AGENT, INTERPRETER, OUTSIDE, CallBook, ConferenceBooks, Participant, Transfer
from ivr.telephony import Telephony, TelephonyError
from ivr.voice import call_context
from routing.calls import CallRequest, CallStatus
from routing.exceptions import RoutingError
from routing.reservations import Reservation
from routing.router import Router

logger = logging.getLogger(__name__)

#: A caller moved to another queue goes ahead of the callers who have not reached anyone yet.
TRANSFERRED_PRIORITY = 8
NETWORK_DOWN = ("The phone network could not be reached, so nothing changed on the call. Try again; "
                "if it keeps failing, tell the caller and hang up.")


class Refused(Exception):
    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Interpreter:
    number: str
    access_code: str = ""


def hold_url(say: str, language: str) -> str:
    """What a held caller hears: an optional announcement (a phrase key), then music (ivr/conference_views)."""
    return "/voice/conference-hold?" + urlencode({"say": say, "lang": language})


def leg_ended_url(call_sid: str, agent: str) -> str:
    """Where the network says an agent's leg has ended (hung up in the console, or the softphone dropped)."""
    return "/voice/agent-leg-ended?" + urlencode({"call": call_sid, "agent": agent})


class CallControls:
    def __init__(self, router: Router, telephony: Telephony, books: ConferenceBooks,
                 record: Callable[[str, dict[str, Any]], None], notify: Callable[[str], None],
                 interpreter: Interpreter | None = None) -> None:
        self.router = router
        self.telephony = telephony
        self.books = books
        self.record = record  # (call sid, what happened) -> a call event for the Call row
        self.notify = notify  # (agent login) -> their console reads its state again
        self.interpreter = interpreter

    # -- bridging ------------------------------------------------------------------------------------

    def bridge(self, call_sid: str, queue: str, agent: str, language: str) -> CallBook:
        """An agent accepted a waiting caller: the agent's softphone is added to the call's conference (which
        creates it), then the caller leaves the queue for it.  TelephonyError when the network cannot do it;
        the agent's leg is then taken down again, so nothing is left half done."""
        conference = conference_name(call_sid)
        leg = self.telephony.add_participant(conference, f"client:{agent}", on_end=leg_ended_url(call_sid, agent))
        url = "/voice/conference-join?" + urlencode({"agent": agent, "lang": language})
        try:
            self.telephony.connect_to_agent(call_sid, queue, url)
        except TelephonyError:
            self._quietly(lambda: self.telephony.remove_participant(conference, leg))
            raise
        book = self.books.open(call_sid, agent, leg, self.router.ctx.now())
        self.record(call_sid, {"event": "answered", "agent": agent})
        if self.interpreter is not None and self._wants_interpreter(call_sid):
            book = self._dial_interpreter(book, agent)
        return book

    def _wants_interpreter(self, call_sid: str) -> bool:
        """The caller chose "other languages" in the menu (the flow set `language_requested`)."""
        try:
            context = call_context.load(self.router.ctx.connection, self.router.ctx.keys.prefix, call_sid)
        except RedisError as error:
            logger.warning("call %s: whether it wants an interpreter is unknown: %s", call_sid, error)
            return False
        return bool(context and context.values.get("language_requested"))

    def take_transfer(self, offer: Reservation, agent: str) -> CallBook:
        """The receiving agent accepts a transfer offer: their softphone joins first, then the router hands
        them the call; on a cold transfer the agent who offered it leaves at once and the caller is back.

        The network failing declines the offer instead (the caller stays with the first agent)."""
        book = self._book(offer.call_sid)
        try:
            leg = self.telephony.add_participant(book.conference, f"client:{agent}",
                                                 on_end=leg_ended_url(offer.call_sid, agent))
        except TelephonyError as error:
            logger.error("transfer %s: %s could not join: %s", offer.id, agent, error)
            self.router.reject(offer.id)
            raise Refused("The transferred call could not be joined (the phone network is unreachable). It "
                          "stays with the agent who offered it, and you are Not ready.", 503) from error
        try:
            self.router.accept(offer.id)
        except RoutingError as error:
            self._quietly(lambda: self.telephony.remove_participant(book.conference, leg))
            raise Refused(f"Too late: that transfer is no longer waiting ({error}).") from error
        transfer = book.transfer

        def joined(b: CallBook) -> None:
            b.participants.append(Participant(leg, AGENT, agent))
        book = self.books.change(offer.call_sid, joined) or book
        by = offer.from_agent
        warm = transfer.warm if transfer else True
        self.record(offer.call_sid, {"event": "joined", "agent": agent, "from": by,
                                     "mode": "warm" if warm else "cold"})
        if not warm:
            self._leave(book, by)
        elif by:
            self.notify(by)
        return self._book(offer.call_sid)

    # -- the agent's own moves ---------------------------------------------------------------------------

    def hold(self, agent: str, on: bool) -> CallBook:
        book = self._owned(agent)
        caller = self._caller(book)
        language = self._language(book.call_sid)
        self._network(lambda: self.telephony.hold(book.conference, caller.id, hold_url("hold", language))
                      if on else self.telephony.unhold(book.conference, caller.id))
        return self._set(book.call_sid, caller.id, held=on)

    def mute(self, agent: str, on: bool) -> CallBook:
        book = self._on_it(agent)
        me = book.agent(agent)
        assert me is not None
        self._network(lambda: self.telephony.mute(book.conference, me.id, on))
        return self._set(book.call_sid, me.id, muted=on)

    def hang_up(self, agent: str) -> str:
        """End the call for everyone ('ended'); an agent handing the call over just leaves it ('left').

        The router is told either way, so the agent is never left on a call the network could not end."""
        book = self._on_it(agent)
        if self._owner(book.call_sid) != agent:
            self._leave(book, agent)
            return "left"
        try:
            self.telephony.end_conference(book.conference)
        except TelephonyError as error:
            logger.error("could not end conference %s: %s (the agent is freed anyway)", book.conference, error)
        self._complete(book.call_sid)
        self.books.change(book.call_sid, _ended)
        for other in self._other_agents(book, agent):
            self.notify(other)
        return "ended"

    def leave(self, agent: str) -> CallBook:
        """Warm transfer done: the agent who handed the call over leaves; the caller is off hold."""
        book = self._on_it(agent)
        if self._owner(book.call_sid) == agent:
            raise Refused("The caller is still yours: transfer the call first, or hang up.")
        self._leave(book, agent)
        return self._book(book.call_sid)

    def leg_ended(self, call_sid: str, agent: str, leg: str) -> str:
        """The network says an agent's leg ended.  After a hang-up, a leave or a transfer the book no longer
        has that leg and nothing happens ("done").  Otherwise the agent's softphone dropped on its own: an
        agent who had handed the call over just leaves it ("left"); the agent who had the caller is freed to
        wrap up and the caller goes back to the line, ahead of new callers ("requeued") — unless the caller
        has gone too, when the conference's end completes the call as usual ("caller gone")."""
        book = self.books.get(call_sid)
        me = book.agent(agent) if book is not None and not book.ended else None
        if book is None or me is None or me.id != leg:
            return "done"
        self.record(call_sid, {"event": "agent_dropped", "agent": agent})
        if self._owner(call_sid) != agent or self._other_agents(book, agent):
            self._leave(book, agent)
            self.notify(agent)
            return "left"
        call = self.router.call(call_sid)
        if call is None:
            return "caller gone"
        url = "/voice/transferred?" + urlencode({"skill": call.skill, "lang": call.language, "say": "agent_lost"})
        try:
            self.telephony.redirect(call_sid, url)
        except TelephonyError as error:
            logger.info("agent %s's leg on %s ended and the caller cannot be moved (gone?): %s", agent, call_sid,
                        error)
            return "caller gone"
        self._complete(call_sid)
        try:
            self.router.enqueue(CallRequest(call_sid, call.skill, call.language, priority=TRANSFERRED_PRIORITY))
        except (RoutingError, RedisError) as error:  # the hold loop puts them in line when it next asks
            logger.warning("caller %s, whose agent dropped, not queued now: %s", call_sid, error)
        self.books.change(call_sid, _ended)
        self.notify(agent)
        logger.warning("agent %s's softphone dropped on call %s: the caller is back in %s", agent, call_sid,
                       call.queue)
        return "requeued"

    # -- transfers -----------------------------------------------------------------------------------

    def transfer_to_agent(self, agent: str, to: str, warm: bool) -> CallBook:
        """Offer the call to a colleague (their console rings with the caller's context); the caller holds."""
        book = self._owned(agent)
        if book.transfer is not None:
            raise Refused(f"A transfer to {book.transfer.to} is already waiting for an answer.")
        try:
            offer = self.router.offer_transfer(book.call_sid, agent, to)
        except RoutingError as error:
            raise Refused(f"{to} cannot take a transfer now ({error}).") from error
        caller = self._caller(book)
        try:
            self.telephony.hold(book.conference, caller.id, hold_url("transferring", offer.language))
        except TelephonyError as error:
            logger.warning("caller %s not put on hold for the transfer: %s", book.call_sid, error)
        self.record(book.call_sid, {"event": "transfer", "mode": "warm" if warm else "cold", "from": agent,
                                    "to_kind": "agent", "to": to})

        def offered(b: CallBook) -> None:
            b.transfer = Transfer(to, warm, offer.id, agent)
            for p in b.participants:
                p.held = p.held or p.id == caller.id
        return self.books.change(book.call_sid, offered) or book

    def transfer_to_queue(self, agent: str, skill: str) -> str:
        """Cold: the caller hears they are being transferred and waits in the other queue, ahead of new callers."""
        book = self._owned(agent)
        call = self.router.call(book.call_sid)
        language = call.language if call else "en"
        try:
            self.router.ctx.config.queue(skill, language)
        except RoutingError as error:
            raise Refused(f"There is no {skill} queue in {language}.", 400) from error
        url = "/voice/transferred?" + urlencode({"skill": skill, "lang": language})
        self._network(lambda: self.telephony.redirect(book.call_sid, url))
        self._complete(book.call_sid)
        try:
            self.router.enqueue(CallRequest(book.call_sid, skill, language, priority=TRANSFERRED_PRIORITY))
        except (RoutingError, RedisError) as error:  # the hold loop puts them in line when it next asks
            logger.warning("transferred caller %s not queued in %s-%s now: %s", book.call_sid, skill, language,
                           error)
        self._drop_agents(book)
        self.record(book.call_sid, {"event": "transfer", "mode": "cold", "from": agent, "to_kind": "queue",
                                    "to": f"{skill}-{language}"})
        return f"{skill}-{language}"

    def transfer_to_number(self, agent: str, number: str, label: str) -> str:
        """Cold, to a number outside the center (a city department): the caller is dialed through to it."""
        book = self._owned(agent)
        call = self.router.call(book.call_sid)
        language = call.language if call else "en"
        url = "/voice/transferred-out?" + urlencode({"number": number, "lang": language})
        self._network(lambda: self.telephony.redirect(book.call_sid, url))
        self._complete(book.call_sid)
        self._drop_agents(book)
        self.record(book.call_sid, {"event": "transfer", "mode": "cold", "from": agent, "to_kind": "number",
                                    "to": number, "label": label})
        return number

    def add_interpreter(self, agent: str) -> CallBook:
        book = self._on_it(agent)
        if self.interpreter is None:
            raise Refused("No interpreter line is configured here (INTERPRETER_NUMBER).", 404)
        if book.find(role=INTERPRETER):
            raise Refused("The interpreter is already on the call.")
        return self._dial_interpreter(book, agent)

    def _dial_interpreter(self, book: CallBook, agent: str) -> CallBook:
        line = self.interpreter
        assert line is not None, "checked by the callers"
        leg = self._network(lambda: self.telephony.add_participant(book.conference, line.number,
                                                                   digits=line.access_code))
        self.record(book.call_sid, {"event": "interpreter", "agent": agent, "to": line.number})

        def joined(b: CallBook) -> None:
            b.participants.append(Participant(leg, INTERPRETER, line.number))
        return self.books.change(book.call_sid, joined) or book

    def remove(self, agent: str, participant_id: str) -> CallBook:
        """Take an interpreter or outside party off the call (agents leave, or are transferred, instead)."""
        book = self._owned(agent)
        target = next((p for p in book.participants if p.id == participant_id), None)
        if target is None or target.role not in (INTERPRETER, OUTSIDE):
            raise Refused("Only an interpreter or outside party can be removed from the call.", 400)
        self._network(lambda: self.telephony.remove_participant(book.conference, participant_id))
        return self.books.change(book.call_sid, lambda b: b.remove(participant_id)) or book

    # -- reading ---------------------------------------------------------------------------------------

    def view(self, agent: str) -> dict[str, Any] | None:
        """The agent's call as their console shows it; None when they are on no conferenced call."""
        book = self._book_of(agent)
        if book is None:
            return None
        owner = self._owner(book.call_sid)
        transfer = book.transfer
        status = ""
        if transfer is not None:
            status = self._transfer_status(transfer, owner)
        return {"call": book.call_sid, "started": book.started, "yours": owner == agent, "owner": owner,
                "participants": [asdict(p) for p in book.participants], "ended": book.ended,
                "transfer": ({"to": transfer.to, "warm": transfer.warm, "by": transfer.by, "status": status}
                             if transfer else None),
                "interpreter": self.interpreter is not None}

    # -- helpers --------------------------------------------------------------------------------------

    def _transfer_status(self, transfer: Transfer, owner: str) -> str:
        if owner == transfer.to:
            return "accepted"
        offer = self.router.reservation(transfer.reservation)
        return offer.status.value if offer is not None else "ended"

    def _book_of(self, agent: str) -> CallBook | None:
        try:
            state = self.router.agent(agent)
        except RoutingError:
            return None
        if not state.call:
            return None
        book = self.books.get(state.call)
        return book if book is not None and book.agent(agent) is not None else None

    def _on_it(self, agent: str) -> CallBook:
        """The conference of the call this agent is on; 403 for a call that is not theirs, 409 for none."""
        book = self._book_of(agent)
        if book is None:
            raise Refused("You have no call on the line that these controls can work.", 409)
        if book.ended:
            raise Refused("The call has ended.", 409)
        return book

    def _owned(self, agent: str) -> CallBook:
        book = self._on_it(agent)
        if self._owner(book.call_sid) != agent:
            raise Refused("The caller is with another agent now; you can only leave the call.", 403)
        return book

    def _owner(self, call_sid: str) -> str:
        call = self.router.call(call_sid)
        return call.agent if call is not None and call.status is CallStatus.ANSWERED else ""

    def _book(self, call_sid: str) -> CallBook:
        book = self.books.get(call_sid)
        if book is None:
            raise Refused("That call has ended.", 409)
        return book

    def _caller(self, book: CallBook) -> Participant:
        caller = book.caller
        if caller is None:
            raise Refused("The caller is no longer on this call.", 409)
        return caller

    def _language(self, call_sid: str) -> str:
        call = self.router.call(call_sid)
        return call.language if call else "en"

    def _set(self, call_sid: str, participant_id: str, **values: bool) -> CallBook:
        def update(b: CallBook) -> None:
            for p in b.participants:
                if p.id == participant_id:
                    for name, value in values.items():
                        setattr(p, name, value)
        return self.books.change(call_sid, update) or self._book(call_sid)

    def _leave(self, book: CallBook, agent: str) -> None:
        """An agent who handed the call over goes: their leg ends, they wrap up, the caller is back."""
        me = book.agent(agent)
        caller = book.caller
        try:
            if me is not None:
                self.telephony.remove_participant(book.conference, me.id)
            if caller is not None and caller.held:
                self.telephony.unhold(book.conference, caller.id)
        except TelephonyError as error:
            logger.warning("agent %s leaving %s: %s (routing frees them anyway)", agent, book.conference, error)
        try:
            self.router.leave_call(agent, book.call_sid)
        except RoutingError as error:
            logger.info("agent %s leaving %s: %s", agent, book.call_sid, error)

        def gone(b: CallBook) -> None:
            if me is not None:
                b.remove(me.id)
            b.transfer = None
            for p in b.participants:
                p.held = False if caller is not None and p.id == caller.id else p.held
        self.books.change(book.call_sid, gone)
        self.record(book.call_sid, {"event": "left", "agent": agent})
        for other in self._other_agents(book, agent):
            self.notify(other)

    def _drop_agents(self, book: CallBook) -> None:
        """The caller was moved elsewhere: the agents' legs end and the book is closed."""
        try:
            self.telephony.end_conference(book.conference)
        except TelephonyError as error:
            logger.warning("conference %s not ended after the caller left: %s", book.conference, error)
        self.books.change(book.call_sid, _ended)

    def _complete(self, call_sid: str) -> None:
        try:
            self.router.complete(call_sid)
        except RoutingError as error:
            logger.info("completing %s: %s", call_sid, error)

    def _other_agents(self, book: CallBook, agent: str) -> list[str]:
        return [p.who for p in book.participants if p.role == AGENT and p.who != agent]

    def _quietly(self, move: Callable[[], Any]) -> None:
        try:
            move()
        except TelephonyError as error:
            logger.warning("call control clean-up failed: %s", error)

    def _network(self, move: Callable[[], Any]) -> Any:
        try:
            return move()
        except TelephonyError as error:
            logger.error("call control failed: %s", error)
            raise Refused(NETWORK_DOWN, 503) from error


def _ended(book: CallBook) -> None:
    book.ended = True
    book.participants = []
    book.transfer = None
