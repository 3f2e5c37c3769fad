"""The map endpoint: markers when few, SQL grid clusters when many, never > 2000 features."""

import pytest

from essmap.geo import BBox
from initiatives import map as map_module
from initiatives.map import MAX_FEATURES, MapView, cell_size, clusters, map_features
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db

DROME = "4.6,44.3,5.6,45.2"


def grid(n: int, south=44.4, west=4.7, step=0.01, **kw):
    theme = factories.theme()
    side = int(n**0.5) + 1
    for i in range(n):
        factories.initiative(
            name=f"P{i:05d}",
            latitude=south + (i // side) * step,
            longitude=west + (i % side) * step,
            themes=[theme],
            **kw,
        )


def test_few_points_come_as_escaped_markers(client):
    factories.initiative(
        name='<img src=x onerror="alert(1)">', latitude=44.73, longitude=5.02, slug="evil"
    )
    factories.initiative(name="Hors zone", latitude=48.85, longitude=2.35)
    factories.initiative(name="Brouillon", latitude=44.7, longitude=5.0, status="draft")
    response = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 12})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["mode"] == "markers"
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.02, 44.73]}
    assert feature["properties"]["name"] == '<img src=x onerror="alert(1)">'
    assert feature["properties"]["url"] == "/initiatives/evil/"
    assert response["Content-Type"].startswith("application/json")


def test_many_points_come_as_clusters_that_add_up(client, monkeypatch):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 20)
    grid(60)
    data = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 8}).json()
    assert data["mode"] == "clusters"
    assert sum(f["properties"]["count"] for f in data["features"]) == 60
    assert len(data["features"]) < 60
    for f in data["features"]:
        west, south, east, north = f["properties"]["bbox"]
        lon, lat = f["geometry"]["coordinates"]
        assert west <= lon <= east and south <= lat <= north


def test_clusters_split_when_zooming_in(monkeypatch):
    grid(100, step=0.02)
    qs = Initiative.objects.published()
    wide = clusters(qs, MapView(BBox(west=4.6, south=44.3, east=5.6, north=45.2), 7))
    close = clusters(qs, MapView(BBox(west=4.6, south=44.3, east=5.6, north=45.2), 11))
    assert len(close) > len(wide)
    assert sum(c["properties"]["count"] for c in close) == 100


def test_map_applies_the_directory_filters(client, monkeypatch):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 5)
    grid(12)
    factories.initiative(
        name="Énergie Solidaire", latitude=44.73, longitude=5.02, legal_form="scic"
    )
    data = client.get(
        "/api/v1/map/", {"bbox": DROME, "zoom": 10, "q": "energie", "legal_form": "scic"}
    ).json()
    assert data["mode"] == "markers"
    assert [f["properties"]["name"] for f in data["features"]] == ["Énergie Solidaire"]
    # Theme filter (a join) does not inflate cluster counts.
    data = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 6, "theme": "energie"}).json()
    assert sum(f["properties"].get("count", 1) for f in data["features"]) == 12


def test_cell_size_bounds_the_number_of_features():
    # A whole-world box at a deep zoom still makes at most 41 x 41 cells.
    view = MapView(BBox(west=-180, south=-90, east=180, north=90), 22)
    cell = cell_size(view)
    assert (360 / cell + 1) * (180 / cell + 1) <= MAX_FEATURES


def test_never_more_than_max_features(monkeypatch):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 3)
    monkeypatch.setattr(map_module, "MAX_FEATURES", 4)
    grid(30, step=0.05)
    data = map_features(
        Initiative.objects.published(),
        MapView(BBox(west=4.6, south=44.3, east=5.6, north=45.2), 14),
    )
    assert data["mode"] == "clusters"
    assert len(data["features"]) <= 4


