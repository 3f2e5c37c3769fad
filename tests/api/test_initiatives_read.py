import datetime

import pytest
from django.db import connection
from django.utils import timezone

from essmap.cache import data_changed
from initiatives.models import Initiative
from tests import factories

from .conftest import RHONE_CRUSSOL

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_list_envelope_counts_published_only(api, world):
    body = api.get(LIST).json()
    assert set(body) == {"count", "count_is_exact", "next", "previous", "results"}
    assert body["count"] == 3
    assert {r["slug"] for r in body["results"]} == {
        "energie-solidaire", "credit-cooperatif", "ressourcerie-saint-peray",
    }  # fmt: skip


def test_list_item_fields_are_the_documented_ones(api, world):
    row = next(r for r in api.get(LIST).json()["results"] if r["slug"] == "energie-solidaire")
    assert row["name"] == "Energie Solidaire"
    assert row["commune"] == {
        "insee": "07102", "name": "Guilherand-Granges", "postcodes": ["07500"],
        "departement": "07",
    }  # fmt: skip
    assert row["interco"]["siren"] == RHONE_CRUSSOL
    assert [t["slug"] for t in row["themes"]] == ["energie", "insertion"]
    assert row["latitude"] == 44.9339 and row["longitude"] == 4.8747
    assert row["distance_km"] is None
    assert row["url"].endswith("/initiatives/energie-solidaire/")
    assert row["api_url"].endswith("/api/v1/initiatives/energie-solidaire/")
    for private in ("status", "proposer_email", "proposer_name", "rejection_reason"):
        assert private not in row


def test_detail_nests_relations_and_hides_drafts(api, world):
    body = api.get(f"{LIST}energie-solidaire/").json()
    assert [c["siren"] for c in body["coverage"]] == [RHONE_CRUSSOL]
    assert body["carried_by_interco"]["name"] == "CC Rhône Crussol"
    assert body["source"]["title"] == "La force des alliances locales"
    partners = [p["partner_initiative"]["slug"] for p in body["partnerships"]]
    assert partners == ["credit-cooperatif"]  # the draft partner is not shown
    figures = {f["label"]: f for f in body["figures"]}
    assert figures["Foyers accompagnés"]["value"] == 1200
    assert figures["Foyers accompagnés"]["qualifier"] == "more_than"
    assert figures["Économie moyenne par foyer"]["source"]["publisher"] == "ALEC de Valence"
    assert figures["Économie moyenne par foyer"]["scope"] == "initiative"


def test_detail_shows_partnerships_both_ways(api, world):
    body = api.get(f"{LIST}credit-cooperatif/").json()
    assert body["partnerships"] == []
    assert [p["initiative"]["slug"] for p in body["partner_of"]] == ["energie-solidaire"]
    body = api.get(f"{LIST}ressourcerie-saint-peray/").json()
    assert body["partnerships"][0]["partner_type"] == "interco"
    assert body["partnerships"][0]["partner_interco"]["siren"] == RHONE_CRUSSOL


@pytest.mark.parametrize("status", ["draft", "pending", "archived"])
def test_detail_of_unpublished_is_a_json_404(api, world, status):
    Initiative.objects.filter(slug="brouillon-secret").update(status=status)
    response = api.get(f"{LIST}brouillon-secret/")
    assert response.status_code == 404
    assert response.json()["errors"] == {} and response.json()["detail"]


def test_filter_words_ignore_accents_and_case(api, world):
    assert slugs(api.get(LIST, {"q": "PRECARITÉ energetique"})) == ["energie-solidaire"]


def test_filter_theme_one_or_several(api, world):
    assert slugs(api.get(LIST, {"theme": "energie"})) == ["energie-solidaire"]
    both = api.get(f"{LIST}?theme=energie&theme=reemploi")
    assert sorted(slugs(both)) == ["energie-solidaire", "ressourcerie-saint-peray"]


def test_filter_legal_form(api, world):
    assert slugs(api.get(LIST, {"legal_form": "association"})) == ["ressourcerie-saint-peray"]


def test_filter_interco_located_or_covering(api, world):
    found = slugs(api.get(LIST, {"interco": RHONE_CRUSSOL}))
    assert sorted(found) == ["energie-solidaire", "ressourcerie-saint-peray"]


def test_filter_commune_postcode_departement(api, world):
    assert slugs(api.get(LIST, {"commune": "07281"})) == ["ressourcerie-saint-peray"]
    assert slugs(api.get(LIST, {"postcode": "07500"})) == ["energie-solidaire"]
    assert slugs(api.get(LIST, {"departement": "26"})) == ["credit-cooperatif"]


def test_filter_near_annotates_distance_and_orders_by_it(api, world):
    rows = api.get(LIST, {"lat": 44.9334, "lon": 4.8924, "radius": 5}).json()["results"]
    # The ressourcerie has no address: it is placed, approximately, at Saint-Péray's centre.
    assert [r["slug"] for r in rows] == [
        "credit-cooperatif", "energie-solidaire", "ressourcerie-saint-peray"
    ]  # fmt: skip
    assert rows[0]["distance_km"] < rows[1]["distance_km"] < rows[2]["distance_km"] < 5
    assert [r["match"] for r in rows] == ["point"] * 3
    assert [r["approximate_point"] for r in rows] == [False, False, True]
    assert slugs(api.get(LIST, {"lat": 44.9334, "lon": 4.8924, "radius": 0.5})) == [
        "credit-cooperatif"
    ]


