"""Every exported structure and service is valid for data-inclusion-schema (warnings = errors)."""

import io
import json

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from pydantic import ValidationError

from bench.generate_synthetic import Command as GenerateSynthetic
from initiatives.models import Initiative, Theme
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
    offering = Initiative.objects.published().filter(kind=Initiative.Kind.SERVICE)
    assert len(services) == offering.count() > 0
    assert structures
    _assert_all_valid(structures, services)
    assert any(s["thematiques"] for s in services)
    assert any(s["zone_eligibilite"] for s in services)
    assert all(
        s["source"] == "essmap" and s["lien_source"].startswith("https://") for s in services
    )


def test_seeded_services_and_structures_are_the_ones_that_offer_or_run_one(seeded):
    structures, services = _records()
    assert {s["id"] for s in services} == {
        "essmap--approvisionnement-local-cantines-arche-agglo",
        "essmap--energie-solidaire",
        "essmap--moov-raa",
    }
    # The projects (housing, local currency, campus) are neither; the bank cited as a
    # partner and the logistics association are structures, offering no service of their own.
    assert {s["id"] for s in structures} == {
        "essmap--sud-gresivaudan-en-transition",
        "essmap--credit-cooperatif",
        "essmap--approvisionnement-local-cantines-arche-agglo",
        "essmap--energie-solidaire",
        "essmap--moov-raa",
    }


def test_seeded_thematiques_keep_their_meaning(seeded):
    _, services = _records()
    by_id = {s["id"]: s for s in services}
    # Energie Solidaire hires advisers from work integration: no job service for the public.
    assert by_id["essmap--energie-solidaire"]["thematiques"] is None
    # School canteens are no training and no food aid.
    assert by_id["essmap--approvisionnement-local-cantines-arche-agglo"]["thematiques"] is None
    assert by_id["essmap--moov-raa"]["thematiques"] == [
        "mobilite--mobilite-douce-partagee-collective"
    ]


def test_seeded_zone_eligibilite_is_the_coverage_or_absent(seeded):
    structures, services = _records()
    by_id = {s["id"]: s for s in services}
    assert by_id["essmap--energie-solidaire"]["zone_eligibilite"] == ["200041366"]
    cantines = by_id["essmap--approvisionnement-local-cantines-arche-agglo"]
    assert cantines["zone_eligibilite"] == ["200073096"]
    assert by_id["essmap--moov-raa"]["zone_eligibilite"] is None  # 11 CC, not named
    # The town-centre points are not given as the service's location.
    for record in [*services, *structures]:
        assert record["latitude"] is None and record["longitude"] is None, record["id"]
    assert by_id["essmap--energie-solidaire"]["code_insee"] == "07102"


def test_synthetic_sample_records_are_valid(db):
    call_command(GenerateSynthetic(), count=300, seed=7, stdout=io.StringIO())
    Initiative.objects.update(status=Initiative.Status.PUBLISHED)
    structures, services = _records()
    assert len(services) == Initiative.objects.filter(kind=Initiative.Kind.SERVICE).count() > 0
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


# Every directory theme, reviewed against the data·inclusion v1 vocabulary: what a service
# under it is exported as (datainclusion.THEMATIQUES gives the reasons).
EXPECTED_THEMATIQUES = {
    "mobilite": ["mobilite--mobilite-douce-partagee-collective"],
    "culture": ["remobilisation--activites-sportives-et-culturelles"],
    "tiers-lieux": ["remobilisation--lien-social"],
    "insertion": None,  # not "trouver-un-emploi--maintien-dans-lemploi"
    "finance-solidaire": None,  # not "creer-une-entreprise--developper-son-entreprise"
    "education": None,  # not "se-former--trouver-sa-formation"
    "habitat": None,
    "alimentation": None,
    "sante": None,
    "accompagnement": None,
    "energie": None,
    "monnaie-locale": None,
    "reemploi": None,
}


def test_every_fixture_theme_is_reviewed(seeded):
    assert set(Theme.objects.values_list("slug", flat=True)) == set(EXPECTED_THEMATIQUES)
    assert set(datainclusion.THEMATIQUES) <= set(EXPECTED_THEMATIQUES)


@pytest.mark.parametrize("slug", sorted(EXPECTED_THEMATIQUES))
def test_theme_maps_to_its_thematique_or_to_nothing(db, slug):
    theme = factories.theme(slug, slug.capitalize())
    service = factories.initiative(kind=Initiative.Kind.SERVICE, themes=[theme])
    _, services = _records()
    assert [s["thematiques"] for s in services] == [EXPECTED_THEMATIQUES[slug]]
    official = {t.value for t in v1.Thematique}
    assert set(EXPECTED_THEMATIQUES[slug] or ()) <= official
    assert services[0]["id"] == f"essmap--{service.slug}"


