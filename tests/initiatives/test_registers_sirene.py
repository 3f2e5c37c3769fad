"""The SIRENE stock reader on a sample in the published column layouts (tests/samples/sirene).

The sample's structures are fictitious (SIREN 90000001x-90000007x, valid checksums); the
column layouts are INSEE's (StockUniteLegale 2025, StockEtablissement 2019-2023 plus the
Lambert-93 columns of the current files).
"""

import csv
import zipfile
from datetime import date
from pathlib import Path

import pytest

from initiatives.registers import sirene
from initiatives.registers.legal_forms import legal_form
from initiatives.registers.records import RegisterRecord, RowSkipped

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sirene"
UNITS = SAMPLE / "StockUniteLegale_sample.csv"
ESTABLISHMENTS = SAMPLE / "StockEtablissement_sample.csv"
CENTRES = {"26362": (44.9256, 4.9139), "07010": (45.2466, 4.6502), "38185": (45.18, 5.72)}
WHEN = date(2026, 11, 1)


def read(paths=(ESTABLISHMENTS, UNITS), departements=frozenset({"26", "07"})):
    return list(
        sirene.read(list(paths), departements=set(departements), source_date=WHEN, centres=CENTRES)
    )


def by_siret(items):
    return {item.source_id: item for item in items}


def test_keeps_only_establishments_of_units_flagged_ess():
    sirets = {item.source_id[:9] for item in read()}
    assert "900000043" not in sirets  # the unit flagged N
    assert {"900000019", "900000027", "900000035", "900000076"} <= sirets


def test_filters_by_departement():
    found = by_siret(read())
    assert "90000006800016" not in found  # Grenoble (38)
    everywhere = by_siret(read(departements=()))
    assert everywhere["90000006800016"].commune_insee == "38185"


def test_closed_establishment_is_yielded_inactive_with_the_reason():
    closed = by_siret(read())["90000001900027"]
    assert isinstance(closed, RegisterRecord)
    assert closed.active is False
    assert closed.closed_reason == "fermé selon SIRENE au 2024-06-30"
    assert by_siret(read())["90000001900019"].active is True


def test_partially_diffusible_establishment_has_no_street_address_nor_exact_point():
    record = by_siret(read())["90000003500015"]
    assert record.address == ""
    assert record.name == "MUTUELLE EXEMPLE"
    # The file has its Lambert-93 point, but it would give the address away.
    assert (record.latitude, record.longitude) == CENTRES["07010"]
    assert record.approximate_point is True
    assert "[ND]" not in repr(record)


def test_partially_diffusible_natural_person_without_sign_is_skipped():
    skipped = by_siret(read())["90000005000014"]
    assert isinstance(skipped, RowSkipped)
    assert skipped.reason == "nom non diffusible"


def test_lambert93_point_is_converted_with_pyproj():
    record = by_siret(read())["90000001900019"]
    assert record.latitude == pytest.approx(44.9334, abs=1e-4)
    assert record.longitude == pytest.approx(4.8924, abs=1e-4)
    assert record.approximate_point is False
    assert record.address == "12 RUE DE LA PAIX"
    assert record.postcode == "26000"


def test_without_coordinates_the_point_is_the_commune_centre_flagged_approximate():
    record = by_siret(read())["90000002700012"]
    assert (record.latitude, record.longitude) == CENTRES["07010"]
    assert record.approximate_point is True


def test_name_prefers_the_sign_then_the_unit_denomination():
    found = by_siret(read())
    assert found["90000002700012"].name == "ATELIER EXEMPLE"
    assert found["90000001900019"].name == "ASSOCIATION EXEMPLE SOLIDAIRE"
    assert found["90000007600019"].name == "ASSOCIATION EXEMPLE, VIRGULE"  # quoted comma


def test_legal_forms_are_mapped_from_insee_categories():
    found = by_siret(read())
    assert found["90000001900019"].legal_form == "association"
    assert found["90000002700012"].legal_form == "scop"
    assert found["90000003500015"].legal_form == "mutuelle"
    assert legal_form("9230") == "association"
    assert legal_form("9300") == "fondation"
    assert legal_form("6317") == "cooperative"
    assert legal_form("5710") == "other"  # SAS: the register does not say more
    assert legal_form("") == "other"


def test_bad_siret_and_malformed_coordinates_skip_the_row_with_its_reason():
    skipped = [item for item in read() if isinstance(item, RowSkipped)]
    reasons = {item.source_id: item.reason for item in skipped}
    assert reasons["90000001900099"] == "SIRET invalide (clé de contrôle)"
    assert reasons["90000006800024"] == "coordonnées Lambert-93 mal formées"
    assert all(item.row > 1 for item in skipped)


def test_reads_zipped_files(tmp_path):
    zipped = []
    for path in (UNITS, ESTABLISHMENTS):
        target = tmp_path / (path.stem + ".zip")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, path.name)
        zipped.append(target)
    assert [repr(r) for r in read(zipped)] == [repr(r) for r in read()]


def test_file_of_another_layout_names_the_missing_columns(tmp_path):
    broken = tmp_path / "StockEtablissement.csv"
    with open(ESTABLISHMENTS) as src:
        header = next(csv.reader(src))
    header.remove("codeCommuneEtablissement")
    broken.write_text(",".join(header) + "\n")
    with pytest.raises(sirene.LayoutError, match="codeCommuneEtablissement"):
        read([UNITS, broken])
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(sirene.LayoutError, match="ni StockUniteLegale"):
        read([UNITS, other])
    with pytest.raises(sirene.LayoutError, match="les deux fichiers"):
        read([UNITS])


def test_every_record_carries_the_source_and_date():
    records = [item for item in read() if isinstance(item, RegisterRecord)]
    assert records
    assert {(r.source, r.source_date) for r in records} == {("sirene", WHEN)}
    assert all(r.siret == r.source_id for r in records)
