"""Every CSV a person may open is formula-guarded (issue 18): the whole-set files here, the
API's and the admin's CSV in tests/api/test_formats.py and tests/initiatives/test_imports.py."""

import csv
import io

import pytest
from django.core.management import call_command

from essmap.api.renderers import safe_cell
from initiatives.imports import _cell as imported_cell
from initiatives.opendata import files
from tests import factories

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = set("0123456789 .")


def _build():
    call_command("export_opendata", force=True, stdout=io.StringIO())


def _cells(name: str) -> list[list[str]]:
    text = (files.opendata_dir() / name).read_text(encoding="utf-8-sig")
    delimiter = ";" if name == "initiatives-tableur.csv" else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _unguarded(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: a formula start not followed by a plain number."""
    return [
        cell
        for row in rows[1:]
        for cell in row
        if cell.startswith(FORMULA_START)
        and not (
            cell[0] in "+-" and set(cell[1:]) <= PLAIN_NUMBER and any(c.isdigit() for c in cell)
        )
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+ de 30 %", "'+ de 30 %"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("+²", "'+²"),  # not an ASCII digit: escaped, as the SQL twin does
        ("-12.5", "-12.5"),  # plain numbers stay numbers
        ("+33 4 75 22 33 44", "+33 4 75 22 33 44"),
        ("Épicerie", "Épicerie"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
    if value and value[0] in "=+-@":
        assert imported_cell(expected) == value  # the import undoes the guard


def test_figures_and_initiatives_files_are_guarded(db):
    src = factories.source(title="=Source", url="https://example.org/a")
    factories.key_figure(
        label="=HYPERLINK(\"http://evil\")", value="-12.50", qualifier="+ de", unit="@€",
        note="-dangereux", source=src,
    )  # fmt: skip
    factories.initiative(name="=cmd|' /C calc'!A0", summary="@SUM(1)", phone="+33 4 75 00 00 00")
    _build()

    figures = _cells("chiffres-cles.csv")
    row = dict(zip(figures[0], figures[1], strict=True))
    assert row["intitule"] == '\'=HYPERLINK("http://evil")'
    assert row["precision"] == "'+ de"
    assert row["unite"] == "'@€"
    assert row["note"] == "'-dangereux"
    assert row["source_titre"] == "'=Source"
    assert row["valeur"] == "-12.50"  # a negative number stays a number
    assert not _unguarded(figures)

    for name in ("initiatives.csv", "initiatives-tableur.csv"):
        rows = _cells(name)
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["nom"] == "'=cmd|' /C calc'!A0", name
        assert row["resume"] == "'@SUM(1)", name
        assert row["telephone"] == "+33 4 75 00 00 00", name
        assert not _unguarded(rows), name


def test_the_article_s_figures_are_guarded(db):
    call_command("load_fixtures", verbosity=0)
    _build()
    figures = _cells("chiffres-cles.csv")
    values = [dict(zip(figures[0], row, strict=True))["valeur"] for row in figures[1:]]
    assert "-28.00" in values  # the article's one negative figure stays a number
    assert not _unguarded(figures)
    for name in ("initiatives.csv", "initiatives-tableur.csv"):
        assert not _unguarded(_cells(name)), name