def test_only_services_are_exported_as_services(db):
    structure = factories.initiative(name="Coopérative mère")
    carried = factories.initiative(
        name="Service porté", kind=Initiative.Kind.SERVICE, carried_by=structure
    )
    alone = factories.initiative(name="Service seul", kind=Initiative.Kind.SERVICE)
    project = factories.initiative(name="Projet", kind=Initiative.Kind.PROJECT)
    factories.initiative(name="Projet porté", kind=Initiative.Kind.PROJECT, carried_by=structure)
    structures, services = _records()
    assert {s["id"]: s["structure_id"] for s in services} == {
        f"essmap--{carried.slug}": f"essmap--{structure.slug}",
        f"essmap--{alone.slug}": f"essmap--{alone.slug}",  # its own structure
    }
    assert {s["id"] for s in structures} == {f"essmap--{structure.slug}", f"essmap--{alone.slug}"}
    assert f"essmap--{project.slug}" not in {s["id"] for s in structures}
    _assert_all_valid(structures, services)


def test_a_service_carried_by_a_project_stands_as_its_own_structure(db):
    project = factories.initiative(name="Projet porteur", kind=Initiative.Kind.PROJECT)
    service = factories.initiative(
        name="Service du projet", kind=Initiative.Kind.SERVICE, carried_by=project
    )
    structures, services = _records()
    assert [s["structure_id"] for s in services] == [f"essmap--{service.slug}"]
    assert [s["id"] for s in structures] == [f"essmap--{service.slug}"]
    _assert_all_valid(structures, services)


def test_zone_eligibilite_from_coverage_never_the_commune(db):
    d26 = factories.departement("26", "Drôme")
    d07 = factories.departement("07", "Ardèche")
    a, b = factories.interco(departements=[d26]), factories.interco(departements=[d26])
    c = factories.interco(departements=[d07])
    factories.interco(departements=[d07])  # Ardèche is not covered whole
    place = factories.commune(departement=d26, interco=a)
    wide = factories.initiative(
        name="Service large.", kind=Initiative.Kind.SERVICE, coverage=[a, b, c], commune=place
    )
    local = factories.initiative(name="Épicerie", kind=Initiative.Kind.SERVICE, commune=place)
    one = factories.initiative(name="Service d'une interco", kind=Initiative.Kind.SERVICE,
                               coverage=[c])  # fmt: skip
    structures, services = _records()
    by_id = {s["id"]: s for s in services}
    assert by_id[f"essmap--{wide.slug}"]["nom"] == "Service large"
    assert by_id[f"essmap--{wide.slug}"]["zone_eligibilite"] == ["26", c.siren]
    assert by_id[f"essmap--{one.slug}"]["zone_eligibilite"] == [c.siren]
    assert by_id[f"essmap--{local.slug}"]["zone_eligibilite"] is None
    assert by_id[f"essmap--{local.slug}"]["code_insee"] == place.insee
    _assert_all_valid(structures, services)


def test_an_exact_point_is_exported_an_approximate_one_is_not(db):
    place = factories.commune(centre_lat=44.9, centre_lon=4.9)
    exact = factories.initiative(
        name="Au point exact", kind=Initiative.Kind.SERVICE, commune=place,
        address="1 place de la Mairie", latitude=44.91, longitude=4.87,
    )  # fmt: skip
    centre = factories.initiative(name="Au centre", kind=Initiative.Kind.SERVICE, commune=place)
    assert centre.approximate_point and not exact.approximate_point
    structures, services = _records()
    for records in (structures, services):
        by_id = {s["id"]: s for s in records}
        assert (by_id[f"essmap--{exact.slug}"]["latitude"], by_id[f"essmap--{exact.slug}"][
            "longitude"]) == (44.91, 4.87)  # fmt: skip
        assert by_id[f"essmap--{centre.slug}"]["latitude"] is None
        assert by_id[f"essmap--{centre.slug}"]["longitude"] is None
        assert by_id[f"essmap--{centre.slug}"]["code_insee"] == place.insee


def test_api_pages_and_schema(client, db):
    for n in range(3):
        factories.initiative(name=f"Initiative API {n}", kind=Initiative.Kind.SERVICE)
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
