import pytest

from essmap.geo import haversine_km
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
VALENCE = (44.9334, 4.8924)
DIE = (44.7536, 5.3703)


def test_near_filters_and_annotates_distance():
    factories.initiative(name="A Crest", latitude=CREST[0], longitude=CREST[1])
    factories.initiative(name="B Valence", latitude=VALENCE[0], longitude=VALENCE[1])  # 25.0 km
    factories.initiative(name="C Die", latitude=DIE[0], longitude=DIE[1])  # 27.6 km
    factories.initiative(name="D sans point")
    assert [i.name for i in Initiative.objects.near(*CREST, 20)] == ["A Crest"]
    found = list(Initiative.objects.near(*CREST, 26).order_by("distance_km"))
    assert [i.name for i in found] == ["A Crest", "B Valence"]
    assert found[0].distance_km == pytest.approx(0, abs=0.01)
    assert found[1].distance_km == pytest.approx(haversine_km(*CREST, *VALENCE), rel=1e-6)
    by_distance = Initiative.objects.near(*CREST, 30).order_by("-distance_km")
    assert [i.name for i in by_distance] == ["C Die", "B Valence", "A Crest"]


def test_search_is_accent_and_case_insensitive():
    factories.initiative(name="Énergie Solidaire", summary="Précarité énergétique")
    factories.initiative(name="Cantines locales", summary="Approvisionnement des cantines")
    assert [i.name for i in Initiative.objects.search("energie")] == ["Énergie Solidaire"]
    assert [i.name for i in Initiative.objects.search("CANTINE")] == ["Cantines locales"]
    assert list(Initiative.objects.search("précarite energetique"))[0].name == "Énergie Solidaire"
    assert not Initiative.objects.search("mobilité").exists()


def test_in_interco_includes_located_and_covering():
    ic = factories.interco()
    other = factories.interco()
    c = factories.commune(interco=ic)
    located = factories.initiative(name="Located", commune=c)
    covering = factories.initiative(name="Covering", coverage=[ic])
    factories.initiative(name="Elsewhere", coverage=[other])
    assert set(Initiative.objects.in_interco(ic)) == {located, covering}


def test_published_excludes_other_statuses():
    factories.initiative(name="Pub")
    factories.initiative(name="Draft", status=Initiative.Status.DRAFT)
    factories.initiative(name="Pending", status=Initiative.Status.PENDING)
    assert [i.name for i in Initiative.objects.published()] == ["Pub"]
