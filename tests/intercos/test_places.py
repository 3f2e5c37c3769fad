"""Which commune a visitor means, and what lies around a place (real 26/07 reference)."""

import pytest

from intercos.models import Commune
from intercos.places import PlaceError, commune_at, find_commune, place_key, position

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(committed_fixtures):
    return None


def test_place_key_drops_articles_hyphens_accents_and_expands_saint():
    assert place_key("Le Cheylard") == "cheylard"
    assert place_key("St-Péray") == place_key("Saint Peray") == "saint peray"
    assert place_key("Ste-Eulalie") == "sainte eulalie"
    assert place_key("La") == "la"  # a lone word is kept


@pytest.mark.parametrize(
    "text,name",
    [
        ("cheylard", "Le Cheylard"),
        ("st peray", "Saint-Péray"),
        ("ST-PERAY", "Saint-Péray"),
        ("Cresst", "Crest"),  # one typo
        ("crest (26)", "Crest"),
        ("07160", "Le Cheylard"),
        ("la voulte", "La Voulte-sur-Rhône"),
        ("tournon", "Tournon-sur-Rhône"),
    ],
)
def test_tolerant_lookup(reference, text, name):
    assert find_commune(text).commune.name == name


def test_typo_is_flagged_and_ambiguous_names_offer_alternatives(reference):
    assert find_commune("Cresst").corrected
    assert not find_commune("Crest").corrected
    match = find_commune("Saint-Martin")
    assert match.commune.name.startswith("Saint-Martin")
    assert len(match.alternatives) >= 2
    assert all(a.name.startswith("Saint-Martin") for a in match.alternatives)


@pytest.mark.parametrize("text", ["26", "07", "2A", "260", "0716"])
def test_a_departement_number_is_not_a_place(reference, text):
    with pytest.raises(PlaceError, match="pas un lieu"):
        find_commune(text)


def test_unknown_place(reference):
    with pytest.raises(PlaceError):
        find_commune("Atlantide")


def test_every_commune_of_26_and_07_has_a_centre_offline(reference):
    # fixtures/geometries, no network and no ../shared needed
    assert not Commune.objects.filter(departement__in=["26", "07"], centre_lat=None).exists()
    assert Commune.objects.exclude(contour=None).count() == Commune.objects.count()


def test_a_commune_without_centre_falls_back_to_its_interco_centre(reference):
    commune = Commune.objects.select_related("interco").get(name="Le Cheylard")
    commune.centre_lat = commune.centre_lon = None
    assert position(commune) == (commune.interco.centre_lat, commune.interco.centre_lon)


def test_commune_at_uses_the_outline(reference):
    crest = Commune.objects.get(name="Crest")
    assert commune_at(crest.centre_lat, crest.centre_lon) == crest
