"""A supervisor on an agent's call: listen (monitor), whisper (coach) and barge, and leave.

The supervisor's softphone ("client:<login>", the same identity scheme as
agents') joins the call's conference as one more participant, and the mode is
how the others hear it:

- listen: muted, nobody hears the supervisor;
- whisper: coaching the agent's leg, only the agent hears the supervisor;
- barge: an ordinary participant, everyone hears the supervisor.

Changing mode is one participant update on the phone network, never a new
leg.  One supervisor at a time per call, and one call at a time per
supervisor (one softphone).  The agent's console is told at every change
(`notify`), so an agent always sees that a supervisor is on the line and how.
Refusals are `Refused` with words and an HTTP-like status, as for the agents'
own controls; the web layer audits what succeeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from redis import Redis

from ivr.conference.book import BARGE, COACH, MONITOR, SUPERVISOR_ROLES, TTL, CallBook, ConferenceBooks, Participant
from ivr.conference.controls import NETWORK_DOWN, Refused
from ivr.telephony import Telephony, TelephonyError
from routing.exceptions import RoutingError
from routing.router import Router

logger = logging.getLogger(__name__)

#: The modes a supervisor chooses, by the book role each gives them.
MODES = {"listen": MONITOR, "whisper": COACH, "barge": BARGE}
#: Which call each supervisor's softphone is on (so a second call is refused while they are on one).
SUPERVISING_KEY = "cityline:supervising:"


class Supervision:
    def __init__(self, router: Router, telephony: Telephony, books: ConferenceBooks, redis: Redis,
                 notify: Callable[[str], None]) -> None:
        self.router = router
        self.telephony = telephony
        self.books = books
        self.redis = redis
        self.notify = notify  # (agent login) -> their console reads its call again

    def join(self, supervisor: str, agent: str, mode: str) -> CallBook:
        """Put the supervisor on the agent's call in `mode` (listen, whisper or barge), or change their mode.

        Returns the call's book; the supervisor's participant there has the mode's role."""
        role = MODES.get(mode)
        if role is None:
            raise Refused("mode must be listen, whisper or barge", 400)
        if supervisor == agent:
            raise Refused("You cannot supervise your own call.", 400)
        book = self._agents_call(agent)
        agent_leg = book.agent(agent)
        assert agent_leg is not None  # _agents_call only returns books the agent is in
        present = _supervisor_in(book)
        if present is not None and present.who != supervisor:
            raise Refused(f"{present.who} is already on {agent}'s call; only one supervisor at a time.", 409)
        muted, coach = role == MONITOR, agent_leg.id if role == COACH else ""
        if present is None:
            changed = self._enter(supervisor, agent, book, role, muted, coach)
        elif present.role == role and role != COACH:  # whisper again re-aims at the agent now on the call
            return book
        else:
            changed = self._switch(book, present.id, role, muted, coach)
        self.notify(agent)
        return changed

    def leave(self, supervisor: str, agent: str) -> tuple[CallBook, str]:
        """The supervisor's leg hangs up; the call goes on as before for the caller and the agent.

        Returns the book and a note for the supervisor ("" when all went well).  The phone network failing
        here (or the softphone having hung up by itself, which Twilio answers with "not found") still takes
        the supervisor off the book, so they are never stuck on it: the note asks them to hang up their
        softphone if it is still connected."""
        book = self._agents_call(agent)
        present = _supervisor_in(book)
        if present is None or present.who != supervisor:
            raise Refused(f"You are not on {agent}'s call.", 409)
        leg, note = present.id, ""
        try:
            self.telephony.remove_participant(book.conference, leg)
        except TelephonyError as error:
            logger.warning("supervisor %s leaving %s: %s (taken off the book anyway)", supervisor, book.call_sid,
                           error)
            note = ("The phone network did not confirm that your softphone left the call; if it is still "
                    "connected, hang it up.")
        changed = self.books.change(book.call_sid, lambda b: b.remove(leg)) or book
        self.redis.delete(SUPERVISING_KEY + supervisor)
        self.notify(agent)
        return changed, note

    def mode_of(self, book: CallBook) -> tuple[str, str] | None:
        """(supervisor, mode) for the supervisor on this call, or None."""
        present = _supervisor_in(book)
        if present is None:
            return None
        return present.who, _mode(present.role)

    # -- helpers --------------------------------------------------------------------------------------

    def _enter(self, supervisor: str, agent: str, book: CallBook, role: str, muted: bool, coach: str) -> CallBook:
        """The supervisor's softphone is rung into the conference in its first mode."""
        elsewhere = self._call_of(supervisor)
        if elsewhere and elsewhere != book.call_sid:
            raise Refused("You are already on another agent's call; leave it first.", 409)
        leg = self._network(lambda: self.telephony.add_participant(book.conference, f"client:{supervisor}",
                                                                   muted=muted, coach=coach))

        def joined(b: CallBook) -> None:
            b.participants.append(Participant(leg, role, supervisor, muted=muted))
        changed = self.books.change(book.call_sid, joined)
        if changed is None:  # the call ended while the softphone was joining
            self._quietly(lambda: self.telephony.remove_participant(book.conference, leg))
            raise Refused(f"{agent}'s call has just ended.", 409)
        self.redis.set(SUPERVISING_KEY + supervisor, book.call_sid, ex=TTL)
        return changed

    def _switch(self, book: CallBook, leg: str, role: str, muted: bool, coach: str) -> CallBook:
        """Another mode on the same leg: one participant update, nothing rings again."""
        self._network(lambda: self.telephony.update_participant(book.conference, leg, muted=muted, coach=coach))

        def switched(b: CallBook) -> None:
            for p in b.participants:
                if p.id == leg:
                    p.role, p.muted = role, muted
        return self.books.change(book.call_sid, switched) or book

    def _agents_call(self, agent: str) -> CallBook:
        try:
            state = self.router.agent(agent)
        except (RoutingError, LookupError) as error:
            raise Refused(f"There is no agent {agent} signed in to routing.", 404) from error
        book = self.books.get(state.call) if state.call else None
        if book is None or book.ended or book.agent(agent) is None:
            raise Refused(f"{agent} is not on a call that a supervisor can join.", 409)
        return book

    def _call_of(self, supervisor: str) -> str:
        """The call this supervisor's softphone is on, if that call still has them."""
        raw = self.redis.get(SUPERVISING_KEY + supervisor)
        if not raw:
            return ""
        sid = raw.decode() if isinstance(raw, bytes) else str(raw)
        book = self.books.get(sid)
        present = _supervisor_in(book) if book is not None and not book.ended else None
        return sid if present is not None and present.who == supervisor else ""

    def _network(self, move: Callable[[], str | None]) -> str:
        try:
            return move() or ""
        except TelephonyError as error:
            logger.error("supervision: %s", error)
            raise Refused(NETWORK_DOWN.split(" Try again")[0] + " Try again.", 503) from error

    def _quietly(self, move: Callable[[], None]) -> None:
        try:
            move()
        except TelephonyError as error:
            logger.warning("supervision clean-up failed: %s", error)


def with_supervisors(redis: Redis, agents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The wallboard's agent rows, each with "supervisor": {"login", "mode"} when one is on their call (or None),
    so every supervisor's page shows who is listening, whispering or barging."""
    books = ConferenceBooks(redis)
    for row in agents:
        row["supervisor"] = None
        book = books.get(row["call"]) if row.get("call") and row.get("state") == "on_call" else None
        present = _supervisor_in(book) if book is not None and not book.ended else None
        if present is not None and book is not None and book.agent(row["login"]) is not None:
            row["supervisor"] = {"login": present.who, "mode": _mode(present.role)}
    return agents


def _mode(role: str) -> str:
    return next(mode for mode, r in MODES.items() if r == role)


def _supervisor_in(book: CallBook) -> Participant | None:
    return next((p for p in book.participants if p.role in SUPERVISOR_ROLES), None)
