"""The classifier as flow handlers: `intents.classify` names what the caller asked for, `intents.confirmed`
takes the caller's yes to the confirming question.

Values read: `words` (the caller's words, handed on by a menu's `on_words`), `intent`.
Values set: `intent` (the intent named or guessed); `words` is cleared, so the
caller's own words never travel in a URL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.intents.catalogue import Catalogue, load_catalogue
from ivr.intents.classifier import Classifier, ready_classifier

logger = logging.getLogger(__name__)
UNSURE, UNKNOWN = "unsure", "unknown"
#: The longest a caller's webhook waits for a training under way (Twilio gives a webhook 15 s in all).
READY_WAIT = 2.0


@dataclass(frozen=True)
class Thresholds:
    confirm_below: float
    give_up_below: float


class IntentHandlers:
    def __init__(self, catalogue: Catalogue, thresholds: Thresholds,
                 intents_file: Path | None, learned_file: Path | None) -> None:
        self.catalogue, self.thresholds = catalogue, thresholds
        self._files = (intents_file, learned_file)

    def classifier(self) -> Classifier | None:
        return ready_classifier(*self._files, wait=READY_WAIT)

    def classify(self, request: HandlerRequest) -> HandlerResult:
        classifier = self.classifier()
        if classifier is None:  # still training (a process just started on a busy machine): keys still work
            logger.warning("intent classifier not ready within %.0f s: the caller is asked to use the menu",
                           READY_WAIT)
            return self._not_understood(request)
        guess = classifier.guess(request.values.get("words", ""))
        if guess is None or guess.probability < self.thresholds.give_up_below:
            return self._not_understood(request)
        values = {"words": "", "intent": guess.intent}
        if guess.probability < self.thresholds.confirm_below:
            if request.language not in self.catalogue.languages:  # no question to ask in it: the menu asks
                return self._not_understood(request)
            return HandlerResult(UNSURE, (self._question(guess.intent, request.language),), values,
                                 worth_keeping=False)
        return HandlerResult(guess.intent, values=values, worth_keeping=False)

    def confirmed(self, request: HandlerRequest) -> HandlerResult:
        """The caller said yes to "It sounds like you want ...": go where the guess leads."""
        intent = request.values.get("intent", "")
        if intent not in self.catalogue.intents:
            return self._not_understood(request)
        return HandlerResult(intent, worth_keeping=False)

    def _question(self, intent: str, language: str) -> str:
        says = self.catalogue.intents[intent].says[language]
        return self.catalogue.confirm[language].format(intent=says)

    @staticmethod
    def _not_understood(_: HandlerRequest) -> HandlerResult:
        """Back to the menu: when that is the menu the words came from, it says "Sorry, I didn't get that."."""
        return HandlerResult(UNKNOWN, values={"words": "", "intent": ""}, worth_keeping=False)


def register(registry: HandlerRegistry, intents_file: Path | None, learned_file: Path | None,
             confirm_below: float | None = None) -> IntentHandlers:
    """Registers intents.classify and intents.confirmed, with one outcome per intent in the file."""
    catalogue = load_catalogue(intents_file)
    thresholds = Thresholds(catalogue.confirm_below if confirm_below is None else confirm_below,
                            catalogue.give_up_below)
    handlers = IntentHandlers(catalogue, thresholds, intents_file, learned_file)
    names = set(catalogue.intents)
    registry.register("intents.classify", handlers.classify, names | {UNSURE, UNKNOWN})
    registry.register("intents.confirmed", handlers.confirmed, names | {UNKNOWN})
    return handlers
