"""The data·inclusion reader is the export's reverse: export the seeded directory, import the
files into an empty directory, and the records come back the same."""

import io
import json

import pytest
from django.core.management import call_command

from initiatives.models import Initiative, KeyFigure, Partnership
from initiatives.opendata import files
from initiatives.registers.common import LayoutError
from initiatives.registers.datainclusion import json_records, read
from initiatives.registers.records import RowSkipped
from initiatives.registers.services import register_import

pytestmark = pytest.mark.django_db
FIELDS = ("name", "siret", "address", "commune_id", "phone", "email", "website")


def _exported(tmp_path):
    call_command("export_opendata", force=True, stdout=io.StringIO())
    folder = files.opendata_dir()
    return [folder / "data-inclusion-services.json", folder / "data-inclusion-structures.json"]


def test_export_then_import_gives_the_same_records(committed_fixtures, tmp_path):
    Initiative.objects.update(email="contact@example.org")  # one contact at least, kept
    paths = _exported(tmp_path)
    structures = json.loads(paths[1].read_text())
    by_id = {f"essmap--{i.slug}": i for i in Initiative.objects.prefetch_related("themes")}
    before = {
        key: {
            **{name: getattr(i, name) for name in FIELDS},
            "approximate_point": i.approximate_point,
            "point": (round(i.latitude, 6), round(i.longitude, 6)) if i.has_point else None,
            "themes": sorted(t.slug for t in i.themes.all()),
        }
        for key, i in by_id.items()
        if key in {s["id"] for s in structures}
    }
    assert len(before) == len(structures) > 0
    for model in (Partnership, KeyFigure, Initiative):
        model.objects.all().delete()
    run = register_import(source="data-inclusion", paths=paths, publish=True)
    assert (run.created, run.skipped) == (len(structures), 0), [
        d for d in run.details if d["action"] != "created"
    ]
    for key, expected in before.items():
        i = Initiative.objects.get(register_source="data-inclusion", register_id=key)
        got = {
            **{name: getattr(i, name) for name in FIELDS},
            "approximate_point": i.approximate_point,
            "point": (round(i.latitude, 6), round(i.longitude, 6)) if i.has_point else None,
            "themes": sorted(t.slug for t in i.themes.all() if t.slug in _mappable()),
        }
        expected["themes"] = [t for t in expected["themes"] if t in _mappable()]
        assert got == expected, key
    again = register_import(source="data-inclusion", paths=paths, publish=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(structures))


def _mappable() -> set[str]:
    from initiatives.opendata.datainclusion import THEMATIQUES

    return set(THEMATIQUES)


def test_json_arrays_and_lines_are_read_as_a_stream(tmp_path, monkeypatch):
    from initiatives.registers import datainclusion

    monkeypatch.setattr(datainclusion, "CHUNK", 7)  # objects cut across reads
    records = [{"source": "x", "id": f"x--{n}", "nom": "Café « ]} »"} for n in range(5)]
    array = tmp_path / "a.json"
    array.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = tmp_path / "b.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert list(json_records(array)) == records
    assert list(json_records(lines)) == records


def test_another_layout_and_bad_rows(committed_fixtures, tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([{"name": "x"}]), encoding="utf-8")
    with pytest.raises(LayoutError, match="colonnes manquantes\u00a0: source, id, nom"):
        list(read([wrong]))
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"source": "s", "id": "s--1", "nom": "Un", "code_insee": "07999"},
                {"source": "s", "id": "s--2", "nom": "Deux", "code_insee": "07122",
                 "latitude": "nord", "longitude": 4.3},
                {"source": "s", "id": "s--3", "nom": "Trois", "code_insee": "07122",
                 "siret": "12345678901234"},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    items = list(read([bad]))
    assert all(isinstance(i, RowSkipped) for i in items)
    assert [i.reason.split()[0:2] for i in items] == [
        ["commune", "inconnue"], ["coordonnées", "illisibles"], ["SIRET", "invalide"],
    ]  # fmt: skip
