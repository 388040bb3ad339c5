"""GET requests and GET requests/{id}: the spec's fields, filters, windows, paging and dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from ivr import db
from ivr.cases.reference import display, make_reference
from ivr.cases.service import change_status, find_by_reference
from tests.open311.support import API_KEY, add_case, parsed
from tests.open311.test_errors import errors_of

FORMATS = ["xml", "json"]
NOW = datetime.now(UTC)
FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long", "media_url"]
W3C_IN_NEW_YORK = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00")


def listed(response, fmt: str) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)
    if fmt == "json":
        return response.get_json()
    root = parsed(response)
    assert root.tag == "service_requests"
    return [{child.tag: child.text for child in item} for item in root.findall("request")]


def w3c(moment: datetime) -> str:
    """A W3C date-time in New York time, encoded for a query string."""
    return quote(moment.astimezone(ZoneInfo("America/New_York")).isoformat(timespec="seconds"))


def mistyped(ref: str) -> str:
    return ref[:-1] + str((int(ref[-1]) + 1) % 10)


def ids(response, fmt: str = "json") -> list[str]:  # type: ignore[no-untyped-def]
    return [r["service_request_id"] for r in listed(response, fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_has_every_spec_field_with_dates_in_the_city_zone(app, client, fmt):
    ref = add_case(app, 1, NOW - timedelta(days=1), address="125 Elm Street", zip_code="62701",
                   latitude=41.5, longitude=-87.25, description="Deep hole.")
    [request] = listed(client.get(f"/open311/v2/requests.{fmt}"), fmt)
    assert list(request) == FIELDS
    assert request["service_request_id"] == ref and request["status"] == "open"
    assert (request["service_code"], request["service_name"]) == ("potholes", "Pothole or damaged street")
    assert request["agency_responsible"] == "Street Maintenance"
    assert request["zipcode"] == "62701" and request["address"] == "125 Elm Street"
    assert str(request["lat"]) == "41.5" and str(request["long"]) == "-87.25"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_IN_NEW_YORK.fullmatch(request[name]), request[name]
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert abs(requested - (NOW - timedelta(days=1))) < timedelta(seconds=1)
    assert datetime.fromisoformat(request["expected_datetime"]) - requested == timedelta(hours=72)


def test_in_progress_counts_as_open_and_notes_are_the_latest_public_one(app, client):
    ref = add_case(app, 1, NOW - timedelta(hours=5), status="in_progress")
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        change_status(session, find_by_reference(session, ref), "in_progress", NOW - timedelta(hours=1),
                      note="Caller is rude.", public=False)
    [request] = listed(client.get("/open311/v2/requests.json"), "json")
    assert request["status"] == "open" and request["status_notes"] == "Now in_progress."


def test_media_of_a_phone_case_is_never_published(app, client):
    add_case(app, 1, NOW, media_url="https://api.twilio.com/recordings/RE1")
    [request] = listed(client.get("/open311/v2/requests.json"), "json")
    assert request["media_url"] is None


def test_an_api_case_shows_its_media_and_address_id(client):
    client.post("/open311/v2/requests.json", data={
        "api_key": API_KEY, "service_code": "noise", "address_id": "A-77",
        "media_url": "https://img.example.com/1.jpg"})
    [request] = listed(client.get("/open311/v2/requests.json"), "json")
    assert (request["address_id"], request["media_url"]) == ("A-77", "https://img.example.com/1.jpg")


class TestFilters:
    @pytest.fixture
    def cases(self, app) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {
            "new_pothole": add_case(app, 1, NOW - timedelta(days=1)),
            "noise_in_progress": add_case(app, 2, NOW - timedelta(days=2), "noise", "in_progress"),
            "closed_trash": add_case(app, 3, NOW - timedelta(days=10), "trash", "closed"),
            "old_pothole": add_case(app, 4, NOW - timedelta(days=100)),
        }

    def test_by_default_the_last_90_days_newest_first(self, client, cases):
        assert ids(client.get("/open311/v2/requests.json")) == [
            cases["new_pothole"], cases["noise_in_progress"], cases["closed_trash"]]

    @pytest.mark.parametrize(("status", "expected"), [
        ("open", ["new_pothole", "noise_in_progress"]),
        ("closed", ["closed_trash"]),
        ("open,closed", ["new_pothole", "noise_in_progress", "closed_trash"]),
        ("", ["new_pothole", "noise_in_progress", "closed_trash"]),
    ])
    def test_by_status(self, client, cases, status, expected):
        assert ids(client.get(f"/open311/v2/requests.json?status={status}")) == [cases[n] for n in expected]

    def test_by_service_codes(self, client, cases):
        response = client.get("/open311/v2/requests.xml?service_code=trash,noise")
        assert ids(response, "xml") == [cases["noise_in_progress"], cases["closed_trash"]]

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_an_unknown_service_code_is_404(self, client, cases, fmt):
        response = client.get(f"/open311/v2/requests.{fmt}?service_code=noise,unicorns")
        assert response.status_code == 404
        assert errors_of(response, fmt) == [(404, "service_code unicorns was not found")]

    def test_by_a_date_window(self, client, cases):
        start, end = w3c(NOW - timedelta(days=15)), w3c(NOW - timedelta(hours=36))
        assert ids(client.get(f"/open311/v2/requests.json?start_date={start}&end_date={end}")) == [
            cases["noise_in_progress"], cases["closed_trash"]]

    def test_a_start_date_alone_covers_the_90_days_after_it(self, client, cases):
        start = (NOW - timedelta(days=101)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert ids(client.get(f"/open311/v2/requests.json?start_date={start}")) == [cases["old_pothole"]]

    def test_an_end_date_alone_covers_the_90_days_before_it(self, client, cases):
        end = (NOW - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert ids(client.get(f"/open311/v2/requests.json?end_date={end}")) == [cases["closed_trash"]]

    def test_an_unencoded_plus_in_an_offset_is_understood(self, client, cases):
        raw = (NOW - timedelta(days=3)).isoformat(timespec="seconds")  # ...+00:00, sent without encoding the +
        assert "+" in raw
        assert ids(client.get(f"/open311/v2/requests.json?start_date={raw}")) == [
            cases["new_pothole"], cases["noise_in_progress"]]

    def test_ids_override_every_other_filter(self, client, cases):
        wanted = f"{cases['old_pothole']},{display(cases['closed_trash'])}"
        response = client.get(f"/open311/v2/requests.json?service_request_id={wanted}&status=open&page_size=1")
        assert sorted(ids(response)) == sorted([cases["old_pothole"], cases["closed_trash"]])

    def test_paging_walks_newest_first(self, client, cases):
        pages = [ids(client.get(f"/open311/v2/requests.json?page_size=2&page={n}")) for n in (1, 2, 3)]
        assert pages == [[cases["new_pothole"], cases["noise_in_progress"]], [cases["closed_trash"]], []]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("query", "says"), [
    ("start_date=2026-11-01", "start_date: '2026-11-01' is not a W3C date-time with a time zone"),
    ("end_date=2026-11-01T10:00:00", "end_date: '2026-11-01T10:00:00' is not a W3C date-time with a time zone"),
    ("start_date=2026-13-01T00:00:00Z", "start_date: '2026-13-01T00:00:00Z' is not a real date and time"),
    ("start_date=yesterday", "start_date: 'yesterday' is not a W3C date-time"),
    ("start_date=2026-11-20T00:00:00Z&end_date=2026-11-10T00:00:00Z", "end_date is before start_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z",
     "start_date and end_date may not span more than 90 days"),
    ("status=pending", "status pending: must be open or closed"),
    ("page=0", "page must be a whole number from 1 or more"),
    ("page=-1", "page must be a whole number from 1 or more"),
    ("page=two", "page must be a whole number from 1 or more"),
    ("page_size=0", "page_size must be a whole number from 1 to 1000"),
    ("page_size=1001", "page_size must be a whole number from 1 to 1000"),
    (f"service_request_id={mistyped(make_reference(2026, 1))}",
     f"service_request_id {mistyped(make_reference(2026, 1))}: not a CityLine reference"),
])
def test_bad_filters_are_400(client, fmt, query, says):
    response = client.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    [(code, description)] = errors_of(response, fmt)
    assert code == 400 and description.startswith(says), description


@pytest.mark.parametrize("fmt", FORMATS)
class TestOneRequest:
    def test_by_reference_digits_or_as_printed(self, app, client, fmt):
        ref = add_case(app, 7, NOW - timedelta(days=400), "streetlights", "closed")
        for typed in (ref, display(ref)):
            [request] = listed(client.get(f"/open311/v2/requests/{typed}.{fmt}"), fmt)
            assert request["service_request_id"] == ref and request["status"] == "closed"
            assert request["service_code"] == "streetlights"

    def test_an_unknown_reference_is_404(self, app, client, fmt):
        add_case(app, 7, NOW)
        unknown = make_reference(NOW.year, 8)
        response = client.get(f"/open311/v2/requests/{unknown}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response, fmt) == [(404, f"service_request_id {unknown} was not found")]
