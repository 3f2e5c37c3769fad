"""The contract between a register's reader and the import: one record per establishment.

A reader is a callable `read(paths: list[Path], *, departements: set[str] | None)` that yields
`RegisterRecord` or `RowSkipped`, in file order, streaming (never the whole file in memory).
Readers do not touch the database except the read-only territorial reference (communes).
The import (services.register_import) gives the themes of `naf` from data/naf_themes.csv,
archives a matched record whose `active` is False with `closed_reason`, and places a record
without a point at its commune's centre (approximate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    source: str  # "sirene", "finess-esat", "siae", "data-inclusion"
    source_id: str  # the record's id in its source: SIRET, FINESS (ET) number, d·i id
    name: str
    siret: str = ""  # 14 digits with a valid checksum, or ""
    finess: str = ""  # 9 characters, leading zeros restored, or ""
    legal_form: str = ""  # one of Initiative.LegalForm values, or "" when unknown
    naf: str = ""  # NAF rev. 2 code as published, e.g. "88.10C" or "8810C"
    address: str = ""  # street address; "" when not diffusible
    postcode: str = ""
    commune_insee: str = ""  # five-character INSEE code ("07122", "2A004")
    latitude: float | None = None  # WGS 84
    longitude: float | None = None
    approximate_point: bool = False  # True when the point is the commune's centre
    website: str = ""
    email: str = ""
    phone: str = ""
    description: str = ""
    active: bool = True  # False: closed in the source (to be archived with `closed_reason`)
    closed_reason: str = ""
    source_date: date | None = None  # the file's date (when the source says it)
    # Source-specific facts. The import reads: "row" (line number, for the report), "themes"
    # (theme slugs the source itself implies, added to the NAF table's), "coverage" (SIRENs
    # of intercos served, for a record without a commune).
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RowSkipped:
    source: str
    row: int  # 1-based line or record number in the file
    reason: str  # French, shown to staff ("SIRET invalide (clé de contrôle)")
    source_id: str = ""
