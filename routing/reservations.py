"""Reservations: a call offered to one agent for a limited time, and how the offer ended.

A reservation is what makes routing safe across processes: it is created in
the same atomic step that takes the call out of its queue and the agent out
of the free pools, so no second process can offer either of them again until
the reservation is accepted, rejected, timed out or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReservationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"  # the caller hung up, or was sent to overflow, while the agent was offered


@dataclass(frozen=True)
class Reservation:
    """An offer as the agent console shows it: whom to connect, in which queue, until when."""

    id: str
    call_sid: str
    agent_id: str
    skill: str
    language: str
    kind: str  # 'call', 'callback' or 'transfer' (a colleague hands over a call they are on)
    offered: float
    expires: float
    status: ReservationStatus = ReservationStatus.PENDING
    number: str = ""  # for a callback: whom to call
    from_agent: str = ""  # for a transfer: who is handing the call over

    @property
    def queue(self) -> str:
        return f"{self.skill}-{self.language}"
