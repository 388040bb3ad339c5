"""The telephony port: the few moves routing needs from the phone network, behind a Protocol.

Twilio's REST client implements it in the web/jobs layer; tests and the local
demo use a fake that records calls, so routing never imports Twilio.
"""

from __future__ import annotations

from typing import Protocol


class TelephonyError(Exception):
    """The phone network refused or failed to place a call (bad number, carrier error, API down)."""


class TelephonyPort(Protocol):
    def place_call(self, to: str, url: str) -> str:
        """Start a call to `to`; when answered, the call follows the instructions at `url`. Returns its CallSid."""
        ...
