"""The register readers on the real extracts: codes restored, communes found, bad rows skipped
with their reason, another layout refused by name."""

import pytest

from initiatives.models import Theme
from initiatives.registers import finess, siae
from initiatives.registers.common import (
    LayoutError,
    departement_code,
    naf_themes,
    siret_problem,
    theme_of,
    zero_padded,
)
from initiatives.registers.records import RegisterRecord, RowSkipped
from initiatives.registers.sources import UnknownSource, reader
from intercos.models import Commune
from intercos.places import place_key

from .registers_helpers import ESAT, SIAE, header, real, rows, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(committed_fixtures):
    """The communes and intercos of 26 and 07 (fixtures/territories.json)."""


def test_codes_that_lost_their_leading_zeros_are_restored():
    assert zero_padded("7122", 5) == "07122"
    assert zero_padded("70783212", 9) == "070783212"
    assert zero_padded("260004361", 9) == "260004361"
    assert zero_padded("", 5) == ""
    assert departement_code("7") == "07"
    assert departement_code("007") == "07"
    assert departement_code("026") == "26"
    assert departement_code("2A") == "2A"


def test_siret_checksum_with_la_postes_exception():
    assert siret_problem("") == ""
    assert siret_problem("77554456201684") == ""  # ESAT LES AIRIANNES
    assert "SIRET invalide" in siret_problem("77554456201685")
    assert "SIRET invalide" in siret_problem("7755445620168")
    assert siret_problem("35600000000048") == ""  # La Poste's head office: Luhn
    assert siret_problem("35600000000051") == ""  # La Poste: digits sum to a multiple of 5
    assert "SIRET invalide" in siret_problem("35600000000052")


def test_naf_table_names_existing_themes_and_unknown_codes_get_none(committed_fixtures):
    slugs = set(Theme.objects.values_list("slug", flat=True))
    assert set(naf_themes().values()) <= slugs
    assert theme_of("38.32Z") == theme_of("3832Z") == "reemploi"
    assert theme_of("9499Z") == ""  # too broad to say anything: no theme
    assert theme_of("") == ""


def test_every_esat_row_lands_in_its_commune_with_codes_restored(reference):
    source = real(ESAT)
    items = list(finess.read([source], departements=None))
    assert len(items) == len(rows(source, ",")) == 29
    assert all(isinstance(item, RegisterRecord) for item in items)
    for item, row in zip(items, rows(source, ","), strict=True):
        assert item.finess == row["ET-N°FINESS"].zfill(9)
        assert item.commune_insee == row["ET-Commune Code"].zfill(5)
        commune = Commune.objects.get(insee=item.commune_insee)
        assert commune.name == row["ET-Commune Libellé"]
        assert commune.interco_id is not None
        assert item.postcode == row["ET-Code Postal"].zfill(5)
    amandiers = next(i for i in items if i.finess == "070783212")
    assert amandiers.commune_insee == "07122"
    assert amandiers.address == "920 RTE DE LARGENTIERE"  # repeated spaces removed
    assert amandiers.legal_form == "association"
    without_siret = [i for i in items if not i.siret]
    assert {i.finess for i in without_siret} == {"260004668", "070006226", "070007620", "260020086"}
    mutuelle = next(i for i in items if i.finess == "260004668")
    assert mutuelle.legal_form == "mutuelle"


def test_every_siae_row_lands_in_its_commune_from_postcode_and_abbreviated_name(reference):
    source = real(SIAE)
    items = list(siae.read([source], departements={"26", "07"}))
    assert len(items) == len(rows(source, ";")) == 47
    assert all(isinstance(item, RegisterRecord) for item in items)
    for item, row in zip(items, rows(source, ";"), strict=True):
        commune = Commune.objects.get(insee=item.commune_insee)
        assert place_key(commune.name) == place_key(row["LIB_COM"])
        assert row["CODE_POST_COM"] in commune.postcodes.split()
        assert "insertion" in item.extra["themes"]
    by_siret = {i.siret: i for i in items}
    assert by_siret["40909426500058"].commune_insee == "07204"  # ST AGREVE
    assert by_siret["41023096500031"].commune_insee == "07042"  # BOURG ST ANDEOL
    assert by_siret["79459171900032"].commune_insee == "07167"  # LES OLLIERES SUR EYRIEUX
    assert by_siret["38983844200041"].commune_insee == "26324"  # ST PAUL TROIS CHATEAUX
    assert Commune.objects.get(insee="07204").interco_id == "200041465"  # CC Val'Eyrieux
    assert Commune.objects.get(insee="26324").interco_id == "200042901"  # Drôme Sud Provence
    synernat = by_siret["40041811700034"]
    assert synernat.address == "1170 Route DU RANC"
    assert by_siret["82182468700015"].legal_form == "other"  # SAS
    assert by_siret["82182468700015"].extra["themes"] == ["insertion", "reemploi"]  # 3832Z
    # Row 47: LIBELLE_DPT says ISERE, the code (026) and the commune are Drôme's.
    assert by_siret["77944903200084"].commune_insee == "26311"


