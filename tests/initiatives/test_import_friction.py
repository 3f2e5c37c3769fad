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
    # No coordinates but a commune with a centre: placed approximately, and the preview says so.
    assert "1 fiche sera placée approximativement, au centre de sa commune" in html
    assert "<td>approximatif (centre de la commune)</td>" in html


def test_preview_says_which_rows_get_an_approximate_point_as_the_write_will(staff):
    crest = Initiative._meta.get_field("commune").related_model.objects.get(pk="26108")
    factories.commune(name="Sans Centre", insee="26999", postcodes="26400",
                      departement=crest.departement, interco=crest.interco)  # fmt: skip
    placed = factories.initiative(name="Déjà placée", commune=crest, latitude=44.75, longitude=5.1)
    content = xlsx(
        ("Nom", "Commune INSEE", "Latitude", "Longitude"),
        ("Avec coordonnées", "26108", "44.73", "5.03"),
        ("Commune seule", "26108", "", ""),
        ("Commune sans centre", "26999", "", ""),
        ("Déjà placée", "26108", "", ""),  # an update keeps its exact point
    )
    preview = import_preview(user=staff, filename="liste.xlsx", content=content)
    assert preview.ok, [r.errors for r in preview.rows]
    points = {row.name: row.point for row in preview.rows}
    assert points == {
        "Avec coordonnées": "exact",
        "Commune seule": "approximate",
        "Commune sans centre": "",
        "Déjà placée": "exact",
    }
    assert (preview.approximate_points, preview.without_point) == (1, 1)
    # What the preview announced is what the write (services._apply → location) does.
    assert import_apply(user=staff, filename="liste.xlsx", content=content).applied
    saved = {i.name: i for i in Initiative.objects.all()}
    for name, point in points.items():
        record = saved[name]
        assert record.approximate_point is (point == "approximate"), name
        assert record.has_point is bool(point), name
    placed.refresh_from_db()
    assert (placed.latitude, placed.longitude) == (44.75, 5.1)
