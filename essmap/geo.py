"""Geography of the whole project: one bounding-box type, distances, GeoJSON boxes, map settings.

No GeoDjango: points are `latitude`/`longitude` columns, territories are administrative
(commune → interco) with GeoJSON contours, and "near" is a box filter on the indexed columns,
then haversine.

ONE coordinate order for boxes: `BBox(west, south, east, north)`, i.e. (min longitude, min
latitude, max longitude, max latitude) in WGS 84 degrees. It is the order of RFC 7946 §5
(GeoJSON `bbox`), of Leaflet's `toBBoxString()`, of the map settings' `bounds` and of the
public API parameter `bbox=west,south,east,north` (docs/api.md). Build boxes by name
(`BBox(west=…, south=…, east=…, north=…)`) or with the constructors below; never unpack a
box positionally into another order. Points are passed as `lat, lon` keyword-friendly pairs
in Python; GeoJSON positions are `[lon, lat]` (RFC 7946 §3.1.1).

Use:
- `BBox.parse("4.6,44.5,5.4,45.0")`: the public parameter (ValueError with a French message).
- `BBox.around(lat, lon, radius_km)`: the box holding a circle ("near", map fitting).
- `BBox.of_geometry(geojson)`: the box of a GeoJSON geometry or Feature (contours).
- `box.contains(lat, lon, margin=…)`, `box.snapped(cell)`, `box.clamp(lat, lon)`.
- `polygon_contains(geojson, lat, lon)`: point in a Polygon/MultiPolygon (even-odd).
- `haversine_km(...)` in Python, `distance_expression(lat, lon)` in SQL (annotations).
- `map_config(**extra)`: the settings every Leaflet map of the site reads (json_script).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from django.conf import settings
from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.urls import reverse
from django.utils.translation import gettext as _

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32


class BBox(NamedTuple):
    """A box in degrees, (west, south, east, north): the order of RFC 7946 and of the API."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """'west,south,east,north' (the public `bbox` parameter); ValueError says what is wrong."""
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError(_("Quatre nombres attendus : ouest,sud,est,nord."))
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise ValueError(_("Coordonnées non numériques.")) from None
        if not (
            -180 <= west <= 180
            and -180 <= east <= 180
            and -90 <= south <= 90
            and -90 <= north <= 90
        ):
            raise ValueError(_("Coordonnées hors limites."))
        if south > north or west > east:
            raise ValueError(_("Boîte inversée : ouest ≤ est et sud ≤ nord attendus."))
        return cls(west=west, south=south, east=east, north=north)

    @classmethod
    def around(cls, lat: float, lon: float, radius_km: float) -> BBox:
        """A box that contains the circle of radius_km around a point."""
        dlat = radius_km / KM_PER_DEGREE_LAT
        cos_lat = max(math.cos(math.radians(lat)), 0.01)
        dlon = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180.0)
        return cls(west=lon - dlon, south=lat - dlat, east=lon + dlon, north=lat + dlat)

    @classmethod
    def of_geometry(cls, geometry) -> BBox | None:
        """The box of a GeoJSON geometry (or Feature), or None if it has no position."""
        if not isinstance(geometry, dict):
            return None
        if geometry.get("type") == "Feature":
            geometry = geometry.get("geometry") or {}
        points = list(_positions(geometry.get("coordinates")))
        if not points:
            return None
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        return cls(west=min(lons), south=min(lats), east=max(lons), north=max(lats))

    def contains(self, lat: float, lon: float, margin: float = 0.0) -> bool:
        return (
            self.south - margin <= lat <= self.north + margin
            and self.west - margin <= lon <= self.east + margin
        )

    def clamp(self, lat: float, lon: float) -> tuple[float, float]:
        """(lat, lon) moved inside the box."""
        return min(max(lat, self.south), self.north), min(max(lon, self.west), self.east)

    def snapped(self, cell: float) -> BBox:
        """The box widened to whole grid cells of `cell` degrees (within the world's limits)."""
        return BBox(
            west=max(math.floor(self.west / cell) * cell, -180.0),
            south=max(math.floor(self.south / cell) * cell, -90.0),
            east=min(math.ceil(self.east / cell) * cell, 180.0),
            north=min(math.ceil(self.north / cell) * cell, 90.0),
        )


# Metropolitan France and Corsica, with a small margin (plausibility of a point).
FRANCE = BBox(west=-5.6, south=41.2, east=9.8, north=51.3)


def _positions(coords):
    if coords and isinstance(coords[0], int | float):
        yield coords
        return
    for part in coords or ():
        yield from _positions(part)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_expression(lat: float, lon: float, *, lat_field="latitude", lon_field="longitude"):
    """Haversine distance in km from (lat, lon) to the row's point, as a SQL expression."""
    lat_r = Value(math.radians(lat), output_field=FloatField())
    cos_lat = Value(math.cos(math.radians(lat)), output_field=FloatField())
    lon_r = Value(math.radians(lon), output_field=FloatField())
    dlat = (Radians(F(lat_field)) - lat_r) / 2
    dlon = (Radians(F(lon_field)) - lon_r) / 2
    a = Power(Sin(dlat), 2) + cos_lat * Cos(Radians(F(lat_field))) * Power(Sin(dlon), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(Sqrt(a))


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def polygon_contains(geometry: dict | None, lat: float, lon: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon contains the point (even-odd rule)."""
    if not geometry:
        return False
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for rings in polygons:
        if (
            rings
            and _in_ring(lon, lat, rings[0])
            and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
        ):
            return True
    return False


def map_config(**extra) -> dict:
    """Settings for the site's Leaflet maps (static/initiatives/js/mapcore.js), via json_script.

    `extra` adds or overrides keys: `mode`, `bounds` (a BBox or [west, south, east, north]),
    `center` ([lat, lon]), `zoom`, `filters`, `contour`, `point`…
    """
    leaflet = settings.LEAFLET_CONFIG
    config = {
        "tilesUrl": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "center": list(leaflet.get("DEFAULT_CENTER", (44.85, 4.85))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 8),
        "minZoom": leaflet.get("MIN_ZOOM", 3),
        "maxZoom": leaflet.get("MAX_ZOOM", 18),
        "api": reverse("api-map"),
    }
    config.update(extra)
    if isinstance(config.get("bounds"), BBox):
        config["bounds"] = list(config["bounds"])
    return config


# Leaflet's default marker images (django-leaflet's copy). Leaflet finds them from
# leaflet.css's own path, which fails under hashed static names (leaflet.<hash>.css): the
# pages that use an image marker get their URLs from here, through static().
MARKER_IMAGES = {
    "iconUrl": "leaflet/images/marker-icon.png",
    "iconRetinaUrl": "leaflet/images/marker-icon-2x.png",
    "shadowUrl": "leaflet/images/marker-shadow.png",
}


def marker_icon() -> dict[str, str]:
    """{Leaflet icon option: URL} of the default marker images, as the static storage names
    them (hashed by the manifest storage in production)."""
    from django.templatetags.static import static

    return {option: static(name) for option, name in MARKER_IMAGES.items()}
