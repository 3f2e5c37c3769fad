"""The register import: records from a reader, written through the one write authority.

`register_import()` reads a source's files with its reader (sources.READERS) and, for each
record, decides what to write; every write is `initiatives.services.staff_write` (rules,
history, cache invalidation), as a staff edit. The decisions:

- Matching: SIRET first, then FINESS, then the register's own id (source + source_id). A
  record the interco recorded itself (origin "interco", the article's included) is never
  changed by a register: it stays authoritative.
- No match: a new record, pending review ("à vérifier") unless `publish`, marked with its
  origin, source, id, the file's date. A record with a similar name in the same commune is
  flagged (`possible_duplicate_of`), not merged; the very same name there is skipped (the
  directory allows one record of a name per commune).
- A match from a register: only the fields the register wrote and staff did not change
  since (`register_values`, `provenance.staff_edited_fields`) are refreshed; when nothing
  differs, nothing is written ("the same file twice changes nothing").
- A record closed in its source is archived with the reason, never deleted; with
  `archive_missing`, so is every record of this source, in the départements asked, that the
  file no longer lists ("absent de …").
- Each chunk of records is one transaction: an interrupted run leaves no half-written record
  and can be run again. A dry run does everything in a transaction rolled back at the end.
"""

import contextlib
import difflib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from essmap.text import normalize
from intercos.models import Commune, Interco

from .. import services
from ..models import Initiative, Theme
from ..validators import validate_phone
from .common import theme_of
from .models import RegisterImportRun
from .provenance import current_value, staff_edited_fields
from .records import RegisterRecord, RowSkipped
from .sources import LABELS, reader

CHUNK = 200  # records per transaction
SIMILAR = 0.85  # difflib ratio of two normalised names flagged as a possible duplicate
Status = Initiative.Status


class _Rollback(Exception):
    pass


def _wanted(record: RegisterRecord) -> dict:
    """The owned fields' values the record asks for (register_values' form)."""
    phone = record.phone
    try:
        validate_phone(phone)
    except ValidationError:
        phone = ""  # a number in another format is dropped, not the establishment
    themes = ({theme_of(record.naf)} | set(record.extra.get("themes", ()))) - {""}
    wanted = {
        "name": record.name[:200],
        "legal_form": record.legal_form or Initiative.LegalForm.OTHER,
        "siret": record.siret,
        "finess": record.finess,
        "address": record.address[:300],
        "postcode": record.postcode,
        "commune_id": record.commune_insee or None,
        "website": record.website,
        "email": record.email,
        "phone": phone,
        # A text that fits is a summary; a longer one is the description.
        "summary": record.description if len(record.description) <= 300 else "",
        "description": record.description if len(record.description) > 300 else "",
        "themes": sorted(themes),
    }
    if "coverage" in record.extra:  # a structure serving intercos (data·inclusion)
        wanted["coverage"] = sorted(record.extra["coverage"])
    # Only an address's own point is written: a commune's centre is the write rule's to place
    # (initiatives.location), flagged approximate and following the commune's centre.
    exact = record.latitude is not None and record.longitude is not None
    if exact and not record.approximate_point:
        wanted.update(latitude=record.latitude, longitude=record.longitude)
    return wanted


def _write_values(wanted: dict) -> dict:
    """register_values' form -> staff_write's values (commune, themes as objects)."""
    values = {}
    for name, value in wanted.items():
        if name == "commune_id":
            values["commune"] = Commune.objects.get(pk=value) if value else None
        elif name == "themes":
            values["themes"] = list(Theme.objects.filter(slug__in=value))
        elif name == "coverage":
            values["coverage"] = list(Interco.objects.filter(siren__in=value))
        else:
            values[name] = value
    return values


