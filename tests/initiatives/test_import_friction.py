"""The import takes what a spreadsheet produces and answers in the file's own words."""

import io

import pytest
from openpyxl import Workbook

from initiatives.imports import import_apply, import_preview
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC du Crestois", departements=[drome])
    factories.commune(name="Crest", insee="26108", postcodes="26400", departement=drome,
                      interco=ic, centre_lat=44.7286, centre_lon=5.0228)  # fmt: skip
    return factories.user(intercos=[ic], role="moderator", username="friction")


def xlsx(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ("Nom", "Commune INSEE", "Site web", "Téléphone", "Horaires")


def test_spreadsheet_cells_are_accepted_like_the_forms_accept_them(staff):
    content = xlsx(
        HEADER,
        (
            "Atelier vélo",
            "26108",
            "www.atelier-velo.fr",
            475223344,
            "lundi-vendredi 9h-12h 14h-18h",
        ),
    )
    report = import_apply(user=staff, filename="liste.xlsx", content=content)
    assert report.applied, [r.errors for r in report.rows] + report.file_errors
    created = Initiative.objects.get(name="Atelier vélo")
    assert created.website == "https://www.atelier-velo.fr"
    assert created.phone == "04 75 22 33 44"
    assert created.opening_hours == "Mo-Fr 09:00-12:00,14:00-18:00"


def test_errors_name_the_files_columns_and_its_row_numbers(staff):
    content = xlsx(
        HEADER,
        ("Atelier vélo", "26108", "", "", ""),
        (None, None, None, None, None),  # a blank row: the next one is row 4 of the sheet
        ("Ressourcerie", "26108", "", "12", "quand on veut"),
    )
    report = import_preview(user=staff, filename="liste.xlsx", content=content)
    bad = [r for r in report.rows if r.errors]
    assert [r.line for r in bad] == [4]
    messages = " | ".join(bad[0].errors)
    assert "Horaires :" in messages and "Téléphone :" in messages, messages
    for internal in ("opening_hours", " phone", "horaires :", "telephone :"):
        assert internal not in messages, messages


def test_import_page_lists_themes_and_says_what_will_be_published(client, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    factories.theme("energie", "Énergie")
    client.force_login(staff)
    url = reverse("admin:initiatives_initiative_import")
    html = client.get(url).content.decode()
    assert "<code>energie</code> (Énergie)" in html
    assert "<code>site_web</code>" in html and "Télécharger le modèle CSV" in html
    content = xlsx(HEADER, ("Atelier vélo", "26108", "", "", ""))
    upload = SimpleUploadedFile("liste.xlsx", content)
    html = client.post(url, {"file": upload}).content.decode()
    # A moderator's import publishes at once: the preview says so, row by row too.
    assert "1 fiche sera publiée dès l’enregistrement" in html
    assert "<td>Publiée</td>" in html
    assert "1 fiche n’aura pas de point à elle sur la carte" in html