def test_filter_bbox(api, world):
    # west,south,east,north around Guilherand-Granges only
    assert slugs(api.get(LIST, {"bbox": "4.86,44.92,4.88,44.94"})) == ["energie-solidaire"]


def test_filter_updated_since(api, world):
    old = timezone.now() - datetime.timedelta(days=30)
    Initiative.objects.exclude(slug="credit-cooperatif").update(updated_at=old)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert slugs(api.get(LIST, {"updated_since": since})) == ["credit-cooperatif"]


def test_ordering_name_distance_updated(api, world):
    assert slugs(api.get(LIST, {"ordering": "name"})) == [
        "credit-cooperatif", "energie-solidaire", "ressourcerie-saint-peray",
    ]  # fmt: skip
    near_guilherand = {"lat": 44.9339, "lon": 4.8747, "radius": 50, "ordering": "distance"}
    assert slugs(api.get(LIST, near_guilherand)) == [
        "energie-solidaire", "credit-cooperatif", "ressourcerie-saint-peray"
    ]  # fmt: skip
    Initiative.objects.filter(slug="ressourcerie-saint-peray").update(
        updated_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert slugs(api.get(LIST, {"ordering": "-updated"}))[0] == "ressourcerie-saint-peray"


def test_page_and_page_size(api, world):
    first = api.get(LIST, {"ordering": "name", "page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert [r["slug"] for r in second["results"]] == ["ressourcerie-saint-peray"]
    assert second["next"] is None and second["previous"]


def test_cursor_mode_walks_the_whole_set_once(api, world):
    for n in range(7):
        factories.initiative(name=f"Extra {n}")
    seen, url, pages = [], f"{LIST}?pagination=cursor&page_size=3", 0
    while url:
        body = api.get(url).json()
        assert body["count"] == 10
        seen += [r["slug"] for r in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 4
    assert len(seen) == len(set(seen)) == 10


def test_cursor_mode_respects_filters(api, world):
    body = api.get(LIST, {"pagination": "cursor", "interco": RHONE_CRUSSOL}).json()
    assert body["count"] == 2 and len(body["results"]) == 2


@pytest.mark.parametrize("page_size", [1, 100])
def test_list_query_count_is_bounded(api, world, django_assert_max_num_queries, page_size):
    for n in range(120):
        factories.initiative(
            name=f"Lot {n}", commune=world.peray, themes=[world.energie, world.reemploi],
            coverage=[world.crussol], latitude=44.9, longitude=4.85,
        )  # fmt: skip
    # PostgreSQL: + the anonymous statement timeout, set then restored (essmap.statement_timeout).
    with django_assert_max_num_queries(8 if connection.vendor == "postgresql" else 6):
        response = api.get(LIST, {"page_size": page_size, "theme": "energie"})
    assert len(response.json()["results"]) == page_size


def test_detail_query_count_is_bounded(api, world, django_assert_max_num_queries):
    for n in range(20):
        factories.key_figure(label=f"F{n}", value=n, initiative=world.es)
    with django_assert_max_num_queries(10):
        assert api.get(f"{LIST}energie-solidaire/").status_code == 200


def test_carrier_is_shown_only_when_published(api, world, django_capture_on_commit_callbacks):
    project = factories.initiative(
        name="Atelier vélo", kind="project", carried_by=world.draft, commune=world.peray
    )
    url = f"{LIST}{project.slug}/"
    assert api.get(url).json()["carried_by"] is None
    with django_capture_on_commit_callbacks(execute=True):  # a write, as services make it
        Initiative.objects.filter(pk=world.draft.pk).update(status="published")
        data_changed()
    carrier = api.get(url).json()["carried_by"]
    assert carrier["slug"] == "brouillon-secret"
    assert carrier["url"].endswith("/initiatives/brouillon-secret/")


def test_coordinates_and_distance_are_plain_numbers(api, world):
    row = api.get(LIST, {"lat": 44.9339, "lon": 4.8747, "radius": 1}).json()["results"][0]
    assert row["slug"] == "energie-solidaire"
    assert isinstance(row["distance_km"], float) and row["distance_km"] < 0.01


def test_detail_is_served_from_the_shared_cache_until_a_write(
    api, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from initiatives.services import initiative_update

    url = f"{LIST}energie-solidaire/"
    first = api.get(url)
    with django_assert_num_queries(0):
        again = api.get(url)
    assert again.json() == first.json()
    assert again["Last-Modified"] == first["Last-Modified"]
    with django_capture_on_commit_callbacks(execute=True):
        initiative_update(
            initiative=Initiative.objects.get(slug="energie-solidaire"), summary="Nouveau résumé"
        )
    assert api.get(url).json()["summary"] == "Nouveau résumé"


def test_cached_detail_keeps_the_host_of_each_request(api, world):
    url = f"{LIST}energie-solidaire/"
    assert api.get(url).json()["url"].startswith("http://testserver/")
    other = api.get(url, HTTP_HOST="localhost").json()["url"]
    assert other == "http://localhost/initiatives/energie-solidaire/"


def test_unknown_slug_is_still_a_404_after_a_cached_detail(api, world):
    assert api.get(f"{LIST}energie-solidaire/").status_code == 200
    assert api.get(f"{LIST}nope/").status_code == 404


def test_list_count_comes_from_the_shared_cache_for_the_same_filters(api, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = api.get(LIST, {"theme": "energie"}).json()["count"]
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(LIST, {"theme": "energie", "page_size": 1}).json()["count"] == first
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    # Other filters, another count.
    assert api.get(LIST, {"q": "zzzz-nothing"}).json()["count"] == 0
