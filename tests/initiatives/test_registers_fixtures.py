"""The committed register extracts: `load_fixtures --registers` (what `make load` runs) shows
them published, marked with their source and date, on the map and in "près de"; idempotent."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import Initiative

pytestmark = pytest.mark.django_db
REGISTER = Initiative.Origin.REGISTER


@pytest.fixture
def loaded(committed_fixtures):
    call_command("load_fixtures", "--registers", verbosity=0)


def test_plain_load_fixtures_loads_no_register():
    call_command("load_fixtures", verbosity=0)
    assert Initiative.objects.exists()  # the article's
    assert not Initiative.objects.filter(origin=REGISTER).exists()


def test_register_extracts_are_published_with_their_source_and_date(loaded):
    records = Initiative.objects.filter(origin=REGISTER)
    assert records.filter(register_source="finess-esat").count() == 29
    assert records.filter(register_source="siae").count() == 42
    assert set(records.values_list("status", flat=True)) == {Initiative.Status.PUBLISHED}
    assert set(records.filter(register_source="siae").values_list("register_date", flat=True)) == {
        date(2019, 7, 1)
    }
    assert records.filter(verified_at__isnull=False).count() == 0


def test_loading_the_registers_twice_changes_nothing(loaded):
    before = list(Initiative.objects.order_by("pk").values("pk", "name", "updated_at"))
    history = Initiative.history.count()
    call_command("load_fixtures", "--registers", verbosity=0)
    assert list(Initiative.objects.order_by("pk").values("pk", "name", "updated_at")) == before
    assert Initiative.history.count() == history


def test_near_dieulefit_finds_the_esat_of_le_poet_laval(loaded, client):
    page = client.get(reverse("initiatives:directory"), {"near": "Dieulefit", "radius": "20"})
    assert page.status_code == 200
    assert "ESAT CLAIR SOLEIL" in page.content.decode()


def test_register_records_are_on_the_map(loaded, client):
    markers = client.get("/api/v1/map/", {"bbox": "4.0,44.0,5.9,45.5", "zoom": "14"}).json()
    names = {f["properties"].get("name") for f in markers["features"]}
    assert "ESAT CLAIR SOLEIL" in names


def test_open_data_files_carry_the_provenance_and_stay_valid(loaded):
    import csv
    import io

    from frictionless import Resource, Schema, validate

    from initiatives.opendata import files
    from initiatives.opendata.catalogue import table_schema

    call_command("export_opendata", force=True, stdout=io.StringIO())
    folder = files.opendata_dir()
    with (folder / "initiatives.csv").open(encoding="utf-8", newline="") as handle:
        by_siret = {row["siret"]: row for row in csv.DictReader(handle)}
    amandiers = by_siret["39066239300086"]
    assert (amandiers["origine"], amandiers["registre"], amandiers["finess"]) == (
        "register", "finess-esat", "070783212",
    )  # fmt: skip
    assert (amandiers["registre_date"], amandiers["registre_vu_le"]) == ("2026-06-01",) * 2
    geojson = json.loads((folder / "initiatives.geojson").read_text(encoding="utf-8"))
    siae = [f for f in geojson["features"] if f["properties"]["register_source"] == "siae"]
    assert len(siae) == 42 and siae[0]["properties"]["origin"] == "register"
    limit = csv.field_size_limit()
    try:
        schema = Schema.from_descriptor(table_schema())
        report = validate(Resource(path="initiatives.csv", basepath=str(folder), schema=schema))
    finally:
        csv.field_size_limit(limit)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
