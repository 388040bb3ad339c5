"""Making text from outside XML-safe, in one place.

XML 1.0 allows tab, line feed, carriage return and the characters from U+0020
up, except the surrogates and U+FFFE/U+FFFF.  ElementTree and the twilio
library escape markup but write any other character as it is, so one report
holding U+FFFF (or a C0 control heard in speech) would make every XML
document it appears in unreadable: the public requests.xml feed for everyone.
Outside text goes through `xml_safe` at the edges (webhook parameters, web
forms, Open311 POSTs) before it is stored, and again in the XML writers as a
last guard for anything stored before this rule.
"""

from __future__ import annotations

import re

#: Every character XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (they are dropped, not replaced)."""
    return _NOT_XML.sub("", text)


def is_xml_safe(text: str) -> bool:
    return _NOT_XML.search(text) is None
