"""CSV / XLSX import of initiatives for the staff workspace (export: admin/export.py).

`import_preview` checks every row without writing (dry run); `import_apply` re-checks and
writes all rows in one transaction, or nothing when any row fails. Existing records are
matched by SIRET, else by name + commune, so a re-import updates instead of duplicating.
Empty cells keep the existing value.
"""

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from essmap.api.input import CONTROL_CHARACTERS
from essmap.text import normalize
from intercos.models import Commune

from . import import_cells, location, rules, services
from .import_files import ImportFileError, read_rows
from .models import Initiative, Theme
from .staff_scope import initiatives_for_user

# Applying costs ~20 ms a row through the services (PostgreSQL, 2 cores): 1000 rows stay
# well under a web worker's timeout. Larger files are split.
MAX_ROWS = 1000


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("nom", "name", ("name",)),
    Column("siret", "siret"),
    Column("rna", "rna"),
    Column("commune_insee", "commune", ("insee", "code_insee", "code_commune", "commune_code")),
    Column("commune", "commune_name", ("ville", "commune_nom")),
    Column("code_postal", "postcode", ("cp", "postcode")),
    Column("adresse", "address", ("address",)),
    Column("latitude", "latitude", ("lat",)),
    Column("longitude", "longitude", ("lon", "lng")),
    Column("themes", "themes", ("theme",)),
    Column("type", "kind", ("kind",)),
    Column("forme_juridique", "legal_form", ("legal_form",)),
    Column("resume", "summary", ("summary",)),
    Column("description", "description"),
    Column("site_web", "website", ("website", "site")),
    Column("courriel", "email", ("email", "mail", "e_mail")),
    Column("telephone", "phone", ("phone", "tel")),
    Column("horaires", "opening_hours", ("opening_hours",)),
    Column("annee_creation", "founded_year", ("founded_year",)),
    Column("salaries", "employees", ("employees",)),
    Column("statut", "status", ("status",)),
]
COLUMN_OF = {c.field: c.header for c in COLUMNS} | {"commune": "commune"}
HEADERS = {c.header: c for c in COLUMNS} | {a: c for c in COLUMNS for a in c.aliases}
CHOICE_FIELDS = {
    "kind": Initiative.Kind,
    "legal_form": Initiative.LegalForm,
    "status": Initiative.Status,
}
INT_FIELDS = {"founded_year", "employees"}
FLOAT_FIELDS = {"latitude", "longitude"}


@dataclass
class RowResult:
    line: int
    name: str
    action: str = "create"  # create | update | error
    errors: list[str] = field(default_factory=list)
    existing: Initiative | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    themes: list[Theme] | None = None
    point: str = ""  # once saved: exact | approximate (the commune's centre) | "" (no point)

    @property
    def status_after(self) -> str:
        """The record's status once the file is saved."""
        return self.fields.get("status") or (self.existing.status if self.existing else "")

    @property
    def status_after_label(self) -> str:
        return str(dict(Initiative.Status.choices).get(self.status_after, ""))

    @property
    def approximate_point(self) -> bool:
        return self.point == "approximate"


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.error_rows

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.action == "create" and not r.errors)

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.action == "update" and not r.errors)

    @property
    def published(self) -> int:
        """Rows that will be public as soon as the file is saved (a moderator's import)."""
        return sum(1 for r in self.rows if not r.errors and r.status_after == "published")

    @property
    def approximate_points(self) -> int:
        """Rows that will be placed at their commune's centre (no coordinates of their own)."""
        return sum(1 for r in self.rows if not r.errors and r.point == "approximate")

    @property
    def without_point(self) -> int:
        """Rows that will have no point at all on the map."""
        return sum(1 for r in self.rows if not r.errors and not r.point)


# --- reading ------------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return normalize(text).replace(" ", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return str(int(value))  # a SIRET typed as a number in a spreadsheet
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # undo the export's formula guard
    return text


class Rows(list):
    """The data rows, with what the report needs to speak the file's language: `lines`, the
    spreadsheet's own row numbers (blank rows counted), and `headers`, {canonical header:
    the header as written in the file}."""

    lines: list[int]
    headers: dict[str, str]


