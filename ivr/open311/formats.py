"""One document, two wire formats: XML (required by the spec) and JSON (its Spark-convention mirror).

Views build plain values (dicts, lists, scalars); this module is the only
place they become bytes.  XML is built with ElementTree, which escapes every
value, so text from residents can never change the document's structure.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from ivr.xml_text import xml_safe

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MEDIA_TYPES = ("text/xml", "application/json")

#: The element each list's items are wrapped in, as in the spec's XML examples.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def render(root: str, document: Any, fmt: str) -> bytes:
    """`root` names the XML root element; JSON has no root, as the spec's examples show."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    return to_xml(root, document)


def to_xml(root: str, document: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, document)
    return ET.tostring(element, encoding="UTF-8", xml_declaration=True)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[element.tag]), item)
    elif isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    else:
        element.text = _text(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # a last guard: text stored before the edges cleaned it
