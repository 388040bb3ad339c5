"""Collection zones as the city publishes them: polygons in a GeoJSON file, found by point-in-polygon (shapely).

Many cities publish their routes as a map layer (GeoJSON exported from their
GIS, one feature per route) rather than as street ranges.  Each feature's
`zone_property` names its zone; an address point is in the zone whose polygon
contains it.  A point on the shared edge of two zones, or in none, is reported
rather than guessed: the city fixes its data, callers never hear a wrong day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from shapely import STRtree
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.validation import explain_validity

from ivr.self_service.collection import csv_rows
from ivr.self_service.collection.errors import InvalidFile, Problems, RowError

DEFAULT_ZONE_PROPERTY = "zone"


@dataclass(frozen=True)
class ZoneShape:
    zone: str
    area: Polygon | MultiPolygon


class ZoneMap:
    """The city's zone polygons, indexed (an R-tree) so each lookup tests only the nearby ones."""

    def __init__(self, shapes: Iterable[ZoneShape]) -> None:
        self.shapes = tuple(shapes)
        self._tree = STRtree([each.area for each in self.shapes])

    @property
    def zones(self) -> frozenset[str]:
        return frozenset(each.zone for each in self.shapes)

    def zones_at(self, longitude: float, latitude: float) -> list[str]:
        """Every zone whose polygon covers the point (its edge included): one, none, or several on a border."""
        point = Point(longitude, latitude)
        found = self._tree.query(point, predicate="covered_by")
        return sorted({self.shapes[index].zone for index in found})


def parse_zone_shapes(text: str, zone_property: str = DEFAULT_ZONE_PROPERTY) -> ZoneMap:
    """The zones of a GeoJSON FeatureCollection; raises InvalidFile naming each bad feature (by position)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidFile([RowError(error.lineno, f"is not valid JSON ({error.msg})")]) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise InvalidFile([RowError(1, "must be a GeoJSON FeatureCollection with at least one feature")])
    return zone_map(features, zone_property)


def zone_map(features: list[object], zone_property: str = DEFAULT_ZONE_PROPERTY) -> ZoneMap:
    """The zones of GeoJSON-like features (a parsed file, or a shapefile's `__geo_interface__`)."""
    problems = Problems()
    shapes = [found for number, feature in enumerate(features, 1)
              if (found := _shape(number, feature, zone_property, problems)) is not None]
    problems.raise_if_any()
    return ZoneMap(shapes)


def _shape(number: int, feature: object, zone_property: str, problems: Problems) -> ZoneShape | None:
    # GeoJSON has no line numbers once parsed; the feature's position is what a GIS user can find.
    where = number
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        problems.add(where, f"feature {number} has no geometry")
        return None
    properties = feature.get("properties") or {}
    raw_zone = str(properties.get(zone_property, "")).strip() if isinstance(properties, dict) else ""
    try:
        zone = csv_rows.zone_code(raw_zone, f"feature {number}'s {zone_property!r} property")
    except ValueError as error:
        problems.add(where, str(error))
        return None
    try:
        area = shape(feature["geometry"])
    except (GEOSException, ValueError, TypeError, KeyError, AttributeError) as error:
        problems.add(where, f"feature {number} (zone {zone}) has a geometry shapely cannot read ({error})")
        return None
    if not isinstance(area, Polygon | MultiPolygon):
        problems.add(where, f"feature {number} (zone {zone}) is a {area.geom_type}, not a Polygon or MultiPolygon")
        return None
    if not area.is_valid:
        problems.add(where, f"feature {number} (zone {zone}) is not a valid polygon: {explain_validity(area)}")
        return None
    return ZoneShape(zone, area)
