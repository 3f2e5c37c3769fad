"""Write fixtures/geometries/ from a folder in the geographic API's format (../shared/...).

Keeps only what `sync_geometries` reads (code, centre, contour), with coordinates rounded to
4 decimals (about 10 m) and repeated positions dropped: about 1 MB for Drôme and Ardèche.
Provenance: IGN Admin Express COG 2018 via france-geojson, Licence Ouverte (see README).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intercos.geometries import FILES, read_local
from intercos.reference import ReferenceError

DECIMALS = 4


def _round_ring(ring: list) -> list:
    out = []
    for pos in ring:
        point = [round(pos[0], DECIMALS), round(pos[1], DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    while len(out) < 4:  # a ring keeps at least 4 positions
        out.insert(-1, out[0])
    return out


def slim(record: dict) -> dict:
    out = {"code": record["code"]}
    centre = record.get("centre")
    if centre:
        lon, lat = centre["coordinates"][:2]
        out["centre"] = {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}
    contour = record.get("contour")
    if contour:
        if contour["type"] == "Polygon":
            coords = [_round_ring(r) for r in contour["coordinates"]]
        else:
            coords = [[_round_ring(r) for r in poly] for poly in contour["coordinates"]]
        out["contour"] = {"type": contour["type"], "coordinates": coords}
    return out


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("source", help="folder with communes.json, epcis.json, ...")
        parser.add_argument(
            "--out", default=str(settings.BASE_DIR / "fixtures" / "geometries"), help="folder"
        )

    def handle(self, *args, source: str, out: str, **options):
        try:
            data = read_local(Path(source))
        except ReferenceError as exc:
            raise CommandError(str(exc)) from exc
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for key, name in FILES.items():
            records = sorted((slim(r) for r in data[key]), key=lambda r: r["code"])
            text = json.dumps(records, separators=(",", ":"), ensure_ascii=False)
            (folder / name).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{name}: {len(records)} records, {len(text) // 1024} kB")
