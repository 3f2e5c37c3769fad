"""SIRENE's stock files (StockUniteLegale + StockEtablissement) as `RegisterRecord`s.

Reads the CSV files as INSEE publishes them (UTF-8, comma, header line; zipped or not), by
column name, extra columns accepted. National files hold tens of millions of rows, so both are
streamed line by line and most lines are rejected before they are parsed:

1. StockUniteLegale: a line is parsed only when its `economieSocialeSolidaireUniteLegale` is
   "O". The columns after it are codes without commas, so the flag is found by splitting the
   line from the right (`rsplit`), then the line is parsed properly. Each ESS unit keeps one
   short string (name, legal form, diffusion) keyed by its SIREN as an int.
2. StockEtablissement: the SIREN is the line's first nine characters; lines of non-ESS units
   are skipped without parsing. The others are parsed and filtered by département.

What is kept of an establishment (see README, "Registers"):
- active ones (`etatAdministratifEtablissement` = A); closed ones are yielded with
  `active=False` and the reason, so that a record imported earlier is archived, never created;
- a partially diffusible unit or establishment (`statutDiffusion…` = P, values "[ND]") gives no
  personal name and no street address;
- name: the establishment's sign, else its usual name, else the unit's denomination (or usual
  denomination, or acronym); a natural person's name only when the unit is diffusible;
- legal form from `categorieJuridiqueUniteLegale` (`legal_forms.legal_form`);
- point from the Lambert-93 columns when the file has them (pyproj, EPSG:2154 -> EPSG:4326),
  else the commune's centre flagged approximate; a malformed coordinate skips the row.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from initiatives.validators import siret_is_valid

from . import common
from .legal_forms import legal_form
from .records import RegisterRecord, RowSkipped

SOURCE = "sirene"
NOT_DIFFUSED = "[ND]"

UNIT_COLUMNS = ("siren", "economieSocialeSolidaireUniteLegale", "categorieJuridiqueUniteLegale")
ESTABLISHMENT_COLUMNS = (
    "siren",
    "siret",
    "etatAdministratifEtablissement",
    "codeCommuneEtablissement",
)
LAMBERT_X = "coordonneeLambertAbscisseEtablissement"
LAMBERT_Y = "coordonneeLambertOrdonneeEtablissement"
# Metropolitan France in Lambert-93 (metres), with a margin: outside is a malformed value.
LAMBERT_BOUNDS = (50_000.0, 1_300_000.0, 6_000_000.0, 7_200_000.0)
SEP = "\x1f"


class LayoutError(common.LayoutError):
    """The file is not in the expected layout (the message names the missing columns)."""


@contextmanager
def open_text(path: Path):
    """A text stream of a CSV file, or of the first CSV member of a zip archive."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not members:
                raise LayoutError(f"{path.name} : l'archive ne contient aucun fichier CSV.")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield handle


def _header(handle) -> list[str]:
    line = handle.readline()
    return next(csv.reader([line])) if line else []


def classify(paths: Iterable[Path]) -> tuple[Path, Path]:
    """(units file, establishments file), told apart by their columns, in any order."""
    units = establishments = None
    for path in paths:
        with open_text(path) as handle:
            header = set(_header(handle))
        if "categorieJuridiqueUniteLegale" in header:
            _require(path, header, UNIT_COLUMNS)
            units = path
        elif "etatAdministratifEtablissement" in header or "nic" in header:
            _require(path, header, ESTABLISHMENT_COLUMNS)
            establishments = path
        else:
            raise LayoutError(
                f"{Path(path).name} : ni StockUniteLegale ni StockEtablissement "
                "(colonnes categorieJuridiqueUniteLegale ou etatAdministratifEtablissement "
                "absentes)."
            )
    if units is None or establishments is None:
        raise LayoutError(
            "SIRENE : il faut les deux fichiers, StockUniteLegale et StockEtablissement."
        )
    return units, establishments


