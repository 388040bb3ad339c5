"""A caller's previous cases and calls by phone number, most recent first, for the offer an agent sees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ivr.cases.reference import display
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.case_reporter import CaseReporter

#: Rows of each kind shown with an offer.
SHOWN = 5


def previous(session: Session, number: str, *, except_call: str = "") -> dict[str, list[dict[str, Any]]]:
    """The caller's cases (filed with their number, or joined as one more resident) and calls."""
    joined = select(CaseReporter.case_id).where(CaseReporter.phone == number)
    cases = session.scalars(select(Case).where(or_(Case.contact_phone == number, Case.id.in_(joined)))
                            .order_by(Case.opened_at.desc(), Case.id.desc()).limit(SHOWN))
    calls = session.scalars(select(Call).where(Call.caller == number, Call.call_sid != except_call)
                            .order_by(Call.started_at.desc(), Call.id.desc()).limit(SHOWN))
    return {
        "cases": [{"reference": case.reference, "display": display(case.reference),
                   "service": case.service_type.name, "status": case.status,
                   "address": case.address, "opened": case.opened_at.isoformat()} for case in cases],
        "calls": [{"started": call.started_at.isoformat() if call.started_at else None, "queue": call.queue,
                   "disposition": call.disposition, "wrap_up": call.wrap_up_code} for call in calls],
    }
