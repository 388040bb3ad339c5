"""Collection zones published as an ESRI shapefile, read with pyshp (the `shapefile` module, pure Python).

Many GIS departments publish routes as a shapefile (`routes.shp` with its
`.dbf` of attributes beside it, often zipped) rather than GeoJSON.  Each record
becomes a GeoJSON-like feature and goes through exactly the checks of
`zone_shapes` (the same `zone_property`, from the same import profile).

Coordinates must be longitude and latitude (WGS 84), as in GeoJSON: a shapefile
in a projected system (Toronto's MTM zone 3, a US State Plane) is refused with
the command that converts it, since a caller's point would otherwise fall in no zone.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import shapefile

from ivr.self_service.collection.errors import InvalidFile, RowError
from ivr.self_service.collection.zone_shapes import DEFAULT_ZONE_PROPERTY, ZoneMap, zone_map

logger = logging.getLogger(__name__)
REPROJECT = "convert it with: ogr2ogr -t_srs EPSG:4326 routes-wgs84.shp routes.shp"


def parse_zone_shapefile(path: Path, zone_property: str = DEFAULT_ZONE_PROPERTY) -> ZoneMap:
    """The zones of a shapefile (.shp beside its .dbf, or a .zip holding them); raises InvalidFile.

    pyshp's warnings about a file it can read but doubts (a .dbf longer than its header says, as some tools
    write them) are logged, not raised: the records it reads are checked below all the same."""
    try:
        with warnings.catch_warnings(record=True) as noticed:
            warnings.simplefilter("always")
            with shapefile.Reader(str(path)) as reader:
                features = [record.__geo_interface__ for record in reader.iterShapeRecords()]
                bbox = list(reader.bbox) if len(reader) else []
    except (shapefile.ShapefileException, OSError, ValueError, UnicodeDecodeError) as error:
        raise InvalidFile([RowError(1, f"is not a shapefile pyshp can read ({error})")]) from None
    for warning in noticed:
        logger.warning("shapefile %s: %s", path, warning.message)
    if not features:
        raise InvalidFile([RowError(1, "the shapefile has no shapes")])
    if bbox and not (-180 <= bbox[0] <= bbox[2] <= 180 and -90 <= bbox[1] <= bbox[3] <= 90):
        raise InvalidFile([RowError(1, f"coordinates {bbox[:2]} are not longitude and latitude (the shapefile is "
                                       f"in a projected coordinate system); {REPROJECT}")])
    return zone_map(features, zone_property)
