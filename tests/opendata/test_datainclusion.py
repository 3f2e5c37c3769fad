"""Every exported structure and service is valid for data-inclusion-schema (warnings = errors)."""

import io
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from pydantic import ValidationError

from bench.generate_synthetic import Command as GenerateSynthetic
from initiatives.models import Initiative
from initiatives.opendata import datainclusion, files
from tests import factories

pytestmark = pytest.mark.django_db


def _records():
    call_command("export_opendata", force=True, stdout=io.StringIO())
    folder = files.opendata_dir()
    structures = json.loads((folder / "data-inclusion-structures.json").read_text())
    services = json.loads((folder / "data-inclusion-services.json").read_text())
    return structures, services


def _assert_all_valid(structures, services):
    for record in structures:
        datainclusion.validate(record, v1.Structure, strict=True)
    ids = {s["id"] for s in structures}
    for record in services:
        datainclusion.validate(record, v1.Service, strict=True)
        assert record["structure_id"] in ids, record


def test_seeded_records_are_valid(seeded):
    structures, services = _records()
    published = Initiative.objects.published().count()
    assert len(services) == published > 0
    assert structures
    _assert_all_valid(structures, services)
    assert any(s["thematiques"] for s in services)
    assert any(s["zone_eligibilite"] for s in services)
    assert all(
        s["source"] == "essmap" and s["lien_source"].startswith("https://") for s in services
    )


def test_synthetic_sample_records_are_valid(db):
    call_command(GenerateSynthetic(), count=300, seed=7, stdout=io.StringIO())
    Initiative.objects.update(status=Initiative.Status.PUBLISHED)
    structures, services = _records()
    assert len(services) == Initiative.objects.count() >= 300
    _assert_all_valid(structures, services)


def test_strict_validation_really_rejects_a_warning():
    record = {
        "source": "essmap",
        "id": "essmap--x",
        "nom": "Nom avec point.",
        "date_maj": "2025-01-02",
    }
    datainclusion.validate(record, v1.Structure, strict=False)  # only a warning
    with pytest.raises(ValidationError):
        datainclusion.validate(record, v1.Structure, strict=True)


def test_mapping_of_themes_coverage_and_carrier(db):
    d26 = factories.departement("26", "Drôme")
    d07 = factories.departement("07", "Ardèche")
    a, b = factories.interco(departements=[d26]), factories.interco(departements=[d26])
    c = factories.interco(departements=[d07])
    factories.interco(departements=[d07])  # Ardèche is not covered whole
    food = factories.theme("alimentation", "Alimentation")
    money = factories.theme("monnaie-locale", "Monnaie locale")
    carrier = factories.initiative(name="Coopérative mère", siret="")
    project = factories.initiative(
        name="Projet.", kind=Initiative.Kind.PROJECT, carried_by=carrier,
        themes=[food, money], coverage=[a, b, c],
    )  # fmt: skip
    place = factories.commune(departement=d26, interco=a)
    local = factories.initiative(name="Épicerie", commune=place)
    structures, services = _records()
    assert {s["id"] for s in structures} == {f"essmap--{carrier.slug}", f"essmap--{local.slug}"}
    by_id = {s["id"]: s for s in services}
    p = by_id[f"essmap--{project.slug}"]
    assert p["structure_id"] == f"essmap--{carrier.slug}"
    assert p["nom"] == "Projet"
    assert p["thematiques"] == ["equipement-et-alimentation--alimentation"]
    assert p["zone_eligibilite"] == ["26", c.siren]  # whole Drôme, one Ardèche interco
    assert by_id[f"essmap--{local.slug}"]["zone_eligibilite"] == [place.insee]
    assert by_id[f"essmap--{local.slug}"]["code_insee"] == place.insee
    _assert_all_valid(structures, services)


def test_api_pages_and_schema(client, db):
    for n in range(3):
        factories.initiative(name=f"Initiative API {n}")
    page = client.get("/api/v1/data-inclusion/services/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    for record in page["results"]:
        datainclusion.validate(record, v1.Service, strict=True)
    cursor = client.get("/api/v1/data-inclusion/structures/?pagination=cursor&page_size=2").json()
    assert len(cursor["results"]) == 2
    assert client.get("/api/v1/data-inclusion/services/?page=9").status_code == 404
    assert client.get("/api/v1/data-inclusion/services/?page_size=x").status_code == 400
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    op = schema["paths"]["/api/v1/data-inclusion/services/"]["get"]
    item = op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["results"]
    assert "zone_eligibilite" in item["items"]["properties"]
    assert "thematiques" in item["items"]["properties"]
