"""The whole-set open data files: written atomically, described by a manifest.

`opendata_build()` writes every file to a temporary file in the same folder, flushes it to
disk and renames it over the old one (`os.replace`, atomic on POSIX): a reader sees the old
file or the new one, never half of one. The manifest (sizes, SHA-256 used as ETag, row
counts, when and from which data) is written last, the same way.
"""

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from essmap.api.renderers import csv_lines, geojson_chunks, point_feature, safe_cell
from initiatives.representation import (
    CSV_FIELDS,
    GEOJSON_PROPERTIES,
    MULTI_SEPARATOR,
    PageLinks,
    public_fields,
)

from . import datainclusion, selectors

MANIFEST = "manifest.json"
MAX_AGE = timedelta(hours=24)  # rebuilt at least daily even if the fingerprint did not move
# The machine CSV: the API export's columns without the distance (no point to measure from),
# plus the intercos an initiative serves (its coverage), since many serve a territory.
COLUMNS = [c for c in CSV_FIELDS if c != "distance_km"] + ["couverture_siren"]
PROPERTIES = [p for p in GEOJSON_PROPERTIES if p != "distance_km"] + ["coverage_siren"]
FIGURE_COLUMNS = [
    "intitule", "valeur", "precision", "unite", "annee", "periode", "portee", "portee_code",
    "portee_nom", "source_titre", "source_editeur", "source_date", "source_annee",
    "source_url", "note",
]  # fmt: skip


@dataclass(frozen=True)
class DataFile:
    name: str
    media_type: str
    title: object  # a lazy translation: French in the manifest, the visitor's language in pages
    write: Callable[[io.TextIOBase, "Context"], int]  # returns the number of rows/records


class Context:
    """Absolute page addresses from the public site address (no request in a command)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.links = PageLinks()
        self.links.origin = self.base_url

    def fields(self, initiative) -> dict:
        """The one public representation, plus the SIRENs of the intercos it serves.

        Takes a value row (selectors.export_rows: "coverage_siren" read with it) or, for the
        data·inclusion records, a loaded instance (its coverage prefetched)."""
        fields = public_fields(initiative, self.links)
        if isinstance(initiative, dict):
            fields["coverage_siren"] = initiative["coverage_siren"]
        else:
            fields["coverage_siren"] = [c.siren for c in initiative.coverage.all()]
        return fields


def opendata_dir() -> Path:
    return Path(settings.OPENDATA_DIR)


def _rows(context: Context) -> Iterator[list]:
    names = [CSV_FIELDS.get(column, "coverage_siren") for column in COLUMNS]
    for row in selectors.export_rows():
        fields = context.fields(row)
        for multi in ("themes", "coverage_siren"):
            fields[multi] = MULTI_SEPARATOR.join(fields[multi])
        yield [fields[name] for name in names]


def _write_machine_csv(out, context: Context) -> int:
    """Comma, LF, no BOM; formula-guarded as every CSV here (people double-click any .csv)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in _rows(context):
        writer.writerow([safe_cell(cell) for cell in row])
        n += 1
    return n


def _write_spreadsheet_csv(out, context: Context) -> int:
    counter = _Counter()
    for line in csv_lines(COLUMNS, counter.count(_rows(context))):
        out.write(line)
    return counter.n


class _Counter:
    n = 0

    def count(self, items: Iterable) -> Iterator:
        for item in items:
            self.n += 1
            yield item


def _write_geojson(out, context: Context) -> int:
    """Every published initiative; those serving a territory without a point have no geometry."""

    def features():
        for row in selectors.export_rows():
            fields = context.fields(row)
            props = {name: fields[name] for name in PROPERTIES}
            slug = row["slug"]
            if row["latitude"] is not None and row["longitude"] is not None:
                yield point_feature(row["longitude"], row["latitude"], props, feature_id=slug)
            else:
                yield {"type": "Feature", "id": slug, "geometry": None, "properties": props}

    counter = _Counter()
    for chunk in geojson_chunks(counter.count(features())):
        out.write(chunk)
    return counter.n


def figure_row(f) -> list:
    if f.initiative_id:
        scope, code, name = "initiative", f.initiative.slug, f.initiative.name
    elif f.interco_id:
        scope, code, name = "interco", f.interco.siren, f.interco.name
    elif f.departement_id:
        scope, code, name = "departement", f.departement.code, f.departement.name
    else:
        scope, code, name = "territoire", "", ""
    s = f.source
    return [
        f.label, f.value, f.qualifier, f.unit, f.year, f.period, scope, code, name, s.title,
        s.publisher, s.date.isoformat() if s.date else "", s.year, s.url, f.note,
    ]  # fmt: skip


