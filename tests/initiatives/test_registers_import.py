"""`import_register` on the real extracts: through the write rules, matched, never duplicated,
staff edits kept, closed establishments archived, dry runs writing nothing, reports kept."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from initiatives import services
from initiatives.models import Initiative
from initiatives.registers import sources
from initiatives.registers.models import RegisterImportRun
from initiatives.registers.provenance import staff_edited_fields
from initiatives.registers.records import RegisterRecord
from initiatives.registers.services import register_import

from .registers_helpers import ESAT, SIAE, header, real, rows, write

pytestmark = pytest.mark.django_db
REGISTER = Initiative.Origin.REGISTER


@pytest.fixture
def reference(committed_fixtures):
    """The communes and intercos of 26 and 07, and the article's records."""


def esat(*extra):
    call_command("import_register", "finess-esat", str(real(ESAT)), "--date", "2026-06", *extra)


def siae(*extra):
    call_command("import_register", "siae", str(real(SIAE)), "--date", "2019-07", *extra)


def snapshot():
    return {
        i.pk: (i.name, i.address, i.commune_id, i.status, i.updated_at, i.register_values)
        for i in Initiative.objects.filter(origin=REGISTER)
    }


def test_every_esat_and_siae_row_becomes_a_pending_record_of_its_commune(reference, capsys):
    esat()
    siae("--departements", "26,07")
    out = capsys.readouterr().out
    assert "29 créées, 0 mises à jour, 0 inchangées" in out
    assert "42 créées, 0 mises à jour, 5 inchangées" in out  # 5 SIRETs listed twice
    assert "déjà lu ligne 22" in out
    records = Initiative.objects.filter(origin=REGISTER).select_related("commune")
    assert records.count() == 29 + 42
    assert {r.status for r in records} == {Initiative.Status.PENDING}
    for row in rows(ESAT, ","):
        record = records.get(finess=row["ET-N°FINESS"].zfill(9))
        assert record.commune_id == row["ET-Commune Code"].zfill(5)
        assert record.register_source == "finess-esat" and record.register_id == record.finess
        assert record.register_date == date(2026, 6, 1)
        assert record.approximate_point and record.latitude is not None  # commune's centre
    for row in rows(SIAE, ";"):
        record = records.get(siret=row["SIRET"])
        assert row["CODE_POST_COM"] in record.commune.postcodes.split()
        assert record.themes.filter(slug="insertion").exists()
    assert records.get(siret="40909426500058").commune.interco_id == "200041465"
    assert records.get(finess="260004668").commune.interco_id == "200073096"  # Arche Agglo
    assert Initiative.history.filter(origin=REGISTER).count() >= 71  # written with history
    run = RegisterImportRun.objects.get(source="siae")
    assert (run.created, run.unchanged, run.skipped) == (42, 5, 0)


def test_a_second_import_changes_nothing(reference):
    esat()
    siae()
    before, history = snapshot(), Initiative.history.count()
    esat()
    siae()
    assert snapshot() == before
    assert Initiative.history.count() == history
    second = RegisterImportRun.objects.filter(source="finess-esat").order_by("-pk").first()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 29)


def test_the_esat_without_siret_is_matched_by_its_finess_number(reference, tmp_path):
    esat()
    donat = Initiative.objects.get(finess="260004668")
    assert donat.siret == ""
    data = rows(ESAT, ",")
    for row in data:
        if row["ET-N°FINESS"] == "260004668":
            row["ET-Adresse"] = "12 AV DE LA GARE"  # moved
    newer = write(tmp_path / "esat-2026-12.csv", header(ESAT, ","), data, ",")
    call_command("import_register", "finess-esat", str(newer), "--date", "2026-12")
    assert Initiative.objects.filter(finess="260004668").count() == 1
    donat.refresh_from_db()
    assert donat.address == "12 AV DE LA GARE"
    assert donat.register_seen_at == date(2026, 12, 1)
    run = RegisterImportRun.objects.order_by("-pk").first()
    assert (run.created, run.updated) == (0, 29)  # every record seen in a newer file
    moved = [d for d in run.details if d["source_id"] == "260004668"][0]
    assert moved["fields"] == ["address"]


def test_a_staff_edit_survives_a_re_import(reference, tmp_path):
    siae()
    record = Initiative.objects.get(siret="40909426500058")
    services.staff_write(by=None, initiative=record, values={"name": "Accès Emploi Services"})
    data = rows(SIAE, ";")
    for row in data:
        if row["SIRET"] == "40909426500058":
            row["DENOMINATION_SOCIALE"] = "ASSOC ACCES EMPLOI"
            row["NUM_RUE"] = "45"
    newer = write(tmp_path / "siae-2020.csv", header(SIAE, ";"), data, ";")
    call_command("import_register", "siae", str(newer), "--date", "2020-01")
    record.refresh_from_db()
    assert record.name == "Accès Emploi Services"  # staff's
    assert record.address == "45 GRANDE RUE"  # the register's, not edited: refreshed
    assert staff_edited_fields(record) == ["name"]


