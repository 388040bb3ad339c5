"""Which texts a case update owes: news only, to residents who asked, in their language, once each."""

from __future__ import annotations

from datetime import UTC, datetime

from ivr import db
from ivr.cases import duplicates, update_texts
from ivr.cases.duplicates import Reporter
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, change_status, open_case
from ivr.sms.contacts import set_opted_out

AT = datetime(2026, 11, 28, 15, tzinfo=UTC)
REF = make_reference(2026, 7)


def test_a_change_owes_one_text_per_resident_who_asked_in_their_language(sessions):
    with db.unit_of_work(sessions) as session:
        case = open_case(session, NewCase(reference=REF, service_code="potholes", channel="phone",
                                          address="125 Elm St", opened_at=AT))
        duplicates.record_filer(session, case, Reporter("phone", AT, "+13125550199", wants_updates=True))
        duplicates.join(session, case, Reporter("web", AT, "+13125550142", language="es", wants_updates=True))
        duplicates.join(session, case, Reporter("api", AT, email="quiet@example.com"))  # did not ask
        note = change_status(session, case, "open", AT, "Crew looked")  # no change of status: not news
        assert update_texts.owed(session, note) == []
        case.resolution = "Filled with asphalt."
        closed = change_status(session, case, "closed", AT, "Filled")
        owed = update_texts.owed(session, closed)
        assert [(t.phone, t.body) for t in owed] == [
            ("+13125550199", "City 3-1-1: your report 26-0000007-" + REF[-1] + " (Pothole or damaged street) is "
                             "closed: Filled with asphalt. Reply STOP to stop texts."),
            ("+13125550142", "3-1-1 de la ciudad: su reporte 26-0000007-" + REF[-1] + " (Bache o calle dañada) "
                             "está cerrado: Filled with asphalt. Responda STOP para no recibir más mensajes."),
        ]
        set_opted_out(session, "+13125550142", True)
        assert update_texts.claim(session, closed.id, owed[0], AT) is True
        assert update_texts.claim(session, closed.id, owed[1], AT) is False  # STOP: recorded, not sent
        assert update_texts.owed(session, closed, now=AT) == []  # a second run owes nothing
        # A claim whose job died before the text went out is owed again once it is stale, and taken over once.
        later = AT + update_texts.STALE_CLAIM * 2
        [again] = update_texts.owed(session, closed, now=later)
        assert again.phone == "+13125550199"
        assert update_texts.claim(session, closed.id, again, later) is True
        assert update_texts.owed(session, closed, now=later) == []


def test_an_agent_note_is_never_texted(sessions):
    with db.unit_of_work(sessions) as session:
        case = open_case(session, NewCase(reference=REF, service_code="potholes", channel="phone",
                                          address="125 Elm St", opened_at=AT))
        duplicates.record_filer(session, case, Reporter("phone", AT, "+13125550199", wants_updates=True))
        private = change_status(session, case, "in_progress", AT, "Internal", public=False)
        assert update_texts.owed(session, private) == []