def read_table(filename: str, content: bytes) -> Rows:
    """Rows as {canonical header: text}; raises ImportFileError when unreadable."""
    table = read_rows(filename, content, max_rows=MAX_ROWS)  # lazy and bounded
    try:
        header = next(table)
    except StopIteration:
        raise ImportFileError(_("Le fichier est vide.")) from None
    columns = []
    unknown = []
    rows = Rows()
    rows.lines, rows.headers = [], {}
    for text in header:
        key = _header_key(_cell(text))
        column = HEADERS.get(key)
        columns.append(column.header if column else None)
        if column is not None:
            rows.headers[column.header] = _cell(text)
        if column is None and key:
            unknown.append(_cell(text))
    if "nom" not in columns:
        raise ImportFileError(_("Colonne « nom » introuvable dans la première ligne."))
    if unknown:
        raise ImportFileError(
            _("Colonnes inconnues : %(cols)s. Colonnes reconnues : %(known)s.")
            % {"cols": ", ".join(unknown), "known": ", ".join(c.header for c in COLUMNS)}
        )
    for line, values in enumerate(table, start=2):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        rows.append({col: val for col, val in zip(columns, cells, strict=False) if col})
        rows.lines.append(line)
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("Trop de lignes : %(max)d au plus par fichier ; découpez-le.") % {"max": MAX_ROWS}
            )
    if not rows:
        raise ImportFileError(_("Aucune ligne de données sous les en-têtes."))
    return rows


# --- checking -----------------------------------------------------------------------------


class _Context:
    """Look-ups loaded once per file, and what earlier rows of the file already claimed."""

    def __init__(self, user, rows: list[dict[str, str]]):
        self.user = user
        self.themes = {}
        for theme in Theme.objects.all():
            self.themes[theme.slug] = theme
            self.themes[normalize(theme.name)] = theme
            if theme.name_en:
                self.themes[normalize(theme.name_en)] = theme
        self.seen: dict[tuple, int] = {}
        self._moderates: dict[str | None, bool] = {}
        self._preload(rows)

    def _preload(self, rows):
        rows = [r for r in rows if not _controlled(r)]  # refused by check_row, never queried
        communes = Commune.objects.select_related("departement")
        codes = {r["commune_insee"].zfill(5) for r in rows if r.get("commune_insee")}
        self.communes_by_code = communes.in_bulk(list(codes))
        names = {normalize(r["commune"]) for r in rows if r.get("commune")}
        self.communes_by_name: dict[str, list[Commune]] = {}
        for commune in communes.filter(search_name__in=names):
            self.communes_by_name.setdefault(commune.search_name, []).append(commune)
        self.communes = dict(self.communes_by_code)
        for commune in (c for found in self.communes_by_name.values() for c in found):
            self.communes[commune.pk] = commune
        sirets = {r["siret"].replace(" ", "") for r in rows if r.get("siret")}
        keys = {normalize(r["nom"]) for r in rows if r.get("nom")}
        # Only records the user may edit are matched: another territory's record is, for
        # the import as everywhere, exactly as if it did not exist.
        editable = initiatives_for_user(self.user).select_related("commune")
        self.by_siret: dict[str, Initiative] = {}
        for obj in editable.filter(siret__in=sirets).order_by("-pk"):
            self.by_siret[obj.siret] = obj
        self.by_name: dict[tuple, Initiative] = {}
        for obj in editable.filter(search_name__in=keys).order_by("-pk"):
            self.by_name[(obj.commune_id, obj.search_name)] = obj

    def centre_of(self, commune_id: str | None) -> tuple[float, float] | None:
        """location.commune_centre, answered from the communes loaded for this file."""
        commune = self.communes.get(commune_id) if commune_id else None
        if commune is None or commune.centre_lat is None or commune.centre_lon is None:
            return None
        return (commune.centre_lat, commune.centre_lon)

    def moderates(self, commune: Commune) -> bool:
        key = commune.interco_id
        if key not in self._moderates:
            self._moderates[key] = rules.can_moderate_in(self.user, [key] if key else [])
        return self._moderates[key]

    def match(self, fields: dict, commune: Commune | None) -> Initiative | None:
        siret = fields.get("siret")
        if siret and siret in self.by_siret:
            return self.by_siret[siret]
        if commune is not None and fields.get("name"):
            return self.by_name.get((commune.pk, normalize(fields["name"])))
        return None


