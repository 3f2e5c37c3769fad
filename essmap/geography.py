"""Plain geometry shared by both apps: distances and boxes on the sphere (no GeoDjango)."""

import math

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = 111.32


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box that contains the circle of radius_km around a point."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180.0)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


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


def contains(geometry: dict | None, lat: float, lon: float) -> bool:
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
