"""Reading the residents' HTML in tests: forms, labels, errors, with the standard library's parser."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Page(HTMLParser):
    """Every element with its attributes and the text inside it (nested text included)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in ("input", "meta", "link", "br", "img"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs: str) -> Element:
        [found] = self.all(tag, **attrs)
        return found

    def words(self, tag: str, **attrs: str) -> str:
        return " ".join(self.one(tag, **attrs).text.split())

    def value(self, name: str) -> str:
        return self.one("input", name=name).attrs.get("value", "")


def page_of(response) -> Page:  # type: ignore[no-untyped-def]
    assert response.content_type == "text/html; charset=utf-8"
    page = Page()
    page.feed(response.get_data(as_text=True))
    return page