def _commune(raw: dict[str, str], ctx: _Context, errors: list[str]) -> Commune | None:
    insee, name, postcode = raw.get("commune_insee"), raw.get("commune"), raw.get("code_postal")
    if insee:
        commune = ctx.communes_by_code.get(insee.zfill(5))
        if commune is None:
            errors.append(_("commune_insee : code INSEE %(code)s inconnu.") % {"code": insee})
        return commune
    if not name:
        errors.append(_("commune : indiquez la commune (ou son code INSEE)."))
        return None
    candidates = ctx.communes_by_name.get(normalize(name), [])
    if postcode and len(candidates) > 1:
        candidates = [c for c in candidates if postcode in c.postcode_list] or candidates
    if not candidates:
        errors.append(_("commune : « %(name)s » inconnue.") % {"name": name})
        return None
    if len(candidates) > 1:
        errors.append(
            _("commune : plusieurs communes « %(name)s » ; précisez commune_insee.")
            % {"name": name}
        )
        return None
    return candidates[0]


def _choice(column: str, value: str, choices, errors: list[str]) -> str | None:
    key = normalize(value)
    for code, label in choices.choices:
        if key in (normalize(code), normalize(str(label))):
            return code
    errors.append(
        _("%(col)s : valeur « %(value)s » inconnue (%(allowed)s).")
        % {"col": column, "value": value, "allowed": ", ".join(choices.values)}
    )
    return None


def _convert(raw: dict[str, str], ctx: _Context, errors: list[str]) -> tuple[dict, list | None]:
    fields: dict[str, Any] = {}
    themes = None
    for column in COLUMNS:
        value = raw.get(column.header, "")
        if not value or column.field in {"commune", "commune_name"}:
            continue
        name = column.field
        if name in CHOICE_FIELDS:
            code = _choice(column.header, value, CHOICE_FIELDS[name], errors)
            if code is not None:
                fields[name] = code
        elif name in FLOAT_FIELDS:
            try:
                fields[name] = float(value.replace(",", "."))
            except ValueError:
                errors.append(_("%(col)s : nombre attendu.") % {"col": column.header})
        elif name in INT_FIELDS:
            if re.fullmatch(r"\d+(\.0+)?", value):
                fields[name] = int(float(value))
            else:
                errors.append(_("%(col)s : nombre entier attendu.") % {"col": column.header})
        elif name == "themes":
            themes = []
            for part in re.split(r"[|;,]", value):
                part = part.strip()
                if not part:
                    continue
                theme = ctx.themes.get(part) or ctx.themes.get(normalize(part))
                if theme is None:
                    errors.append(_("themes : thème « %(t)s » inconnu.") % {"t": part})
                else:
                    themes.append(theme)
        elif name == "siret":
            fields[name] = value.replace(" ", "")
        else:
            # What a spreadsheet makes of phones, sites and hours, as the forms accept them.
            fields[name] = import_cells.normalise(name, value)
    return fields, themes


def _label(name: str) -> str:
    """A field as the file names it (its column header)."""
    return COLUMN_OF.get(name, name)


def _validation_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    messages = []
    for name, errors in exc.message_dict.items():
        label = _label(name) if name != "__all__" else ""
        for message in errors:
            messages.append(f"{label} : {message}" if label else message)
    return messages


def _controlled(raw: dict[str, str]) -> list[str]:
    """The row's columns holding a control character (NUL…; tab and line breaks are text)."""
    return [col for col, value in raw.items() if CONTROL_CHARACTERS.search(value)]


