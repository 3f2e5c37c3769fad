"""What the map shows in a view: individual markers when few, server-side clusters when many.

Clusters come from a grid aggregation in SQL (GROUP BY floor(lat / cell), floor(lon / cell)),
so the browser never receives more than MAX_FEATURES features, whatever the table size.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Max, Min, QuerySet
from django.db.models.functions import Floor
from django.urls import reverse

from .models import Initiative

MAX_FEATURES = 2000
# Up to this many points in the view: send them one by one.
MARKER_LIMIT = 400
# Target size of a cluster cell on screen, in pixels (Leaflet tiles are 256 px).
CELL_PX = 64
# Never more than this many cells across a bounding box, whatever its size.
MAX_CELLS_PER_SIDE = 40
MIN_ZOOM, MAX_ZOOM = 0, 22


@dataclass(frozen=True)
class MapView:
    south: float
    west: float
    north: float
    east: float
    zoom: int


def cell_size(view: MapView) -> float:
    """The grid cell in degrees: CELL_PX on screen at this zoom, bounded by the box size."""
    degrees_per_px = 360.0 / (256 * 2**view.zoom)
    by_zoom = CELL_PX * degrees_per_px
    by_box = max(view.east - view.west, view.north - view.south) / MAX_CELLS_PER_SIDE
    return max(by_zoom, by_box, 1e-6)


def _located(queryset: QuerySet[Initiative], view: MapView) -> QuerySet[Initiative]:
    """A plain queryset over the filtered ids (no DISTINCT, no ordering) inside the view."""
    ids = queryset.order_by().values("pk")
    return Initiative.objects.filter(pk__in=ids).in_bbox(
        view.south, view.west, view.north, view.east
    )


def markers(queryset: QuerySet[Initiative], view: MapView, limit: int = MARKER_LIMIT) -> list:
    rows = (
        _located(queryset, view)
        .order_by("name", "pk")
        .values_list("slug", "name", "latitude", "longitude", "commune__name")[:limit]
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "kind": "marker",
                "name": name,
                "commune": commune or "",
                "url": reverse("initiatives:detail", args=[slug]),
            },
        }
        for slug, name, lat, lon, commune in rows
    ]


def clusters(queryset: QuerySet[Initiative], view: MapView) -> list:
    cell = cell_size(view)
    rows = (
        _located(queryset, view)
        .annotate(
            gy=Floor(F("latitude") / cell, output_field=FloatField()),
            gx=Floor(F("longitude") / cell, output_field=FloatField()),
        )
        .values("gy", "gx")
        .annotate(
            n=Count("pk"),
            lat=Avg("latitude"),
            lon=Avg("longitude"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
        .order_by("-n", "gy", "gx")[:MAX_FEATURES]
    )
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {
                "kind": "cluster",
                "count": row["n"],
                "bbox": [row["west"], row["south"], row["east"], row["north"]],
            },
        }
        for row in rows
    ]


def map_features(queryset: QuerySet[Initiative], view: MapView) -> dict:
    """A GeoJSON FeatureCollection of markers (few points) or clusters (many)."""
    first = markers(queryset, view, limit=MARKER_LIMIT + 1)
    if len(first) <= MARKER_LIMIT:
        features, mode = first, "markers"
    else:
        features, mode = clusters(queryset, view), "clusters"
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "zoom": view.zoom,
        "features": features[:MAX_FEATURES],
    }


def map_config(**extra) -> dict:
    """Settings for static/initiatives/js/map.js, passed through json_script."""
    centre = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (44.85, 4.85))
    config = {
        "tilesUrl": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "center": list(centre),
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM", 8),
        "minZoom": settings.LEAFLET_CONFIG.get("MIN_ZOOM", 3),
        "maxZoom": settings.LEAFLET_CONFIG.get("MAX_ZOOM", 18),
        "api": reverse("api-map"),
    }
    config.update(extra)
    return config


def radius_bounds(lat: float, lon: float, radius_km: float) -> list[float]:
    """[west, south, east, north] around a circle, for fitting the map to a 'near' search."""
    dlat = radius_km / 111.32
    dlon = radius_km / (111.32 * max(math.cos(math.radians(lat)), 0.01))
    return [lon - dlon, lat - dlat, lon + dlon, lat + dlat]
