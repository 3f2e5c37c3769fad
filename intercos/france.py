"""Every commune of France (name, postcodes, centre), to recognise a place outside the loaded
territories ("près de Grenoble") offline. Decision: docs/decisions/010-places-outside-area.md.

The table is fixtures/france/communes.tsv.gz (made by `manage.py build_france_communes` from
the découpage package and GeoNames; provenance and licences in README.md). It is read once per
process, on the first search that the loaded communes do not answer (about 35,000 rows).
"""

import gzip
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from essmap.text import normalize

from .models import Commune, Departement
from .places import place_key

TABLE = Path(settings.BASE_DIR) / "fixtures" / "france" / "communes.tsv.gz"


@dataclass(frozen=True)
class FrenchCommune:
    insee: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    population: int
    lat: float
    lon: float
    precision: str  # "c": its own centre; "p": a commune sharing its postcode; "d": département


def _row(line: str) -> FrenchCommune:
    insee, name, departement, postcodes, population, lat, lon, precision, _key = line.split("\t")
    return FrenchCommune(
        insee, name, departement, tuple(postcodes.split()), int(population or 0),
        float(lat), float(lon), precision,
    )  # fmt: skip


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """{search key: [rows]}, {postcode: [rows]}: raw lines, most populous first (parsed only
    when found, so loading costs one split per line)."""
    by_key: dict[str, list[str]] = defaultdict(list)
    by_postcode: dict[str, list[str]] = defaultdict(list)
    if TABLE.exists():
        with gzip.open(TABLE, "rt", encoding="utf-8") as lines:
            for line in lines.read().splitlines():  # most populous first (the builder's order)
                row = line.split("\t")
                if len(row) == 9:
                    by_key[row[8]].append(line)
                    for code in row[3].split():
                        by_postcode[code].append(line)
    return dict(by_key), dict(by_postcode)


def find_french_commune(text: str | None) -> FrenchCommune | None:
    """The commune of France a text names exactly ("Grenoble", "grenoble (38)", "38000"):
    the most populous of the same name (accents, case, "Saint"/"St" and a leading article
    ignored), or of the postcode. No typo tolerance: a typo stays "introuvable"."""
    raw = (text or "").strip()
    if not raw:
        return None
    by_key, by_postcode = _index()
    digits = raw.replace(" ", "")
    if digits.isdigit():
        found = by_postcode.get(digits, []) if len(digits) == 5 else []
        return _row(found[0]) if found else None
    name, _sep, bracket = raw.partition("(")
    departement = bracket.strip(" )").upper()
    found = [_row(line) for line in by_key.get(place_key(name), [])]
    if departement:
        found = [c for c in found if c.departement == departement]
    return found[0] if found else None


def find_outside_commune(text: str | None) -> FrenchCommune | None:
    """find_french_commune, only when that commune is not among the loaded ones (by code, or
    by name in its département: a loaded commune without a known position is not "outside")."""
    commune = find_french_commune(text)
    if commune is None:
        return None
    same_name = Q(search_name=normalize(commune.name), departement_id=commune.departement)
    loaded = Commune.objects.filter(Q(pk=commune.insee) | same_name)
    return None if loaded.exists() else commune


def covered_departements() -> list[str]:
    """Names of the départements the site covers, most communes first ("Drôme", "Ardèche").

    Covered: loaded with their own centre or contour (`import_territories --departements`
    and the geometry fixture); the départements that only some member communes of a
    cross-border interco bring along have neither. Without any, every loaded département.
    """
    departements = Departement.objects.annotate(n=Count("communes"))
    placed = departements.filter(Q(centre_lat__isnull=False) | Q(contour__isnull=False))
    rows = placed if placed.exists() else departements
    return [name for name, _n in rows.order_by("-n", "name").values_list("name", "n")]
