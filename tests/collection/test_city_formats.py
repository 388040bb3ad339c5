"""A city's data as it publishes it: zone polygons (GeoJSON) with address points, pickup date lists in its own
column names, words and date format, through an import profile."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ivr.self_service.collection import sql
from ivr.self_service.collection.date_formats import UnreadableDates, detect_format
from ivr.self_service.collection.errors import InvalidFile
from ivr.self_service.collection.zone_shapes import parse_zone_shapes
from tests.collection.conftest import cityline
from tests.collection.test_imports import zone_at


def square(west: float, south: float, size: float = 0.01) -> list[list[list[float]]]:
    east, north = west + size, south + size
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


#: Two routes side by side: ROUTE 7 west of -89.64, ROUTE 8 east of it (Springfield, Illinois).
ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"ROUTE_ID": "R7"}, "geometry": {"type": "Polygon",
                                                                       "coordinates": square(-89.65, 39.79)}},
    {"type": "Feature", "properties": {"ROUTE_ID": "R8"}, "geometry": {"type": "Polygon",
                                                                       "coordinates": square(-89.64, 39.79)}},
]}
POINTS = """ADDRNUM,FULLNAME,ZIPCODE,LAT,LON
125,ELM ST,62701-1234,39.795,-89.645
127,Elm Street,62701,39.795,-89.645
130,Elm St,62701,39.795,-89.635
"""
PROFILE = """address_points:
  columns: {number: ADDRNUM, street: FULLNAME, zip: ZIPCODE, latitude: LAT, longitude: LON}
  zone_property: ROUTE_ID
pickup_dates:
  columns: {zone: ROUTE, stream: SERVICE, date: PICKUP_DATE}
  streams: {GARBAGE: trash, RECYCLE: recycling, "YARD WASTE": yard_waste}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):  # type: ignore[no-untyped-def]
    return {"zones": write(tmp_path, "routes.geojson", json.dumps(ZONES)),
            "profile": write(tmp_path, "profile.yaml", PROFILE)}


def test_address_points_are_placed_in_their_zone_polygon_and_answer_lookups(database_url, sessions, tmp_path,
                                                                           files):
    result = cityline(database_url, "import", "address-points", str(write(tmp_path, "points.csv", POINTS)),
                      "--zones", str(files["zones"]), "--profile", str(files["profile"]))
    assert result.exit_code == 0, result.output
    assert "3 address points in 2 of the map's 2 zones" in result.stdout
    assert (zone_at(sessions, 125, "Elm Street"), zone_at(sessions, 130, "elm st")) == ("R7", "R8")
    assert zone_at(sessions, 129, "Elm Street") is None  # only the published points are known


def test_points_outside_every_zone_on_a_border_or_in_two_zones_are_named_by_line(database_url, tmp_path, files):
    bad = POINTS + ("9,Oak St,62701,39.70,-89.645\n"  # south of both routes
                    "11,Oak St,62701,39.795,-89.64\n"  # on the shared edge
                    "125,Elm St,62701,39.795,-89.635\n"  # the same house as line 2, in the other zone
                    "13,Oak St,62701,-89.645,39.795\n")  # latitude and longitude swapped
    result = cityline(database_url, "import", "address-points", str(write(tmp_path, "points.csv", bad)),
                      "--zones", str(files["zones"]), "--profile", str(files["profile"]))
    assert result.exit_code == 1
    errors = " ".join(result.stderr.split())
    assert "points.csv:5: 9 Oak Street at (39.7, -89.645) is in no zone of the zone map" in errors
    assert "points.csv:6: 11 Oak Street at (39.795, -89.64) is on the border of zones R7 and R8" in errors
    assert "points.csv:7: 125 Elm Street (62701) is in zone R8 here and in zone R7 on line 2" in errors
    assert "points.csv:8: 13 Oak Street at (-89.645, 39.795) is in no zone, but would be with latitude and " \
           "longitude swapped" in errors
    assert "nothing was loaded" in errors