def _write_figures(out, context: Context) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    n = 0
    for figure in selectors.key_figures().iterator(chunk_size=1000):
        writer.writerow([safe_cell(cell) for cell in figure_row(figure)])
        n += 1
    return n


def _write_json_list(out, records: Iterable[dict]) -> int:
    out.write("[")
    n = 0
    for record in records:
        out.write(("\n" if n == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        n += 1
    out.write("\n]\n")
    return n


def di_structures(context: Context) -> Iterator[dict]:
    return datainclusion.structures(
        selectors.structure_queryset().iterator(chunk_size=1000), fields_of=context.fields
    )


def di_services(context: Context) -> Iterator[dict]:
    return datainclusion.services(
        selectors.service_queryset().iterator(chunk_size=1000),
        fields_of=context.fields,
        departement_intercos=selectors.departement_intercos(),
    )


FILES = [
    DataFile(
        "initiatives.csv", "text/csv", _("Initiatives (CSV, UTF-8, virgule)"), _write_machine_csv
    ),
    DataFile(
        "initiatives-tableur.csv",
        "text/csv",
        _("Initiatives pour tableur (CSV, UTF-8 avec BOM, point-virgule)"),
        _write_spreadsheet_csv,
    ),
    DataFile(
        "initiatives.geojson", "application/geo+json", _("Initiatives (GeoJSON)"), _write_geojson
    ),
    DataFile("chiffres-cles.csv", "text/csv", _("Chiffres clés des territoires"), _write_figures),
    DataFile(
        "data-inclusion-structures.json",
        "application/json",
        _("Structures (schéma data·inclusion v1)"),
        lambda out, ctx: _write_json_list(out, di_structures(ctx)),
    ),
    DataFile(
        "data-inclusion-services.json",
        "application/json",
        _("Services (schéma data·inclusion v1)"),
        lambda out, ctx: _write_json_list(out, di_services(ctx)),
    ),
]
BY_NAME = {f.name: f for f in FILES}


def write_atomically(path: Path, fill: Callable[[io.TextIOBase], object]) -> tuple[int, str]:
    """Write through `fill` to a temporary file beside `path`, then rename it over `path`.

    Returns (size in bytes, SHA-256 hex digest). On any error the temporary file is removed
    and the previous file stays in place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        digest = _sha256(Path(tmp))
        size = os.path.getsize(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return size, digest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest() -> dict | None:
    try:
        return json.loads((opendata_dir() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def needs_build(manifest: dict | None, fingerprint: str) -> bool:
    if not manifest or manifest.get("fingerprint") != fingerprint:
        return True
    generated = timezone.datetime.fromisoformat(manifest["generated_at"])
    if timezone.now() - generated > MAX_AGE:
        return True
    return any(not (opendata_dir() / name).exists() for name in BY_NAME)


def _file_dates(previous: dict, name: str, digest: str, now: str) -> dict:
    """`issued`: when the file first appeared; `modified`: when its content last changed
    (a rebuild giving the same bytes keeps it). Carried over from the previous manifest."""
    before = previous.get("files", {}).get(name)
    if not before:
        return {"issued": now, "modified": now}
    since = previous.get("generated_at") or now  # manifests written before these dates
    issued = before.get("issued") or since
    same = before.get("sha256") == digest
    return {"issued": issued, "modified": (before.get("modified") or since) if same else now}


def opendata_build(*, base_url: str, force: bool = False) -> dict | None:
    """Rebuild every file when the data changed (or `force`); the new manifest, or None."""
    fingerprint = selectors.data_fingerprint()
    if not force and not needs_build(read_manifest(), fingerprint):
        return None
    context = Context(base_url)
    folder = opendata_dir()
    entries = {}
    previous = read_manifest() or {}
    now = timezone.now().isoformat()
    for data_file in FILES:
        rows = {}

        def fill(out, data_file=data_file, rows=rows):
            rows["n"] = data_file.write(out, context)

        size, digest = write_atomically(folder / data_file.name, fill)
        with translation.override("fr"):
            title = str(data_file.title)
        entries[data_file.name] = {
            "title": title,
            "media_type": data_file.media_type,
            "size": size,
            "sha256": digest,
            "rows": rows["n"],
            **_file_dates(previous, data_file.name, digest, now),
        }
    manifest = {
        # When the files were first published, kept from build to build (DCAT dct:issued).
        "issued_at": previous.get("issued_at") or previous.get("generated_at") or now,
        "generated_at": now,
        "fingerprint": fingerprint,
        "files": entries,
    }
    write_atomically(
        folder / MANIFEST,
        lambda out: out.write(json.dumps(manifest, indent=1, cls=DjangoJSONEncoder)),
    )
    return manifest
