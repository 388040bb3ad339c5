"""A caller's previous cases and calls by phone number, most recent first, for the offer an agent sees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models.call import Call
from ivr.models.case import Case

#: Rows of each kind shown with an offer.
SHOWN = 5


def previous(session: Session, number: str, *, except_call: str = "") -> dict[str, list[dict[str, Any]]]:
    cases = session.scalars(select(Case).where(Case.contact_phone == number)
                            .order_by(Case.opened_at.desc(), Case.id.desc()).limit(SHOWN))
    calls = session.scalars(select(Call).where(Call.caller == number, Call.call_sid != except_call)
                            .order_by(Call.started_at.desc(), Call.id.desc()).limit(SHOWN))
    return {
        "cases": [{"reference": case.reference, "service": case.service_type.name, "status": case.status,
                   "address": case.address, "opened": case.opened_at.isoformat()} for case in cases],
        "calls": [{"started": call.started_at.isoformat() if call.started_at else None, "queue": call.queue,
                   "disposition": call.disposition, "wrap_up": call.wrap_up_code} for call in calls],
    }
