"""CSV / XLSX import: dry run, all-or-nothing apply, matching, and the admin pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from initiatives.admin.export import export_response
from initiatives.imports import import_apply, import_preview
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db

SIRET_1 = "73282932000074"
SIRET_2 = "35600000000015"  # La Poste rule
HEADER = "nom;siret;commune_insee;code_postal;latitude;longitude;themes;courriel;statut\n"


@pytest.fixture
def place():
    drome = factories.departement("26", "Drôme")
    ic = factories.interco(name="CC du Crestois", departements=[drome])
    crest = factories.commune(name="Crest", insee="26108", postcodes="26400", departement=drome,
                              interco=ic, centre_lat=44.7286, centre_lon=5.0228)  # fmt: skip
    factories.theme("energie", "Énergie")
    factories.theme("alimentation", "Alimentation")
    return crest


@pytest.fixture
def staff(place):
    return factories.user(intercos=[place.interco], role="moderator", username="imports")


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


GOOD = csv_bytes(
    f"Recyclerie;{SIRET_1};26108;26400;44,73;5,02;energie|alimentation;contact@recyclerie.fr;",
    "Cantine solidaire;;26108;;;;Alimentation;;publiée",
)


def test_preview_writes_nothing(place, staff):
    report = import_preview(user=staff, filename="liste.csv", content=GOOD)
    assert report.ok, [r.errors for r in report.rows] + report.file_errors
    assert (report.created, report.updated) == (2, 0)
    assert not Initiative.objects.exists()


def test_apply_creates_every_row(place, staff):
    report = import_apply(user=staff, filename="liste.csv", content=GOOD)
    assert report.applied
    recyclerie = Initiative.objects.get(name="Recyclerie")
    assert recyclerie.siret == SIRET_1
    assert (recyclerie.latitude, recyclerie.longitude) == (44.73, 5.02)
    assert {t.slug for t in recyclerie.themes.all()} == {"energie", "alimentation"}
    assert recyclerie.status == Initiative.Status.PUBLISHED  # moderator's default
    assert recyclerie.search_name == "recyclerie"
    assert Initiative.objects.get(name="Cantine solidaire").status == "published"


def test_reimport_updates_without_duplicates(place, staff):
    import_apply(user=staff, filename="liste.csv", content=GOOD)
    renamed = csv_bytes(f"Recyclerie du Crestois;{SIRET_1};26108;;;;;;")  # matched by SIRET
    same_name = csv_bytes("cantine SOLIDAIRE;;26108;;;;;autre@cantine.fr;")  # name + commune
    for content in (renamed, same_name, GOOD):
        report = import_apply(user=staff, filename="liste.csv", content=content)
        assert report.applied, [r.errors for r in report.rows]
    assert Initiative.objects.count() == 2
    cantine = Initiative.objects.get(name__iexact="cantine solidaire")
    assert cantine.email == "autre@cantine.fr"


def exported_csv(queryset) -> bytes:
    """The body of the admin's CSV export, as the staff downloads it."""
    return b"".join(export_response(queryset, "liste.csv").streaming_content)


def test_export_round_trips(place, staff):
    import_apply(user=staff, filename="liste.csv", content=GOOD)
    exported = exported_csv(Initiative.objects.all())
    report = import_apply(user=staff, filename="export.csv", content=exported)
    assert report.applied, [r.errors for r in report.rows]
    assert (report.created, report.updated) == (0, 2)
    assert Initiative.objects.count() == 2


def test_duplicate_rows_in_file_are_refused(place, staff):
    content = csv_bytes("Garage;;26108;;;;;;", "garage;;26108;;;;;;")
    report = import_apply(user=staff, filename="doublons.csv", content=content)
    assert not report.applied
    assert "Doublon de la ligne 2" in report.rows[1].errors[0]
    assert not Initiative.objects.exists()