def check_row(raw: dict[str, str], line: int, ctx: _Context) -> RowResult:
    """Read one row into field values, match it, then ask the write authority (rules.py)."""
    errors: list[str] = []
    name = raw.get("nom", "")
    result = RowResult(line=line, name=name)
    # A NUL byte would reach the database in the matching queries (a DataError on
    # PostgreSQL); no control character belongs in any cell (tab and line breaks do).
    controlled = _controlled(raw)
    if controlled:
        result.name = CONTROL_CHARACTERS.sub("", name)
        result.action = "error"
        result.errors = [
            _("%(col)s : caractère de contrôle interdit (octet nul ou autre caractère invisible).")
            % {"col": col}
            for col in controlled
        ]
        return result
    if not name:
        errors.append(_("nom : obligatoire."))
    commune = _commune(raw, ctx, errors)
    fields, themes = _convert(raw, ctx, errors)
    if commune is not None:
        fields["commune"] = commune
    existing = ctx.match(fields, commune) if name else None
    for key in _row_keys(fields, commune, existing):
        if key in ctx.seen:
            errors.append(_("Doublon de la ligne %(line)d.") % {"line": ctx.seen[key]})
            break
    for key in _row_keys(fields, commune, existing):
        ctx.seen.setdefault(key, line)
    if existing is None and "status" not in fields and commune is not None:
        # The import's default: published by the territory's moderators, else to review.
        moderates = ctx.moderates(commune)
        fields["status"] = Initiative.Status.PUBLISHED if moderates else Initiative.Status.PENDING
    candidate = copy.copy(existing) if existing else Initiative(slug="import")
    for key, value in fields.items():
        setattr(candidate, key, value)
    _settle_point(candidate, existing, ctx, result)
    invalid: set[str] = set()
    try:
        # The commune comes from the database and the slug is not imported; the unique
        # name-per-commune constraint is what matching enforces (same normalised name
        # in the same commune = same record), so only field checks need the model here.
        candidate.full_clean(exclude=["slug", "commune"], validate_constraints=False)
    except ValidationError as exc:
        errors.extend(_validation_messages(exc))
        invalid = set(exc.message_dict)
    for refusal in rules.write_errors(by=ctx.user, current=existing, values=fields):
        if refusal.field not in invalid:
            errors.extend(_validation_messages(ValidationError({refusal.field: refusal.message})))
    result.errors = errors
    result.existing = existing
    result.action = "error" if errors else ("update" if existing else "create")
    result.fields = fields
    result.themes = themes
    return result


def _settle_point(candidate: Initiative, existing, ctx: _Context, result: RowResult) -> None:
    """Where the row will be on the map, by the rule every write applies (location.py)."""
    previous = None
    if existing is not None and existing.approximate_point and existing.has_point:
        previous = (existing.latitude, existing.longitude)  # = stored_approximate_point()
    location.settle_point(candidate, previous=previous, centre_of=ctx.centre_of)
    if candidate.latitude is not None and candidate.longitude is not None:
        result.point = "approximate" if candidate.approximate_point else "exact"


def _row_keys(fields: dict, commune, existing) -> Iterable[tuple]:
    if existing is not None:
        yield ("pk", existing.pk)
    if fields.get("siret"):
        yield ("siret", fields["siret"])
    if commune is not None and fields.get("name"):
        yield ("name", commune.pk, normalize(fields["name"]))


# --- entry points -------------------------------------------------------------------------


def import_preview(*, user, filename: str, content: bytes) -> ImportReport:
    """Check every row; nothing is written."""
    report = ImportReport()
    try:
        rows = read_table(filename, content)
    except ImportFileError as exc:
        report.file_errors.append(str(exc))
        return report
    ctx = _Context(user, rows)
    report.rows = [check_row(raw, line, ctx) for line, raw in zip(rows.lines, rows, strict=True)]
    _in_the_files_words(report, rows.headers)
    return report


def _in_the_files_words(report: ImportReport, headers: dict[str, str]) -> None:
    """Errors name the columns as the file does ("Site web :" as in the file, not "site_web :")."""
    renames = {canonical: own for canonical, own in headers.items() if own}
    for row in report.rows:
        row.errors = [_renamed(message, renames) for message in row.errors]


def _renamed(message: str, renames: dict[str, str]) -> str:
    # The colon follows a space, or a no-break space once the French catalog is typeset.
    for canonical, own in renames.items():
        rest = message[len(canonical) :]
        if message.startswith(canonical) and rest[:2] in (" :", "\xa0:", "\u202f:"):
            return own + rest
    return message


def import_apply(*, user, filename: str, content: bytes) -> ImportReport:
    """Write every row in one transaction, or nothing if any row fails."""
    report = import_preview(user=user, filename=filename, content=content)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            for row in report.rows:
                values = dict(row.fields)
                if row.themes is not None or row.existing is None:
                    values["themes"] = row.themes or ()
                services.staff_write(by=user, initiative=row.existing, values=values)
    except (ValidationError, DatabaseError, Initiative.DoesNotExist, rules.StaleWrite) as exc:
        report.file_errors.append(
            _("Rien n'a été enregistré : %(error)s")
            % {
                "error": "; ".join(_validation_messages(exc))
                if isinstance(exc, ValidationError)
                else str(exc)
            }  # fmt: skip
        )
        return report
    report.applied = True
    return report
