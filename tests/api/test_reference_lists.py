"""Intercos, communes, themes, partnerships, key figures and sources."""

import pytest

from tests import factories

from .conftest import RHONE_CRUSSOL, VALENCE_AGGLO

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_intercos_list_with_counts(api, world):
    rows = results(api.get("/api/v1/intercos/"))
    assert [r["siren"] for r in rows] == [RHONE_CRUSSOL, VALENCE_AGGLO]
    crussol = rows[0]
    assert crussol["name"] == "CC Rhône Crussol"
    assert crussol["departements"] == ["07"]
    assert crussol["initiative_count"] == 2  # located in or covering it, published only
    assert "communes" not in crussol and "contour" not in crussol


def test_intercos_filter_by_departement(api, world):
    rows = results(api.get("/api/v1/intercos/", {"departement": "26"}))
    assert [r["siren"] for r in rows] == [VALENCE_AGGLO]


def test_interco_detail_has_communes_and_figures(api, world):
    body = api.get(f"/api/v1/intercos/{RHONE_CRUSSOL}/").json()
    assert [c["name"] for c in body["communes"]] == ["Guilherand-Granges", "Saint-Péray"]
    assert body["communes"][0]["postcodes"] == ["07500"]
    assert [f["label"] for f in body["figures"]] == ["Habitants"]
    assert body["figures"][0]["source"]["title"]
    assert body["contour"]["type"] == "Polygon"


def test_interco_detail_query_count(api, world, django_assert_max_num_queries):
    for n in range(30):
        factories.commune(name=f"Village {n}", interco=world.crussol)
    with django_assert_max_num_queries(6):
        assert api.get(f"/api/v1/intercos/{RHONE_CRUSSOL}/").status_code == 200


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("peray", ["Saint-Péray"]),
        ("SAINT-PÉRAY", ["Saint-Péray"]),
        ("guilh", ["Guilherand-Granges"]),
        ("07500", ["Guilherand-Granges"]),
        ("07", ["Guilherand-Granges", "Saint-Péray"]),
        ("26000", ["Valence"]),
    ],
)
def test_communes_search_by_name_or_postcode(api, world, term, expected):
    rows = results(api.get("/api/v1/communes/", {"q": term}))
    assert [r["name"] for r in rows] == expected


def test_communes_search_puts_prefix_matches_first(api, world):
    factories.commune(name="Valencin", population=2000, departement=world.drome)
    factories.commune(name="Bourg-lès-Valence", population=19000, departement=world.drome)
    rows = results(api.get("/api/v1/communes/", {"q": "valen"}))
    assert [r["name"] for r in rows] == ["Valence", "Valencin", "Bourg-lès-Valence"]
    assert rows[0]["interco"]["siren"] == VALENCE_AGGLO


def test_communes_filter_by_interco(api, world):
    rows = results(api.get("/api/v1/communes/", {"interco": RHONE_CRUSSOL}))
    assert {r["insee"] for r in rows} == {"07102", "07281"}


def test_themes_with_published_counts(api, world):
    rows = results(api.get("/api/v1/themes/"))
    by_slug = {r["slug"]: r for r in rows}
    assert [r["slug"] for r in rows] == ["energie", "insertion", "reemploi"]
    assert by_slug["energie"]["initiative_count"] == 1  # the draft is not counted
    assert by_slug["energie"]["label"] == "Énergie"


def test_theme_label_follows_accept_language(api, world):
    rows = results(api.get("/api/v1/themes/", HTTP_ACCEPT_LANGUAGE="en"))
    assert rows[0]["label"] == "Energy"


def test_partnerships_are_public_only(api, world):
    rows = results(api.get("/api/v1/partnerships/"))
    assert {r["id"] for r in rows} == {world.p_credit.id, world.p_interco.id}  # not p_draft


def test_partnerships_filters(api, world):
    rows = results(api.get("/api/v1/partnerships/", {"initiative": "credit-cooperatif"}))
    assert [r["id"] for r in rows] == [world.p_credit.id]  # as partner
    rows = results(api.get("/api/v1/partnerships/", {"interco": RHONE_CRUSSOL}))
    assert [r["id"] for r in rows] == [world.p_interco.id]
    rows = results(api.get("/api/v1/partnerships/", {"kind": "funding"}))
    assert [r["id"] for r in rows] == [world.p_credit.id]


def test_key_figures_scopes_and_sources(api, world):
    rows = results(api.get("/api/v1/key-figures/"))
    labels = {r["label"] for r in rows}
    assert "Secret" not in labels  # figure of a draft initiative
    assert {"Foyers accompagnés", "Structures de l'ESS", "Habitants"} <= labels
    territory = results(api.get("/api/v1/key-figures/", {"scope": "territory"}))
    assert [r["label"] for r in territory] == ["Structures de l'ESS"]
    assert territory[0]["source"]["title"] == "La force des alliances locales"
    rows = results(api.get("/api/v1/key-figures/", {"initiative": "energie-solidaire"}))
    assert {r["label"] for r in rows} == {"Foyers accompagnés", "Économie moyenne par foyer"}
    rows = results(api.get("/api/v1/key-figures/", {"interco": RHONE_CRUSSOL}))
    assert [r["scope"] for r in rows] == ["interco"]


def test_sources_list_and_detail(api, world):
    rows = results(api.get("/api/v1/sources/"))
    assert "ALEC de Valence, 2023" in {r["title"] for r in rows}
    body = api.get(f"/api/v1/sources/{world.alec.id}/").json()
    assert body["publisher"] == "ALEC de Valence" and body["year"] == 2023


@pytest.mark.parametrize(
    "url",
    ["/api/v1/intercos/", "/api/v1/communes/", "/api/v1/themes/", "/api/v1/partnerships/",
     "/api/v1/key-figures/", "/api/v1/sources/"],
)  # fmt: skip
def test_reference_lists_share_the_envelope_and_cursor_mode(api, world, url):
    body = api.get(url, {"page_size": 1}).json()
    assert set(body) == {"count", "count_is_exact", "next", "previous", "results"}
    seen, next_url = [], f"{url}?pagination=cursor&page_size=1"
    while next_url:
        page = api.get(next_url).json()
        seen += page["results"]
        next_url = page["next"]
    assert len(seen) == body["count"]
