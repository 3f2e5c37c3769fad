"""The committed register extracts: `load_fixtures --registers` (what `make load` runs) shows
them published, marked with their source and date, on the map and in "près de"; idempotent."""

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
    assert Initiative.objects.count() == 10
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