@pytest.mark.parametrize(
    "params,field",
    [
        ({"zoom": 8}, "bbox"),
        ({"bbox": DROME}, "zoom"),
        ({"bbox": "a,b,c,d", "zoom": 8}, "bbox"),
        ({"bbox": "5,45,4,44", "zoom": 8}, "bbox"),
        ({"bbox": DROME, "zoom": 99}, "zoom"),
        ({"bbox": DROME, "zoom": "x"}, "zoom"),
        ({"bbox": DROME, "zoom": 8, "radius": "abc"}, "radius"),
        ({"bbox": DROME, "zoom": 8, "theme": "nope"}, "theme"),
    ],
)
def test_bad_parameters_give_400_with_json_errors(client, params, field):
    response = client.get("/api/v1/map/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]


def test_map_query_count_is_bounded(client, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 5)
    grid(20)
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/map/", {"bbox": DROME, "zoom": 9}).status_code == 200


def test_map_endpoint_is_documented():
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    [(path, regex, method, view)] = [
        e for e in generator._get_paths_and_endpoints() if e[0] == "/api/v1/map/"
    ]
    operation = view.schema.get_operation(path, regex, "", method, generator.registry)
    names = {p["name"] for p in operation["parameters"]}
    assert {"bbox", "zoom", "q", "theme", "interco", "lat", "lon", "radius", "near"} <= names
    assert "200" in operation["responses"] and "400" in operation["responses"]
    assert operation["operationId"] == "map_features"


def test_clusters_are_cached_until_a_write(
    client, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 5)
    grid(20)
    params = {"bbox": DROME, "zoom": 9}
    first = client.get("/api/v1/map/", params).json()
    assert first["mode"] == "clusters"
    # A nearby view at the same zoom snaps to the same grid box: the count probe only.
    nearby = {"bbox": "4.61,44.31,5.59,45.19", "zoom": 9}
    with django_assert_num_queries(1):
        assert client.get("/api/v1/map/", nearby).json() == first
    with django_capture_on_commit_callbacks(execute=True):  # a write invalidates the cache
        factories.initiative(name="Nouvelle", latitude=44.5, longitude=4.9)
    again = client.get("/api/v1/map/", params).json()
    assert sum(f["properties"]["count"] for f in again["features"]) == 21


def test_cached_clusters_depend_on_the_filters(client, monkeypatch):
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 2)
    grid(10)
    factories.theme(slug="autre", name="Autre")
    for i in range(4):
        factories.initiative(name=f"Q{i}", latitude=44.6, longitude=5.0, legal_form="scic")
    everything = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 8}).json()
    scic = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 8, "legal_form": "scic"}).json()
    assert sum(f["properties"]["count"] for f in everything["features"]) == 14
    assert sum(f["properties"]["count"] for f in scic["features"]) == 4


def test_clusters_count_whole_grid_cells_around_the_view(client, monkeypatch):
    """Clusters cover the view snapped outward to the grid: a cell is never cut in two."""
    monkeypatch.setattr(map_module, "MARKER_LIMIT", 2)
    grid(9, south=44.50, west=4.90, step=0.001)  # a tight group near the view's edge
    view = MapView(BBox(west=4.9005, south=44.5005, east=5.5, north=45.0), 8)
    cell = cell_size(view)
    box = map_module.snapped(view, cell).box
    assert box.south <= 44.50 and box.west <= 4.90
    data = client.get("/api/v1/map/", {"bbox": "4.9005,44.5005,5.5,45.0", "zoom": 8}).json()
    assert data["mode"] == "clusters"
    assert sum(f["properties"]["count"] for f in data["features"]) == 9


# --- under the API's mixin like every other view ---------------------------------------------
def test_map_answers_304_to_a_matching_if_none_match(client):
    grid(3)
    params = {"bbox": DROME, "zoom": 9}
    first = client.get("/api/v1/map/", params)
    assert first.status_code == 200
    assert first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    again = client.get("/api/v1/map/", params, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/map/", {**params, "zoom": 10}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def test_map_errors_use_the_api_error_body(client):
    response = client.get("/api/v1/map/", {"bbox": "5,45,4,44", "zoom": 99})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"] and not response.has_header("ETag")
    body = response.json()
    assert set(body) == {"errors", "detail"}
    assert set(body["errors"]) == {"bbox", "zoom"}
    # French messages carry French typography (no-break space before ":").
    assert body["errors"]["bbox"] == ["Boîte inversée\u00a0: ouest ≤ est et sud ≤ nord attendus."]
    assert body["detail"] == "Paramètre(s) invalide(s)\u00a0: bbox, zoom."
    nul = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 9, "q": "a\x00b"})
    assert nul.status_code == 400 and "q" in nul.json()["errors"]


def test_whole_set_areas_agree_with_the_indexed_areas(client, monkeypatch):
    """Without filters the map takes the served territories from the whole set's list
    (map.every_area, cached): the same features as the per-view query (map.areas), drafts
    left out, in every mode."""
    home, away = (factories.interco(centre_lat=44.7 + d, centre_lon=5.0) for d in (0, 0.3))
    elsewhere = factories.interco(centre_lat=48.8, centre_lon=2.3)
    for n, served in enumerate([[home], [home, away], [away], [elsewhere], [home]]):
        factories.initiative(name=f"Réseau {n}", coverage=served)
    factories.initiative(name="Brouillon", coverage=[home, away], status="draft")
    grid(30)
    view = MapView(box=BBox.parse(DROME), zoom=9)
    published = Initiative.objects.published()
    expected = map_module.areas(published, view)
    assert [f["properties"]["count"] for f in expected] == [3, 2]
    assert map_module.areas_in_view(map_module.every_area(), view) == expected
    for limit in (1000, 5):  # markers, then clusters
        monkeypatch.setattr(map_module, "MARKER_LIMIT", limit)
        body = client.get("/api/v1/map/", {"bbox": DROME, "zoom": 9}).json()
        served = [f for f in body["features"] if f["properties"]["kind"] == "area"]
        assert served == expected
