"""Bounded reading of import files: hostile files refused fast, with a message, in bounded memory.

Each file goes through the import's entry point (imports.import_preview), as the admin does.
"""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from initiatives import import_files
from initiatives.imports import MAX_ROWS, import_preview
from tests import factories

pytestmark = pytest.mark.django_db


def xlsx(rows, *, dimension: str | None = None, sheet_xml: bytes | None = None) -> bytes:
    """An XLSX of these rows; its sheet's declared dimension or whole XML replaced if asked."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if sheet_xml is not None:
                    data = sheet_xml
                elif dimension is not None:
                    data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>'
                                  % dimension.encode(), data)  # fmt: skip
                    assert dimension.encode() in data
            target.writestr(item.filename, data, compresslevel=1 if sheet_xml else 9)
    return out.getvalue()


def sheet_with_padding(megabytes: int) -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
            b'formats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            b"<is><t>nom</t></is></c></row>")  # fmt: skip
    return head + b" " * (megabytes * 1024 * 1024) + b"</sheetData></worksheet>"


@pytest.fixture
def staff():
    return factories.user(superuser=True)


def refused(staff, filename, content):
    """(message, seconds, peak traced bytes) of a refused preview.

    Timed without tracing (tracemalloc slows Python down several times), then traced.
    """
    started = time.perf_counter()
    report = import_preview(user=staff, filename=filename, content=content)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    import_preview(user=staff, filename=filename, content=content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.file_errors, "the file was accepted"
    assert not report.rows
    return report.file_errors[0], seconds, peak


MB = 1024 * 1024


def test_declared_huge_dimension_is_refused_at_once(staff):
    content = xlsx([["nom"], ["Épicerie"]], dimension="A1:XFD1048576")
    assert len(content) < 10_000
    message, seconds, peak = refused(staff, "bombe.xlsx", content)
    assert "colonnes" in message
    assert seconds < 1 and peak < 20 * MB
    content = xlsx([["nom"], ["Épicerie"]], dimension="A1:B1048576")
    message, seconds, peak = refused(staff, "bombe.xlsx", content)
    assert "Trop de lignes" in message
    assert seconds < 1 and peak < 20 * MB


def test_zip_bomb_is_refused_before_parsing(staff):
    content = xlsx([["nom"]], sheet_xml=sheet_with_padding(100))  # 100 MB of XML
    assert len(content) < 1 * MB
    message, seconds, peak = refused(staff, "bombe.xlsx", content)
    assert "décompressé" in message
    assert seconds < 1 and peak < 20 * MB


def test_rows_are_counted_while_streaming_when_the_dimension_lies(staff):
    rows = [["nom"]] + [[f"Initiative {i}"] for i in range(MAX_ROWS + 50)]
    content = xlsx(rows, dimension="A1:A2")
    message, seconds, peak = refused(staff, "lignes.xlsx", content)
    assert "Trop de lignes" in message
    assert seconds < 1 and peak < 20 * MB


def test_blank_rows_count_too(staff):
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
             b'formats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr">'
             b'<is><t>nom</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr">'
             b"<is><t>x</t></is></c></row></sheetData></worksheet>")  # fmt: skip
    message, seconds, peak = refused(staff, "trou.xlsx", xlsx([["nom"]], sheet_xml=sheet))
    assert "Trop de lignes" in message
    assert seconds < 1 and peak < 20 * MB


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"nom\n" + b"Initiative\n" * 100_000, "Trop de lignes"),
        (b"nom\n" + b"\n" * 500_000, "Trop de lignes"),
        (b"nom;" + b"x;" * 20_000 + b"\nA\n", "Trop de colonnes"),
        (b'nom\n"' + b"x" * 200_000 + b'"\n', "CSV illisible"),
        (b"nom\n" + b"x" * (3 * MB), "trop volumineux"),
    ],
    ids=["rows", "blank rows", "columns", "huge field", "size"],
)
def test_hostile_csv_is_refused(staff, content, expected):
    message, seconds, peak = refused(staff, "hostile.csv", content)
    assert expected in message
    assert seconds < 1 and peak < 40 * MB


def test_slow_files_are_stopped(staff, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_SECONDS", -1.0)
    message, _, _ = refused(staff, "lent.csv", b"nom\nA\n")
    assert "Lecture trop longue" in message


def test_a_normal_file_still_reads(staff):
    report = import_preview(user=staff, filename="ok.xlsx", content=xlsx([["nom"], ["Épicerie"]]))
    assert not report.file_errors
    assert len(report.rows) == 1
