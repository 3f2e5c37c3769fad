"""What the map shows in a view: individual markers when few, server-side clusters when many.

Clusters come from a grid aggregation in SQL (GROUP BY floor(lat / cell), floor(lon / cell)),
so the browser never receives more than MAX_FEATURES features, whatever the table size.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Floor

from essmap.cache import cached
from essmap.geo import BBox
from intercos.models import Interco

from .models import Initiative, Theme
from .representation import area_feature, marker_feature
from .visibility import shown

MAX_FEATURES = 2000
# Up to this many points in the view: send them one by one.
MARKER_LIMIT = 400
# Intercos shown as served territories in one view (there are about 1,250 in France).
MAX_AREAS = 400
# Target size of a cluster cell on screen, in pixels (Leaflet tiles are 256 px).
CELL_PX = 64
# Never more than this many cells across a bounding box, whatever its size.
MAX_CELLS_PER_SIDE = 40
MIN_ZOOM, MAX_ZOOM = 0, 22
# Near a place: the initiatives named in a territory's feature (its popup), at most.
AREA_MEMBERS = 20


@dataclass(frozen=True)
class MapView:
    """What the map shows: a box (essmap.geo.BBox, west-south-east-north) at a zoom level."""

    box: BBox
    zoom: int


def cell_size(view: MapView) -> float:
    """The grid cell in degrees: CELL_PX on screen at this zoom, bounded by the box size."""
    degrees_per_px = 360.0 / (256 * 2**view.zoom)
    by_zoom = CELL_PX * degrees_per_px
    box = view.box
    by_box = max(box.east - box.west, box.north - box.south) / MAX_CELLS_PER_SIDE
    return max(by_zoom, by_box, 1e-6)


def _located(queryset: QuerySet[Initiative], view: MapView) -> QuerySet[Initiative]:
    """The filtered set inside the view, unordered, filtered directly.

    No `id IN (SELECT id …)` over the filtered set: that semi-join made PostgreSQL collect
    every published id before looking at the box (~0.3 s at 250,000 rows). Filters never
    duplicate rows (themes and intercos are EXISTS subqueries), so counts stay exact.
    """
    return queryset.order_by().in_bbox(view.box)


def _in_view_at_most(queryset: QuerySet[Initiative], view: MapView, limit: int) -> int:
    """How many points the view holds, counting no further than `limit` (no ORDER BY)."""
    return len(_located(queryset, view).values_list("pk", flat=True)[:limit])


def _first_theme():
    """The slug of an initiative's first theme (its marker's colour and icon)."""
    tagged = Initiative.themes.through.objects.filter(initiative=OuterRef("pk"))
    return Subquery(tagged.order_by("theme__position", "theme__name").values("theme__slug")[:1])


def markers(queryset: QuerySet[Initiative], view: MapView, limit: int = MARKER_LIMIT) -> list:
    rows = (
        _located(queryset, view)
        .annotate(theme=_first_theme())
        .order_by("name", "pk")
        .values_list(
            "slug", "name", "latitude", "longitude", "commune__name", "theme", "approximate_point"
        )[:limit]
    )
    return [
        marker_feature(
            slug=slug, name=name, lat=lat, lon=lon, commune=commune, theme=theme,
            approximate=approximate,
        )
        for slug, name, lat, lon, commune, theme, approximate in rows
    ]  # fmt: skip


def areas(queryset: QuerySet[Initiative], view: MapView, limit: int = MAX_AREAS) -> list:
    """One feature per interco whose centre is in view and that the set's initiatives serve.

    Territory-wide initiatives have no single place: the map shows those without a point at
    the centre of each interco they cover, with how many, linked to the list of that
    territory (one with a point is its marker: never also a territory). An indexed join:
    intercos in the box, their coverage rows, the filtered initiatives by key.
    """
    box = view.box
    rows = (
        Initiative.coverage.through.objects.filter(
            initiative__in=queryset.order_by().values("pk"),
            initiative__latitude__isnull=True,
            interco__centre_lat__gte=box.south,
            interco__centre_lat__lte=box.north,
            interco__centre_lon__gte=box.west,
            interco__centre_lon__lte=box.east,
        )
        .values("interco", "interco__name", "interco__centre_lat", "interco__centre_lon")
        .annotate(n=Count("*"))
        .order_by("-n", "interco")[:limit]
    )
    return [
        area_feature(
            siren=row["interco"], name=row["interco__name"], count=row["n"],
            lat=row["interco__centre_lat"], lon=row["interco__centre_lon"],
        )
        for row in rows
    ]  # fmt: skip


def every_area() -> list[dict]:
    """Every interco the published initiatives without a point serve, with how many.

    One grouped join over the coverage table, kept in the shared cache (invalidated by every
    write): the map without filters (most views) then picks the intercos in view in Python.
    """
    return list(
        Initiative.coverage.through.objects.filter(
            shown("initiative__"),
            initiative__latitude__isnull=True,
            interco__centre_lat__isnull=False,
        )
        .values("interco", "interco__name", "interco__centre_lat", "interco__centre_lon")
        .annotate(n=Count("*"))
        .order_by("-n", "interco")
    )


def areas_in_view(rows: list[dict], view: MapView, limit: int = MAX_AREAS) -> list:
    """The whole set's areas (every_area) whose interco centre is in view, as areas() gives."""
    box = view.box
    return [
        area_feature(
            siren=row["interco"], name=row["interco__name"], count=row["n"],
            lat=row["interco__centre_lat"], lon=row["interco__centre_lon"],
        )
        for row in rows
        if box.south <= row["interco__centre_lat"] <= box.north
        and box.west <= row["interco__centre_lon"] <= box.east
    ][:limit]  # fmt: skip