@pytest.mark.parametrize(("document", "message"), [
    ({"type": "FeatureCollection", "features": []}, "at least one feature"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ROUTE_ID": "R1"},
                                                 "geometry": {"type": "Point", "coordinates": [0, 0]}}]},
     "feature 1 (zone R1) is a Point, not a Polygon"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ROUTE_ID": "R1"},
                                                 "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1],
                                                                                                  [1, 0], [0, 1],
                                                                                                  [0, 0]]]}}]},
     "feature 1 (zone R1) is not a valid polygon: Self-intersection"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                 "geometry": {"type": "Polygon", "coordinates": square(0, 0)}}]},
     "feature 1's 'ROUTE_ID' property must be 1 to 16 letters"),
])
def test_a_bad_zone_map_names_the_feature(document, message):
    with pytest.raises(InvalidFile) as raised:
        parse_zone_shapes(json.dumps(document), "ROUTE_ID")
    assert any(message in str(problem) for problem in raised.value.errors), raised.value.errors


DATES = """ROUTE,SERVICE,PICKUP_DATE
R7,GARBAGE,12/03/2026
R7,GARBAGE,12/10/2026
R7,Recycle,12/17/2026
R8,YARD WASTE,12/04/2026
"""


def test_a_date_list_in_the_citys_words_and_format_becomes_each_zones_calendar(database_url, sessions, tmp_path,
                                                                              files):
    cityline(database_url, "import", "address-points", str(write(tmp_path, "points.csv", POINTS)),
             "--zones", str(files["zones"]), "--profile", str(files["profile"]))
    result = cityline(database_url, "import", "dates", str(write(tmp_path, "dates.csv", DATES)),
                      "--profile", str(files["profile"]))
    assert result.exit_code == 0, result.output
    assert "zone R7 trash: 2 dates, 2026-12-03 to 2026-12-10" in result.stdout
    with sessions() as session:
        stored = {(s.zone, s.stream): s.dates for zone in ("R7", "R8")
                  for s in sql.load_schedules(session, zone, date(2026, 12, 1))}
    assert stored == {("R7", "trash"): (date(2026, 12, 3), date(2026, 12, 10)),
                      ("R7", "recycling"): (date(2026, 12, 17),),
                      ("R8", "yard_waste"): (date(2026, 12, 4),)}


def test_a_stream_word_the_profile_does_not_map_is_named(database_url, tmp_path, files):
    result = cityline(database_url, "import", "dates",
                      str(write(tmp_path, "dates.csv", DATES + "R8,COMPOST,12/05/2026\n")),
                      "--profile", str(files["profile"]))
    assert result.exit_code == 1
    assert "dates.csv:6: stream 'COMPOST' is not one of trash, recycling, yard_waste" in " ".join(result.stderr.split())


@pytest.mark.parametrize(("texts", "declared", "expected"), [
    (["2026-12-03", "2026-12-10"], None, "%Y-%m-%d"),
    (["12/03/2026", "12/24/2026"], None, "%m/%d/%Y"),  # 24 is no month: day second
    (["24/12/2026", "03/12/2026"], None, "%d/%m/%Y"),
    (["December 3, 2026"], None, "%B %d, %Y"),
    (["03/04/2026"], "%d/%m/%Y", "%d/%m/%Y"),
])
def test_the_date_format_is_the_declared_one_or_the_only_one_that_fits(texts, declared, expected):
    assert detect_format(texts, declared) == expected


@pytest.mark.parametrize(("texts", "declared", "message"), [
    (["03/04/2026", "05/06/2026"], None, "fit '%m/%d/%Y' and '%d/%m/%Y'"),
    (["the third"], None, "in no format we know"),
    (["2026-12-03"], "%m/%d/%Y", "do not fit the declared format"),
])
def test_an_ambiguous_or_unknown_format_asks_for_a_declaration(texts, declared, message):
    with pytest.raises(UnreadableDates, match=message):
        detect_format(texts, declared)


def test_a_profile_with_mistakes_is_refused_with_each_named(database_url, tmp_path):
    profile = write(tmp_path, "p.yaml", "pickup_dates:\n  streams: {YARD: compost}\n  date_format: 7\n"
                                        "parcels: {}\n")
    result = cityline(database_url, "import", "dates", str(write(tmp_path, "d.csv", DATES)), "--profile", str(profile))
    errors = " ".join(result.stderr.split())
    assert result.exit_code == 1
    assert "pickup_dates.streams.YARD: 'compost' is not a stream" in errors
    assert "parcels: is not a file kind" in errors
