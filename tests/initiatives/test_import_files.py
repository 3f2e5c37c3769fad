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

    Timed without tracing (tracemalloc slows Python down several times), then traced. The
    time is this process's CPU time: the work the file costs, whatever else the machine runs
    (up to 8 test runs share 2 cores here).
    """
    started = time.process_time()
    report = import_preview(user=staff, filename=filename, content=content)
    seconds = time.process_time() - started
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


# --- bombs that openpyxl alone would parse whole (issue 18) ----------------------------------

SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxml'
              b'formats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
SHEET_TAIL = b"</sheetData></worksheet>"
NOM = b'<c r="A1" t="inlineStr"><is><t>nom</t></is></c>'


def replaced(members: dict[str, bytes], *, stored: bool = False, level: int = 9) -> bytes:
    """A valid one-sheet XLSX whose members named in `members` are replaced (a shared strings
    member is added and declared, so that openpyxl would read it)."""
    book = Workbook()
    book.active.append(["nom"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    names = source.namelist()
    originals = {name: source.read(name) for name in names}
    if "xl/sharedStrings.xml" in members:
        names.append("xl/sharedStrings.xml")
        originals["[Content_Types].xml"] = originals["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
        )  # fmt: skip
    assert set(members) <= set(names)
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as target:
        for name in names:
            data = members.get(name, originals.get(name))
            target.writestr(name, data, compresslevel=None if stored else level)
    return out.getvalue()


def one_row_of(cells: int) -> bytes:
    return SHEET_HEAD + b'<row r="1">' + NOM + b"<c><v>1</v></c>" * cells + b"</row>" + SHEET_TAIL


def shared_strings(count: int) -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main">')  # fmt: skip
    return head + b"<si><t>a</t></si>" * count + b"</sst>"


def test_the_900_000_cell_row_is_refused_before_parsing(staff):
    content = replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)})
    assert len(content) < 150_000  # the file: 101 KB
    message, seconds, peak = refused(staff, "ligne.xlsx", content)
    assert "compressé" in message  # 13.5 MB of XML: over the member cap, and the ratio's
    assert seconds < 1 and peak < 20 * MB


def test_the_900_000_cell_row_is_stopped_while_streaming_without_the_ratio_guard(
    staff, monkeypatch
):
    """The ratio guard off, the streamed count still stops the row long before its end."""
    from initiatives import import_xlsx

    monkeypatch.setattr(import_xlsx, "MAX_RATIO", 10**9)
    monkeypatch.setattr(import_xlsx, "MAX_MEMBER_BYTES", 10**9)
    content = replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)})
    message, seconds, peak = refused(staff, "ligne.xlsx", content)
    assert "trop complexe" in message  # 500,000 XML elements, about 250,000 cells
    assert seconds < 1 and peak < 20 * MB


def test_a_big_shared_strings_member_is_refused(staff):
    content = replaced({"xl/sharedStrings.xml": shared_strings(2_000_000)})
    assert len(content) < 100_000  # the file: 63 KB
    message, seconds, peak = refused(staff, "textes.xlsx", content)
    assert "compressé" in message  # 34 MB of XML: over the member cap, and the ratio's
    assert seconds < 1 and peak < 20 * MB


def test_shared_strings_are_counted_while_streaming(staff):
    """Stored (not compressed): no ratio to catch; the count stops it before openpyxl."""
    from initiatives import import_xlsx

    content = replaced(
        {"xl/sharedStrings.xml": shared_strings(import_xlsx.MAX_SHARED_STRINGS + 1)}, stored=True
    )
    assert len(content) < import_files.MAX_BYTES
    message, seconds, peak = refused(staff, "textes.xlsx", content)
    assert "trop complexe" in message
    assert seconds < 1 and peak < 20 * MB


def test_a_deep_compression_ratio_is_refused_under_the_total_size_cap(staff):
    sheet = SHEET_HEAD + b'<row r="1">' + NOM + b"</row>" + b" " * (5 * MB) + SHEET_TAIL
    content = replaced({"xl/worksheets/sheet1.xml": sheet})
    assert len(content) < 100_000
    message, seconds, peak = refused(staff, "ratio.xlsx", content)
    assert "anormalement compressé" in message
    assert seconds < 1 and peak < 20 * MB


def test_cells_are_counted_while_streaming(staff):
    rows = b"".join(
        b'<row r="%d">' % (i + 2) + b"<c/>" * 1000 + b"</row>"
        for i in range(import_files.MAX_CELLS // 1000 + 1)
    )
    sheet = SHEET_HEAD + b'<row r="1">' + NOM + b"</row>" + rows + SHEET_TAIL
    content = replaced({"xl/worksheets/sheet1.xml": sheet}, stored=True)
    assert len(content) < import_files.MAX_BYTES
    message, seconds, peak = refused(staff, "cellules.xlsx", content)
    assert "Trop de cellules" in message
    assert seconds < 1 and peak < 20 * MB


def test_a_value_beyond_the_last_column_is_refused_and_an_empty_styled_cell_is_not(staff):
    wide = b'<c r="CW1"><v>1</v></c>'  # column 101
    sheet = SHEET_HEAD + b'<row r="1">' + NOM + wide + b"</row>" + SHEET_TAIL
    message, _, _ = refused(staff, "large.xlsx", replaced({"xl/worksheets/sheet1.xml": sheet}))
    assert "Trop de colonnes" in message

    styled = b'<c r="CW1" s="0"/>'
    name = "<c r='A2' t='inlineStr'><is><t>Épicerie</t></is></c>".encode()
    row2 = b'<row r="2">' + name + styled + b"</row>"
    sheet = SHEET_HEAD + b'<row r="1">' + NOM + styled + b"</row>" + row2 + SHEET_TAIL
    report = import_preview(
        user=staff, filename="ok.xlsx", content=replaced({"xl/worksheets/sheet1.xml": sheet})
    )
    assert not report.file_errors
    assert [row.fields["name"] for row in report.rows] == ["Épicerie"]


def test_a_doctype_is_refused(staff):
    sheet = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
             + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet"):] + b'<row r="1">' + NOM + b"</row>"
             + SHEET_TAIL)  # fmt: skip
    message, _, _ = refused(staff, "dtd.xlsx", replaced({"xl/worksheets/sheet1.xml": sheet}))
    assert "illisible" in message


def test_a_bomb_writes_nothing(staff):
    from initiatives.imports import import_apply
    from initiatives.models import Initiative

    before = Initiative.objects.count()
    content = replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)})
    report = import_apply(user=staff, filename="ligne.xlsx", content=content)
    assert report.file_errors and not report.applied
    assert Initiative.objects.count() == before


def test_the_admin_shows_a_bomb_s_refusal_as_a_form_error(client, staff):
    from django.urls import reverse

    client.force_login(staff)
    upload = io.BytesIO(replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)}))
    upload.name = "ligne.xlsx"
    started = time.process_time()
    response = client.post(reverse("admin:initiatives_initiative_import"), {"file": upload})
    assert time.process_time() - started < 2
    assert response.status_code == 200
    body = response.content.decode()
    assert "compressé" in body
    assert "Tout enregistrer" not in body


def test_one_huge_cell_text_stays_within_bounds(staff):
    """Random text (compresses ~1.3 times, so no ratio to catch) in one shared string, as big
    as the upload allows: read in bounded memory, then refused by the row checks."""
    import random
    import string

    rng = random.Random(18)
    text = "".join(rng.choices(string.ascii_letters, k=MB)).encode()
    head = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main"><si><t>nom</t></si><si><t>')  # fmt: skip
    strings = head + text + b"</t></si></sst>"
    sheet = (SHEET_HEAD + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
             b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>' + SHEET_TAIL)  # fmt: skip
    content = replaced({"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet})
    assert len(content) < import_files.MAX_BYTES
    tracemalloc.start()
    started = time.process_time()
    report = import_preview(user=staff, filename="long.xlsx", content=content)
    seconds = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not report.file_errors
    assert report.rows[0].action == "error"  # a name of a million letters
    assert seconds < 5 and peak < 100 * MB


def test_an_oversized_member_is_refused(staff):
    from initiatives import import_xlsx

    padding = b" " * (import_xlsx.MAX_MEMBER_BYTES + 1)
    sheet = SHEET_HEAD + b'<row r="1">' + NOM + b"</row>" + padding + SHEET_TAIL
    message, seconds, peak = refused(
        staff, "gros.xlsx", replaced({"xl/worksheets/sheet1.xml": sheet})
    )
    assert "décompressé" in message
    assert seconds < 1 and peak < 20 * MB


def test_a_full_sized_real_file_passes_every_guard(staff):
    """MAX_ROWS rows of every known column, as a spreadsheet saves them: read whole."""
    from initiatives.imports import COLUMNS

    header = [c.header for c in COLUMNS]
    rows = [header] + [
        [f"Initiative {i}" if c.header == "nom" else f"{c.header} {i % 7}" for c in COLUMNS]
        for i in range(MAX_ROWS)
    ]
    content = xlsx(rows)
    assert len(content) < import_files.MAX_BYTES
    report = import_preview(user=staff, filename="complet.xlsx", content=content)
    assert not report.file_errors
    assert len(report.rows) == MAX_ROWS


def test_a_tag_with_a_million_attributes_is_refused_before_expat_builds_them(staff):
    attributes = b" ".join(b'b%d=""' % i for i in range(300_000))
    sheet = (SHEET_HEAD + b'<row r="1">' + NOM + b"</row><row r=\"2\" " + attributes + b"/>"
             + SHEET_TAIL)  # fmt: skip
    content = replaced({"xl/worksheets/sheet1.xml": sheet})
    assert len(content) < import_files.MAX_BYTES
    message, seconds, peak = refused(staff, "attributs.xlsx", content)
    assert "trop complexe" in message
    assert seconds < 1 and peak < 20 * MB


def test_shared_strings_under_another_name_are_counted_too(staff):
    """[Content_Types].xml may give the shared strings any part name: openpyxl reads it."""
    from initiatives import import_xlsx

    book = Workbook()
    book.active.append(["nom"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>", b'<Override PartName="/xl/textes.dat" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
                )  # fmt: skip
            target.writestr(name, data)
        target.writestr("xl/textes.dat", shared_strings(import_xlsx.MAX_SHARED_STRINGS + 1))
        target.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
    message, seconds, peak = refused(staff, "textes.xlsx", out.getvalue())
    assert "trop complexe" in message
    assert seconds < 1 and peak < 20 * MB


def test_binary_parts_are_not_scanned_as_xml(staff):
    content = xlsx([["nom"], ["Épicerie"]])
    archive = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in archive.namelist():
            target.writestr(name, archive.read(name))
        target.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n<" + b"\x00" * 100_000)
        target.writestr("xl/printerSettings/printerSettings1.bin", b"\x00<" * 50_000)
    report = import_preview(user=staff, filename="image.xlsx", content=out.getvalue())
    assert not report.file_errors
    assert len(report.rows) == 1


def test_three_bombs_at_once_stay_bounded(staff, monkeypatch):
    """The issue's three concurrent uploads (43 s each, +2.2 GB): each is stopped early."""
    from concurrent.futures import ThreadPoolExecutor

    from initiatives import import_xlsx

    monkeypatch.setattr(import_xlsx, "MAX_RATIO", 10**9)  # the streamed counts must stop them
    monkeypatch.setattr(import_xlsx, "MAX_MEMBER_BYTES", 10**9)
    bombs = [
        replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)}),
        replaced({"xl/sharedStrings.xml": shared_strings(2_000_000)}),
        replaced({"xl/worksheets/sheet1.xml": one_row_of(900_000)}),
    ]
    tracemalloc.start()
    started = time.process_time()
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(
            lambda content: import_preview(user=staff, filename="b.xlsx", content=content), bombs
        ))  # fmt: skip
    seconds = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert all(report.file_errors and not report.rows for report in reports)
    assert seconds < 10 and peak < 60 * MB  # traced: several times slower than untraced
