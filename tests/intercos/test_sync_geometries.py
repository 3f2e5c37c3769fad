import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from intercos.models import Commune, Departement, Interco

pytestmark = pytest.mark.django_db


def _sync(source, *args):
    call_command("sync_geometries", "--source", str(source), *args, verbosity=0)


@pytest.fixture
def territories(samples):
    call_command("import_territories", str(samples / "npm"), verbosity=0)


def test_fills_centres_and_contours_from_local_files(territories, samples):
    _sync(samples / "geo")
    vernoux = Commune.objects.get(insee="07338")
    assert (vernoux.centre_lat, vernoux.centre_lon) == (44.90555, 4.64438)
    assert vernoux.contour["type"] == "Polygon"
    assert Commune.objects.get(insee="07186").contour is None
    assert not Commune.objects.filter(insee="07999").exists()  # unknown codes are ignored
    assert Interco.objects.get(siren="200071413").contour["type"] == "MultiPolygon"
    assert Departement.objects.get(code="07").centre_lat == pytest.approx(44.75229)


def test_centres_only_option(territories, samples):
    _sync(samples / "geo", "--no-contours")
    vernoux = Commune.objects.get(insee="07338")
    assert vernoux.centre_lat is not None and vernoux.contour is None


def test_sync_is_idempotent(territories, samples):
    _sync(samples / "geo")
    _sync(samples / "geo")
    assert Commune.objects.filter(centre_lat__isnull=False).count() == 2


@pytest.mark.parametrize(
    "bad_centre",
    [
        {"type": "Point", "coordinates": [4.6]},
        {"type": "Point", "coordinates": [444.6, 44.9]},
        {"type": "LineString", "coordinates": [[4.6, 44.9], [4.7, 44.9]]},
        {"type": "Point", "coordinates": ["4.6", "44.9"]},
    ],
)
def test_malformed_geometry_writes_nothing(territories, samples, tmp_path, bad_centre):
    folder = tmp_path / "geo"
    shutil.copytree(samples / "geo", folder)
    communes = json.loads((folder / "communes.json").read_text())
    communes[1]["centre"] = bad_centre  # the first one is valid: it must not be written either
    (folder / "communes.json").write_text(json.dumps(communes))
    with pytest.raises(CommandError, match="nothing changed"):
        _sync(folder)
    assert not Commune.objects.filter(centre_lat__isnull=False).exists()


def test_unreachable_url_is_a_clear_error(territories):
    with pytest.raises(CommandError, match="injoignable"):
        _sync("http://127.0.0.1:9/")


def test_shared_geometries(shared_territoires):
    call_command("import_territories", str(shared_territoires), verbosity=0)
    _sync(shared_territoires)
    assert Commune.objects.filter(centre_lat__isnull=True).count() == 0
    assert Interco.objects.filter(contour__isnull=True).count() == 0
    crest = Commune.objects.get(insee="26108")
    assert 44.7 < crest.centre_lat < 44.76 and 5.0 < crest.centre_lon < 5.05
