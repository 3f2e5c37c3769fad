"""A "near" search for a commune of France outside the loaded territories (ADR 010).

On the committed fixtures (26/07 loaded with their centres) and the committed table of French
communes (fixtures/france/communes.tsv.gz).
"""

import re

import pytest

from essmap.typography import typeset
from initiatives.location import OutsidePlace, outside_place
from intercos.france import covered_departements

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(committed_fixtures):
    return None


def text_of(response) -> str:
    html = response.content.decode()
    return typeset(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'"))


def test_covered_departements_are_named_from_the_data(loaded):
    # 04, 05, 30 and 84 come along with some members of cross-border intercos: not covered.
    assert covered_departements() == ["Drôme", "Ardèche"]


def test_a_loaded_commune_is_not_outside(loaded):
    assert outside_place("Annonay") is None
    place = outside_place("Grenoble")
    assert isinstance(place, OutsidePlace) and place.label == "Grenoble"
    assert typeset(place.outside_message()) == typeset(
        "Grenoble est hors du territoire couvert : Drôme et Ardèche."
    )


def test_near_grenoble_says_it_is_outside_and_offers_the_nearest(loaded, client):
    response = client.get("/", {"near": "Grenoble"})
    assert response.status_code == 200
    text = text_of(response)
    assert typeset("Grenoble est hors du territoire couvert : Drôme et Ardèche.") in text
    assert "introuvable" not in text
    assert "Les plus proches de Grenoble" in text
    kms = [float(k) for k in re.findall(r'data-km="([\d.]+)"', response.content.decode())]
    assert kms and kms == sorted(kms) and all(20 < km < 150 for km in kms)
    assert typeset("Près de Grenoble (20 km)") in text


def test_a_postcode_outside_the_area_is_recognised(loaded, client):
    text = text_of(client.get("/", {"near": "38000"}))
    assert typeset("Grenoble est hors du territoire couvert : Drôme et Ardèche.") in text
    assert "Aucune commune n'a le code postal" not in text


def test_an_unknown_place_is_still_not_found(loaded, client):
    text = text_of(client.get("/", {"near": "Zzyzx-sur-Mer"}))
    assert "Commune ou code postal introuvable" in text


def test_the_api_answers_a_place_outside_the_area_as_a_near_search(loaded, client):
    response = client.get("/api/v1/initiatives/", {"near": "Grenoble", "radius": "100"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, "initiatives within 100 km of Grenoble"
    points = [r for r in rows if r["match"] == "point"]
    assert points and all(r["reason"].endswith("km") for r in points)
    response = client.get("/api/v1/initiatives/", {"near": "Zzyzx-sur-Mer"})
    assert response.status_code == 400


def test_the_chip_names_a_commune_with_elision(loaded, client):
    text = text_of(client.get("/", {"near": "Annonay"}))
    assert typeset("Près d’Annonay (20 km)") in text
    assert typeset("près d’Annonay (rayon 20 km)") in text


def test_the_chip_names_the_text_the_geocoder_placed(loaded, client):
    query = {"near": "1 place de la liberte valence", "lat": "44.9334", "lon": "4.8924"}
    text = text_of(client.get("/", query))
    assert typeset("Près de 1 place de la liberte valence (20 km)") in text
    assert "votre position" not in text
    text = text_of(client.get("/", {"lat": "44.9334", "lon": "4.8924"}))
    assert typeset("Près de votre position (20 km)") in text


def test_an_exact_name_outside_wins_over_the_start_of_a_loaded_name(loaded, client):
    text = text_of(client.get("/", {"near": "Saint-Étienne"}))
    assert typeset("Saint-Étienne est hors du territoire couvert : Drôme et Ardèche.") in text
    text = text_of(client.get("/", {"near": "Saint-Étienne-de-Fontbellon"}))
    assert "hors du territoire" not in text
    assert typeset("Près de Saint-Étienne-de-Fontbellon (20 km)") in text
    text = text_of(client.get("/", {"near": "cheyl"}))  # the start of Le Cheylard: loaded
    assert "hors du territoire" not in text
    assert typeset("Près du Cheylard (20 km)") in text
