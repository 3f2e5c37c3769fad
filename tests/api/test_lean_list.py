"""The API list's lean read path (issue 12): keys first, then the page's rows, no serializer.

- every list answer equals what InitiativeListSerializer writes for the same page (the
  documented contract), for plain, near (points and territories), word and filtered lists;
- the first page is the one a single ordered query gives, and the order it documents,
  checked against a plain-Python reference on a fixed data set;
- counts are capped and say so; `count=exact` gives the total;
- a page is served from the shared cache and a write invalidates it.
"""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from rest_framework.request import Request

from essmap.api import pagination
from essmap.cache import data_changed
from essmap.geo import haversine_km
from initiatives.api.serializers import InitiativeListSerializer
from initiatives.managers import stale_cutoff
from initiatives.models import Initiative
from initiatives.selectors import initiative_filter
from tests import factories

LIST = "/api/v1/initiatives/"
QUERIES = [
    {},
    {"ordering": "name"},
    {"ordering": "-updated"},
    {"theme": "energie"},
    {"q": "solidaire"},
    {"lat": "44.94", "lon": "4.86", "radius": "3"},
    {"near": "Saint-Péray", "radius": "2"},
    {"near": "Saint-Péray", "radius": "2", "match": "territory"},
    {"interco": "200041366", "ordering": "name"},
]


def serializer_page(params: dict) -> list[dict]:
    """What InitiativeListSerializer writes for the first page of these filters."""
    django_request = RequestFactory().get(LIST, params)
    filterset = initiative_filter(data=QueryDict(urlencode(params)))
    assert filterset.is_valid(), filterset.errors
    page = list(filterset.qs[:20])
    context = {"request": Request(django_request)}
    return [dict(item) for item in InitiativeListSerializer(page, many=True, context=context).data]


@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
@pytest.mark.parametrize("cap", [1000, 1], ids=["sorted-by-key", "walked"])
def test_lean_page_is_what_the_serializer_documents(api, world, params, cap, monkeypatch):
    """Both ways of ordering keys (a set within the count cap sorted by key, a larger one
    by the planner's plan) give the serializer's page."""
    monkeypatch.setattr(pagination, "COUNT_CAP", cap)
    body = api.get(LIST, params).json()
    assert body["results"], "every query of this table finds something"
    assert body["results"] == serializer_page(params)


def test_near_results_carry_their_reason_in_the_lean_page(api, world):
    results = api.get(LIST, {"near": "Saint-Péray", "radius": "5"}).json()["results"]
    by_slug = {r["slug"]: r for r in results}
    assert by_slug["energie-solidaire"]["match"] == "point"
    assert by_slug["energie-solidaire"]["reason"].startswith("à ")
    assert by_slug["ressourcerie-saint-peray"]["distance_km"] is not None


# --- the order of a first page, against a reference written in plain Python ------------------
@pytest.fixture
def grid(db):
    """Thirty located initiatives around a town, some sharing a point (ties), some stale,
    three covering the town's interco without a point."""
    dep = factories.departement("26", "Drôme")
    home = factories.interco(siren="200000001", name="CC Maison", slug="cc-maison")
    town = factories.commune(
        insee="26001", name="Bourg", postcodes="26100", departement=dep, interco=home,
        centre_lat=45.0, centre_lon=5.0,
    )  # fmt: skip
    created = []
    for n in range(30):
        lat = 45.0 + (n % 7) * 0.01  # 7 distinct points: many exact distance ties
        verified = None if n % 3 else "2099-01-01"
        created.append(
            factories.initiative(
                name=f"Initiative {chr(65 + (n * 7) % 26)}{n:02d}",
                commune=town,
                latitude=lat,
                longitude=5.0,
                verified_at=verified,
            )  # fmt: skip
        )
    for n in range(3):
        created.append(factories.initiative(name=f"Réseau {n}", commune=None, coverage=[home]))
    return created


