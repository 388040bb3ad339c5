"""<Dial><Conference>: the caller in their call's conference, as the local network says it stands.

Twilio keeps conferences itself; locally the app's telephony adapter keeps
them in Redis, and the caller asks the app (POST `conference_path`, signed
like every webhook) on each pass where it stands: talking (with whom), held
(it then plays the hold URL's TwiML, as Twilio does, once per hold), moved by
a REST redirect (it leaves for that TwiML, no action), or ended (the <Dial>
action runs, as on Twilio).  A caller who hangs up has the action posted too.
A 503 (the local network's Redis away) is a pass where nothing changed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from .dial import answered_params
from .flow import ApplicationError, CallEnded, Fetch, Outcome
from .modes import HoldMode, Mode
from .replies import Caller, Kind
from .session import Session
from .twiml import Document, method_attr, text_of

#: Simulated seconds one pass of talking takes.
TALK_STEP = 20

RunDocument = Callable[[Document, Mode], Outcome]


class ConferenceLine:
    def __init__(self, session: Session, caller: Caller, run_document: RunDocument, path: str) -> None:
        self.session = session
        self.caller = caller
        self.run_document = run_document
        self.path = path

    def join(self, verb: ET.Element, noun: ET.Element, doc: Document) -> Outcome:
        name = text_of(noun)
        self.session.emit("conference", name, f"[in conference {name}]")
        began, heard_hold, talked_with = self.session.clock.seconds, "", set()
        while True:
            place = self._where(name)
            state = place.get("state")
            if state == "moved":
                url = doc.resolve(place.get("url", ""))
                self.session.emit("redirect", url, f"  moved by the network to {url}")
                return Fetch(url)
            if state == "ended":
                self.session.emit("conference", "ended", "[the conference ended]")
                break
            if state == "held":
                if place.get("hold_url") != heard_hold:
                    heard_hold = place.get("hold_url", "")
                    self.session.emit("hold", "on hold in the conference", "[on hold]")
                    self._play_hold(doc.resolve(heard_hold))
                reply = self.caller.hold_decision(1)
            else:
                heard_hold = ""
                for agent in place.get("talking_with", []):
                    if agent not in talked_with:
                        talked_with.add(agent)
                        self.session.emit("connected", agent, f"[connected to {agent}: talk, or hang up]")
                reply = self.caller.hold_decision(0)
            if reply.kind is Kind.HANGUP:
                self._post_action(verb, doc, began)
                self.session.take_reply(reply)  # raises CallEnded
            if reply.kind is not Kind.WAIT:
                self.session.take_reply(reply)
            self.session.clock.advance(TALK_STEP if state == "talking" else 1)
        action = self._action(verb, doc, began)
        return action

    def _where(self, name: str) -> dict:
        fetch = Fetch(self.session.endpoints.public(self.path), "POST", {"ConferenceName": name})
        reply = self.session.request(fetch)
        if reply.status == 503:  # the local network cannot say now (its Redis is away): as before, ask again
            return {"state": "unknown"}
        if not 200 <= reply.status < 300:
            raise ApplicationError(f"conference state: HTTP {reply.status} from {self.path}")
        try:
            return json.loads(reply.body)
        except ValueError as error:
            raise ApplicationError(f"conference state from {self.path} is not JSON") from error

    def _play_hold(self, url: str) -> None:
        document = self.session.fetch(Fetch(url, "POST"))
        self.run_document(document, HoldMode(self.caller))

    def _action(self, verb: ET.Element, doc: Document, began: float) -> Outcome:
        if not verb.get("action"):
            return None
        return Fetch(doc.resolve(verb.get("action")), method_attr(verb),
                     answered_params(int(self.session.clock.seconds - began)))

    def _post_action(self, verb: ET.Element, doc: Document, began: float) -> None:
        action = self._action(verb, doc, began)
        if isinstance(action, Fetch):
            self.session.notify(action)


__all__ = ["CallEnded", "ConferenceLine"]