def near_areas(queryset: QuerySet[Initiative], place) -> list:
    """Near a place: the territory matches, each once, at the interco it is listed for.

    `queryset` is a "near" search's set (NearResults.queryset(): annotated `distance_km` and
    `served_interco`, the one decision of initiatives/near_results.py): the
    initiatives without a point within the radius are there because they serve the place's
    interco (reason "home") or an interco reaching into the circle ("reach"). Each is counted
    at that one interco, whatever the view (they are few: the intercos meeting the circle),
    and the feature names up to AREA_MEMBERS of them (name and page).
    """
    home = place.home_interco
    intercos = sorted({*place.reach_intercos(), *([home] if home else [])})
    if not intercos:
        return []
    territory = (
        queryset.order_by()
        .filter(Q(distance_km__isnull=True) | Q(distance_km__gt=place.radius))
        .annotate(area=F("served_interco"))
    )
    counts = dict(territory.values("area").annotate(n=Count("pk")).values_list("area", "n"))
    members: dict[str, list] = {}
    for area, slug, name in territory.order_by("search_name", "pk").values_list(
        "area", "slug", "name"
    )[:MAX_FEATURES]:
        named = members.setdefault(area, [])
        if len(named) < AREA_MEMBERS:
            named.append({"name": name, "url": Initiative.path_for(slug)})
    features = []
    # served_interco is the interco's name (as the list shows it), among this search's intercos.
    rows = Interco.objects.filter(
        pk__in=intercos, name__in=counts, centre_lat__isnull=False
    ).order_by("name")
    for interco in rows.only("pk", "name", "centre_lat", "centre_lon"):
        feature = area_feature(
            siren=interco.pk, name=interco.name, count=counts[interco.name],
            lat=interco.centre_lat, lon=interco.centre_lon,
        )  # fmt: skip
        feature["properties"]["reason"] = "home" if interco.pk == home else "reach"
        feature["properties"]["initiatives"] = members.get(interco.name, [])
        features.append(feature)
    return features[:MAX_AREAS]


def snapped(view: MapView, cell: float) -> MapView:
    """The view widened to whole grid cells: every point of a cell it touches is counted.

    Nearby views of a zoom level share one snapped box, so one cached answer serves them.
    """
    return MapView(box=view.box.snapped(cell), zoom=view.zoom)


