"""Centres and contours in the official geographic API's format, from a URL or local files."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

from essmap.cache import data_changed

from .models import Commune, Departement, Interco
from .reference import ReferenceError

FILES = {"communes": "communes.json", "epcis": "epcis.json", "departements": "departements.json"}
TIMEOUT = 20


def _check_position(pos, where: str) -> None:
    if (
        not isinstance(pos, list)
        or len(pos) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])
        or not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90)
    ):
        raise ReferenceError(f"{where}: position invalide {pos!r:.60}")


def _check_rings(rings, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ReferenceError(f"{where}: anneaux de polygone attendus")
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ReferenceError(f"{where}: anneau de moins de 4 positions")
        for pos in ring:
            _check_position(pos, where)


def check_centre(value, where: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") != "Point":
        raise ReferenceError(f"{where}: « centre » doit être un Point GeoJSON")
    _check_position(value.get("coordinates"), where)
    lon, lat = value["coordinates"][:2]
    return float(lat), float(lon)


def check_contour(value, where: str) -> dict | None:
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    coords = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "Polygon":
        _check_rings(coords, where)
    elif kind == "MultiPolygon" and isinstance(coords, list) and coords:
        for polygon in coords:
            _check_rings(polygon, where)
    else:
        raise ReferenceError(f"{where}: « contour » doit être un Polygon ou MultiPolygon GeoJSON")
    return {"type": kind, "coordinates": coords}


def _records(data, name: str) -> list[dict]:
    if isinstance(data, dict):  # a single object, as /epcis/{code} answers
        data = [data]
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise ReferenceError(f"{name}: une liste d'objets JSON est attendue")
    return data


def _fetch_json(url: str):
    if not url.startswith(("http://", "https://")):
        raise ReferenceError(f"{url}: seules les adresses http(s) sont acceptées")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ReferenceError(f"{url}: injoignable ({exc})") from exc
    except ValueError as exc:
        raise ReferenceError(f"{url}: réponse JSON illisible ({exc})") from exc


def read_local(folder: Path) -> dict[str, list[dict]]:
    folder = Path(folder)
    result = {}
    for key, name in FILES.items():
        path = folder / name
        if not path.is_file():
            result[key] = []
            continue
        try:
            result[key] = _records(json.loads(path.read_bytes()), name)
        except ValueError as exc:
            raise ReferenceError(f"{name}: JSON illisible ({exc})") from exc
    if not any(result.values()):
        raise ReferenceError(f"{folder}: aucun fichier {', '.join(FILES.values())}")
    return result


def read_remote(base_url: str, departements: Iterable[str], sirens: Iterable[str]) -> dict:
    base = base_url.rstrip("/")
    fields = "code,centre,contour"
    communes, epcis, deps = [], [], []
    for code in departements:
        query = urllib.parse.urlencode(
            {"codeDepartement": code, "fields": fields, "format": "json"}
        )
        communes += _records(_fetch_json(f"{base}/communes?{query}"), "communes")
        deps += _records(_fetch_json(f"{base}/departements/{code}?fields={fields}"), "departements")
    for siren in sirens:
        epcis += _records(_fetch_json(f"{base}/epcis/{siren}?fields={fields}"), "epcis")
    return {"communes": communes, "epcis": epcis, "departements": deps}


def _updates(records: list[dict], name: str, known: set[str]) -> dict[str, dict]:
    out = {}
    for rec in records:
        code = rec.get("code")
        if not isinstance(code, str):
            raise ReferenceError(f"{name}: « code » manquant")
        if code not in known:
            continue
        where = f"{name} {code}"
        centre = check_centre(rec.get("centre"), where)
        out[code] = {
            "centre_lat": centre[0] if centre else None,
            "centre_lon": centre[1] if centre else None,
            "contour": check_contour(rec.get("contour"), where),
        }
    return out


@transaction.atomic
def geometries_sync(*, data: dict[str, list[dict]], contours: bool = True) -> dict[str, int]:
    """Write centres (and contours) of known territories; all validated before any write."""
    plan = [
        (
            Commune,
            _updates(
                data["communes"], "communes", set(Commune.objects.values_list("pk", flat=True))
            ),
        ),
        (
            Interco,
            _updates(data["epcis"], "epcis", set(Interco.objects.values_list("pk", flat=True))),
        ),
        (
            Departement,
            _updates(
                data["departements"],
                "departements",
                set(Departement.objects.values_list("pk", flat=True)),
            ),
        ),
    ]
    fields = ["centre_lat", "centre_lon"] + (["contour"] if contours else [])
    counts = {}
    for model, updates in plan:
        objs = []
        for obj in model.objects.filter(pk__in=list(updates)):
            for f in fields:
                setattr(obj, f, updates[obj.pk][f])
            objs.append(obj)
        model.objects.bulk_update(objs, fields, batch_size=200)
        counts[model._meta.model_name] = len(objs)
    data_changed()
    return counts
