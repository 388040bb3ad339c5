"""Plays Twilio's part for the text line: posts one signed inbound SMS to /sms/incoming, reads the TwiML reply.

Twilio's messaging webhook sends MessageSid, AccountSid, From, To, Body and
NumMedia (among others), signed like the voice webhooks; the reply is a
MessagingResponse whose <Message> elements are the texts sent back.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .transport import Transport
from .urls import Endpoints

INCOMING_PATH = "/sms/incoming"


class TextRefused(RuntimeError):
    """The app answered the text with something other than 200 and TwiML."""


@dataclass(frozen=True)
class LocalText:
    base_url: str
    auth_token: str | None  # None: send unsigned (to see the app refuse)
    signing_base_url: str | None = None
    from_number: str = "+13125550199"
    to_number: str = "+15555550311"

    def send(self, body: str) -> list[str]:
        """The texts the app sends back (none for STOP, or to a number that opted out)."""
        endpoints = Endpoints(self.base_url, self.signing_base_url)
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "SmsSid": "", "AccountSid": "AC" + "0" * 32,
                  "From": self.from_number, "To": self.to_number, "Body": body, "NumMedia": "0",
                  "NumSegments": "1", "ApiVersion": "2010-04-01"}
        params["SmsSid"] = params["MessageSid"]
        reply = Transport(endpoints, self.auth_token).send("POST", endpoints.public(INCOMING_PATH), params)
        if reply.status != 200:
            raise TextRefused(f"HTTP {reply.status}: {reply.body.decode(errors='replace')[:200]}")
        return replies(reply.body)


def replies(twiml: bytes) -> list[str]:
    try:
        root = ET.fromstring(twiml)
    except ET.ParseError as error:
        raise TextRefused(f"not TwiML: {error}") from None
    return [" ".join("".join(message.itertext()).split()) for message in root.iter("Message")]
