"""Real cities' ways: streams a city names (green bin, leaf collection), extra pickups, shapefile zone maps,
Canadian postal codes, and Toronto's published 2026 calendar loaded end to end."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import shapefile

from ivr.addresses.spoken import parse_address
from ivr.self_service.collection import answers, sql
from ivr.self_service.collection.csv_rows import postal_code
from ivr.self_service.collection.errors import InvalidFile
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import Rule, Schedule, ServiceChange
from ivr.self_service.collection.streams import parse_streams
from ivr.self_service.collection.zone_shapefile import parse_zone_shapefile
from tests.collection.conftest import cityline

TORONTO = Path(__file__).resolve().parents[2] / "data" / "toronto"
ZONE = ZoneInfo("America/Toronto")
STREAMS = """streams:
  - code: leaf_collection
    en: {name: leaf, pickup: leaf collection}
    es: {name: hojas, subject: La recolección de hojas, pickup: recolección de hojas}
  - code: trash
"""


def spoken(schedules, now, book, changes=(), language="en"):
    found = [answers.Answer(s, next_pickup(s, now, ZONE, HolidayCalendar.of([]), changes)) for s in schedules]
    return answers.describe(found, now.date(), language, None, book)


class TestStreams:
    def test_a_city_stream_is_spoken_with_its_own_words_in_each_language(self):
        book = parse_streams(STREAMS)
        leaves = Schedule("A", "leaf_collection", None, (date(2026, 12, 7),))
        now = datetime(2026, 12, 2, 9, tzinfo=ZONE)
        assert spoken([leaves], now, book) == ["Your next leaf collection is Monday, December 7."]
        assert spoken([leaves], now, book, language="es") == [
            "Su próxima recolección de hojas es el lunes, 7 de diciembre."]
        assert book.codes == ("leaf_collection", "trash", "recycling", "yard_waste")

    def test_the_standard_streams_keep_the_catalogs_words(self):
        trash = Schedule("A", "trash", Rule(weekday=3))
        now = datetime(2026, 12, 2, 9, tzinfo=ZONE)
        assert spoken([trash], now, parse_streams(STREAMS)) == [
            "Your next trash pickup is tomorrow, Thursday, December 3."]

    @pytest.mark.parametrize(("text", "problem"), [
        ("streams:\n  - code: Leaf Collection\n    en: leaf\n", "must be 1-16 lower-case letters"),
        ("streams:\n  - code: bulk\n", "bulk needs its English words"),
        ("streams:\n  - code: bulk\n    en: {name: bulk, colour: red}\n", "en.colour: is not one of"),
        ("streams:\n  - {code: bulk, en: bulk}\n  - {code: bulk, en: bulk}\n", "'bulk' is listed twice"),
    ])
    def test_a_bad_streams_file_is_refused_naming_the_field(self, text, problem):
        with pytest.raises(InvalidFile) as refused:
            parse_streams(text)
        assert problem in str(refused.value.errors)

    def test_a_schedule_for_a_stream_the_city_never_named_is_refused(self, database_url, tmp_path):
        schedules = tmp_path / "schedules.csv"
        schedules.write_text("zone,stream,frequency,weekday\nA,leaf_collection,weekly,mon\n")
        refused = cityline(database_url, "import", "schedules", str(schedules))
        assert refused.exit_code == 1 and "stream must be one of trash, recycling, yard_waste" in refused.output
        names = tmp_path / "streams.yaml"
        names.write_text(STREAMS)
        assert cityline(database_url, "import", "streams", str(names)).exit_code == 0
        loaded = cityline(database_url, "import", "schedules", str(schedules))
        assert loaded.exit_code == 0, loaded.output


class TestExtraPickups:
    def test_an_extra_pickup_comes_before_the_next_scheduled_one_and_says_so(self):
        trash = Schedule("A", "trash", Rule(weekday=3))
        extra = ServiceChange("A", "trash", date(2026, 12, 5), extra=True)
        now = datetime(2026, 12, 4, 9, tzinfo=ZONE)
        assert spoken([trash], now, parse_streams(STREAMS), [extra]) == [
            "Your next trash pickup is tomorrow, Saturday, December 5, an extra pickup."]

    def test_an_extra_pickup_on_a_day_already_collected_is_refused(self, database_url, tmp_path):
        schedules = tmp_path / "schedules.csv"
        schedules.write_text("zone,stream,frequency,weekday\nA,trash,weekly,thu\n")
        assert cityline(database_url, "import", "schedules", str(schedules)).exit_code == 0
        same_day = cityline(database_url, "import", "exception", "A", "trash", "2026-12-03", "--extra")
        assert same_day.exit_code == 2 and "already collected on 2026-12-03" in same_day.stderr
        posted = cityline(database_url, "import", "exception", "A", "trash", "2026-12-05", "--extra")
        assert posted.exit_code == 0 and "an extra pickup on 2026-12-05" in posted.output


class TestShapefiles:
    def write_routes(self, base: Path, offset: float = 0.0) -> Path:
        with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as writer:
            writer.field("ROUTE_ID", "C", size=10)
            for route, west in (("R7", -89.65), ("R8", -89.64)):
                ring = [(west + offset, 39.79), (west + offset, 39.80), (west + 0.01 + offset, 39.80),
                        (west + 0.01 + offset, 39.79), (west + offset, 39.79)]
                writer.poly([ring])
                writer.record(route)
        return base.with_suffix(".shp")

    def test_zones_are_read_from_a_shapefile_like_geojson(self, tmp_path):
        zones = parse_zone_shapefile(self.write_routes(tmp_path / "routes"), "ROUTE_ID")
        assert zones.zones == {"R7", "R8"}
        assert zones.zones_at(-89.645, 39.795) == ["R7"] and zones.zones_at(-89.635, 39.795) == ["R8"]

    def test_a_projected_shapefile_is_refused_with_how_to_convert_it(self, tmp_path):
        with pytest.raises(InvalidFile) as refused:
            parse_zone_shapefile(self.write_routes(tmp_path / "mtm", offset=300_000), "ROUTE_ID")
        assert "ogr2ogr -t_srs EPSG:4326" in refused.value.errors[0].message

    def test_address_points_import_takes_a_shapefile(self, database_url, sessions, tmp_path):
        points = tmp_path / "points.csv"
        points.write_text("number,street,zip,latitude,longitude\n125,Elm St,62701,39.795,-89.645\n")
        result = cityline(database_url, "import", "address-points", str(points), "--zones",
                          str(self.write_routes(tmp_path / "routes")), "--zone-property", "ROUTE_ID")
        assert result.exit_code == 0, result.output
        with sessions() as session:
            assert [s.zone for s in sql.SqlDirectory(session).streets_in_zip("62701", 125)[0].segments] == ["R7"]


class TestCanadianAddresses:
    @pytest.mark.parametrize(("text", "house", "street", "code"), [
        ("100 Queen St W, Toronto, ON M5H 2N2", 100, "queen st w", "M5H2N2"),
        ("one hundred queen street west M 5 H 2 N 2", 100, "queen street west", "M5H2N2"),
        ("290 Bremner Blvd, Toronto, ON M5V 3L9", 290, "bremner blvd", "M5V3L9"),
        ("125 Elm St, Springfield, IL 62701", 125, "elm st", "62701"),
    ])
    def test_addresses_with_a_city_province_and_postal_code_are_split(self, text, house, street, code):
        said = parse_address(text)
        assert (said.house, said.street, said.zip) == (house, street, code)

    @pytest.mark.parametrize(("text", "code"), [
        ("M5V 2T6", "M5V2T6"), ("m5v2t6", "M5V2T6"), ("62701-1234", "62701"), ("D5V 2T6", None), ("6270", None)])
    def test_postal_codes_are_read_in_either_country(self, text, code):
        assert postal_code(text) == code

    def test_a_street_range_with_a_postal_code_answers_a_postal_code_lookup(self, database_url, sessions, tmp_path):
        addresses = tmp_path / "addresses.csv"
        addresses.write_text("zip,street,from,to,side,zone\nM5H 2N2,Queen St W,100,198,even,Tuesday1\n"
                             "M5V,Bremner Blvd,200,400,both,Friday1\n")
        result = cityline(database_url, "import", "addresses", str(addresses))
        assert result.exit_code == 0, result.output
        with sessions() as session:
            directory = sql.SqlDirectory(session)
            assert directory.streets_in_zip("M5H2N2", 100)[0].segments[0].zone == "Tuesday1"
            assert directory.streets_in_zip("M5V3L9", 290)[0].segments[0].zone == "Friday1"  # by its area, M5V


class TestToronto:
    def test_the_published_2026_calendar_loads_and_answers_its_dates(self, database_url, sessions):
        assert cityline(database_url, "import", "streams", str(TORONTO / "streams.yaml")).exit_code == 0
        loaded = cityline(database_url, "import", "dates", str(TORONTO / "pickup-schedule-2026.csv"),
                          "--profile", str(TORONTO / "profile.yaml"))
        assert loaded.exit_code == 0, loaded.output
        assert "zone Friday1 christmas_tree: 2 dates, 2026-01-16 to 2026-01-30" in loaded.output
        with sessions() as session:
            schedules = sql.load_schedules(session, "Friday1", date(2025, 12, 20))
            book = sql.load_streams(session)
        ordered = sorted(schedules, key=lambda s: book.rank(s.stream))
        now = datetime(2026, 1, 1, 9, tzinfo=ZONE)  # New Year's Day: Friday1's pickup moved to Saturday, Jan 3
        assert spoken(ordered, now, book) == [
            "Your next green bin collection is Saturday, January 3.",
            "Your next trash pickup is Saturday, January 3.",
            "Your next yard waste pickup is Friday, March 13.",
            "Your next Christmas tree collection is Friday, January 16.",
        ]
