"""The flow engine: the current node plus the caller's input gives what to play next.

A pure function of (flow, call state, reply, clock, handlers): no Flask, no
Twilio, no Redis.  Each call of `begin` or `respond` returns a `Turn`, the
instructions up to the next point where the call waits for the caller, with the
state that must come back with the caller's reply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from flows import model
from flows.exceptions import UnknownNode
from flows.handlers import HandlerRegistry, HandlerRequest
from flows.instructions import (
    CallState,
    Connect,
    EndCall,
    Instruction,
    Listen,
    PlayAudio,
    Queue,
    RecordMessage,
    Reply,
    Sound,
    Speak,
    Turn,
    Visit,
)
from flows.numbers import is_ascii_digits
from flows.speech import mentions, mentions_in, normalise, spoken_digits, spoken_key

#: Bound on silent nodes walked in one turn; validation already rules out silent loops.
MAX_SILENT_STEPS = 64
#: The most of a caller's words a menu hands on (Twilio transcripts of a few sentences fit).
MAX_WORDS = 200
#: In a collect, a lone * asks for a person (0-9 are part of the number being typed).
COLLECT_ESCAPE_KEY = "*"
#: A collected value waiting for the caller to confirm it travels under this prefix.
PENDING_PREFIX = "pending_"
#: The value that carries a caller's words from a menu to the node named by its `on_words`.
WORDS_VALUE = "words"
#: Queue and transfer results after which the caller has simply gone.
CALLER_GONE = frozenset({"hangup"})
SUCCESSFUL_RESULTS = frozenset({"bridged", "completed", "answered"})


@dataclass
class _Walk:
    """The turn being built."""

    language: str
    values: dict[str, str]
    caller: str | None = None  # E.164; kept out of `values` so it never travels in URLs
    call_sid: str | None = None
    instructions: list[Instruction] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.instructions.append(Speak(text, self.language))

    def state(self, node_id: str, attempts: int = 0) -> CallState:
        return CallState(node_id, self.language, attempts, dict(self.values))

    def turn(self) -> Turn:
        return Turn(tuple(self.instructions), tuple(self.visits), self.language, dict(self.values))


class Engine:
    def __init__(self, flow: model.Flow, handlers: HandlerRegistry,
                 clock: Callable[[], datetime]) -> None:
        self.flow = flow
        self.handlers = handlers
        self.clock = clock

    # -- entry points -------------------------------------------------------

    def begin(self, caller: str | None = None, language: str | None = None, call_sid: str | None = None) -> Turn:
        """The first turn of a new call."""
        walk = _Walk(self._language(language), {}, caller, call_sid)
        self._enter(walk, self.flow.start)
        return walk.turn()

    def respond(self, state: CallState, reply: Reply, caller: str | None = None, call_sid: str | None = None) -> Turn:
        """The caller answered (or did not) at the node named in `state`."""
        if state.node not in self.flow.nodes:
            raise UnknownNode(state.node)
        node = self.flow.node(state.node)
        walk = _Walk(self._language(state.language), dict(state.values), caller, call_sid)
        walk.visits.append(Visit(node.id, reply.describe()))
        responder = self._RESPONDERS.get(node.type)
        if responder is None:  # a silent node: just (re)enter it
            self._enter(walk, node.id)
        else:
            responder(self, walk, node, state.attempts, reply)
        return walk.turn()

    # -- entering nodes -----------------------------------------------------

    def _enter(self, walk: _Walk, node_id: str, attempts: int = 0) -> None:
        for _ in range(MAX_SILENT_STEPS):
            node = self.flow.node(node_id)
            if node.id != (walk.visits[-1].node if walk.visits else None):
                walk.visits.append(Visit(node.id))
            walk.values.update(node.set)
            following = self._ENTER[node.type](self, walk, node, attempts)
            if following is None:
                return
            node_id, attempts = following, 0
        raise RuntimeError(f"flow {self.flow.name}: more than {MAX_SILENT_STEPS} silent steps")

    def _prompt_sounds(self, walk: _Walk, node: model.Node) -> list[Sound]:
        if node.all_languages:
            return [Speak(node.prompt[lang], lang) for lang in self.flow.languages]
        return [Speak(node.prompt[walk.language], walk.language)] if node.prompt else []

    def _enter_say(self, walk: _Walk, node: model.Node, _: int) -> str | None:
        walk.instructions.extend(self._prompt_sounds(walk, node))
        return node.next

    def _enter_play(self, walk: _Walk, node: model.Node, _: int) -> str | None:
        assert isinstance(node, model.PlayNode)
        walk.instructions.append(PlayAudio(node.audio[walk.language]))
        return node.next

    def _enter_answer(self, walk: _Walk, node: model.Node, _: int) -> str | None:
        assert isinstance(node, model.AnswerNode)
        handler = self.handlers.get(node.handler)
        assert handler is not None, "validated at load"
        said = tuple(sentence for visit in walk.visits for sentence in visit.said)
        request = HandlerRequest(walk.language, dict(walk.values), self.clock(), walk.caller, walk.call_sid, said)
        result = handler(request)
        walk.visits[-1] = replace(walk.visits[-1], result=result.outcome, handler=node.handler,
                                  spoke=bool(result.say),
                                  said=tuple(result.written or result.say) if result.worth_keeping else ())
        walk.values.update(result.values)
        for sentence in result.say:
            walk.say(sentence)
        return node.outcomes.get(result.outcome, node.next)

    def _enter_hangup(self, walk: _Walk, node: model.Node, _: int) -> None:
        walk.instructions.extend(self._prompt_sounds(walk, node))
        walk.instructions.append(EndCall())

    def _enter_menu(self, walk: _Walk, node: model.Node, attempts: int) -> None:
        assert isinstance(node, model.MenuNode)
        sounds = self._prompt_sounds(walk, node)
        if node.global_options and node.footer:
            languages = self.flow.languages if node.all_languages else (walk.language,)
            sounds += [Speak(self.flow.message("menu_footer", lang), lang) for lang in languages]
        walk.instructions.append(Listen(
            state=walk.state(node.id, attempts), prompts=tuple(sounds), dtmf=True, speech=True,
            language=walk.language, timeout=self.flow.settings.timeout, num_digits=1,
            hints=self._menu_hints(node, walk.language),
        ))

    def _menu_hints(self, node: model.MenuNode, language: str) -> tuple[str, ...]:
        words = [w for option in node.options for w in option.words.get(language, ())]
        if node.global_options:
            words += [w for g in self.flow.global_options.values() for w in g.words.get(language, ())]
        return tuple(dict.fromkeys(words))

    def _enter_collect(self, walk: _Walk, node: model.Node, attempts: int) -> None:
        assert isinstance(node, model.CollectNode)
        fixed_length = node.max_length if node.min_length == node.max_length else None
        walk.instructions.append(Listen(
            state=walk.state(node.id, attempts), prompts=tuple(self._prompt_sounds(walk, node)),
            dtmf=node.input in ("digits", "both", "any"), speech=True, language=walk.language,
            timeout=self.flow.settings.timeout, num_digits=fixed_length,
            finish_on_key=node.finish_on_key, hints=node.hints.get(walk.language, ()),
        ))

    def _enter_enqueue(self, walk: _Walk, node: model.Node, _: int) -> None:
        assert isinstance(node, model.EnqueueNode)
        if node.interpreter:
            walk.values.setdefault("language_requested", "other")
        walk.instructions.extend(self._prompt_sounds(walk, node))
        walk.instructions.append(Queue(node.skill, walk.language, walk.state(node.id)))

    def _enter_transfer(self, walk: _Walk, node: model.Node, _: int) -> None:
        assert isinstance(node, model.TransferNode)
        walk.instructions.extend(self._prompt_sounds(walk, node))
        walk.instructions.append(Connect(node.number, node.timeout, walk.state(node.id)))

    def _enter_record(self, walk: _Walk, node: model.Node, attempts: int) -> None:
        assert isinstance(node, model.RecordNode)
        walk.instructions.extend(self._prompt_sounds(walk, node))
        walk.instructions.append(RecordMessage(walk.state(node.id, attempts), node.max_length))

    _ENTER = {
        "say": _enter_say, "play": _enter_play, "answer": _enter_answer, "hangup": _enter_hangup,
        "menu": _enter_menu, "collect": _enter_collect, "enqueue": _enter_enqueue,
        "transfer": _enter_transfer, "record": _enter_record,
    }

    # -- replies ------------------------------------------------------------

    def _respond_menu(self, walk: _Walk, node: model.Node, attempts: int, reply: Reply) -> None:
        assert isinstance(node, model.MenuNode)
        if self._for_words_node(walk, node, reply):
            walk.values[WORDS_VALUE] = normalise(reply.speech)[:MAX_WORDS]
            walk.visits[-1] = replace(walk.visits[-1], result=WORDS_VALUE)
            self._hand_on_words(walk, node, attempts)
            return
        choice = self._choose(walk, node, reply)
        if choice is None:
            self._retry(walk, node, attempts)
        elif isinstance(choice, model.GlobalOption):
            walk.visits[-1] = replace(walk.visits[-1], result=f"option {choice.key}")
            self._enter(walk, choice.goto or node.id, 0 if choice.goto else attempts)
        else:
            walk.visits[-1] = replace(walk.visits[-1], result=f"option {choice.key}")
            walk.language = choice.language or walk.language
            self._enter(walk, choice.goto)

    def _hand_on_words(self, walk: _Walk, node: model.MenuNode, attempts: int) -> None:
        """The `on_words` answer node names where the words lead; back to this menu counts as not understood."""
        assert node.on_words is not None, "checked by the caller"
        answer = self.flow.node(node.on_words)
        walk.visits.append(Visit(answer.id))
        walk.values.update(answer.set)
        following = self._enter_answer(walk, answer, 0)
        if following == node.id:
            self._retry(walk, node, attempts)
        elif following is not None:
            self._enter(walk, following)

    def _for_words_node(self, walk: _Walk, node: model.MenuNode, reply: Reply) -> bool:
        """Speech goes to the menu's `on_words` node unless it is a key ("two") or exactly a global word ("agent")."""
        words = self._words(walk.language)
        if not node.on_words or reply.digits or not normalise(reply.speech) or spoken_key(reply.speech, words):
            return False
        said = normalise(reply.speech)
        words = {normalise(word) for option in self.flow.global_options.values() if node.global_options
                 for phrases in option.words.values() for word in phrases}
        return said not in words

    def _choose(self, walk: _Walk, node: model.MenuNode,
                reply: Reply) -> model.MenuOption | model.GlobalOption | None:
        """Keys win; for speech, an option's words, then a global's, then a spoken key ("press one")."""
        choices: list[model.MenuOption | model.GlobalOption] = list(node.options)
        if node.global_options:
            choices += list(self.flow.global_options.values())
        key = reply.digits[:1] if reply.digits else spoken_key(reply.speech, self._words(walk.language))
        if not reply.digits:
            for choice in choices:
                if mentions_in(reply.speech, choice.words, self.flow.speech):
                    return choice
        return next((choice for choice in choices if key and choice.key == key), None)

    def _respond_collect(self, walk: _Walk, node: model.Node, attempts: int, reply: Reply) -> None:
        assert isinstance(node, model.CollectNode)
        escape = self.flow.global_options.get("agent")
        if reply.digits == COLLECT_ESCAPE_KEY and escape is not None and escape.goto:
            self._enter(walk, escape.goto)
            return
        pending = walk.values.pop(PENDING_PREFIX + node.name, None)
        if pending is not None:
            self._respond_confirmation(walk, node, attempts, reply, pending)
            return
        value = self._collected_value(node, reply, self._words(walk.language))
        if value is None:
            self._retry(walk, node, attempts)
        elif reply.speech and not reply.digits and self._unsure(reply):
            self._confirm(walk, node, attempts, value)
        else:
            self._accept(walk, node, value)

    def _unsure(self, reply: Reply) -> bool:
        """Twilio reports how sure it is of what it heard; without a figure there is nothing to doubt."""
        return reply.confidence is not None and reply.confidence < self.flow.settings.confirm_below

    def _accept(self, walk: _Walk, node: model.CollectNode, value: str) -> None:
        walk.values[node.name] = value
        walk.visits[-1] = replace(walk.visits[-1], result=f"{node.name}={value}")
        assert node.next is not None, "validated at load"
        self._enter(walk, node.next)

    def _confirm(self, walk: _Walk, node: model.CollectNode, attempts: int, value: str) -> None:
        """Speech heard with low confidence is read back: "I heard 125 Elm Street. Is that right?"."""
        walk.values[PENDING_PREFIX + node.name] = value
        spoken = " ".join(value) if is_ascii_digits(value) else value
        question = self.flow.message("confirm_value", walk.language).format(value=spoken)
        walk.visits[-1] = replace(walk.visits[-1], result=f"confirming {node.name}")
        walk.instructions.append(Listen(
            state=walk.state(node.id, attempts), prompts=(Speak(question, walk.language),), dtmf=True, speech=True,
            language=walk.language, timeout=self.flow.settings.timeout, num_digits=1,
            hints=tuple(dict.fromkeys(self.flow.words(walk.language).yes + self.flow.words(walk.language).no))))

    def _respond_confirmation(self, walk: _Walk, node: model.CollectNode, attempts: int, reply: Reply,
                              pending: str) -> None:
        if reply.digits[:1] == "1" or (not reply.digits and self._said_yes(walk.language, reply.speech)):
            self._accept(walk, node, pending)
            return
        walk.visits[-1] = replace(walk.visits[-1], result=f"{node.name} not confirmed")
        if attempts + 1 >= self.flow.max_attempts(node):
            self._retry(walk, node, attempts)
            return
        walk.say(self.flow.message("confirm_rejected", walk.language))
        self._enter(walk, node.id, attempts + 1)

    @staticmethod
    def _collected_value(node: model.CollectNode, reply: Reply,
                         words: tuple[model.SpeechWords, ...]) -> str | None:
        if node.input == "speech" or (node.input == "any" and not reply.digits):
            value = " ".join(reply.speech.split())
        elif node.input == "any":
            value = reply.digits.rstrip(node.finish_on_key)
            if not is_ascii_digits(value):
                return None
        else:
            value = reply.digits.rstrip(node.finish_on_key) or spoken_digits(reply.speech, words)
            if not is_ascii_digits(value):
                return None
        return value if node.min_length <= len(value) <= node.max_length else None

    def _respond_result(self, walk: _Walk, node: model.Node, attempts: int, reply: Reply) -> None:
        """How a queue wait or a transfer ended."""
        walk.visits[-1] = replace(walk.visits[-1], result=reply.result or "no result")
        if reply.result in CALLER_GONE:
            walk.instructions.append(EndCall())
        elif reply.result in SUCCESSFUL_RESULTS and node.next:
            self._enter(walk, node.next)
        elif reply.result in SUCCESSFUL_RESULTS:
            walk.instructions.append(EndCall())
        else:
            self._enter(walk, self.flow.failure_target(node))

    def _respond_record(self, walk: _Walk, node: model.Node, attempts: int, reply: Reply) -> None:
        assert isinstance(node, model.RecordNode)
        if not reply.recording_url or reply.recording_seconds < 1:
            self._retry(walk, node, attempts)
            return
        walk.values[node.name] = reply.recording_url
        assert node.next is not None, "validated at load"
        self._enter(walk, node.next)

    _RESPONDERS: dict[str, Callable[[Engine, _Walk, model.Node, int, Reply], None]] = {
        "menu": _respond_menu, "collect": _respond_collect, "enqueue": _respond_result,
        "transfer": _respond_result, "record": _respond_record,
    }

    # -- helpers ------------------------------------------------------------

    def _retry(self, walk: _Walk, node: model.Node, attempts: int) -> None:
        """Re-prompt after bad or missing input; after too many, hand over to the fallback."""
        attempts += 1
        if attempts >= self.flow.max_attempts(node):
            walk.say(self.flow.message("too_many_attempts", walk.language))
            self._enter(walk, self.flow.failure_target(node))
        else:
            walk.say(self.flow.message("not_understood", walk.language))
            self._enter(walk, node.id, attempts)

    def _words(self, language: str) -> tuple[model.SpeechWords, ...]:
        """The call's language's words first, then the others' (a Spanish caller may still say "two")."""
        order = (language, *(other for other in self.flow.languages if other != language))
        return tuple(self.flow.words(lang) for lang in order)

    def _said_yes(self, language: str, speech: str) -> bool:
        """A yes in the call's language or another the flow speaks.  In an unspaced script a no wins, since
        its no words hold its yes words ("不是" holds "是")."""
        return any(mentions(speech, book.yes, book.spaced)
                   and (book.spaced or not mentions(speech, book.no, book.spaced))
                   for book in self._words(language))

    def _language(self, language: str | None) -> str:
        return language if language in self.flow.languages else self.flow.default_language
