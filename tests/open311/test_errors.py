"""Errors come in the spec's format, in the format asked for, with the spec's HTTP statuses."""

from __future__ import annotations

import pytest

from tests.open311.support import parsed

FORMATS = ["xml", "json"]


def errors_of(response, fmt: str) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        return [(e["code"], e["description"]) for e in response.get_json()]
    root = parsed(response)
    assert root.tag == "errors"
    return [(int(e.findtext("code") or 0), e.findtext("description") or "") for e in root.findall("error")]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "says"), [
    ("/open311/v2/services/unicorns", "service_code unicorns was not found"),
    ("/open311/v2/requests/2600000010", "service_request_id 2600000010 was not found"),
    ("/open311/v2/requests/not-a-reference", "not-a-reference was not found"),
    ("/open311/v2/tokens/abc123", "token abc123 was not found"),
    ("/open311/v2/nothing/here", "is not a GeoReport v2 resource"),
])
def test_what_does_not_exist_is_404(client, fmt, path, says):
    response = client.get(f"{path}.{fmt}")
    assert response.status_code == 404
    [(code, description)] = errors_of(response, fmt)
    assert code == 404 and says in description


def test_an_unknown_format_is_answered_in_xml(client):
    response = client.get("/open311/v2/services.html")
    assert response.status_code == 404
    assert errors_of(response, "xml") == [(404, "format 'html' is not offered: use .xml or .json")]


def test_the_api_root_is_not_an_html_page(client):
    response = client.get("/open311/v2/")
    assert response.status_code == 404 and response.content_type.startswith("text/xml")


def test_reads_can_be_made_from_browsers_elsewhere(client):
    assert client.get("/open311/v2/services.json").headers["Access-Control-Allow-Origin"] == "*"
