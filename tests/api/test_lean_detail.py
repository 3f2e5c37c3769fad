"""The API detail read as rows (initiatives/detail.py) is what InitiativeDetailSerializer
documents: the same keys in the same order and the same values, for records with every kind
of related row, in French and in English."""

import json

import pytest
from django.test import RequestFactory
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from initiatives.api.serializers import InitiativeDetailSerializer
from initiatives.detail import initiative_detail_data
from initiatives.models import Initiative
from initiatives.representation import PageLinks
from initiatives.selectors import initiative_public_detail

pytestmark = pytest.mark.django_db


def serializer_json(slug: str) -> bytes:
    request = Request(RequestFactory().get(f"/api/v1/initiatives/{slug}/"))
    initiative = initiative_public_detail(slug=slug)
    data = InitiativeDetailSerializer(initiative, context={"request": request}).data
    return JSONRenderer().render(data)


def lean_json(slug: str) -> bytes:
    links = PageLinks(RequestFactory().get(f"/api/v1/initiatives/{slug}/"))
    return JSONRenderer().render(initiative_detail_data(slug=slug, links=links)["data"])


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "slug", ["energie-solidaire", "credit-cooperatif", "ressourcerie-saint-peray"]
)
def test_lean_detail_is_byte_equal_to_the_serializer(world, slug, language):
    world.es.carried_by = world.ressourcerie
    world.es.verified_by = "Service ESS"
    world.es.save()
    with translation.override(language):
        lean, documented = lean_json(slug), serializer_json(slug)
    assert json.loads(lean) == json.loads(documented)
    assert lean == documented  # key order too: the ETag of a GET is that of a write's answer


def test_lean_detail_has_every_related_kind(world):
    links = PageLinks(RequestFactory().get("/"))
    data = initiative_detail_data(slug="energie-solidaire", links=links)["data"]
    assert [p["partner_initiative"]["slug"] for p in data["partnerships"]] == ["credit-cooperatif"]
    assert [f["value"] for f in data["figures"]] == [1200.0, 410.0]
    assert data["coverage"][0]["siren"] == world.crussol.siren
    assert data["source"]["title"] == "La force des alliances locales"
    partner_of = initiative_detail_data(slug="credit-cooperatif", links=links)["data"]["partner_of"]
    assert [p["initiative"]["slug"] for p in partner_of] == ["energie-solidaire"]


def test_a_draft_has_no_lean_detail(world):
    links = PageLinks(RequestFactory().get("/"))
    assert initiative_detail_data(slug="brouillon-secret", links=links) is None


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_drafts_detail_for_staff_is_byte_equal_to_the_serializer(world, language):
    """The answer to a staff write on a draft: the same rows and code as a published detail."""
    request = Request(RequestFactory().get("/api/v1/initiatives/brouillon-secret/"))
    draft = Initiative.objects.get(slug="brouillon-secret")
    links = PageLinks(RequestFactory().get("/api/v1/initiatives/brouillon-secret/"))
    with translation.override(language):
        documented = JSONRenderer().render(
            InitiativeDetailSerializer(draft, context={"request": request}).data
        )
        answer = initiative_detail_data(slug="brouillon-secret", links=links, include_drafts=True)
        lean = JSONRenderer().render(answer["data"])
    assert json.loads(lean)["partner_of"]  # the published record naming it as partner
    assert lean == documented
