"""The map and the list agree on the committed fixtures (the searches of issue 21)."""

import pytest
from django.http import QueryDict

from initiatives.selectors import initiative_filter

pytestmark = pytest.mark.django_db

DROME_ARDECHE = {"bbox": "3.6,43.9,5.9,45.5", "zoom": 8}


@pytest.fixture
def loaded(committed_fixtures):
    return None


def listed(params: dict) -> list[str]:
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = initiative_filter(data=data)
    assert filterset.is_valid(), filterset.form.errors
    return sorted(i.get_absolute_url() for i in filterset.qs)


def drawn(features: list[dict]) -> list[str]:
    urls = []
    for props in (f["properties"] for f in features):
        if props["kind"] == "marker":
            urls.append(props["url"])
        elif props["kind"] == "area":
            urls.extend(member["url"] for member in props["initiatives"])
    return sorted(urls)


@pytest.mark.parametrize(
    "search",
    [
        {"near": "Lamastre"},
        {"near": "Annonay", "radius": "30"},
        {"near": "Valence", "radius": "10"},
        {"near": "Tournon-sur-Rhône", "radius": "5"},
        {"near": "Die", "radius": "50"},
        {"near": "Lamastre", "radius": "30", "match": "territory"},
    ],
)
def test_near_a_place_the_map_draws_the_list_each_once(client, loaded, search):
    features = client.get("/api/v1/map/", {**DROME_ARDECHE, **search}).json()["features"]
    urls = drawn(features)
    assert len(urls) == len(set(urls))
    assert urls == listed(search)
    assert urls  # each search finds something in the fixtures