class Importer:
    def __init__(self, *, run: RegisterImportRun, by, publish: bool, source_date: date | None):
        self.run, self.by, self.publish = run, by, publish
        self.source_date = source_date
        self.fallback_date: date | None = None
        self.seen: dict[str, int] = {}  # source_id -> row number, in this run
        self.seen_pks: set[int] = set()

    # --- report -------------------------------------------------------------------------------
    def note(self, action: str, row: int, source_id: str = "", reason: str = "", **more):
        counters = {"created", "updated", "unchanged", "archived", "skipped"}
        if action in counters:
            setattr(self.run, action, getattr(self.run, action) + 1)
        entry = {"row": row, "action": action, "source_id": source_id}
        if reason:
            entry["reason"] = str(reason)
        entry.update(more)
        self.run.details.append(entry)

    # --- matching -----------------------------------------------------------------------------
    def match(self, record: RegisterRecord) -> Initiative | None:
        found = Initiative.objects.none()
        if record.siret:
            found = Initiative.objects.filter(siret=record.siret)
        if not found.exists() and record.finess:
            found = Initiative.objects.filter(finess=record.finess)
        if not found.exists():
            found = Initiative.objects.filter(
                register_source=record.source, register_id=record.source_id
            )
        return found.order_by("pk").first()

    def similar(self, record: RegisterRecord) -> tuple[Initiative | None, bool]:
        """(a record with a similar name in the same commune, whether the name is the same)."""
        if not record.commune_insee:
            return None, False
        key = normalize(record.name)
        best, best_ratio = None, 0.0
        for other in Initiative.objects.filter(commune_id=record.commune_insee).only("name"):
            if other.name.lower() == record.name.lower():
                return other, True
            ratio = difflib.SequenceMatcher(None, key, normalize(other.name)).ratio()
            if ratio > best_ratio:
                best, best_ratio = other, ratio
        return (best, False) if best_ratio >= SIMILAR else (None, False)

    # --- one record ---------------------------------------------------------------------------
    def handle(self, item: RegisterRecord | RowSkipped) -> None:
        if isinstance(item, RowSkipped):
            self.note("skipped", item.row, item.source_id, item.reason)
            return
        row = item.extra.get("row", 0)
        if item.source_id in self.seen:
            reason = _("déjà lu ligne %(row)s") % {"row": self.seen[item.source_id]}
            self.note("unchanged", row, item.source_id, reason)
            return
        self.seen[item.source_id] = row
        try:
            with transaction.atomic():
                self._write(item, row)
        except ValidationError as exc:  # WriteRefused included: the rules' own words
            messages = "; ".join(exc.messages)
            self.note("skipped", row, item.source_id, messages)
        except Initiative.DoesNotExist:
            reason = _("fiche hors de votre territoire")
            self.note("skipped", row, item.source_id, reason)

    def _provenance(self, record: RegisterRecord) -> dict:
        return {
            "origin": Initiative.Origin.REGISTER,
            "register_source": record.source,
            "register_id": record.source_id,
            "register_date": self.date_of(record),
            "register_seen_at": self.date_of(record),
        }

    def date_of(self, record: RegisterRecord) -> date | None:
        """The file's date: the one given, else the one the reader found in the file, else
        the file's modification date."""
        return self.source_date or record.source_date or self.fallback_date

    def _write(self, record: RegisterRecord, row: int) -> None:
        current = self.match(record)
        if current is not None:
            self.seen_pks.add(current.pk)
            self._update(current, record, row)
            return
        if not record.active:
            self.note("skipped", row, record.source_id, record.closed_reason or _("fermé"))
            return
        other, same_name = self.similar(record)
        if same_name:
            reason = _("une fiche du même nom existe dans la commune : « %(name)s »") % {
                "name": other.name
            }
            self.note("skipped", row, record.source_id, reason, duplicate_of=other.slug)
            self.run.duplicates += 1
            return
        wanted = _wanted(record)
        values = _write_values(wanted)
        values.update(self._provenance(record))
        values.update(
            kind=Initiative.Kind.STRUCTURE,
            status=Status.PUBLISHED if self.publish else Status.PENDING,
            register_values=wanted,
            possible_duplicate_of=other,
        )
        created = services.staff_write(by=self.by, initiative=None, values=values)
        self.seen_pks.add(created.pk)
        more = {"slug": created.slug}
        if other is not None:
            more["duplicate_of"] = other.slug
            self.run.duplicates += 1
        self.note("created", row, record.source_id, **more)

    def _update(self, current: Initiative, record: RegisterRecord, row: int) -> None:
        if current.origin != Initiative.Origin.REGISTER:
            reason = _("fiche saisie par l'intercommunalité : inchangée")
            self.note("unchanged", row, record.source_id, reason, slug=current.slug)
            return
        if current.register_source != record.source:
            # Another register brought it first and keeps it (no flip-flop between sources).
            reason = _("fiche importée depuis %(register)s : inchangée") % {
                "register": LABELS.get(current.register_source, current.register_source)
            }
            self.note("unchanged", row, record.source_id, reason, slug=current.slug)
            return
        when = self.date_of(record)
        if current.register_seen_at and when and when < current.register_seen_at:
            reason = _("fichier plus ancien que la fiche")
            self.note("unchanged", row, record.source_id, reason, slug=current.slug)
            return
        if not record.active:
            self.archive(current, record.closed_reason or _("fermé selon le registre"), row)
            return
        edited = set(staff_edited_fields(current))
        wanted = _wanted(record)
        changes = {
            name: value
            for name, value in wanted.items()
            if name not in edited and current_value(current, name) != value
        }
        snapshot = {
            **current.register_values,
            **{k: v for k, v in wanted.items() if k not in edited},
        }
        dates = {k: v for k, v in self._provenance(record).items() if k.endswith(("_date", "_at"))}
        dates = {k: v for k, v in dates.items() if v and getattr(current, k) != v}
        if not changes and not dates:
            self.note("unchanged", row, record.source_id, slug=current.slug)
            return
        values = {**_write_values(changes), **dates, "register_values": snapshot}
        if "commune_id" in changes and "latitude" not in wanted and current.approximate_point:
            values.update(latitude=None, longitude=None)  # the new commune's centre
        services.staff_write(by=self.by, initiative=current, values=values)
        fields = sorted(changes) or sorted(dates)
        self.note("updated", row, record.source_id, slug=current.slug, fields=fields)

    def archive(self, current: Initiative, reason: str, row: int) -> None:
        if current.status == Status.ARCHIVED:
            self.note("unchanged", row, current.register_id, reason, slug=current.slug)
            return
        values = {"status": Status.ARCHIVED, "register_note": reason[:300]}
        services.staff_write(by=self.by, initiative=current, values=values)
        self.note("archived", row, current.register_id, reason, slug=current.slug)

    def archive_missing(self, source: str, departements: set[str] | None) -> None:
        """Archive the source's records the file no longer lists (in the départements asked)."""
        gone = Initiative.objects.filter(register_source=source, origin="register").exclude(
            pk__in=self.seen_pks
        )
        gone = gone.exclude(status=Status.ARCHIVED)
        if departements:
            gone = gone.filter(commune__departement_id__in=departements)
        file_date = self.source_date or self.fallback_date
        when = formats.date_format(file_date, "F Y") if file_date else ""
        reason = _("absent de la %(register)s %(when)s") % {
            "register": LABELS.get(source, source),
            "when": when,
        }
        for initiative in gone.order_by("pk"):
            with transaction.atomic():
                self.archive(initiative, reason.strip(), 0)


