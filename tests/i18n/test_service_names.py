"""A service is said in the resident's language: the catalogs' service.<code>, the stored name in English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ivr.i18n import service_name
from ivr.models.case import Case
from ivr.models.service_type import ServiceType
from ivr.self_service.cases import describe_case

NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)


def test_english_says_the_name_the_city_stored():
    assert service_name("streetlights", "Dark streetlight", "en") == "Dark streetlight"


def test_other_languages_say_the_catalogs_name_or_the_stored_one():
    assert service_name("streetlights", "Streetlight out", "es") == "Poste de luz apagado"
    assert service_name("streetlights", "Streetlight out", "zh-CN") == "路灯不亮"
    assert service_name("bike_lanes", "Blocked bike lane", "es") == "Blocked bike lane"


def test_a_spanish_caller_hears_their_case_in_spanish():
    kind = ServiceType(code="streetlights", name="Streetlight out", sla_hours=72)
    case = Case(reference="2600012349", status="in_progress", service_type=kind,
                updated_at=NOW - timedelta(days=1), expected_by=NOW + timedelta(days=2))
    said = describe_case(case, NOW, "es")
    assert "Poste de luz apagado" in said[0] and "Streetlight out" not in said[0]
