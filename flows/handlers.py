"""Named self-service handlers that `answer` nodes call.

A handler is a plain callable with a fixed set of outcomes; the flow file maps
each outcome to the next node.  The registry is built by the application (so
handlers can reach the city's data) and handed to both the loader, which checks
every name and outcome, and the engine, which calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class HandlerRequest:
    language: str
    values: Mapping[str, str]
    now: datetime  # timezone-aware, in the city's zone
    caller: str | None = None  # E.164, or None when the number is withheld
    call_sid: str | None = None  # the call, for handlers that keep something for it (a text to send)
    said: tuple[str, ...] = ()  # what handlers earlier in this same turn answered


@dataclass(frozen=True)
class HandlerResult:
    outcome: str
    say: tuple[str, ...] = ()  # sentences in the request's language
    values: Mapping[str, str] = field(default_factory=dict)  # merged into the call's values
    worth_keeping: bool = True  # an answer the caller may want in writing (not a remark like "text sent")
    written: tuple[str, ...] = ()  # the answer as it reads best in a text message (default: what was said)


class Handler(Protocol):
    outcomes: frozenset[str]

    def __call__(self, request: HandlerRequest) -> HandlerResult: ...


@dataclass(frozen=True)
class FunctionHandler:
    """Adapts a plain function and its declared outcomes to the Handler protocol."""

    function: Callable[[HandlerRequest], HandlerResult]
    outcomes: frozenset[str]

    def __call__(self, request: HandlerRequest) -> HandlerResult:
        result = self.function(request)
        if result.outcome not in self.outcomes:
            raise ValueError(f"handler returned undeclared outcome {result.outcome!r}")
        return result


class HandlerRegistry:
    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._handlers: dict[str, Handler] = dict(handlers or {})

    def register(self, name: str, function: Callable[[HandlerRequest], HandlerResult],
                 outcomes: Iterable[str]) -> None:
        if name in self._handlers:
            raise ValueError(f"handler {name!r} is already registered")
        self._handlers[name] = FunctionHandler(function, frozenset(outcomes))

    def get(self, name: str) -> Handler | None:
        return self._handlers.get(name)

    def names(self) -> list[str]:
        return list(self._handlers)
