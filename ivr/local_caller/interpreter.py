"""Runs TwiML documents verb by verb, the way Twilio plays them to a caller."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from .conference import ConferenceLine
from .dial import agent_client, answered_params, dial_targets, unanswered_params
from .flow import LEAVE, ApplicationError, CallEnded, Fetch, Outcome
from .gather import gather_prompt, gather_result
from .hold import HoldLine
from .modes import Mode
from .record import record_prompt, recording_params, transcription_callback
from .replies import Caller, Kind, Reply
from .session import Session
from .twiml import Document, bool_attr, int_attr, method_attr, text_of

#: Simulated seconds each thing the caller says to an agent takes.
AGENT_TALK_STEP = 20

Handler = Callable[[ET.Element, Document, Mode], Outcome]
NESTABLE_IN_GATHER = ("Say", "Play", "Pause")
NOT_SIMULATED = frozenset({"Connect", "Start", "Stop", "Pay", "Refer", "Echo", "Sms",
                           "Message", "Prompt"})
PLAY_SECONDS = 5.0


class Interpreter:
    """Plays documents for one call; every observable effect goes through the session."""

    def __init__(self, session: Session, caller: Caller, max_hold_loops: int,
                 conference_path: str = "/voice/local-conference") -> None:
        self.session = session
        self.caller = caller
        queue = HoldLine(session, caller, self.run_document, max_hold_loops)
        self.conference = ConferenceLine(session, caller, self.run_document, conference_path)
        self.handlers: dict[str, Handler] = {
            "Say": self.say, "Play": self.play, "Pause": self.pause, "Gather": self.gather,
            "Redirect": self.redirect, "Enqueue": queue.enqueue, "Dial": self.dial,
            "Record": self.record, "Hangup": self.hangup, "Reject": self.reject,
            "Leave": self.leave,
        }

    def run_document(self, doc: Document, mode: Mode) -> Outcome:
        """Play verbs until one moves the call elsewhere; None means the document ran out."""
        for verb in doc.verbs:
            outcome = self.run_verb(verb, doc, mode)
            if outcome is not None:
                return outcome
        return None

    def run_verb(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        handler = self.handlers.get(verb.tag)
        if handler is None:
            raise ApplicationError(_unsupported(verb.tag))
        if verb.tag not in mode.allowed:
            raise ApplicationError(f"<{verb.tag}> is not allowed in {mode.name}")
        if verb.tag != "Reject":
            self.session.answered = True
        return handler(verb, doc, mode)

    def say(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        text, language = text_of(verb), verb.get("language", "en-US")
        for _ in range(_loops(verb)):
            self.session.hear(text)
            self.session.emit("say", f"[{language}] {text}", f"  says ({language}): {text}")
            self.session.clock.speak(text)
        return None

    def play(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        digits, source = verb.get("digits", ""), text_of(verb)
        if not (digits or source):
            raise ApplicationError("<Play> needs an audio URL or digits")
        sound = f"[digits: {digits}]" if digits else f"[audio: {doc.resolve(source)}]"
        detail = f"digits {digits}" if digits else doc.resolve(source)
        for _ in range(_loops(verb)):
            self.session.hear(sound)
            self.session.emit("play", detail, f"  plays: {detail}")
            self.session.clock.advance(PLAY_SECONDS)
        return None

    def pause(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        length = int_attr(verb, "length", 1)
        self.session.emit("pause", f"{length}s", f"  pauses {length}s")
        self.session.clock.advance(length)
        return None

    def gather(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        """Play the nested prompts, listen, then post the input or fall through."""
        prompt = gather_prompt(verb)
        for child in verb:
            self._play_nested(child, doc, mode)
        self.session.emit("gather", prompt.describe(), f"  {prompt.describe()}")
        reply = mode.ask_gather(prompt)
        result = gather_result(prompt, reply)
        self.session.take_reply(reply, result.note)
        self.session.clock.advance(prompt.timeout if result.params is None else 1)
        if result.params is None and not bool_attr(verb, "actionOnEmptyResult"):
            self.session.show("  (no input: going on with the next verb)")
            return None
        return Fetch(doc.resolve(verb.get("action")), method_attr(verb), result.params or {})

    def redirect(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        target = text_of(verb)
        if not target:
            raise ApplicationError("<Redirect> needs a URL")
        url = doc.resolve(target)
        self.session.emit("redirect", url, f"  redirects to {url}")
        return Fetch(url, method_attr(verb))

    def dial(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        """An agent's client is 'answered' locally; any other party cannot be reached (no-answer)."""
        conference = verb.find("Conference")
        if conference is not None:
            return self.conference.join(verb, conference, doc)
        agent = agent_client(verb)
        if agent is not None:
            return self._talk_to_agent(agent, verb, doc)
        targets = dial_targets(verb)
        self.session.emit("dial", targets,
                          f"[transfer to {targets}: not reachable from the local caller]")
        self.session.clock.advance(int_attr(verb, "timeout", 30))
        if not verb.get("action"):
            return None
        return Fetch(doc.resolve(verb.get("action")), method_attr(verb), unanswered_params())

    def _talk_to_agent(self, agent: str, verb: ET.Element, doc: Document) -> Outcome:
        """Connected to the agent's softphone: talk until the caller hangs up (Twilio then posts the action)."""
        self.session.emit("connected", agent, f"[connected to agent {agent}: talk, or hang up]")
        began = self.session.clock.seconds
        while (reply := self.caller.hold_decision(0)).kind is not Kind.HANGUP:
            self.session.take_reply(reply)
            self.session.clock.advance(AGENT_TALK_STEP)
        if verb.get("action"):  # Twilio reports the ended conversation even though the caller is gone
            params = answered_params(int(self.session.clock.seconds - began))
            self.session.notify(Fetch(doc.resolve(verb.get("action")), method_attr(verb), params))
        self.session.take_reply(reply)  # the hang-up ends the call
        raise CallEnded("completed", "caller hung up after talking to an agent")

    def record(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        """Post a fake recording; an empty one makes no request (Twilio's rule)."""
        prompt = record_prompt(verb)
        self.session.emit("record", prompt.describe(), f"  {prompt.describe()}")
        reply = self.caller.answer_record(prompt)
        words = _recorded_words(reply)
        self.session.take_reply(reply)
        if words is None:
            self.session.emit("record", "empty recording: no request, next verb",
                              "  (empty recording: Twilio skips the action)")
            return None
        params = recording_params(prompt)
        self.session.clock.advance(float(params["RecordingDuration"]))
        callback = transcription_callback(verb, doc, params, words)
        if callback is not None:
            self.session.deferred.append(callback)
        return Fetch(doc.resolve(verb.get("action")), method_attr(verb), params)

    def hangup(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        self.session.emit("hangup", "app hung up", "  hangs up")
        raise CallEnded("completed", "app hung up")

    def reject(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        """busy → "busy", anything else → "no-answer"; once answered it is a hangup."""
        reason = verb.get("reason", "rejected")
        status = "busy" if reason == "busy" else "no-answer"
        if self.session.answered:
            status = "completed"
        self.session.emit("reject", reason, f"  rejects the call ({reason})")
        raise CallEnded(status, f"rejected ({reason})")

    def leave(self, verb: ET.Element, doc: Document, mode: Mode) -> Outcome:
        if not mode.in_queue:
            self.session.emit("hold", "<Leave> outside a queue: ignored",
                              "  (<Leave> outside a queue: ignored)")
            return None
        self.session.emit("hold", "left the queue", "[leaving the queue]")
        return LEAVE

    def _play_nested(self, child: ET.Element, doc: Document, mode: Mode) -> None:
        if child.tag not in NESTABLE_IN_GATHER:
            raise ApplicationError(f"<Gather> may only contain Say, Play, Pause, not <{child.tag}>")
        self.handlers[child.tag](child, doc, mode)


def _recorded_words(reply: Reply) -> str | None:
    """Words of a recording, or None when Twilio would get an empty recording."""
    if reply.kind in (Kind.RECORD, Kind.SPEECH):
        return reply.text
    return None


def _loops(verb: ET.Element) -> int:
    """How often to play; loop="0" (forever on Twilio) plays once locally."""
    return max(1, int_attr(verb, "loop", 1))


def _unsupported(tag: str) -> str:
    if tag in NOT_SIMULATED:
        return f"<{tag}> is a Twilio verb the local caller does not simulate"
    return f"unknown TwiML verb <{tag}> (verbs are case-sensitive)"
