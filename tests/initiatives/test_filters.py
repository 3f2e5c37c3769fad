"""The one FilterSet shared by pages and API: valid input filters, bad input is a form error."""

import pytest

from initiatives.selectors import initiative_filter
from intercos.places import PlaceError, find_commune
from tests import factories

pytestmark = pytest.mark.django_db

CREST = (44.7286, 5.0228)
VALENCE = (44.9334, 4.8924)
DIE = (44.7536, 5.3703)


def run(**data):
    filterset = initiative_filter(data=data)
    assert filterset.is_valid(), filterset.form.errors
    return [i.name for i in filterset.qs]


def errors(**data):
    filterset = initiative_filter(data=data)
    assert not filterset.is_valid()
    return filterset.form.errors


@pytest.fixture
def places():
    crest = factories.commune(
        name="Crest", centre_lat=CREST[0], centre_lon=CREST[1], postcodes="26400", population=8000
    )
    factories.commune(name="Crest-Voland", centre_lat=45.79, centre_lon=6.5, population=400,
                      departement=factories.departement("73", "Savoie"))  # fmt: skip
    factories.initiative(name="A Crest", latitude=CREST[0], longitude=CREST[1], commune=crest)
    factories.initiative(name="B Valence", latitude=VALENCE[0], longitude=VALENCE[1])
    factories.initiative(name="C Die", latitude=DIE[0], longitude=DIE[1])
    factories.initiative(name="D sans point")
    return crest


def test_distance_ordering_and_radius(places):
    assert run(lat=CREST[0], lon=CREST[1], radius=26) == ["A Crest", "B Valence"]
    assert run(lat=CREST[0], lon=CREST[1], radius=100) == ["A Crest", "B Valence", "C Die"]
    # Default radius is 20 km.
    assert run(lat=CREST[0], lon=CREST[1]) == ["A Crest"]


def test_distance_can_be_reordered_by_name(places):
    assert run(lat=DIE[0], lon=DIE[1], radius=100, ordering="name") == [
        "A Crest", "B Valence", "C Die"
    ]  # fmt: skip


def test_near_resolves_a_commune_name_or_postcode(places):
    assert find_commune("crest").commune == places
    assert find_commune("CREST (26)").commune == places
    assert find_commune("26400").commune == places
    assert find_commune("Crest-Voland").commune.name == "Crest-Voland"
    assert find_commune("cre").commune == places  # most populated prefix match
    with pytest.raises(PlaceError):
        find_commune("nowhere")
    assert run(near="Crest", radius=5) == ["A Crest"]


def test_distance_ordering_without_a_place_falls_back_to_relevance(places):
    filterset = initiative_filter(data={"ordering": "distance"})
    assert filterset.is_valid()
    assert filterset.notices == ["distance_without_place"]
    assert len(filterset.qs) == 4  # never an empty page


def test_explicit_point_wins_over_near(places):
    assert run(near="Crest", lat=DIE[0], lon=DIE[1], radius=5) == ["C Die"]


def test_bbox_filter(places):
    west, south, east, north = 4.8, 44.6, 5.1, 45.0
    assert run(bbox=f"{west},{south},{east},{north}") == ["A Crest", "B Valence"]


@pytest.mark.parametrize(
    "data,field",
    [
        ({"radius": "abc"}, "radius"),
        ({"radius": "-1"}, "radius"),
        ({"radius": "501"}, "radius"),
        ({"lat": "90.5", "lon": "1"}, "lat"),
        ({"lat": "1", "lon": "181"}, "lon"),
        ({"lon": "5"}, "lat"),
        ({"near": "26"}, "near"),  # a département number is not a place
        ({"near": "0740"}, "near"),
        ({"ordering": "bogus"}, "ordering"),
        ({"near": "Atlantis"}, "near"),
        ({"near": "x" * 101}, "near"),
        ({"theme": "unknown"}, "theme"),
        ({"legal_form": "sarl"}, "legal_form"),
        ({"bbox": "0,0,0"}, "bbox"),
        ({"bbox": "1,100,2,101"}, "bbox"),
        ({"updated_since": "yesterday"}, "updated_since"),
    ],
)
def test_bad_input_is_a_form_error(places, data, field):
    assert field in errors(**data)


def test_theme_and_legal_form_are_multiple(places):
    energie = factories.theme("energie", "Énergie")
    food = factories.theme("alimentation", "Alimentation")
    factories.initiative(name="E", themes=[energie], legal_form="scop")
    factories.initiative(name="F", themes=[food, energie], legal_form="scic")
    filterset = initiative_filter(data={"theme": ["energie", "alimentation"]})
    assert filterset.is_valid()
    assert [i.name for i in filterset.qs] == ["E", "F"]  # no duplicates from the join
    from django.http import QueryDict

    assert [
        i.name for i in initiative_filter(data=QueryDict("legal_form=scop&legal_form=scic")).qs
    ] == ["E", "F"]