def reference_near(lat: float, lon: float, radius: float) -> list[str]:
    """The documented "near" order, computed in Python: points within the radius by distance,
    then initiatives covering the place's interco; then fresh before stale, then by name."""
    rows = []
    for i in Initiative.objects.published().prefetch_related("coverage"):
        km = haversine_km(lat, lon, i.latitude, i.longitude) if i.has_point else None
        if km is not None and km <= radius:
            rank = 0
        elif any(c.siren == "200000001" for c in i.coverage.all()):
            rank = 1
        else:
            continue
        stale = not (i.verified_at and i.verified_at >= stale_cutoff())
        rows.append((rank, km if km is not None else float("inf"), stale, i.search_name, i.pk))
    rows.sort()
    slugs = dict(Initiative.objects.values_list("pk", "slug"))
    return [slugs[row[-1]] for row in rows]


def test_first_pages_follow_the_documented_near_order(api, grid):
    expected = reference_near(45.0, 5.0, 10)
    assert len(expected) == 33
    first = api.get(LIST, {"lat": 45.0, "lon": 5.0, "radius": 10, "page_size": 20}).json()
    second = api.get(
        LIST, {"lat": 45.0, "lon": 5.0, "radius": 10, "page_size": 20, "page": 2}
    ).json()
    assert [r["slug"] for r in first["results"] + second["results"]] == expected


def test_the_directory_page_follows_the_same_near_order(client, grid):
    """The HTML page sorts with the queryset (InitiativeFilterSet.order), the API's pages
    with initiatives.near_results: one documented rule, checked on both."""
    expected = reference_near(45.0, 5.0, 10)
    html = client.get("/", {"lat": 45.0, "lon": 5.0, "radius": 10}).content.decode()
    results = html.split('<ol class="results"', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r'<h3><a href="/initiatives/([^/"]+)/">', results) == expected[:20]


def test_first_page_by_name_is_the_names_order(api, grid):
    expected = list(
        Initiative.objects.published()
        .order_by("search_name", "name", "pk")
        .values_list("slug", flat=True)[:20]
    )
    got = [r["slug"] for r in api.get(LIST, {"ordering": "name"}).json()["results"]]
    assert got == expected


# --- capped counts ----------------------------------------------------------------------------
def test_counts_beyond_the_cap_are_flagged_and_pages_go_on(api, grid, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 10)
    body = api.get(LIST, {"page_size": 20}).json()
    assert body["count"] == 10 and body["count_is_exact"] is False
    assert len(body["results"]) == 20 and body["next"]
    last = api.get(LIST, {"page_size": 20, "page": 2}).json()
    assert len(last["results"]) == 13 and last["next"] is None
    missing = api.get(LIST, {"page_size": 20, "page": 3})
    assert missing.status_code == 404 and "page" in missing.json()["errors"]


def test_counts_within_the_cap_are_exact(api, grid, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 10)
    body = api.get(LIST, {"q": "reseau"}).json()
    assert body["count"] == 3 and body["count_is_exact"] is True


def test_exact_count_on_request(api, grid, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 10)
    body = api.get(LIST, {"count": "exact"}).json()
    assert body["count"] == 33 and body["count_is_exact"] is True
    cursor = api.get(LIST, {"pagination": "cursor"}).json()
    assert cursor["count"] == 10 and cursor["count_is_exact"] is False


def test_unknown_count_mode_is_a_400_naming_it(api, grid):
    response = api.get(LIST, {"count": "all"})
    assert response.status_code == 400
    assert "count" in response.json()["errors"]


# --- the page cache ---------------------------------------------------------------------------
def test_a_write_invalidates_cached_pages(api, grid, django_capture_on_commit_callbacks):
    first = api.get(LIST, {"ordering": "name"}).json()["results"][0]
    target = Initiative.objects.get(slug=first["slug"])
    with django_capture_on_commit_callbacks(execute=True):
        Initiative.objects.filter(pk=target.pk).update(name="AAA en premier", search_name="aaa")
        data_changed()  # what every write of the services does
    again = api.get(LIST, {"ordering": "name"}).json()["results"][0]
    assert again["name"] == "AAA en premier"
