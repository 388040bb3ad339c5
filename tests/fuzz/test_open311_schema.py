"""Open311 against its own OpenAPI description (schemathesis): never a 5xx, always the status codes,
content types and JSON shapes the description promises, errors in the spec's format."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ivr.app import create_app

API_KEY = "fuzz-open311-key-0123456789"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def open311_app(env):  # type: ignore[no-untyped-def]
    application = create_app({**env, "OPEN311_API_KEYS": API_KEY, "OPEN311_READ_LIMIT": "100000/minute",
                              "OPEN311_WRITE_LIMIT": "100000/minute"})
    yield application
    application.extensions["cityline"].sql.dispose()


def test_every_operation_answers_as_described_and_never_5xx(open311_app):  # type: ignore[no-untyped-def]
    created = open311_app.test_client().post("/open311/v2/requests.json", data={
        "api_key": API_KEY, "service_code": "potholes", "address_string": "125 Elm Street", "description": "deep"})
    assert created.status_code == 201  # so the listings have a request whose shape is checked
    schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", open311_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:
        @given(case=operation.as_strategy())
        def answers_as_described(case):  # type: ignore[no-untyped-def]
            if case.method == "POST" and isinstance(case.body, dict):
                case.body["api_key"] = API_KEY  # most posts get past the key, into validation and filing
            case.call_and_validate(checks=CHECKS)

        answers_as_described()


def test_the_description_is_served_and_names_every_route(open311_app):
    spec = open311_app.test_client().get("/open311/v2/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/discovery.{format}", "/services.{format}", "/services/{service_code}.{format}",
                                  "/requests.{format}", "/requests/{service_request_id}.{format}",
                                  "/tokens/{token}.{format}"}
