"""Reading the TwiML the voice webhooks answer with, for assertions on what a caller hears."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def twiml(response) -> ET.Element:  # type: ignore[no-untyped-def]
    """The parsed <Response> of a successful webhook reply (fails the test otherwise)."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def heard(root: ET.Element) -> list[str]:
    return [say.text or "" for say in root.iter("Say")]
