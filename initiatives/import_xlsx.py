"""Reading an imported XLSX within the file's budget (limits and why: import_files.py).

openpyxl parses some members whole (the shared strings, the styles, the workbook) and a
read-only sheet one whole row at a time, with no limit of its own: a 100 KB file with one
row of 900,000 cells, or a few million tiny shared strings, cost it 20 s and hundreds of MB.
So nothing reaches openpyxl before it is known to be small:

1. the zip's directory: number of members, their declared uncompressed sizes, together and
   each (zipfile never inflates a member beyond its declared size), each large member's
   compression ratio;
2. every XML member streamed through expat in chunks, with no tree and no DOCTYPE (so no
   entity expansion), no tag longer than MAX_TAG_BYTES (expat hands a tag's attributes to
   Python all at once): elements and shared strings counted, time checked after each chunk;
3. the sheet's declared dimension, then the sheet streamed again: physical rows, cells
   (empty styled ones included), cells per row, a value beyond MAX_COLUMNS;
4. only then openpyxl (read_only) yields the rows, each row spending the budget again.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from django.utils.translation import gettext as _

from . import import_files
from .import_files import ImportFileError, _too_many_rows, _too_wide

# A large member compressed more than this is not a spreadsheet but a bomb: a sheet of 1000
# import rows compresses about 12 times (1001 rows of 20 identical cells: 26 times), a row
# of 900,000 identical cells about 270 times.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # smaller members may compress as much as they like
MAX_MEMBER_BYTES = 10 * 1024 * 1024  # one member, uncompressed (a real sheet: ~1 MB)
MAX_XML_ELEMENTS = 500_000  # every XML member together
MAX_SHARED_STRINGS = 50_000
MAX_ROW_CELLS = 1_000  # cells in one row, empty styled ones included
CHUNK = 64 * 1024
# One tag, from "<" to ">": expat hands all of a tag's attributes to Python at once, so a
# tag of a million attributes (10 MB, 2 MB zipped) would cost 200 MB before any count.
# Real tags are a few hundred bytes (the root's namespace declarations: ~1 KB).
MAX_TAG_BYTES = 64 * 1024
_LONG_TAG = re.compile(rb"<[^>]{%d}" % MAX_TAG_BYTES)
_COLUMN = re.compile(r"[A-Za-z]+")


def _unreadable() -> ImportFileError:
    return ImportFileError(_("Fichier XLSX illisible."))


def _too_many_cells() -> ImportFileError:
    return ImportFileError(
        _("Trop de cellules : %(max)d au plus (cellules vides mises en forme comprises) ;"
          " découpez le fichier.") % {"max": import_files.MAX_CELLS}
    )  # fmt: skip


def _too_complex() -> ImportFileError:
    return ImportFileError(
        _("Fichier XLSX trop complexe (trop d'éléments ou de textes) : enregistrez-le de"
          " nouveau, ou en CSV.")
    )  # fmt: skip


def check_zip(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > import_files.MAX_ZIP_MEMBERS:
        raise ImportFileError(_("Fichier XLSX illisible : trop d'éléments dans l'archive."))
    if sum(member.file_size for member in members) > import_files.MAX_UNZIPPED_BYTES:
        raise ImportFileError(
            _("Fichier XLSX trop volumineux une fois décompressé (%(max)d Mo au plus).")
            % {"max": import_files.MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise ImportFileError(
                _("Fichier XLSX trop volumineux une fois décompressé (%(max)d Mo au plus).")
                % {"max": MAX_MEMBER_BYTES // (1024 * 1024)}
            )
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ImportFileError(
                _("Fichier XLSX anormalement compressé (plus de %(ratio)d fois) : enregistrez-le"
                  " de nouveau, ou en CSV.") % {"ratio": MAX_RATIO}
            )  # fmt: skip
    return members


def _refuse_doctype(*args) -> None:
    raise _unreadable()


def _stream(archive: zipfile.ZipFile, name: str, budget, on_start) -> None:
    """Feed one member to expat chunk by chunk; `on_start(name, attrs)` for each element."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = on_start
    carry = b""  # the end of the previous chunk from its last "<", if no ">" follows it
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                data = carry + chunk
                if _LONG_TAG.search(data):
                    raise _too_complex()
                start, end = data.rfind(b"<"), data.rfind(b">")
                carry = data[start:] if start > end else b""
                parser.Parse(chunk, False)
                budget.check_time()
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _unreadable() from exc


