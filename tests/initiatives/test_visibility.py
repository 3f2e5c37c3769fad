"""Published only, unless staff (initiatives/visibility.py): one rule, obeyed by every read.

A draft is present in the world (tests/api/conftest.py: "Brouillon secret", located next to
Energie Solidaire, with a theme, a key figure and a partnership naming it): no public read
shows it, while each read does show the published record beside it.
"""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from initiatives import visibility
from initiatives.detail import initiative_detail_data
from initiatives.models import Initiative
from initiatives.representation import PageLinks
from initiatives.services import refresh_search_keys
from tests.api.conftest import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Modules that read initiatives for the public: none writes the status condition itself.
READ_MODULES = [
    "initiatives/selectors.py", "initiatives/interco_selectors.py",
    "initiatives/api/selectors.py", "initiatives/detail.py", "initiatives/representation.py",
    "initiatives/near_results.py", "initiatives/map.py", "initiatives/filters.py",
    "initiatives/views.py", "initiatives/interco_views.py", "initiatives/api/views.py",
    "initiatives/api/serializers.py", "initiatives/api/exports.py",
    "initiatives/api/sql_exports.py", "initiatives/opendata/selectors.py",
    "initiatives/opendata/feeds.py", "initiatives/opendata/files.py",
    "essmap/site_basics.py",
]  # fmt: skip
STATUS_CONDITION = re.compile(
    r"""\bstatus\s*(==|!=|=)\s*["']|__status\s*=|\.status\s*(==|!=)|Status\.PUBLISHED"""
    r"""|["']published["']"""
)

DRAFT = ("brouillon-secret", "Brouillon secret")
PUBLISHED = "energie-solidaire"
SEARCH = {"q": "brouillon secret energie"}
NEAR = {"lat": "44.93", "lon": "4.87", "radius": "5"}
BBOX = {"bbox": "4.80,44.88,4.95,44.98", "zoom": "16"}
PUBLIC_READS = [
    ("/api/v1/initiatives/", {}),
    ("/api/v1/initiatives/", NEAR),
    ("/api/v1/initiatives/", {**NEAR, "ordering": "name"}),
    ("/api/v1/initiatives/", {"format": "csv"}),
    ("/api/v1/initiatives/", {"format": "geojson"}),
    ("/api/v1/initiatives/", {**NEAR, "format": "csv"}),
    ("/api/v1/initiatives/", {**NEAR, "format": "geojson"}),
    ("/api/v1/initiatives/", {"q": "energie"}),
    ("/api/v1/map/", BBOX),
    ("/api/v1/map/", {**BBOX, **NEAR}),
    ("/api/v1/partnerships/", {}),
    ("/api/v1/key-figures/", {}),
    ("directory", {}),
    ("directory", NEAR),
    ("directory", {"q": "energie"}),
    ("/flux/initiatives.atom", {}),
    ("/flux/initiatives.atom", NEAR),
    ("/sitemap.xml", {}),
]


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def test_no_read_module_writes_the_status_condition_itself():
    offenders = {
        path: [m.group(0) for m in STATUS_CONDITION.finditer((ROOT / path).read_text())]
        for path in READ_MODULES
    }
    assert {path: found for path, found in offenders.items() if found} == {}
    for written in ('filter(initiative__status="published")', "x.status != Status.PUBLISHED"):
        assert STATUS_CONDITION.search(written)  # the check can fail


def test_the_rule_names_the_models_published_status():
    assert visibility.PUBLISHED == Initiative.Status.PUBLISHED


@pytest.mark.parametrize(("path", "params"), PUBLIC_READS)
def test_no_public_read_shows_a_draft(world, path, params):  # noqa: F811
    world.draft.summary = "Énergie solidaire, en préparation."  # the words search finds it
    refresh_search_keys(world.draft)
    world.draft.save()
    url = reverse("initiatives:directory") if path == "directory" else path
    response = APIClient().get(url, params)
    assert response.status_code == 200, _body(response)[:500]
    body = _body(response)
    assert "Energie Solidaire" in body or PUBLISHED in body  # the read does show records
    for text in DRAFT:
        assert text not in body


def test_a_draft_has_no_public_detail(world):  # noqa: F811
    api = APIClient()
    assert api.get("/api/v1/initiatives/brouillon-secret/").status_code == 404
    assert api.get(Initiative.path_for("brouillon-secret")).status_code == 404
    assert api.get(Initiative.path_for(PUBLISHED)).status_code == 200


def test_the_theme_counts_leave_drafts_out(world):  # noqa: F811
    themes = APIClient().get("/api/v1/themes/").json()["results"]
    assert {t["slug"]: t["initiative_count"] for t in themes}["energie"] == 1


def test_staff_see_their_draft_in_the_detail_shape_its_relations_published_only(world):  # noqa: F811
    world.draft.carried_by = world.es
    world.draft.save()
    links = PageLinks(RequestFactory().get("/"))
    assert initiative_detail_data(slug="brouillon-secret", links=links) is None
    data = initiative_detail_data(slug="brouillon-secret", links=links, include_drafts=True)
    assert data["data"]["slug"] == "brouillon-secret"
    assert data["data"]["carried_by"]["slug"] == PUBLISHED
    assert [f["label"] for f in data["data"]["figures"]] == ["Secret"]
    # The published record's detail, even for staff, names no draft partner.
    es = initiative_detail_data(slug=PUBLISHED, links=links, include_drafts=True)["data"]
    assert "brouillon-secret" not in str(es["partnerships"])
