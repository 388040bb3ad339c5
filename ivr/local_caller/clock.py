"""A simulated call clock.

The local caller never sleeps, yet apps read time from Twilio's parameters
(QueueTime, CallDuration). Advancing a clock by what a real call would take keeps
those numbers plausible and the run instant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WORDS_PER_SECOND = 2.5


@dataclass
class SimClock:
    """Seconds since the call was answered, moved forward by the call itself."""

    seconds: float = 0.0

    def advance(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)

    def speak(self, text: str) -> None:
        """Move forward by how long a voice takes to say `text`."""
        self.advance(max(1.0, len(text.split()) / WORDS_PER_SECOND))

    def whole_seconds(self) -> int:
        return int(math.floor(self.seconds))
