"""The SIRENE stock files through `import_register`: the write rules, idempotence, closures."""

from datetime import date
from pathlib import Path

import pytest

from initiatives.models import Initiative
from initiatives.registers.services import register_import
from tests import factories

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sirene"
UNITS = SAMPLE / "StockUniteLegale_sample.csv"
ESTABLISHMENTS = SAMPLE / "StockEtablissement_sample.csv"


@pytest.fixture
def communes():
    drome, ardeche = factories.departement("26", "Drôme"), factories.departement("07", "Ardèche")
    valence = factories.commune(
        insee="26362", name="Valence", departement=drome, postcodes="26000",
        interco=factories.interco(departements=[drome]), centre_lat=44.9256, centre_lon=4.9139,
    )  # fmt: skip
    annonay = factories.commune(
        insee="07010", name="Annonay", departement=ardeche, postcodes="07100",
        interco=factories.interco(departements=[ardeche]), centre_lat=45.2466, centre_lon=4.6502,
    )  # fmt: skip
    return valence, annonay


def run(paths=(UNITS, ESTABLISHMENTS)):
    return register_import(
        source="sirene",
        paths=list(paths),
        departements={"26", "07"},
        publish=True,
        source_date=date(2026, 11, 1),
    )


def test_sirene_stock_files_import_the_active_ess_establishments(communes):
    valence, annonay = communes
    report = run()
    records = {i.siret: i for i in Initiative.objects.filter(register_source="sirene")}
    assert set(records) == {
        "90000001900019", "90000002700012", "90000003500015", "90000007600019",
    }  # fmt: skip
    assert report.created == 4
    lambert = records["90000001900019"]
    assert lambert.commune == valence and lambert.approximate_point is False
    assert lambert.latitude == pytest.approx(44.9334, abs=1e-4)
    assert lambert.legal_form == "association" and lambert.status == "published"
    assert lambert.register_date == date(2026, 11, 1)
    hidden = records["90000003500015"]  # partially diffusible: no street, the commune's centre
    assert hidden.address == "" and hidden.approximate_point is True
    assert (hidden.latitude, hidden.longitude) == (annonay.centre_lat, annonay.centre_lon)
    assert records["90000002700012"].legal_form == "scop"


def test_a_second_import_changes_nothing_and_a_closure_archives(communes, tmp_path):
    run()
    again = run()
    assert (again.created, again.updated, again.archived) == (0, 0, 0)
    closed = tmp_path / "StockEtablissement.csv"
    lines = ESTABLISHMENTS.read_text().splitlines()
    closed.write_text(
        "\n".join(
            line.replace(",2015-01-01,A,", ",2026-10-15,F,")
            if line.startswith("900000027,")
            else line
            for line in lines
        )
        + "\n"
    )
    later = run((UNITS, closed))
    record = Initiative.objects.get(siret="90000002700012")
    assert later.archived == 1
    assert record.status == "archived"
    assert "fermé selon SIRENE au 2026-10-15" in record.register_note
    assert Initiative.objects.filter(siret="90000002700012").count() == 1  # never deleted