def test_the_interco_records_stay_authoritative(reference):
    article = Initiative.objects.filter(origin=Initiative.Origin.INTERCO).first()
    Initiative.objects.filter(pk=article.pk).update(siret="40909426500058")
    before = Initiative.objects.filter(pk=article.pk).values().get()
    siae()
    assert Initiative.objects.filter(pk=article.pk).values().get() == before
    assert not Initiative.objects.filter(siret="40909426500058", origin=REGISTER).exists()
    run = RegisterImportRun.objects.get()
    assert any("saisie par l'intercommunalité" in d.get("reason", "") for d in run.details)


def test_a_structure_gone_from_a_newer_file_is_archived_not_deleted(reference, tmp_path):
    esat()
    data = [r for r in rows(ESAT, ",") if r["ET-N°FINESS"] != "70783212"]
    newer = write(tmp_path / "esat.csv", header(ESAT, ","), data, ",")
    call_command(
        "import_register", "finess-esat", str(newer), "--date", "2026-12", "--archive-missing"
    )
    gone = Initiative.objects.get(finess="070783212")
    assert gone.status == Initiative.Status.ARCHIVED
    assert gone.register_note == "absent de la liste des ESAT (FINESS) décembre 2026"
    assert Initiative.objects.filter(origin=REGISTER).count() == 29


def test_a_closed_establishment_is_archived_with_the_reason(reference, monkeypatch):
    def read(paths, *, departements):
        active = str(paths[0]).endswith("open")
        yield RegisterRecord(
            source="sirene", source_id="77554456201684", name="ESAT LES AIRIANNES",
            siret="77554456201684", commune_insee="26220", postcode="26110", active=active,
            closed_reason="" if active else "fermé selon SIRENE au 2026-11-01",
        )  # fmt: skip

    monkeypatch.setitem(sources.READERS, "sirene", f"{__name__}.fake_sirene")
    monkeypatch.setitem(globals(), "fake_sirene", read)
    register_import(source="sirene", paths=["open"], source_date=date(2026, 10, 1))
    register_import(source="sirene", paths=["closed"], source_date=date(2026, 11, 1))
    closed = Initiative.objects.get(siret="77554456201684")
    assert closed.status == Initiative.Status.ARCHIVED
    assert closed.register_note == "fermé selon SIRENE au 2026-11-01"
    assert RegisterImportRun.objects.order_by("-pk").first().archived == 1


def test_dry_run_writes_nothing(reference, capsys):
    before = Initiative.objects.count(), Initiative.history.count()
    esat("--dry-run")
    assert "Simulation (rien n'est écrit) : 29 créées" in capsys.readouterr().out
    assert (Initiative.objects.count(), Initiative.history.count()) == before
    assert not RegisterImportRun.objects.exists()


def test_another_layout_is_a_clear_error_and_writes_nothing(reference):
    before = Initiative.objects.count()
    with pytest.raises(CommandError, match="colonnes manquantes : EJ-Statut.*ET-N°FINESS"):
        call_command("import_register", "finess-esat", str(real(SIAE)))
    assert Initiative.objects.count() == before


def test_bad_rows_are_skipped_with_their_reason_and_the_rest_imported(reference, tmp_path):
    data = rows(real(SIAE), ";")[:3]
    data[0]["SIRET"] = "31370110400026"
    data[1]["LIB_COM"] = "NULLE PART"
    path = write(tmp_path / "siae.csv", header(SIAE, ";"), data, ";")
    call_command("import_register", "siae", str(path), "--date", "2019-07")
    run = RegisterImportRun.objects.get()
    assert (run.created, run.skipped) == (1, 2)
    reasons = {d["row"]: d["reason"] for d in run.details if d["action"] == "skipped"}
    assert "SIRET invalide" in reasons[2]
    assert reasons[3] == "commune introuvable : « NULLE PART » (code postal 07320)"


def test_a_similar_name_in_the_same_commune_is_flagged_not_merged(reference):
    other = services.staff_write(
        by=None,
        initiative=None,
        values={"name": "Assoc. Accès Emploi Service", "commune": _commune("07204")},
    )
    siae()
    record = Initiative.objects.get(siret="40909426500058")
    assert record.possible_duplicate_of == other
    assert RegisterImportRun.objects.get().duplicates == 1


def test_published_records_say_their_source_and_are_not_verified(reference, client, api_client):
    siae("--publish")
    record = Initiative.objects.get(siret="40909426500058")
    assert record.status == Initiative.Status.PUBLISHED
    assert record.verified_at is None and record.verified_by == ""
    page = client.get(record.get_absolute_url()).content.decode().replace("\u202f", " ")
    page = page.replace("\xa0", " ")
    assert "Source : liste des SIAE (ASP), juillet 2019 — non vérifiée par" in page
    detail = api_client.get(f"/api/v1/initiatives/{record.slug}/").json()
    assert detail["origin"] == "register" and detail["register_source"] == "siae"
    assert detail["register_id"] == "40909426500058"
    assert detail["register_date"] == "2019-07-01"
    listed = api_client.get("/api/v1/initiatives/", {"q": "acces emploi services"}).json()
    assert any(item["register_source"] == "siae" for item in listed["results"])


