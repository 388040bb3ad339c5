"""The agent console and the supervisor's live view, over the router's shared state."""

from agents.views import bp

__all__ = ["bp"]