def _require(path: Path, header: set[str], columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise LayoutError(f"{Path(path).name} : colonnes manquantes : {', '.join(missing)}.")


def _value(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    value = row[index].strip()
    return "" if value == NOT_DIFFUSED else value


def ess_units(path: Path) -> dict[int, str]:
    """SIREN -> "name␟legal form␟diffusible" for the units flagged ESS."""
    units: dict[int, str] = {}
    with open_text(path) as handle:
        header = _header(handle)
        col = {name: i for i, name in enumerate(header)}
        flag = col["economieSocialeSolidaireUniteLegale"]
        after = len(header) - 1 - flag  # columns after the flag (codes, no commas)
        get = col.get
        for line in handle:
            parts = line.rstrip("\r\n").rsplit(",", after + 1)
            if len(parts) != after + 2 or parts[1].strip('"') != "O":
                continue
            row = next(csv.reader([line]))
            if _value(row, flag) != "O":
                continue
            siren = _value(row, col["siren"])
            if not (len(siren) == 9 and siren.isdigit()):
                continue
            diffusible = _value(row, get("statutDiffusionUniteLegale")) != "P"
            name = (
                _value(row, get("denominationUniteLegale"))
                or _value(row, get("denominationUsuelle1UniteLegale"))
                or _value(row, get("sigleUniteLegale"))
            )
            if not name and diffusible:
                person = [
                    _value(row, get("prenomUsuelUniteLegale"))
                    or _value(row, get("prenom1UniteLegale")),
                    _value(row, get("nomUsageUniteLegale")) or _value(row, get("nomUniteLegale")),
                ]
                name = " ".join(p for p in person if p)
            category = _value(row, col["categorieJuridiqueUniteLegale"])
            units[int(siren)] = SEP.join((name, legal_form(category), "1" if diffusible else ""))
    return units


def departement_of(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]


def _street(row: list[str], col: dict[str, int]) -> str:
    parts = [
        _value(row, col.get("numeroVoieEtablissement")),
        _value(row, col.get("indiceRepetitionEtablissement")),
        _value(row, col.get("typeVoieEtablissement")),
        _value(row, col.get("libelleVoieEtablissement")),
    ]
    street = " ".join(p for p in parts if p)
    extra = _value(row, col.get("complementAdresseEtablissement"))
    return ", ".join(p for p in (extra, street) if p)


class _Lambert:
    """Lambert-93 -> WGS 84, the transformer built once (on first use)."""

    transformer = None

    @classmethod
    def to_wgs84(cls, x: float, y: float) -> tuple[float, float]:
        if cls.transformer is None:
            from pyproj import Transformer

            cls.transformer = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
        lon, lat = cls.transformer.transform(x, y)
        return lat, lon


def lambert_point(x_text: str, y_text: str) -> tuple[float, float] | None:
    """(lat, lon) of Lambert-93 metres, or None when absent; ValueError when malformed."""
    if not x_text and not y_text:
        return None
    x, y = float(x_text.replace(",", ".")), float(y_text.replace(",", "."))
    west, east, south, north = LAMBERT_BOUNDS
    if not (west <= x <= east and south <= y <= north):
        raise ValueError("outside Lambert-93 bounds")
    return _Lambert.to_wgs84(x, y)


def file_date(path: Path) -> date:
    return date.fromtimestamp(os.stat(path).st_mtime)


def read(
    paths: Iterable[Path],
    *,
    departements: set[str] | None = None,
    source_date: date | None = None,
    centres: dict[str, tuple[float, float]] | None = None,
) -> Iterator[RegisterRecord | RowSkipped]:
    """The ESS establishments of the stock files, in the establishments file's order.

    `centres` maps INSEE codes to commune centres (lat, lon); by default it is read from the
    territorial reference, for the asked départements.
    """
    units_path, establishments_path = classify([Path(p) for p in paths])
    when = source_date or file_date(establishments_path)
    units = ess_units(units_path)
    if centres is None:
        centres = commune_centres(departements)
    yield from _establishments(establishments_path, units, departements, when, centres)


def commune_centres(departements: set[str] | None) -> dict[str, tuple[float, float]]:
    from intercos.models import Commune

    queryset = Commune.objects.exclude(centre_lat=None)
    if departements:
        queryset = queryset.filter(departement_id__in=departements)
    return {insee: (lat, lon) for insee, lat, lon in queryset.values_list(
        "insee", "centre_lat", "centre_lon"
    )}  # fmt: skip


def _establishments(path, units, departements, when, centres):
    with open_text(path) as handle:
        header = _header(handle)
        col = {name: i for i, name in enumerate(header)}
        has_points = LAMBERT_X in col and LAMBERT_Y in col
        number = 1
        for line in handle:
            number += 1
            head = line[:10].lstrip('"')[:9]
            if not head.isdigit() or int(head) not in units:
                continue
            row = next(csv.reader([line]))
            insee = _value(row, col["codeCommuneEtablissement"])
            if departements and departement_of(insee) not in departements:
                continue
            yield _record(row, col, number, units[int(head)], insee, when, centres, has_points)


def _record(row, col, number, unit, insee, when, centres, has_points):
    siret = _value(row, col["siret"])
    if not siret_is_valid(siret):
        return RowSkipped(SOURCE, number, "SIRET invalide (clé de contrôle)", siret)
    unit_name, form, unit_diffusible = unit.split(SEP)
    diffusible = bool(unit_diffusible) and (
        _value(row, col.get("statutDiffusionEtablissement")) != "P"
    )
    active = _value(row, col["etatAdministratifEtablissement"]) == "A"
    name = (
        _value(row, col.get("enseigne1Etablissement"))
        or _value(row, col.get("denominationUsuelleEtablissement"))
        or unit_name
    )
    if not name:
        return RowSkipped(SOURCE, number, "nom non diffusible", siret)
    closed_reason = ""
    if not active:
        since = _value(row, col.get("dateDebut"))
        closed_reason = f"fermé selon SIRENE au {since or when.isoformat()}"
    point = None
    approximate = False
    if has_points:
        try:
            point = lambert_point(_value(row, col[LAMBERT_X]), _value(row, col[LAMBERT_Y]))
        except ValueError:
            return RowSkipped(SOURCE, number, "coordonnées Lambert-93 mal formées", siret)
    if point is None and insee in centres:
        point, approximate = centres[insee], True
    if active and insee not in centres:
        return RowSkipped(SOURCE, number, f"commune inconnue ({insee or 'vide'})", siret)
    if point is not None and not diffusible and not approximate:
        # A partially diffusible establishment's point would give its address away.
        point, approximate = centres.get(insee), insee in centres
    return RegisterRecord(
        source=SOURCE,
        source_id=siret,
        name=name,
        siret=siret,
        legal_form=form,
        naf=_value(row, col.get("activitePrincipaleEtablissement")),
        address=_street(row, col) if diffusible else "",
        postcode=_value(row, col.get("codePostalEtablissement")),
        commune_insee=insee,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        approximate_point=approximate,
        active=active,
        closed_reason=closed_reason,
        source_date=when,
        extra={"head_office": _value(row, col.get("etablissementSiege")) == "true"},
    )
