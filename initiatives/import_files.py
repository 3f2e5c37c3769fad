"""Reading an uploaded CSV / XLSX file, within bounds: the rows as lists of cells, lazily.

A hostile or broken file is refused early, with a clear message, and a worker's time and
memory stay bounded whatever the file declares:
- size: at most MAX_BYTES as uploaded;
- XLSX (a zip): before any XML is parsed, the members' declared uncompressed sizes are summed
  (zipfile never inflates a member beyond its declared size) and capped, as is their number;
  then the sheet's declared dimension (`<dimension ref="A1:XFD1048576">`) is checked; then
  the sheet is streamed (openpyxl read_only) at most MAX_COLUMNS wide;
- both: reading stops as soon as the file has more than `max_rows` physical rows, a row is
  wider than MAX_COLUMNS, or reading took more than MAX_SECONDS.

The row rules (headers, cells, checks) live in imports.py; this module only reads.
"""

import csv
import io
import time
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024  # as uploaded (the admin form refuses larger files first)
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # every member of an XLSX, uncompressed
MAX_ZIP_MEMBERS = 200
MAX_COLUMNS = 100
MAX_SECONDS = 10.0
# Physical rows (blank ones included) allowed for `max_rows` data rows: a few blank lines
# are common in spreadsheets, a million are not.
BLANK_ROWS_ALLOWANCE = 1000


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, headers, size)."""


def _too_big() -> ImportFileError:
    return ImportFileError(
        _("Fichier trop volumineux : %(max)d Mo au plus ; découpez-le.")
        % {"max": MAX_BYTES // (1024 * 1024)}
    )


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _("Trop de lignes : %(max)d au plus par fichier ; découpez-le.") % {"max": max_rows}
    )


def _too_wide() -> ImportFileError:
    return ImportFileError(_("Trop de colonnes : %(max)d au plus.") % {"max": MAX_COLUMNS})


class _Budget:
    """Physical rows and seconds left for one file."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.rows_left = max_rows + 1 + BLANK_ROWS_ALLOWANCE  # +1: the header
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend_row(self) -> None:
        self.rows_left -= 1
        if self.rows_left < 0:
            raise _too_many_rows(self.max_rows)
        if time.monotonic() > self.deadline:
            raise ImportFileError(
                _("Lecture trop longue (plus de %(s)d s) : simplifiez ou découpez le fichier.")
                % {"s": MAX_SECONDS}
            )


def read_rows(filename: str, content: bytes, *, max_rows: int) -> Iterator[list]:
    """The file's rows (the header first), each a list of at most MAX_COLUMNS cells."""
    if len(content) > MAX_BYTES:
        raise _too_big()
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(content, _Budget(max_rows))
    return _csv_rows(content, _Budget(max_rows))


# --- CSV ----------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Encodage non reconnu : enregistrez le fichier en UTF-8."))


def _csv_rows(content: bytes, budget: _Budget) -> Iterator[list]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(_("CSV illisible : %(error)s") % {"error": exc}) from exc
        budget.spend_row()
        if len(row) > MAX_COLUMNS:
            if any(cell.strip() for cell in row[MAX_COLUMNS:]):
                raise _too_wide()
            row = row[:MAX_COLUMNS]
        yield row


# --- XLSX ---------------------------------------------------------------------------------


def _check_zip(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(_("Fichier XLSX illisible.")) from exc
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(_("Fichier XLSX illisible : trop d'éléments dans l'archive."))
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("Fichier XLSX trop volumineux une fois décompressé (%(max)d Mo au plus).")
            % {"max": MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )


def _check_dimension(sheet, max_rows: int) -> None:
    """Refuse on what the sheet declares, before reading any row."""
    from openpyxl.utils.cell import range_boundaries

    try:
        declared = sheet.calculate_dimension()
        _min_col, _min_row, max_col, max_row = range_boundaries(declared)
    except (ValueError, TypeError):  # no usable dimension: the streaming limits apply
        return
    if max_col and max_col > MAX_COLUMNS:
        raise _too_wide()
    if max_row and max_row > max_rows + 1 + BLANK_ROWS_ALLOWANCE:
        raise _too_many_rows(max_rows)


def _xlsx_rows(content: bytes, budget: _Budget) -> Iterator[list]:
    from openpyxl import load_workbook

    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise ImportFileError(_("Fichier XLSX illisible.")) from exc
    _check_dimension(sheet, budget.max_rows)
    sheet.reset_dimensions()  # then read to the real end: a too-small dimension drops no row
    return _stream_sheet(workbook, sheet, budget)


def _stream_sheet(workbook, sheet, budget: _Budget) -> Iterator[list]:
    try:
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except ImportFileError:
                raise
            except Exception as exc:  # corrupt XML inside the zip
                raise ImportFileError(_("Fichier XLSX illisible.")) from exc
            budget.spend_row()
            yield list(row)
    finally:
        workbook.close()
