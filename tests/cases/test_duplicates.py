"""Already reported? The one rule every channel asks: same service, still open, same block face or close by."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr import db
from ivr.cases import duplicates
from ivr.cases.duplicates import Place, Reporter
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, change_status, open_case

AT = datetime(2026, 11, 28, 15, tzinfo=UTC)


@pytest.fixture
def elm(sessions):  # type: ignore[no-untyped-def]
    """An open pothole at 125 Elm St (no coordinates) and one at a map point on Oak Ave."""
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=make_reference(2026, 1), service_code="potholes", channel="web",
                                   address="125 Elm St", opened_at=AT))
        open_case(session, NewCase(reference=make_reference(2026, 2), service_code="potholes", channel="api",
                                   address="400 Oak Ave", latitude=41.8781, longitude=-87.6298, opened_at=AT))
    return sessions


@pytest.mark.parametrize(("address", "found"), [
    ("131 Elm Street", True),          # same street, same hundred block, same (odd) side
    ("199 elm st, apt 4", True),
    ("Elm", False),                    # no house number: no block face
    ("124 Elm St", False),             # across the street (even side)
    ("225 Elm St", False),             # the next block
    ("125 Elm Ave", False),            # another street
    ("125 N Elm St", True),            # a directional on one side only still matches
])
def test_the_same_block_face_is_already_reported(elm, address, found):
    with elm() as session:
        near = duplicates.existing_case(session, "potholes", Place(address))
        assert (near is not None and near.reference == make_reference(2026, 1)) is found


def test_another_service_at_the_same_place_is_not_a_duplicate(elm):
    with elm() as session:
        assert duplicates.existing_case(session, "streetlights", Place("125 Elm St")) is None


def test_with_coordinates_the_configured_distance_decides(elm):
    with elm() as session:  # about 33 m north of the Oak Ave case
        assert duplicates.existing_case(session, "potholes", Place("", 41.8784, -87.6298), 50) is not None
        assert duplicates.existing_case(session, "potholes", Place("", 41.8784, -87.6298), 20) is None


def test_a_closed_case_is_not_joined(elm):
    with db.unit_of_work(elm) as session:
        case = duplicates.existing_case(session, "potholes", Place("125 Elm St"))
        change_status(session, case, "closed", AT, "Filled")
    with elm() as session:
        assert duplicates.existing_case(session, "potholes", Place("125 Elm St")) is None


def test_joining_counts_one_more_resident_once_per_person_or_report(elm):
    with db.unit_of_work(elm) as session:
        case = duplicates.existing_case(session, "potholes", Place("125 Elm St"))
        duplicates.join(session, case, Reporter("phone", AT, "+13125550142", source_key="call:CA1:report"))
        duplicates.join(session, case, Reporter("phone", AT, "+13125550142"))  # the same person again
        duplicates.join(session, case, Reporter("web", AT, email="ben@example.com", source_key="web:x"))
        duplicates.join(session, case, Reporter("web", AT, source_key="web:x"))  # the same form reposted
        assert duplicates.residents(session, case) == 3
        assert duplicates.joined_under(session, "call:CA1:report").id == case.id


def test_metres_between_two_points_a_block_apart():
    assert duplicates.metres_between(41.8781, -87.6298, 41.8790, -87.6298) == pytest.approx(100, abs=1)


def test_filing_the_same_report_again_finds_the_case_and_counts_its_resident_once(sessions):
    from ivr.open311.filing import file_or_join
    from ivr.open311.validation import ServiceSpec, Submission, validate

    valid = validate(Submission(service_code="noise", address="12 Oak Ave", phone="+13125550199"),
                     ServiceSpec("noise", "Noise"))
    for _ in range(2):  # a retried webhook: the same number and key
        with db.unit_of_work(sessions) as session:
            filed = file_or_join(session, make_reference(2026, 5), valid, "phone", AT, "call:CA9:report")
            assert filed.case.reference == make_reference(2026, 5) and not filed.joined
    with sessions() as session:
        assert len(duplicates.reporters_of(session, filed.case)) == 1 and duplicates.residents(session, filed.case) == 1
