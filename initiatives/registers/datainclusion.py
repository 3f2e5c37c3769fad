"""Reader of data·inclusion files, schema v1: structures, with their own service's thématiques.

The reverse of `initiatives.opendata.datainclusion` (the export): exporting the directory
then importing the files gives the same records (name, SIRET, address, commune, point,
contacts, themes; the export's one `description` comes back as the summary, or as the
description when longer than a summary). A structure's themes come from the service that has
its id (its own offer), mapped back through the export's THEMATIQUES table; a thématique with
no theme gives none. A point equal to its commune's centre is the export's approximate point:
it comes back as approximate.

Files are JSON arrays (as published and exported) or JSON Lines, read as a stream; services
files (records with `structure_id`) are read first, whatever the order of the paths.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from intercos.models import Commune, Interco

from ..opendata.datainclusion import THEMATIQUES
from .common import (
    LayoutError,
    clean,
    commune_by_postcode_and_name,
    departement_code,
    siret_problem,
)
from .records import RegisterRecord, RowSkipped

SOURCE = "data-inclusion"
CHUNK = 1 << 16
THEMES = {thematique: theme for theme, found in THEMATIQUES.items() for thematique in found}
REQUIRED = ("source", "id", "nom")


def json_records(path: Path) -> Iterator[dict]:
    """The objects of a JSON array (or of JSON Lines), one at a time, in bounded memory."""
    decoder = json.JSONDecoder()
    with path.open(encoding="utf-8-sig") as handle:
        buffer, started, done = "", False, False
        while not done:
            chunk = handle.read(CHUNK)
            done = not chunk
            buffer += chunk
            while True:
                buffer = buffer.lstrip()
                if not started and buffer.startswith("["):
                    buffer, started = buffer[1:], True
                    continue
                if buffer.startswith((",", "]")):
                    buffer = buffer[1:]
                    continue
                if not buffer:
                    break
                try:
                    record, end = decoder.raw_decode(buffer)
                except json.JSONDecodeError:
                    if done:
                        raise
                    break  # an object cut by the chunk: read more
                buffer = buffer[end:]
                yield record


def _kind(path: Path) -> str:
    for record in json_records(path):
        return "services" if "structure_id" in record else "structures"
    return "empty"


def _check_layout(path: Path, record: dict) -> None:
    missing = [name for name in REQUIRED if name not in record]
    if missing:
        raise LayoutError(
            _("%(file)s n'est pas au format « %(source)s » : colonnes manquantes : %(columns)s.")
            % {"file": path.name, "source": SOURCE, "columns": ", ".join(missing)}
        )


def read(paths: Iterable[Path], *, departements: set[str] | None = None) -> Iterator:
    paths = [Path(p) for p in paths]
    kinds = {path: _kind(path) for path in paths}
    own: dict[str, dict] = {}  # structure id -> its own service's themes and zone
    for path in (p for p in paths if kinds[p] == "services"):
        for record in json_records(path):
            if record.get("id") and record.get("id") == record.get("structure_id"):
                found = {THEMES[t] for t in record.get("thematiques") or () if t in THEMES}
                own[record["id"]] = {
                    "themes": sorted(found),
                    "zone": list(record.get("zone_eligibilite") or ()),
                }
    for path in (p for p in paths if kinds[p] == "structures"):
        for number, record in enumerate(json_records(path), start=1):
            _check_layout(path, record)
            yield _record(number, record, departements, own)


def _commune(record: dict) -> tuple[Commune | None, str]:
    insee = clean(record.get("code_insee"))
    if insee:
        commune = Commune.objects.filter(insee=insee).first()
        if commune is not None:
            return commune, ""
        return None, _("commune inconnue : code INSEE « %(insee)s »") % {"insee": insee}
    postcode, name = clean(record.get("code_postal")), clean(record.get("commune"))
    if postcode and name:
        return commune_by_postcode_and_name(postcode, name)
    return None, _("ni code INSEE, ni code postal et commune")


def _point(record: dict, commune: Commune) -> tuple[float | None, float | None, str]:
    lat, lon = record.get("latitude"), record.get("longitude")
    if lat is None and lon is None:
        return None, None, ""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None, None, _("coordonnées illisibles")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, _("coordonnées hors limites")
    centre = (commune.centre_lat, commune.centre_lon)
    if None not in centre and abs(lat - centre[0]) < 1e-7 and abs(lon - centre[1]) < 1e-7:
        return None, None, ""  # the export's approximate point: the commune's centre
    return lat, lon, ""


def coverage_of(zone: list[str]) -> list[str]:
    """The export's zone d'éligibilité back to intercos: SIRENs as they are, a département's
    code as all its intercos (the export writes the code when it covers them all)."""
    sirens = {code for code in zone if len(code) == 9 and code.isdigit()}
    codes = [code for code in zone if len(code) in (2, 3)]
    if codes:
        sirens |= set(
            Interco.objects.filter(departements__code__in=codes).values_list("siren", flat=True)
        )
    return sorted(Interco.objects.filter(siren__in=sirens).values_list("siren", flat=True))


def _record(number: int, record: dict, departements, own) -> RegisterRecord | RowSkipped:
    source_id = clean(str(record["id"]))
    service = own.get(source_id, {})
    commune, reason = _commune(record)
    coverage = coverage_of(service.get("zone", ())) if commune is None else []
    if commune is None and not coverage and (departements or record.get("code_insee")):
        return RowSkipped(SOURCE, number, reason, source_id)  # cannot tell where it is
    if commune is None:  # serving intercos, or nowhere in particular (as exported)
        return _territory_record(number, record, source_id, service, coverage)
    if departements and departement_code(commune.departement_id) not in departements:
        return RowSkipped(SOURCE, number, _("hors des départements demandés"), source_id)
    siret = clean(record.get("siret")).replace(" ", "")
    problem = siret_problem(siret)
    if problem:
        return RowSkipped(SOURCE, number, problem, source_id)
    lat, lon, problem = _point(record, commune)
    if problem:
        return RowSkipped(SOURCE, number, problem, source_id)
    return RegisterRecord(
        source=SOURCE,
        source_id=source_id,
        name=clean(record["nom"]),
        siret=siret,
        address=clean(record.get("adresse")),
        postcode=clean(record.get("code_postal")),
        commune_insee=commune.insee,
        latitude=lat,
        longitude=lon,
        approximate_point=lat is None,
        website=clean(record.get("site_web")),
        email=clean(record.get("courriel")),
        phone=clean(record.get("telephone")),
        description=(record.get("description") or "").strip(),
        extra={
            "row": number,
            "themes": service.get("themes", []),
            "source": record.get("source"),
            "opening_hours": record.get("horaires_accueil") or "",
        },
    )


def _territory_record(number, record, source_id, service, coverage) -> RegisterRecord | RowSkipped:
    """A structure without a commune of its own: serving intercos (the export's zone), or
    with no place at all, as the directory holds some (kept so only without a département
    filter: such a record cannot be said to be in the départements asked)."""
    siret = clean(record.get("siret")).replace(" ", "")
    problem = siret_problem(siret)
    if problem:
        return RowSkipped(SOURCE, number, problem, source_id)
    return RegisterRecord(
        source=SOURCE,
        source_id=source_id,
        name=clean(record["nom"]),
        siret=siret,
        address=clean(record.get("adresse")),
        postcode=clean(record.get("code_postal")),
        website=clean(record.get("site_web")),
        email=clean(record.get("courriel")),
        phone=clean(record.get("telephone")),
        description=(record.get("description") or "").strip(),
        extra={"row": number, "themes": service.get("themes", []), "coverage": coverage},
    )
