"""The map endpoint near a place: what the list shows, each initiative once, nothing beyond."""

import pytest
from django.http import QueryDict

from initiatives.selectors import initiative_filter
from tests import factories

pytestmark = pytest.mark.django_db

# A view around the place, as the directory's map fits it, and wider than the radius.
VIEW = {"bbox": "3.9,44.6,5.4,45.4", "zoom": 9}


@pytest.fixture
def around_lamastre():
    """Lamastre (home interco A), a commune of B in the radius, C far away; five initiatives."""
    a = factories.interco(name="CC Pays de Lamastre", centre_lat=44.98, centre_lon=4.56)
    b = factories.interco(name="CC Val d'Eyrieux", centre_lat=44.86, centre_lon=4.45)
    c = factories.interco(name="CC Lointaine", centre_lat=44.30, centre_lon=5.30)
    lamastre = factories.commune(
        name="Lamastre", interco=a, centre_lat=44.9867, centre_lon=4.5806, postcodes="07270"
    )
    factories.commune(name="Le Cheylard", interco=b, centre_lat=44.9070, centre_lon=4.4240)
    factories.commune(name="Nyons", interco=c, centre_lat=44.3600, centre_lon=5.1400)
    made = {
        # A point in the radius that also serves A: its marker only.
        "office": factories.initiative(
            name="Bureau à Lamastre", commune=lamastre, latitude=44.9867, longitude=4.5806,
            coverage=[a],
        ),
        # A point outside the radius serving A: the territory A only, never its office.
        "far_office": factories.initiative(
            name="Siège à Valence", latitude=44.93, longitude=4.89, coverage=[a, b]
        ),
        # No point, serving B (reaches into the circle): the territory B.
        "reach": factories.initiative(name="Monnaie du Val", coverage=[b]),
        # Neither in the radius nor serving a territory there: not listed, not drawn.
        "outside": factories.initiative(name="Ailleurs", latitude=44.93, longitude=4.89),
        "elsewhere": factories.initiative(name="Lointaine", coverage=[c]),
    }  # fmt: skip
    return {"a": a, "b": b, "c": c, **made}


def listed_urls(params: dict) -> list[str]:
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = initiative_filter(data=data)
    assert filterset.is_valid(), filterset.form.errors
    return [i.get_absolute_url() for i in filterset.qs]


def drawn_urls(features: list[dict]) -> list[str]:
    urls = []
    for feature in features:
        props = feature["properties"]
        if props["kind"] == "marker":
            urls.append(props["url"])
        elif props["kind"] == "area":
            assert len(props["initiatives"]) == props["count"]
            urls.extend(member["url"] for member in props["initiatives"])
    return urls


def test_near_a_place_the_map_draws_the_list_each_initiative_once(client, around_lamastre):
    search = {"near": "Lamastre", "radius": "20"}
    body = client.get("/api/v1/map/", {**VIEW, **search}).json()
    drawn = drawn_urls(body["features"])
    listed = listed_urls(search)
    assert len(drawn) == len(set(drawn))  # each once
    assert sorted(drawn) == sorted(listed)
    assert around_lamastre["outside"].get_absolute_url() not in drawn
    assert around_lamastre["elsewhere"].get_absolute_url() not in drawn


def test_near_a_place_no_office_outside_the_radius(client, around_lamastre):
    body = client.get("/api/v1/map/", {**VIEW, "near": "Lamastre", "radius": "20"}).json()
    markers = [f for f in body["features"] if f["properties"]["kind"] == "marker"]
    assert [m["properties"]["name"] for m in markers] == ["Bureau à Lamastre"]


def test_territory_matches_come_with_their_reason(client, around_lamastre):
    body = client.get("/api/v1/map/", {**VIEW, "near": "Lamastre", "radius": "20"}).json()
    areas = {
        f["properties"]["siren"]: f["properties"]
        for f in body["features"]
        if f["properties"]["kind"] == "area"
    }
    a, b = around_lamastre["a"].siren, around_lamastre["b"].siren
    assert set(areas) == {a, b}
    # Serving both A and B: shown once, at the place's own interco.
    assert areas[a]["reason"] == "home" and areas[a]["count"] == 1
    assert [m["name"] for m in areas[a]["initiatives"]] == ["Siège à Valence"]
    assert areas[b]["reason"] == "reach" and areas[b]["count"] == 1
    assert [m["name"] for m in areas[b]["initiatives"]] == ["Monnaie du Val"]


def test_near_areas_are_sent_whatever_the_view(client, around_lamastre):
    """A territory the list names is drawn even when its centre is outside the view."""
    tight = {"bbox": "4.57,44.98,4.59,44.99", "zoom": 14}
    body = client.get("/api/v1/map/", {**tight, "near": "Lamastre", "radius": "20"}).json()
    kinds = sorted(f["properties"]["kind"] for f in body["features"])
    assert kinds == ["area", "area", "marker"]


def test_without_a_place_an_initiative_is_its_marker_or_its_territories(client, around_lamastre):
    """The same shape as before; an initiative with a point is never also a territory."""
    body = client.get("/api/v1/map/", VIEW).json()
    kinds = [f["properties"] for f in body["features"]]
    markers = sorted(p["name"] for p in kinds if p["kind"] == "marker")
    assert markers == ["Ailleurs", "Bureau à Lamastre", "Siège à Valence"]
    areas = [p for p in kinds if p["kind"] == "area"]
    assert all("reason" not in p and "initiatives" not in p for p in areas)
    # Only "Monnaie du Val" has no point: B; C's centre is out of view.
    assert [(p["siren"], p["count"]) for p in areas] == [(around_lamastre["b"].siren, 1)]


def test_a_new_place_gets_its_own_answer(client, around_lamastre):
    """Cached per search: a second place never gets the first one's territories."""
    first = client.get("/api/v1/map/", {**VIEW, "near": "Lamastre", "radius": "20"}).json()
    other = client.get("/api/v1/map/", {**VIEW, "near": "Nyons", "radius": "5"}).json()
    assert first != other
    assert {f["properties"].get("siren") for f in other["features"]} == {around_lamastre["c"].siren}


def test_near_clusters_count_only_points_within_the_radius(client, around_lamastre, monkeypatch):
    from initiatives import map as map_module

    monkeypatch.setattr(map_module, "MARKER_LIMIT", 0)  # clusters whatever the number
    body = client.get("/api/v1/map/", {**VIEW, "near": "Lamastre", "radius": "20"}).json()
    assert body["mode"] == "clusters"
    kinds = [f["properties"] for f in body["features"]]
    assert sum(p["count"] for p in kinds if p["kind"] == "cluster") == 1  # not the far offices
    assert sorted(p["count"] for p in kinds if p["kind"] == "area") == [1, 1]
