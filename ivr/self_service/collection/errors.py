"""Named errors of the collection data: a city's file with bad rows is refused whole."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class RowError:
    line: int  # 1 is the header of a CSV file
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class InvalidFile(ValueError):
    """A file with at least one bad row; nothing of it may be loaded."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} bad row(s): " + "; ".join(map(str, self.errors[:3])))


class Problems(list[RowError]):
    """Collects every bad row so a city fixes its file in one pass, not one error at a time."""

    def add(self, line: int, message: str) -> None:
        self.append(RowError(line, message))

    def raise_if_any(self) -> None:
        if self:
            raise InvalidFile(self)