def register_import(
    *,
    source: str,
    paths: Iterable[Path],
    by=None,
    departements: set[str] | None = None,
    dry_run: bool = False,
    publish: bool = False,
    source_date: date | None = None,
    archive_missing: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RegisterImportRun:
    """Import a register's files; returns the run's report (saved unless `dry_run`).

    `source_date`: the file's date; None: the date the reader finds in the file, else the
    file's modification date. Raises sources.UnknownSource and common.LayoutError (a file in
    another layout: nothing is written, the message names the missing columns).
    """
    read = reader(source)
    paths = [Path(p) for p in paths]
    run = RegisterImportRun(
        source=source,
        files=", ".join(p.name for p in paths),
        source_date=source_date,
        departements=",".join(sorted(departements or ())),
        dry_run=dry_run,
        publish=publish,
        by=by if by is not None and by.pk else None,
    )
    importer = Importer(run=run, by=by, publish=publish, source_date=source_date)
    existing = [p for p in paths if p.is_file()]
    if existing:
        importer.fallback_date = date.fromtimestamp(existing[0].stat().st_mtime)
        run.source_date = run.source_date or importer.fallback_date
    items = read(paths, departements=departements)
    try:
        # A real run commits chunk by chunk; a dry run is one transaction, rolled back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            _run_chunks(importer, items, progress)
            if archive_missing:
                importer.archive_missing(source, departements)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    run.finished_at = timezone.now()
    if not dry_run:
        run.save()
    return run


def _run_chunks(importer: Importer, items, progress) -> None:
    n = 0
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            n = _flush(importer, chunk, n, progress)
    _flush(importer, chunk, n, progress)


def _flush(importer: Importer, chunk: list, n: int, progress) -> int:
    with transaction.atomic():
        for item in chunk:
            importer.handle(item)
    n += len(chunk)
    chunk.clear()
    if progress is not None:
        progress(n)
    return n
