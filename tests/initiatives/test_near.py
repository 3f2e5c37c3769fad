""" "Near a place" finds what sits there and what serves it, in the page, the API and the embed.

On the committed fixtures: the article's initiatives, the real 26/07 reference and centres.
"""

import re

import pytest

pytestmark = pytest.mark.django_db

ARCHE_AGGLO = "200073096"
CANTINES = "Approvisionnement local des cantines scolaires d’Arche Agglo"
SUD_GRESIVAUDAN = "Sud Grésivaudan en transition"
# Saint-Félicien: in Arche Agglo, 17.5 km from Tournon where the canteens' point is; its
# 5 km circle reaches no other interco. Lamastre: next door, in another interco.
FAR_EDGE = {"near": "Saint-Félicien", "radius": "5"}
NEIGHBOUR = {"near": "Lamastre", "radius": "5"}


@pytest.fixture
def loaded(committed_fixtures):
    return None


def page_results(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    out = []
    for card in cards:
        name = re.search(r"<h3><a[^>]*>(.*?)</a>", card, re.S)
        reason = re.search(r'class="reason[^"]*"[^>]*>(.*?)</span>', card, re.S)
        if name:
            out.append((name.group(1).replace("&#x27;", "'"), reason.group(1) if reason else ""))
    return out


def test_far_edge_commune_finds_what_covers_its_interco_in_the_page(loaded, client):
    found = dict(page_results(client.get("/", FAR_EDGE)))
    assert set(found) == {CANTINES, SUD_GRESIVAUDAN}
    for reason in found.values():
        assert reason == "couvre votre intercommunalité (CA Arche Agglo)"


def test_far_edge_commune_in_the_api_with_match_and_reason(loaded, client):
    rows = client.get("/api/v1/initiatives/", FAR_EDGE).json()["results"]
    assert {r["name"] for r in rows} == {CANTINES, SUD_GRESIVAUDAN}
    assert {r["match"] for r in rows} == {"territory"}
    assert all("Arche Agglo" in r["reason"] for r in rows)
    assert (
        client.get("/api/v1/initiatives/", {**FAR_EDGE, "match": "point"}).json()["results"] == []
    )


def test_far_edge_commune_in_the_embed(loaded, client):
    response = client.get("/embed/", {**FAR_EDGE, "mode": "list"})
    found = dict(page_results(response))
    assert set(found) == {CANTINES, SUD_GRESIVAUDAN}
    assert all("Arche Agglo" in reason for reason in found.values())


def test_neighbour_commune_finds_nothing_of_an_interco_it_is_not_in(loaded, client):
    assert page_results(client.get("/", NEIGHBOUR)) == []
    assert client.get("/api/v1/initiatives/", NEIGHBOUR).json()["results"] == []


def test_zero_results_show_the_nearest_with_distances_and_wider_radii(loaded, client):
    html = client.get("/", NEIGHBOUR).content.decode()
    section = re.search(r'<section class="nearest".*?</section>', html, re.S).group(0)
    distances = [float(km) for km in re.findall(r'data-km="([0-9.]+)"', section)]
    assert len(distances) >= 3
    assert distances == sorted(distances) and distances[0] > 5
    assert re.search(r"à \d+(,\d)?\xa0km", section)  # "à 10,6 km"
    for radius in ("10", "20", "50"):
        assert f"radius={radius}" in section


def test_point_matches_come_first_nearest_first(loaded, client):
    rows = client.get("/api/v1/initiatives/", {"near": "Tournon-sur-Rhône", "radius": "5"})
    rows = rows.json()["results"]
    assert [r["match"] for r in rows] == ["point", "territory"]
    assert rows[0]["name"] == CANTINES and rows[0]["reason"].startswith("à ")
    assert rows[1]["name"] == SUD_GRESIVAUDAN


def test_the_map_shows_the_covered_interco_at_its_centre(loaded, client):
    params = {**FAR_EDGE, "bbox": "4.3,44.8,5.2,45.3", "zoom": "10"}
    features = client.get("/api/v1/map/", params).json()["features"]
    areas = [f for f in features if f["properties"]["kind"] == "area"]
    assert [a["properties"]["siren"] for a in areas] == [ARCHE_AGGLO]
    assert areas[0]["properties"]["count"] == 2
    assert len(features) <= 2000


def test_the_page_counts_results_without_a_point(loaded, client):
    html = client.get("/", FAR_EDGE).content.decode()
    assert "dont 1 sans point sur la carte" in html  # Sud Grésivaudan has no commune
