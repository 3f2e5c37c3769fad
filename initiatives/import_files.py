"""Reading an uploaded CSV / XLSX file, within bounds: the rows as lists of cells, lazily.

A hostile or broken file is refused early, with a clear message, and a worker's time and
memory stay bounded whatever the file declares:
- size: at most MAX_BYTES as uploaded;
- XLSX (a zip, initiatives/import_xlsx.py): before openpyxl parses anything, the members'
  declared uncompressed sizes, each member's compression ratio and their number are checked,
  then every XML member is streamed through expat (no tree, no DOCTYPE) counting elements
  and shared strings, then the sheet's declared dimension and, streamed again, its rows,
  cells and columns; only then is the sheet read (openpyxl read_only) at most MAX_COLUMNS
  wide;
- both: one budget per file (rows, cells, seconds), spent inside the reading loops: reading
  stops as soon as the file has more than `max_rows` physical rows, MAX_CELLS cells, a row
  wider than MAX_COLUMNS, or reading took more than MAX_SECONDS.

The row rules (headers, cells, checks) live in imports.py; this module only reads.
"""

import csv
import io
import time
from collections.abc import Iterator

from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024  # as uploaded (the admin form refuses larger files first)
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # every member of an XLSX, uncompressed
MAX_ZIP_MEMBERS = 200
MAX_COLUMNS = 100
MAX_SECONDS = 10.0
# Cells of the sheet (empty styled ones included): the import knows about 20 columns, so
# 1001 rows of 60 cells is generous; streaming 60,000 cells through expat takes ~0.2 s.
MAX_CELLS = 60_000
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
    """Physical rows, cells and seconds left for one file, spent while it is read."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.max_physical_rows = max_rows + 1 + BLANK_ROWS_ALLOWANCE  # +1: the header
        self.rows_left = self.max_physical_rows
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend_row(self) -> None:
        self.rows_left -= 1
        if self.rows_left < 0:
            raise _too_many_rows(self.max_rows)
        self.check_time()

    def check_time(self) -> None:
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


# --- XLSX: initiatives/import_xlsx.py -------------------------------------------------------


def _xlsx_rows(content: bytes, budget: _Budget) -> Iterator[list]:
    from . import import_xlsx

    return import_xlsx.xlsx_rows(content, budget)
