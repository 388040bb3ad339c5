"""Discovery, the service list and service definitions, in XML and JSON."""

from __future__ import annotations

import pytest

from tests.open311.support import add_question, parsed

FORMATS = ["xml", "json"]


def items(response, fmt: str, tag: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The listed items as dicts of text, whichever format was asked for."""
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        return response.get_json()
    return [{child.tag: child.text for child in item} for item in parsed(response).findall(tag)]


class TestDiscovery:
    def test_xml_names_the_spec_endpoint_and_both_formats(self, client):
        root = parsed(client.get("/open311/v2/discovery.xml"))
        assert root.tag == "discovery"
        assert root.findtext("changeset") and root.findtext("contact") and root.findtext("key_service")
        [endpoint] = root.findall("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint.findtext("url") == "http://localhost/open311/v2"
        assert endpoint.findtext("type") == "test"  # a development app is not production
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    def test_json_mirrors_the_xml(self, client):
        document = client.get("/open311/v2/discovery.json").get_json()
        [endpoint] = document["endpoints"]
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(document) == {"changeset", "contact", "key_service", "endpoints"}


@pytest.mark.parametrize("fmt", FORMATS)
class TestServiceList:
    def test_lists_every_active_service_with_the_spec_fields(self, client, fmt):
        response = client.get(f"/open311/v2/services.{fmt}")
        assert response.status_code == 200
        services = {s["service_code"]: s for s in items(response, fmt, "service")}
        assert set(services) == {"potholes", "streetlights", "noise", "trash", "general"}
        potholes = services["potholes"]
        assert list(potholes) == ["service_code", "service_name", "description", "metadata", "type",
                                  "keywords", "group"]
        assert potholes["service_name"] == "Pothole or damaged street"
        assert potholes["keywords"] == "pothole, road, street, asphalt, bache, calle"
        assert potholes["group"] == "Streets" and potholes["type"] == "realtime"
        assert potholes["metadata"] in (False, "false")

    def test_metadata_is_true_for_a_service_with_questions(self, app, client, fmt):
        add_question(app, "noise", "source")
        services = {s["service_code"]: s for s in items(client.get(f"/open311/v2/services.{fmt}"), fmt, "service")}
        assert services["noise"]["metadata"] in (True, "true")
        assert services["trash"]["metadata"] in (False, "false")

    def test_retired_services_are_not_offered(self, app, client, fmt):
        from ivr import db
        from ivr.models.service_type import ServiceType

        with db.unit_of_work(app.extensions["cityline"].sessions) as session:
            session.query(ServiceType).filter_by(code="trash").update({ServiceType.active: False})
        codes = {s["service_code"] for s in items(client.get(f"/open311/v2/services.{fmt}"), fmt, "service")}
        assert "trash" not in codes


class TestServiceDefinition:
    @pytest.fixture
    def questions(self, app):  # type: ignore[no-untyped-def]
        add_question(app, "potholes", "size", position=2, datatype="singlevaluelist", required=True,
                     description="How big is it?", datatype_description="Pick the closest",
                     values=[{"key": "small", "name": "Smaller than a plate"}, {"key": "large", "name": "Bigger"}])
        add_question(app, "potholes", "lanes", position=1, datatype="multivaluelist",
                     values=[{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}])

    def test_xml_lists_attributes_in_order_with_their_values(self, client, questions):
        root = parsed(client.get("/open311/v2/services/potholes.xml"))
        assert root.tag == "service_definition" and root.findtext("service_code") == "potholes"
        lanes, size = root.findall("attributes/attribute")
        assert [lanes.findtext("code"), size.findtext("code")] == ["lanes", "size"]
        assert [child.tag for child in size] == ["variable", "code", "datatype", "required", "datatype_description",
                                                 "order", "description", "values"]
        assert (size.findtext("variable"), size.findtext("datatype"), size.findtext("required"),
                size.findtext("order")) == ("true", "singlevaluelist", "true", "2")
        assert size.findtext("datatype_description") == "Pick the closest"
        assert [(v.findtext("key"), v.findtext("name")) for v in size.findall("values/value")] == [
            ("small", "Smaller than a plate"), ("large", "Bigger")]

    def test_json_is_an_object_with_an_attribute_list(self, client, questions):
        document = client.get("/open311/v2/services/potholes.json").get_json()
        assert document["service_code"] == "potholes"
        lanes, size = document["attributes"]
        assert lanes["datatype_description"] is None and lanes["required"] is False and lanes["order"] == 1
        assert size["values"] == [{"key": "small", "name": "Smaller than a plate"}, {"key": "large", "name": "Bigger"}]

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_a_service_without_questions_has_an_empty_definition(self, client, fmt):
        response = client.get(f"/open311/v2/services/general.{fmt}")
        if fmt == "json":
            assert response.get_json() == {"service_code": "general", "attributes": []}
        else:
            root = parsed(response)
            assert root.findtext("service_code") == "general" and root.find("attributes") is not None
            assert not root.findall("attributes/attribute")