def clusters(queryset: QuerySet[Initiative], view: MapView, cell: float | None = None) -> list:
    cell = cell or cell_size(view)
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


def cluster_cache_key(view: MapView, filters: Mapping | None) -> dict:
    """What a clusters answer depends on: zoom, the grid-snapped box and the filters."""
    cell = cell_size(view)
    box = snapped(view, cell)
    return {
        "filters": [(k, sorted(map(str, v))) for k, v in sorted((filters or {}).items())],
        "zoom": view.zoom,
        "cell": repr(cell),
        "box": [round(v / cell) for v in box.box],
    }


def map_features(
    queryset: QuerySet[Initiative],
    view: MapView,
    filters: Mapping | None = None,
    place=None,
) -> dict:
    """A GeoJSON FeatureCollection of markers (few points) or clusters (many).

    Near a place (`place`, the FilterSet's: `queryset` is then a "near" search's set), the
    map shows what the list shows, each initiative once: its point when within the radius,
    else the one territory it is listed for (near_areas); never a point outside the radius.

    Markers when the view holds at most MARKER_LIMIT points (a LIMIT probe decides, cheap
    whatever the table size). Clusters are computed over the view snapped to the grid and
    cached in the shared cache (essmap.cache: invalidated by every write) under the zoom,
    the snapped box and `filters` (the request's filter parameters, which must determine
    `queryset`). Without `filters`, clusters are computed over the view as it is, uncached.
    """
    if place is not None:
        return _near_features(queryset, view, filters, place)
    if _in_view_at_most(queryset, view, MARKER_LIMIT + 1) <= MARKER_LIMIT:
        features, mode = markers(queryset, view, limit=MARKER_LIMIT), "markers"
        served = (
            areas_in_view(cached("map-areas-all", None, every_area), view)
            if filters == {}  # no filter at all: the whole set's areas, those in view
            else areas(queryset, view)
        )
    elif filters is None:  # the caller does not vouch for the queryset: no cache
        features, mode = clusters(queryset, view), "clusters"
        served = areas(queryset, view)
    else:
        cell = cell_size(view)
        box = snapped(view, cell)
        key = cluster_cache_key(view, filters)
        features = cached("map-clusters", key, lambda: clusters(queryset, box, cell))
        if filters:
            served = cached("map-areas", key, lambda: areas(queryset, box))
        else:  # the whole set: its areas once, then those in view (features kept per view)
            served = cached(
                "map-areas",
                key,
                lambda: areas_in_view(cached("map-areas-all", None, every_area), box),
            )
        mode = "clusters"
    # Served territories first: never dropped for points; never more than MAX_FEATURES.
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "zoom": view.zoom,
        "features": (served + features)[:MAX_FEATURES],
    }


def _near_features(queryset, view: MapView, filters: Mapping | None, place) -> dict:
    points = queryset.filter(distance_km__lte=place.radius)
    if _in_view_at_most(points, view, MARKER_LIMIT + 1) <= MARKER_LIMIT:
        features, mode = markers(points, view, limit=MARKER_LIMIT), "markers"
    elif filters is None:
        features, mode = clusters(points, view), "clusters"
    else:
        cell = cell_size(view)
        box = snapped(view, cell)
        key = cluster_cache_key(view, filters)
        features = cached("map-near-clusters", key, lambda: clusters(points, box, cell))
        mode = "clusters"
    if filters:  # the filter parameters determine the set: cached until a write
        key = {"filters": [(k, sorted(map(str, v))) for k, v in sorted(filters.items())]}
        served = cached("map-near-areas", key, lambda: near_areas(queryset, place))
    else:
        served = near_areas(queryset, place)
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "zoom": view.zoom,
        "features": (served + features)[:MAX_FEATURES],
    }


def theme_legend() -> list[dict]:
    """Each theme's slug, label, colour and icon name, for the map's markers and legend."""
    return [
        {"slug": t.slug, "label": t.label, "colour": t.colour, "icon": t.icon}
        for t in Theme.objects.order_by("position", "name")
    ]
