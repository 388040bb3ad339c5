"""TwiML documents kept per process for turns that repeat: most callers at one place in the flow hear the same.

The greeting, a menu, an office-hours answer: the same instructions for every
caller who gets there.  Building the document through twilio's VoiceResponse
(ElementTree, then serialised) took about a quarter of a millisecond, as long
as the rest of a webhook's own work (issue 10), so each document is built once
and kept.  The key is the text of the instructions (their repr: frozen
dataclasses whose repr shows every field, so it says everything rendered) and
the URL root the action URLs are built under.  Answers made for one caller (a
case number, an address) are kept too but rarely asked again: the least
recently used go first, past MAX_DOCUMENTS.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from ivr.voice.twiml import Renderer
from ivr.xml_text import xml_safe

#: Documents one process keeps (a few KB each).
MAX_DOCUMENTS = 2048


class RenderedTurns:
    """Rendered TwiML by (root, instructions); shared by a gthread worker's threads, so under one lock."""

    def __init__(self, max_documents: int = MAX_DOCUMENTS) -> None:
        self.max_documents = max_documents
        self._documents: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def document(self, renderer: Renderer, instructions: Sequence[object], root: str) -> str:
        """The TwiML text for `instructions`, as twiml_response would send it."""
        key = (root, repr(instructions))
        with self._lock:
            text = self._documents.get(key)
            if text is not None:
                self._documents.move_to_end(key)
                return text
        text = xml_safe(str(renderer.render(tuple(instructions))))  # type: ignore[arg-type]
        with self._lock:
            self._documents[key] = text
            while len(self._documents) > self.max_documents:
                self._documents.popitem(last=False)
        return text

    def __len__(self) -> int:
        return len(self._documents)
