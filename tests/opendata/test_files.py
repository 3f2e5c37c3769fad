"""Whole-set files: contents, Table Schema validation (frictionless), atomic writes, serving."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from frictionless import Resource, Schema, validate

from initiatives.models import Initiative, KeyFigure
from initiatives.opendata import files
from initiatives.opendata.catalogue import table_schema
from tests import factories

pytestmark = pytest.mark.django_db


def _validate(folder: Path, name: str):
    """frictionless' report for a CSV of `folder` against the published Table Schema.

    frictionless raises the process-wide csv.field_size_limit when its CSV parser loads;
    the previous limit is put back so that the import's own size checks stay as they are.
    """
    limit = csv.field_size_limit()
    try:
        schema = Schema.from_descriptor(table_schema())
        return validate(Resource(path=name, basepath=str(folder), schema=schema))
    finally:
        csv.field_size_limit(limit)


def _build():
    call_command("export_opendata", force=True, stdout=io.StringIO())
    return files.read_manifest()


def test_machine_csv_is_valid_against_the_table_schema(seeded):
    manifest = _build()
    path = Path(files.opendata_dir()) / "initiatives.csv"
    published = Initiative.objects.published().count()
    assert manifest["files"]["initiatives.csv"]["rows"] == published > 0
    report = _validate(path.parent, path.name)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == published


def test_the_schema_catches_a_broken_csv(tmp_path):
    """The validation can fail: a bad SIREN and a missing slug are reported."""
    header = [f["name"] for f in table_schema()["fields"]]
    row = {name: "" for name in header}
    row.update(nom="X", type="structure", forme_juridique="scop", interco_siren="123",
               mise_a_jour="2025-01-01T10:00:00+01:00", url="https://e.org/x/")  # fmt: skip
    path = tmp_path / "bad.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerow(row)
    report = _validate(tmp_path, "bad.csv")
    types = {error[0] for error in report.flatten(["type"])}
    assert not report.valid
    assert "constraint-error" in types


def test_files_cover_territory_only_initiatives_and_figures_with_sources(db):
    ic = factories.interco(name="CC Val")
    factories.initiative(name="Sans adresse", coverage=[ic])
    factories.initiative(name="Brouillon", status=Initiative.Status.DRAFT)
    src = factories.source(title="Article 2025", url="https://example.org/a")
    factories.key_figure(label="Emplois ESS", value=42, interco=ic, source=src)
    _build()
    folder = files.opendata_dir()
    rows = list(csv.DictReader((folder / "initiatives.csv").open(encoding="utf-8")))
    assert [r["nom"] for r in rows] == ["Sans adresse"]
    assert rows[0]["couverture_siren"] == ic.siren
    geo = json.loads((folder / "initiatives.geojson").read_text(encoding="utf-8"))
    assert geo["features"][0]["geometry"] is None
    assert geo["features"][0]["properties"]["coverage_siren"] == [ic.siren]
    figures = list(csv.DictReader((folder / "chiffres-cles.csv").open(encoding="utf-8")))
    assert figures[0]["portee_code"] == ic.siren
    assert figures[0]["source_titre"] == "Article 2025"
    assert figures[0]["source_url"] == "https://example.org/a"
    spreadsheet = (folder / "initiatives-tableur.csv").read_bytes()
    assert spreadsheet.startswith("\ufeff".encode()) and b";" in spreadsheet.splitlines()[0]


def test_rebuilt_only_when_the_data_change(db):
    factories.initiative(name="Une")
    assert files.opendata_build(base_url="https://e.org") is not None
    assert files.opendata_build(base_url="https://e.org") is None  # nothing changed
    factories.initiative(name="Deux")
    manifest = files.opendata_build(base_url="https://e.org")
    assert manifest["files"]["initiatives.csv"]["rows"] == 2
    KeyFigure.objects.create(label="x", value=1, source=factories.source())
    assert files.opendata_build(base_url="https://e.org") is not None


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path):
    target = tmp_path / "f.csv"
    files.write_atomically(target, lambda out: out.write("old\n"))

    def broken(out):
        out.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        files.write_atomically(target, broken)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]  # no temporary file left


def test_files_are_served_with_etag_size_and_304(client, db):
    factories.initiative(name="Servie")
    manifest = _build()
    entry = manifest["files"]["initiatives.csv"]
    response = client.get("/donnees/fichiers/initiatives.csv")
    assert response.status_code == 200
    assert response["ETag"] == f'"{entry["sha256"]}"'
    assert int(response["Content-Length"]) == entry["size"]
    body = b"".join(response.streaming_content)
    assert b"Servie" in body and len(body) == entry["size"]
    again = client.get("/donnees/fichiers/initiatives.csv", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.get("/donnees/fichiers/settings.py").status_code == 404
    assert client.get("/donnees/fichiers/..%2Fmanifest.json").status_code == 404


def test_the_page_shows_licence_sizes_and_links(client, db):
    factories.initiative(name="Visible")
    manifest = _build()
    html = client.get("/donnees/").content.decode()
    assert "Licence Ouverte" in html
    assert "/donnees/fichiers/initiatives.csv" in html
    assert manifest["files"]["initiatives.csv"]["sha256"][:12] in html
    assert "/api/v1/docs/" in html and "/donnees/schema/initiatives.json" in html
    assert "/donnees/" in client.get("/sources/").content.decode()
    assert 'href="/donnees/"' in client.get("/").content.decode()  # footer


def test_the_page_says_when_files_are_missing(client, db):
    html = client.get("/donnees/").content.decode()
    assert "pas encore été générés" in html
    assert client.get("/donnees/fichiers/initiatives.csv").status_code == 404


def test_dcat_catalogue_lists_every_file(client, db):
    factories.initiative(name="Cataloguée")
    manifest = _build()
    response = client.get("/donnees/catalogue.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalog = response.json()
    assert catalog["@type"] == "dcat:Catalog"
    [data] = catalog["dcat:dataset"]
    assert data["@type"] == "dcat:Dataset"
    assert data["dct:license"]["@id"].startswith("https://www.etalab.gouv.fr/licence-ouverte")
    sizes = {d.get("dcat:byteSize", {}).get("@value") for d in data["dcat:distribution"]}
    assert {str(e["size"]) for e in manifest["files"].values()} <= sizes
    csv_dist = next(
        d for d in data["dcat:distribution"] if d["dct:title"].startswith("Initiatives (CSV")
    )
    assert csv_dist["dct:conformsTo"]["@id"].endswith("/donnees/schema/initiatives.json")


def test_table_schema_is_published_at_a_stable_url(client, db):
    data = client.get("/donnees/schema/initiatives.json").json()
    assert [f["name"] for f in data["fields"]] == files.COLUMNS