def scan_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], budget) -> None:
    """Every XML member through expat: elements and shared strings counted, time checked."""
    counts = {"elements": 0, "strings": 0}

    def on_start(name, attrs):
        counts["elements"] += 1
        if counts["elements"] > MAX_XML_ELEMENTS:
            raise _too_complex()
        if name.rpartition(":")[2] == "si":
            counts["strings"] += 1
            if counts["strings"] > MAX_SHARED_STRINGS:
                raise _too_complex()

    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")) or _looks_like_xml(archive, member):
            _stream(archive, member.filename, budget, on_start)


def _looks_like_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """XML under another name ([Content_Types].xml may declare any part name as the shared
    strings): openpyxl would parse it, so it is scanned too. Images and other binary parts
    do not start with "<" (after a byte order mark or white space)."""
    if member.is_dir():
        return False
    try:
        with archive.open(member) as part:
            head = part.read(64)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _unreadable() from exc
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _column_index(ref: str) -> int:
    match = _COLUMN.match(ref)
    if not match:
        return 0
    index = 0
    for letter in match.group().upper():
        index = index * 26 + ord(letter) - 64
    return index


def scan_sheet(archive: zipfile.ZipFile, path: str, budget) -> None:
    """The sheet's rows, cells and columns, counted as it streams, before openpyxl reads it."""
    state = {"row": 0, "row_cells": 0, "cells": 0, "wide_cell": False}

    def on_start(name, attrs):
        local = name.rpartition(":")[2]
        if local == "c":
            state["cells"] += 1
            state["row_cells"] += 1
            if state["cells"] > import_files.MAX_CELLS:
                raise _too_many_cells()
            if state["row_cells"] > MAX_ROW_CELLS:
                raise _too_wide()
            ref = attrs.get("r")
            state["wide_cell"] = bool(ref) and _column_index(ref) > import_files.MAX_COLUMNS
        elif local in ("v", "is", "f") and state["wide_cell"]:
            raise _too_wide()  # a value beyond the last column read
        elif local == "row":
            number = attrs.get("r")
            state["row"] = int(number) if number and number.isdigit() else state["row"] + 1
            state["row_cells"] = 0
            if state["row"] > budget.max_physical_rows:
                raise _too_many_rows(budget.max_rows)

    _stream(archive, path, budget, on_start)


def _check_dimension(sheet, budget) -> None:
    """Refuse on what the sheet declares, before reading any row."""
    from openpyxl.utils.cell import range_boundaries

    try:
        declared = sheet.calculate_dimension()
        _min_col, _min_row, max_col, max_row = range_boundaries(declared)
    except (ValueError, TypeError):  # no usable dimension: the streaming limits apply
        return
    if max_col and max_col > import_files.MAX_COLUMNS:
        raise _too_wide()
    if max_row and max_row > budget.max_physical_rows:
        raise _too_many_rows(budget.max_rows)


def xlsx_rows(content: bytes, budget) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable() from exc
    scan_members(archive, check_zip(archive), budget)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        raise _unreadable() from exc
    try:
        _check_dimension(sheet, budget)
        scan_sheet(archive, sheet._worksheet_path, budget)
    except BaseException:
        workbook.close()
        raise
    sheet.reset_dimensions()  # then read to the real end: a too-small dimension drops no row
    return _stream_sheet(workbook, sheet, budget)


def _stream_sheet(workbook, sheet, budget) -> Iterator[list]:
    try:
        rows = sheet.iter_rows(max_col=import_files.MAX_COLUMNS, values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except ImportFileError:
                raise
            except Exception as exc:  # corrupt XML inside the zip
                raise _unreadable() from exc
            budget.spend_row()
            yield list(row)
    finally:
        workbook.close()
