import json
import shutil
import tarfile

import pytest
from django.core.management import CommandError, call_command

from intercos.models import Commune, Departement, Interco

pytestmark = pytest.mark.django_db


def _import(path, *args):
    call_command("import_territories", str(path), *args, verbosity=0)


def _counts():
    return Departement.objects.count(), Interco.objects.count(), Commune.objects.count()


def test_imports_npm_sample_folder(samples):
    _import(samples / "npm")
    # 07 and 26 communes, the intercos touching them and all their members (05 included).
    assert set(Interco.objects.values_list("siren", flat=True)) == {
        "200071413",
        "200040509",
        "200068765",
    }
    assert set(Departement.objects.values_list("code", flat=True)) == {"05", "07", "26"}
    assert not Commune.objects.filter(insee="01001").exists()
    assert not Commune.objects.filter(insee="26999").exists()  # commune déléguée skipped
    vernoux = Commune.objects.get(insee="07338")
    assert vernoux.interco_id == "200071413"
    assert vernoux.postcodes == "07240"
    assert vernoux.search_name == "vernoux en vivarais"
    assert Departement.objects.get(code="07").region_code == "84"


def test_interco_departements_come_from_members(samples):
    _import(samples / "npm")
    sisteron = Interco.objects.get(siren="200068765")
    assert set(sisteron.departements.values_list("code", flat=True)) == {"05", "26"}
    assert sisteron.kind == "CC"
    assert Interco.objects.get(siren="200071413").kind == "CA"


def test_import_is_idempotent(samples):
    _import(samples / "npm")
    before = _counts()
    _import(samples / "npm")
    assert _counts() == before
    assert Interco.departements.through.objects.count() == 4  # Sisteronais-Buëch: 05 and 26


def test_reads_the_npm_tarball(samples, tmp_path):
    tgz = tmp_path / "decoupage.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        for name in ("communes.json", "epci.json", "departements.json"):
            tar.add(samples / "npm" / name, arcname=f"package/data/{name}")
    _import(tgz)
    assert Commune.objects.filter(insee="26108", name="Crest").exists()


def test_departements_option_limits_the_selection(samples):
    _import(samples / "npm", "--departements", "07")
    assert list(Interco.objects.values_list("siren", flat=True)) == ["200071413"]
    assert Commune.objects.count() == 2


def test_reimport_moves_a_commune_to_its_new_interco(samples, tmp_path):
    _import(samples / "npm")
    folder = tmp_path / "npm"
    shutil.copytree(samples / "npm", folder)
    epcis = json.loads((folder / "epci.json").read_text())
    # Saillans leaves the CC du Crestois for the CA Privas Centre Ardèche (a merger-like change).
    epcis[1]["membres"] = [m for m in epcis[1]["membres"] if m["code"] != "26281"]
    epcis[0]["membres"].append({"code": "26281", "nom": "Saillans"})
    (folder / "epci.json").write_text(json.dumps(epcis))
    _import(folder)
    assert Commune.objects.get(insee="26281").interco_id == "200071413"
    privas = Interco.objects.get(siren="200071413")
    assert set(privas.departements.values_list("code", flat=True)) == {"07", "26"}


@pytest.mark.parametrize(
    ("file", "mutate", "message"),
    [
        ("communes.json", lambda d: d.__setitem__(0, {**d[0], "code": "7338"}), "code"),
        (
            "communes.json",
            lambda d: d.__setitem__(0, {**d[0], "codesPostaux": ["7240"]}),
            "postaux",
        ),
        ("communes.json", lambda d: d.__setitem__(0, {**d[0], "population": -3}), "population"),
        ("epci.json", lambda d: d.__setitem__(0, {**d[0], "code": "20007141X"}), "code"),
        ("epci.json", lambda d: d.__setitem__(0, {**d[0], "type": "SIVOM"}), "type"),
        ("epci.json", lambda d: d[0].pop("membres"), "membres"),
        ("epci.json", lambda d: d[0]["membres"].append({"code": "07777"}), "absentes"),
        ("departements.json", lambda d: d.__setitem__(0, {"code": "07"}), "nom"),
    ],
)
def test_malformed_input_is_refused_and_nothing_written(samples, tmp_path, file, mutate, message):
    folder = tmp_path / "npm"
    shutil.copytree(samples / "npm", folder)
    data = json.loads((folder / file).read_text())
    mutate(data)
    (folder / file).write_text(json.dumps(data))
    with pytest.raises(CommandError, match=message):
        _import(folder)
    assert _counts() == (0, 0, 0)


def test_broken_json_and_missing_files_are_clear_errors(samples, tmp_path):
    folder = tmp_path / "npm"
    shutil.copytree(samples / "npm", folder)
    (folder / "communes.json").write_text('[{"code": "07338", ')
    with pytest.raises(CommandError, match="communes.json: JSON illisible"):
        _import(folder)
    with pytest.raises(CommandError, match="ni communes.json"):
        _import(tmp_path)
    with pytest.raises(CommandError, match="introuvable"):
        _import(tmp_path / "nowhere.tgz")
    (tmp_path / "not-a-tarball.tgz").write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="archive illisible"):
        _import(tmp_path / "not-a-tarball.tgz")
    assert _counts() == (0, 0, 0)


def test_unknown_departement_is_refused(samples):
    with pytest.raises(CommandError, match="départements inconnus"):
        _import(samples / "npm", "--departements", "99")


# --- the real Drôme-Ardèche set (../shared/data/territoires, geographic API format) -------


def test_shared_data_has_the_33_intercos_touching_26_and_07(shared_territoires):
    _import(shared_territoires)
    assert Interco.objects.count() == 33
    assert Interco.objects.filter(departements__code__in=["26", "07"]).distinct().count() == 33
    assert Commune.objects.count() == 821
    assert Commune.objects.get(insee="07338").interco.name == "CA Privas Centre Ardèche"
    sisteron = Interco.objects.get(name="CC du Sisteronais-Buëch")
    assert set(sisteron.departements.values_list("code", flat=True)) == {"04", "05", "26"}
    assert set(
        Interco.objects.get(siren="200035129").departements.values_list("code", flat=True)
    ) == {"07", "30"}
    _import(shared_territoires)
    assert Commune.objects.count() == 821