def test_broken_row_writes_nothing(place, staff):
    content = csv_bytes(
        "Bonne ligne;;26108;;;;;;",
        "Mauvais SIRET;73282932000075;26108;;;;;;",
        "Mauvaise commune;;99999;;;;;;",
        "Mauvais point;;26108;;5,02;44,73;;;",
        "Mauvais thème;;26108;;;;inconnu;pas-un-courriel;",
        "Mauvais code postal;;26108;75001;;;;;",
        ";;26108;;;;;;",
    )
    report = import_apply(user=staff, filename="casse.csv", content=content)
    assert not report.applied
    errors = {row.line: " ".join(row.errors) for row in report.rows}
    assert errors[2] == ""
    assert "SIRET" in errors[3]
    assert "99999" in errors[4]
    assert "inversées" in errors[5]
    assert "inconnu" in errors[6] and "courriel" in errors[6]  # the file's column names
    assert "75001" in errors[7]
    assert "nom" in errors[8]
    assert not Initiative.objects.exists()


def test_commune_outside_territory_is_refused(place, staff):
    other = factories.commune(name="Privas", insee="07186", interco=factories.interco())
    content = csv_bytes(f"Ailleurs;;{other.insee};;;;;;")
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert "pas dans votre territoire" in report.rows[0].errors[0]


def test_a_row_matching_another_territory_s_record_is_as_if_it_did_not_exist(place, staff):
    """No existence oracle: B's record (by SIRET, or by name and commune) is never matched,
    and the report is exactly the one the file gets when that record does not exist."""
    other = factories.commune(name="Privas", insee="07186", interco=factories.interco())
    theirs = factories.initiative(
        name="Épicerie", commune=other, siret=SIRET_2, status=Initiative.Status.DRAFT
    )
    content = csv_bytes(f"Épicerie;{SIRET_2};26108;;;;;;", "Épicerie;;07186;;;;;;")

    def answer():
        report = import_preview(user=staff, filename="a.csv", content=content)
        return [(row.action, row.errors) for row in report.rows]

    with_theirs = answer()
    theirs.delete()
    assert with_theirs == answer()
    assert with_theirs[0] == ("create", [])  # a new record of one's own territory
    assert with_theirs[1][0] == "error"  # Privas is not in the territory, either way
    assert "autre territoire" not in str(with_theirs)


def test_editor_cannot_publish_by_import(place):
    editor = factories.user(intercos=[place.interco], role="editor")
    report = import_preview(
        user=editor, filename="a.csv", content=csv_bytes("A;;26108;;;;;;publiée")
    )
    assert "statut" in report.rows[0].errors[0]
    report = import_apply(user=editor, filename="a.csv", content=csv_bytes("A;;26108;;;;;;"))
    assert report.applied
    assert Initiative.objects.get().status == Initiative.Status.PENDING


def test_commune_by_name(place, staff):
    content = b"nom,commune,code_postal\nAtelier,Crest,26400\nAutre,Nulleville,\n"
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert report.rows[0].errors == []
    assert "Nulleville" in report.rows[1].errors[0]


def test_xlsx_import(place, staff):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "SIRET", "Commune INSEE", "Latitude", "Longitude"])
    sheet.append(["Ressourcerie", int(SIRET_1), "26108", 44.73, 5.02])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_apply(user=staff, filename="liste.xlsx", content=buffer.getvalue())
    assert report.applied, [r.errors for r in report.rows] + report.file_errors
    assert Initiative.objects.get().siret == SIRET_1


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("a.csv", b"", "vide"),
        ("a.csv", b"siret;commune_insee\n1;26108\n", "nom"),
        ("a.csv", b"nom;couleur\nA;bleu\n", "couleur"),
        ("a.csv", b"nom\n", "Aucune ligne"),
        ("a.xlsx", b"not a zip", "XLSX"),
    ],
)
def test_unreadable_files(place, staff, filename, content, message):
    report = import_apply(user=staff, filename=filename, content=content)
    assert not report.applied
    assert message in report.file_errors[0]


def test_cp1252_csv(place, staff):
    content = "nom;commune_insee\nCafé des Possibles;26108\n".encode("cp1252")
    report = import_apply(user=staff, filename="a.csv", content=content)
    assert report.applied
    assert Initiative.objects.get().name == "Café des Possibles"


def test_export_guards_against_formulas(place, staff):
    factories.initiative(name="=HYPERLINK(1)", commune=place, phone="+33 4 75 25 00 00")
    text = exported_csv(Initiative.objects.all()).decode("utf-8")
    assert "'=HYPERLINK(1)" in text
    # and the guard is undone on import, so phone numbers survive a round trip
    report = import_apply(user=staff, filename="e.csv", content=text.encode())
    assert report.applied, [r.errors for r in report.rows]
    assert Initiative.objects.get().phone == "+33 4 75 25 00 00"


