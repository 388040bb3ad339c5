"""What a caller hears while agents work their call: the catalogs' conference.* messages (ivr/i18n)."""

from __future__ import annotations

from ivr.i18n import Section

#: PHRASES["es"]["hold"]: hold, transferring, transfer_failed, agent_lost.
PHRASES = Section("conference")
