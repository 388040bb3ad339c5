"""The city's directory of departments (data/…/directory.yaml): names in each language, numbers, hours, keywords.

Agents look a department up to read its number or transfer a caller to it; the
file is city data, checked when read (a wrong entry names its position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "sample_city" / "directory.yaml"


class InvalidDirectory(ValueError):
    """The directory file is wrong; the message says where."""


@dataclass(frozen=True)
class Department:
    id: str
    names: dict[str, str]
    number: str
    hours: dict[str, str]
    keywords: tuple[str, ...]

    def matches(self, words: list[str]) -> bool:
        text = " ".join([self.id, *self.names.values(), *self.keywords]).lower()
        return all(word in text for word in words)


def read_directory(path: Path = DEFAULT_DIRECTORY) -> list[Department]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise InvalidDirectory(f"{path}: {error}") from None
    entries = data.get("departments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidDirectory(f"{path}: expected a 'departments:' list")
    return [_department(path, position, entry) for position, entry in enumerate(entries, 1)]


def _department(path: Path, position: int, entry: Any) -> Department:
    where = f"{path}: department {position}"
    if not isinstance(entry, dict) or not entry.get("id") or not isinstance(entry.get("name"), dict):
        raise InvalidDirectory(f"{where}: needs an id and a name per language")
    number = str(entry.get("number", "")).strip()
    if not E164.match(number):
        raise InvalidDirectory(f"{where}: number must be a phone number in E.164 (+15555550100)")
    hours = entry.get("hours") or {}
    keywords = entry.get("keywords") or []
    if not isinstance(hours, dict) or not isinstance(keywords, list):
        raise InvalidDirectory(f"{where}: hours is per language and keywords a list")
    return Department(str(entry["id"]), {str(k): str(v) for k, v in entry["name"].items()}, number,
                      {str(k): str(v) for k, v in hours.items()}, tuple(str(k) for k in keywords))


def search(departments: list[Department], query: str) -> list[Department]:
    words = query.lower().split()
    return [department for department in departments if department.matches(words)]