def _commune(insee):
    from intercos.models import Commune

    return Commune.objects.get(insee=insee)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def test_directory_filters_by_origin_and_the_api_by_siret(reference, client, api_client):
    siae("--publish")
    directory = reverse("initiatives:directory")
    registers = client.get(directory, {"origin": "register"}).content.decode()
    interco = client.get(directory, {"origin": "interco"}).content.decode()
    assert "ASSOC ACCES EMPLOI SERVICES" in registers and "ASSOC ACCES EMPLOI" not in interco
    listed = api_client.get("/api/v1/initiatives/", {"origin": "interco"}).json()
    assert listed["results"] and all(i["origin"] == "interco" for i in listed["results"])
    found = api_client.get("/api/v1/initiatives/", {"siret": "40909426500058"}).json()
    assert [i["name"] for i in found["results"]] == ["ASSOC ACCES EMPLOI SERVICES"]
    bad = api_client.get("/api/v1/initiatives/", {"siret": "40909426500059"})
    assert bad.status_code == 400 and "siret" in str(bad.json())


def test_an_interrupted_run_leaves_whole_records_and_can_be_run_again(reference, monkeypatch):
    from initiatives.registers import services as register_services

    monkeypatch.setattr(register_services, "CHUNK", 10)
    calls = {"n": 0}
    real_write = services.staff_write

    def failing_write(**kwargs):
        calls["n"] += 1
        if calls["n"] == 25:
            raise KeyboardInterrupt  # the machine stops mid-chunk
        return real_write(**kwargs)

    monkeypatch.setattr(services, "staff_write", failing_write)
    with pytest.raises(KeyboardInterrupt):
        siae()
    kept = Initiative.objects.filter(origin=REGISTER)
    assert kept.count() == 20  # the two chunks committed, nothing of the third
    assert all(i.register_values and i.slug for i in kept)
    monkeypatch.setattr(services, "staff_write", real_write)
    siae()
    assert Initiative.objects.filter(origin=REGISTER).count() == 42
    run = RegisterImportRun.objects.get()
    assert (run.created, run.unchanged) == (22, 5 + 20)


def test_a_record_another_register_brought_is_left_to_it(reference, tmp_path):
    esat()
    data = rows(real(SIAE), ";")[:1]
    data[0]["SIRET"] = "77554456201684"  # ESAT LES AIRIANNES's SIRET, listed as an SIAE
    path = write(tmp_path / "siae.csv", header(SIAE, ";"), data, ";")
    call_command("import_register", "siae", str(path), "--date", "2019-07")
    airiannes = Initiative.objects.get(siret="77554456201684")
    assert (airiannes.name, airiannes.register_source) == ("ESAT LES AIRIANNES", "finess-esat")
    reason = RegisterImportRun.objects.get(source="siae").details[0]["reason"]
    assert reason == "fiche importée depuis liste des ESAT (FINESS) : inchangée"


def test_the_api_detail_of_a_register_record_is_what_the_serializer_documents(reference):
    from django.test import RequestFactory
    from rest_framework.request import Request

    from initiatives.api.serializers import InitiativeDetailSerializer
    from initiatives.detail import initiative_detail_data
    from initiatives.representation import PageLinks

    esat("--publish")
    record = Initiative.objects.get(finess="070783212")
    request = RequestFactory().get(f"/api/v1/initiatives/{record.slug}/")
    lean = initiative_detail_data(slug=record.slug, links=PageLinks(request))["data"]
    documented = InitiativeDetailSerializer(record, context={"request": Request(request)}).data
    names = ("origin", "register_source", "register_id", "finess", "register_date",
             "register_seen_at")  # fmt: skip
    assert {n: lean[n] for n in names} == {n: documented[n] for n in names} == {
        "origin": "register", "register_source": "finess-esat", "register_id": "070783212",
        "finess": "070783212", "register_date": "2026-06-01", "register_seen_at": "2026-06-01",
    }  # fmt: skip


def test_origin_and_siret_show_as_removable_chips(reference, client):
    siae("--publish")
    page = client.get(
        reverse("initiatives:directory"), {"origin": "register", "siret": "40909426500058"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Registre national" in text and "40909426500058" in text


def test_sirene_files_go_through_the_same_import(reference, samples, capsys):
    files = [str(samples / "sirene" / name) for name in
             ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv")]  # fmt: skip
    call_command("import_register", "sirene", *files, "--date", "2026-11-01")
    first = RegisterImportRun.objects.get()
    assert first.created > 0 and first.skipped > 0
    assert Initiative.objects.filter(register_source="sirene").count() == first.created
    call_command("import_register", "sirene", *files, "--date", "2026-11-01")
    second = RegisterImportRun.objects.order_by("-pk").first()
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    with pytest.raises(CommandError, match="StockEtablissement"):
        call_command("import_register", "sirene", files[0])