def test_departement_filter_skips_other_departements(reference):
    items = list(siae.read([real(SIAE)], departements={"26"}))
    skipped = [i for i in items if isinstance(i, RowSkipped)]
    kept = [i for i in items if isinstance(i, RegisterRecord)]
    assert kept and all(i.commune_insee.startswith("26") for i in kept)
    assert skipped and all(s.reason == "hors des départements demandés" for s in skipped)


def test_bad_rows_are_skipped_with_their_reason(reference, tmp_path):
    source = real(SIAE)
    data = rows(source, ";")[:4]
    data[0]["SIRET"] = "31370110400026"  # checksum broken
    data[1]["LIB_COM"] = "NULLE PART"  # no such commune at 07320
    data[2]["CODE_POST_COM"] = "07999"
    path = write(tmp_path / "siae.csv", header(source, ";"), data, ";")
    items = list(siae.read([path], departements=None))
    assert [type(i).__name__ for i in items] == [
        "RowSkipped", "RowSkipped", "RowSkipped", "RegisterRecord",
    ]  # fmt: skip
    assert items[0].row == 2 and "SIRET invalide" in items[0].reason
    assert items[1].reason == "commune introuvable : « NULLE PART » (code postal 07320)"
    assert "code postal 07999" in items[2].reason
    assert items[3].siret == "82182468700015"


def test_esat_with_unknown_commune_or_bad_siret_is_skipped(reference, tmp_path):
    source = real(ESAT)
    data = rows(source, ",")[:3]
    data[0]["ET-Commune Code"] = "7999"
    data[1]["ET-SIRET"] = "39066239300087"
    path = write(tmp_path / "esat.csv", header(source, ","), data, ",")
    items = list(finess.read([path], departements=None))
    assert items[0].reason == "commune inconnue : code INSEE « 07999 »"
    assert "SIRET invalide" in items[1].reason and items[1].source_id == "070783212"
    assert isinstance(items[2], RegisterRecord)


def test_another_layout_is_refused_naming_the_missing_columns(reference):
    with pytest.raises(LayoutError) as refused:
        list(finess.read([real(SIAE)], departements=None))
    assert "ET-N°FINESS" in str(refused.value) and "ET-Commune Code" in str(refused.value)
    with pytest.raises(LayoutError) as refused:
        list(siae.read([real(ESAT)], departements=None))
    assert "MESURE" in str(refused.value) and "LIB_COM" in str(refused.value)


def test_readers_are_found_by_dotted_path_and_a_missing_one_is_said():
    assert reader("siae") is siae.read
    assert reader("finess-esat") is finess.read
    with pytest.raises(UnknownSource, match="inconnu"):
        reader("annuaire")


def test_a_reader_not_written_yet_is_said(monkeypatch):
    from initiatives.registers import sources

    monkeypatch.setitem(sources.READERS, "sirene", "initiatives.registers.not_written.read")
    with pytest.raises(UnknownSource, match="pas encore disponible"):
        reader("sirene")


def test_upper_case_abbreviated_names_with_elisions_are_found(reference):
    from initiatives.registers.common import commune_by_postcode_and_name

    tain, reason = commune_by_postcode_and_name("26600", "TAIN L HERMITAGE")
    assert reason == "" and tain.name == "Tain-l'Hermitage"
    agreve, _reason = commune_by_postcode_and_name("07320", "ST AGREVE")
    assert agreve.insee == "07204"
    typo, _reason = commune_by_postcode_and_name("07320", "ST AGREV")  # one letter off
    assert typo.insee == "07204"
    nothing, reason = commune_by_postcode_and_name("07320", "TAIN L HERMITAGE")
    assert nothing is None and "07320" in reason  # right name, wrong postcode: not guessed
