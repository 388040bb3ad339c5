"""Errors raised while loading or walking a flow."""

from __future__ import annotations


class FlowError(Exception):
    """A flow file that cannot be used; lists every problem found, each naming file and node."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the flow:\n{lines}")


class UnknownNode(LookupError):
    """A call's state names a node the flow does not have (stale or forged state)."""
