"""POST requests: API keys, validation against the service definition, cases with channel "api", retries."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from ivr.app import create_app
from ivr.cases import reference
from ivr.models.service_attribute import CaseAttribute
from ivr.open311 import api_keys_from, submissions
from ivr.open311.fields import ApiExtras
from ivr.open311.validation import ServiceSpec, Submission, validate
from ivr.settings import ConfigError
from tests.open311.support import API_KEY, OTHER_KEY, add_question, filed_reports, parsed, stored_cases
from tests.open311.test_errors import errors_of

FORMATS = ["xml", "json"]
REPORT = {"api_key": API_KEY, "service_code": "potholes", "lat": "41.8781", "long": "-87.6298",
          "address_string": "125 Elm Street, Springfield, IL 62701", "description": "A deep pothole.",
          "first_name": "Ana", "last_name": "Diaz", "phone": "(312) 555-0199", "email": "ana@example.com",
          "device_id": "phone-42", "account_id": "acct-7", "media_url": "https://img.example.com/p.jpg"}
#: A later report of the same pothole by someone else: it counts one more resident on the same case.
ANOTHER_RESIDENT = {"phone": "(312) 555-0142", "email": "ben@example.com"}


def post(client, fmt: str = "json", headers: dict[str, str] | None = None, **changes):  # type: ignore[no-untyped-def]
    form = {k: v for k, v in {**REPORT, **changes}.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data=form, headers=headers or {})


def created_id(response, fmt: str) -> str:  # type: ignore[no-untyped-def]
    if fmt == "json":
        [created] = response.get_json()
        return created["service_request_id"]
    return parsed(response).findtext("request/service_request_id") or ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_becomes_an_api_case_with_a_checked_reference(app, client, fmt):
    response = post(client, fmt)
    assert response.status_code == 201
    ref = created_id(response, fmt)
    assert reference.is_valid(ref)
    assert response.headers["Location"] == f"http://localhost/open311/v2/requests/{ref}.{fmt}"
    [case] = stored_cases(app)
    assert (case.reference, case.channel, case.status) == (ref, "api", "open")
    assert (case.contact_name, case.contact_phone, case.contact_email) == ("Ana Diaz", "+13125550199",
                                                                           "ana@example.com")
    assert (case.latitude, case.longitude, case.zip_code) == (41.8781, -87.6298, "62701")
    assert case.address == "125 Elm Street, Springfield, IL 62701"


def test_the_json_answer_has_the_spec_fields_and_no_token(client):
    [created] = post(client).get_json()
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["account_id"] == "acct-7"
    assert created["service_notice"] == "The city aims to resolve requests of this kind within 3 days."


def test_the_xml_answer_is_a_service_requests_document(client):
    root = parsed(post(client, "xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.find("token") is None


def test_an_address_id_alone_is_a_location(app, client):
    response = post(client, lat=None, long=None, address_string=None, address_id="A-1001")
    assert response.status_code == 201
    [case] = stored_cases(app)
    assert case.address == "" and case.latitude is None


@pytest.mark.parametrize("fmt", FORMATS)
class TestApiKeys:
    def test_a_missing_key_is_403(self, app, client, fmt):
        response = post(client, fmt, api_key=None)
        assert response.status_code == 403
        assert errors_of(response, fmt) == [(403, "api_key is required to create a service request")]
        assert stored_cases(app) == []

    def test_a_wrong_key_is_403(self, app, client, fmt):
        response = post(client, fmt, api_key="not-a-key-the-city-issued")
        assert response.status_code == 403
        assert errors_of(response, fmt) == [(403, "Invalid api_key received -- can't proceed with create_request")]
        assert stored_cases(app) == []

    def test_the_key_may_come_in_the_query_string(self, client, fmt):
        form = {k: v for k, v in REPORT.items() if k != "api_key"}
        response = client.post(f"/open311/v2/requests.{fmt}?api_key={OTHER_KEY}", data=form)
        assert response.status_code == 201


@pytest.mark.parametrize("fmt", FORMATS)
class TestValidation:
    def test_an_unknown_service_is_404(self, app, client, fmt):
        response = post(client, fmt, service_code="unicorns")
        assert response.status_code == 404
        assert errors_of(response, fmt) == [(404, "service_code unicorns was not found")]

    @pytest.mark.parametrize(("changes", "says"), [
        ({"service_code": None}, "service_code is required"),
        ({"lat": None, "long": None, "address_string": None},
         "a location is required: lat and long, address_string or address_id"),
        ({"long": None, "address_string": None}, "lat and long must be sent together"),
        ({"lat": "91"}, "lat must be a number from -90 to 90 (WGS84 degrees)"),
        ({"long": "east"}, "long must be a number from -180 to 180 (WGS84 degrees)"),
        ({"description": "x" * 4001}, "description is longer than 4000 characters"),
        ({"description": "See <script>alert(1)</script>"}, "description may contain line breaks but not HTML"),
        ({"phone": "12"}, "phone is not valid"),
        ({"phone": "anonymous"}, "phone is not valid"),
        ({"email": "ana@"}, "email is not valid"),
        ({"media_url": "javascript:alert(1)"}, "media_url is not valid"),
        ({"address_string": "x" * 201}, "address_string is longer than 200 characters"),
        ({"device_id": "d" * 101}, "device_id is longer than 100 characters"),
    ])
    def test_bad_fields_are_400_with_a_reason(self, app, client, fmt, changes, says):
        response = post(client, fmt, **changes)
        assert response.status_code == 400
        [(code, description)] = errors_of(response, fmt)
        assert code == 400 and description.startswith(says)
        assert stored_cases(app) == []

    def test_every_problem_is_listed_at_once(self, client, fmt):
        response = post(client, fmt, lat=None, long=None, address_string=None, phone="12", email="nope")
        descriptions = [d for _, d in errors_of(response, fmt)]
        assert descriptions == ["phone is not valid", "email is not valid",
                                "a location is required: lat and long, address_string or address_id"]


@pytest.mark.parametrize("fmt", FORMATS)
class TestAttributes:
    @pytest.fixture(autouse=True)
    def questions(self, app):  # type: ignore[no-untyped-def]
        add_question(app, "potholes", "size", datatype="singlevaluelist", required=True, description="How big?",
                     values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}])
        add_question(app, "potholes", "lanes", position=2, datatype="multivaluelist",
                     values=[{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}])
        add_question(app, "potholes", "depth_cm", position=3, datatype="number")
        add_question(app, "potholes", "seen_at", position=4, datatype="datetime")

    def test_answers_are_stored_with_the_case(self, app, client, fmt):
        response = client.post(f"/open311/v2/requests.{fmt}", data={
            **REPORT, "attribute[size]": "large", "attribute[lanes][]": ["left", "right"],
            "attribute[depth_cm]": "12.5", "attribute[seen_at]": "2026-11-24T08:15:00-05:00"})
        assert response.status_code == 201
        with app.extensions["cityline"].sessions() as session:
            answers = {a.code: a.value for a in session.query(CaseAttribute)}
        assert answers == {"size": "large", "lanes": ["left", "right"], "depth_cm": "12.5",
                           "seen_at": "2026-11-24T08:15:00-05:00"}

    @pytest.mark.parametrize(("answers", "says"), [
        ({}, "attribute[size] is required: How big?"),
        ({"attribute[size]": "huge"}, "attribute[size] is not a valid singlevaluelist; choose from: small, large"),
        ({"attribute[size]": ["small", "large"]},
         "attribute[size] is not a valid singlevaluelist; choose from: small, large"),
        ({"attribute[size]": "small", "attribute[lanes][]": ["left", "middle"]},
         "attribute[lanes] is not a valid multivaluelist; choose from: left, right"),
        ({"attribute[size]": "small", "attribute[depth_cm]": "deep"}, "attribute[depth_cm] is not a valid number"),
        ({"attribute[size]": "small", "attribute[seen_at]": "yesterday"},
         "attribute[seen_at] is not a valid datetime"),
        ({"attribute[size]": "small", "attribute[colour]": "red"},
         "attribute[colour] is not an attribute of service potholes"),
    ])
    def test_bad_answers_are_400(self, app, client, fmt, answers, says):
        response = client.post(f"/open311/v2/requests.{fmt}", data={**REPORT, **answers})
        assert response.status_code == 400
        assert [d for _, d in errors_of(response, fmt)] == [says]
        assert stored_cases(app) == []


class TestIdempotencyKey:
    def test_a_retry_with_the_same_key_returns_the_first_case(self, app, client):
        first = post(client, headers={"Idempotency-Key": "retry-1"})
        again = post(client, headers={"Idempotency-Key": "retry-1"})
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert created_id(again, "json") == created_id(first, "json")
        assert again.get_json() == first.get_json()
        assert len(stored_cases(app)) == 1

    def test_the_same_key_with_different_content_is_refused(self, app, client):
        post(client, headers={"Idempotency-Key": "retry-2"})
        response = post(client, "xml", headers={"Idempotency-Key": "retry-2"}, description="Something else.")
        assert response.status_code == 400
        assert errors_of(response, "xml") == [(409, "Idempotency-Key was already used for a different request")]
        assert len(stored_cases(app)) == 1

    def test_keys_belong_to_one_client(self, app, client):
        post(client, headers={"Idempotency-Key": "shared"})
        post(client, headers={"Idempotency-Key": "shared"}, api_key=OTHER_KEY, **ANOTHER_RESIDENT)
        assert filed_reports(app) == 2  # the second is already reported: it joins the first case

    def test_different_keys_open_different_cases(self, app, client):
        post(client, headers={"Idempotency-Key": "a"})
        post(client, headers={"Idempotency-Key": "b"}, **ANOTHER_RESIDENT)
        assert filed_reports(app) == 2

    @pytest.mark.parametrize("key", ["k" * 101, "has space", "ключ"])
    def test_a_malformed_key_is_400(self, client, key):
        response = post(client, headers={"Idempotency-Key": key})
        assert response.status_code == 400
        assert "Idempotency-Key must be 1 to 100 visible ASCII characters" in response.get_data(as_text=True)

    def test_copies_racing_each_other_open_one_case(self, app):
        results: list[str] = []
        start = threading.Barrier(4)

        def send() -> None:
            client = app.test_client()
            start.wait()
            results.append(created_id(post(client, headers={"Idempotency-Key": "race"}), "json"))

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(results)) == 1 and len(results) == 4
        assert len(stored_cases(app)) == 1


class TestIdenticalRetryWithoutKey:
    def test_an_identical_post_within_a_day_is_the_same_case(self, app, client):
        first, again = post(client), post(client)
        assert created_id(first, "json") == created_id(again, "json")
        assert again.status_code == 200 and len(stored_cases(app)) == 1

    def test_any_difference_makes_a_new_report(self, app, client):
        post(client)
        post(client, device_id="phone-43", **ANOTHER_RESIDENT)
        post(client, description="A deep pothole, now bigger.", phone="(312) 555-0143", email="cy@example.com")
        assert filed_reports(app) == 3

    @pytest.mark.parametrize(("later", "same_case"), [(timedelta(hours=23), True), (timedelta(hours=25), False)])
    def test_the_window_is_24_hours(self, app, later, same_case):
        services = app.extensions["cityline"]
        valid = validate(Submission(service_code="noise", address="1 Main St"), ServiceSpec("noise", "Noise"))
        first_seen = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
        outcomes = [submissions.submit(services.sessions, services.references,
                                       submissions.attempt("client-1", valid, ApiExtras(), None, at))
                    for at in (first_seen, first_seen + later)]
        assert outcomes[0].case.id == outcomes[1].case.id  # a retry, or the same noise already reported
        assert outcomes[1].replayed is same_case and outcomes[1].joined is not same_case


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_redis_no_case_is_opened_and_the_client_is_told_to_retry(env, fmt):
    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        response = post(app.test_client(), fmt)
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        assert errors_of(response, fmt) == [(503, "Case numbers cannot be issued right now; please retry shortly")]
        assert stored_cases(app) == []
    finally:
        app.extensions["cityline"].sql.dispose()


class TestKeyConfiguration:
    def test_keys_are_read_comma_separated_from_the_environment(self):
        assert api_keys_from({"OPEN311_API_KEYS": f" {API_KEY} ,, {OTHER_KEY} "}) == (API_KEY, OTHER_KEY)
        assert api_keys_from({}) == ()

    def test_a_short_key_stops_start_up(self, env):
        with pytest.raises(ConfigError, match="OPEN311_API_KEYS has 1 key"):
            create_app({**env, "OPEN311_API_KEYS": f"{API_KEY},short"})

    def test_without_keys_nobody_may_post(self, env):
        app = create_app({k: v for k, v in env.items() if k != "OPEN311_API_KEYS"})
        try:
            assert post(app.test_client()).status_code == 403
            assert app.test_client().get("/open311/v2/services.json").status_code == 200
        finally:
            app.extensions["cityline"].sql.dispose()
