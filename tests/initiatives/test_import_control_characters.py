"""Control characters in an imported cell: an error on that row naming the column, never a
500 (a NUL byte reached PostgreSQL in the matching queries), nothing written (issue 18)."""

import pytest

from essmap.typography import typeset
from initiatives.imports import import_apply, import_preview
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return factories.user(superuser=True)


@pytest.mark.parametrize(
    ("content", "column"),
    [
        ("nom;siret\nCafé\x00;\n", "nom"),
        ("nom;siret\nCafé;1234567890123\x00\n", "siret"),
        ("nom;commune_insee\nCafé;0710\x00\n", "commune_insee"),
        ("nom;commune\nCafé;Valen\x00ce\n", "commune"),
        ("nom;themes\nCafé;energie\x00\n", "themes"),
        ("nom;description\nCafé;a\x01b\n", "description"),
        ("Nom;Site web\nCafé;https://example.org/\x7f\n", "Site web"),  # the file's own words
    ],
)
def test_a_control_character_is_a_row_error_naming_the_column(staff, content, column):
    for run in (import_preview, import_apply):
        report = run(user=staff, filename="nul.csv", content=content.encode())
        assert not report.file_errors
        [row] = report.rows
        assert row.action == "error"
        why = "caractère de contrôle interdit (octet nul ou autre caractère invisible)."
        assert row.errors == [typeset(f"{column} : {why}")]  # as the French catalog prints it
    assert not Initiative.objects.exists()


def test_other_rows_are_still_checked_and_line_breaks_stay_text(staff):
    content = 'nom;description\nCafé\x00;\nÉpicerie;"Ligne 1\r\nLigne 2\tfin"\n'
    report = import_preview(user=staff, filename="deux.csv", content=content.encode())
    assert [row.action for row in report.rows] == ["error", "error"]  # no commune in either
    assert "caractère de contrôle" in report.rows[0].errors[0]
    assert not any("caractère de contrôle" in e for e in report.rows[1].errors)