# --- admin pages ---------------------------------------------------------------------------


def upload(client, content, name="liste.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("admin:initiatives_initiative_import"), {"file": file})


def test_admin_import_preview_then_apply(client, place, staff):
    client.force_login(staff)
    url = reverse("admin:initiatives_initiative_import")
    assert client.get(url).status_code == 200
    response = upload(client, GOOD)
    assert response.status_code == 200
    assert response.context["report"].ok
    assert "Tout enregistrer" in response.content.decode()
    assert not Initiative.objects.exists()  # dry run
    digest = response.context["digest"]
    response = client.post(url, {"apply": "1", "digest": digest})
    assert response.status_code == 302
    assert Initiative.objects.count() == 2


def test_admin_import_broken_file_shows_errors_and_cannot_apply(client, place, staff):
    client.force_login(staff)
    response = upload(client, csv_bytes("Mauvais SIRET;123;26108;;;;;;"))
    body = response.content.decode()
    assert "SIRET invalide" in body
    assert "Tout enregistrer" not in body
    response = client.post(reverse("admin:initiatives_initiative_import"),
                           {"apply": "1", "digest": "x"})  # fmt: skip
    assert response.status_code == 302
    assert not Initiative.objects.exists()


def test_admin_import_rejects_other_extensions(client, place, staff):
    client.force_login(staff)
    response = upload(client, b"nom\nA\n", name="liste.txt")
    assert "file" in response.context["form"].errors


def test_admin_import_template(client, place, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:initiatives_initiative_import_template"))
    header = response.content.decode("utf-8")
    assert header.lstrip("\ufeff").startswith("nom;siret;rna;commune_insee")


def test_admin_import_needs_membership(client, place):
    client.force_login(factories.user(username="outsider"))
    assert client.get(reverse("admin:initiatives_initiative_import")).status_code == 403


def test_out_of_range_values(place, staff):
    content = (
        b"nom;commune_insee;latitude;longitude;annee_creation\n"
        b"A;26108;144,7;5,02;\n"
        b"B;26108;44,7;;\n"
        b"C;26108;;;1700\n"
    )
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert "hors limites" in " ".join(report.rows[0].errors)
    assert "les deux" in " ".join(report.rows[1].errors)
    assert "1800" in " ".join(report.rows[2].errors)


def test_website_must_be_http_as_in_the_admin_and_api(place, staff):
    content = (
        b"nom;commune_insee;site_web\n"
        b"A;26108;ftp://example.org/\n"
        b"B;26108;javascript:alert(1)\n"
        b"C;26108;https://example.org/\n"
    )
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert [len(row.errors) for row in report.rows] == [1, 1, 0]
    assert report.rows[0].errors[0].startswith("site_web :")  # the file's column name


def test_import_tells_proposers_of_published_suggestions_after_commit(
    place, staff, mailoutbox, django_capture_on_commit_callbacks
):
    factories.initiative(
        name="Fournil", commune=place, status="pending", proposer_email="fanny@example.org"
    )
    factories.initiative(name="Atelier", commune=place, status="pending")
    content = b"nom;commune_insee;statut\nFournil;26108;published\nAtelier;26108;archived\n"
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert report.rows[0].errors == []
    assert "motif" in report.rows[1].errors[0]  # a refusal needs a reason: from its page
    content = b"nom;commune_insee;statut\nFournil;26108;published\n"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert import_apply(user=staff, filename="a.csv", content=content).applied
        assert mailoutbox == []  # nothing before the commit
    assert callbacks  # the e-mail (and the cache invalidation) wait for the commit
    assert [m.to for m in mailoutbox] == [["fanny@example.org"]]
    assert "publiée" in mailoutbox[0].subject


def test_too_many_rows(place, staff, monkeypatch):
    from initiatives import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    content = csv_bytes("A;;26108;;;;;;", "B;;26108;;;;;;", "C;;26108;;;;;;")
    report = import_preview(user=staff, filename="a.csv", content=content)
    assert "découpez" in report.file_errors[0]
