"""The register import in the staff workspace: upload, dry-run preview, confirm, for a
moderator's own territory; the runs' reports; the review list's filters and bulk publish."""

import html

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from essmap.typography import typeset
from initiatives.models import Initiative
from initiatives.registers.models import RegisterImportRun
from intercos.models import Interco
from tests import factories

from .registers_helpers import SIAE, real

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(tmp_path, monkeypatch):
    """Uploads kept until confirmed go to the test's own folder."""
    from initiatives.admin import registers

    monkeypatch.setattr(registers, "UPLOADS", tmp_path / "uploads")


IMPORT = "admin:initiatives_registerimportrun_import"
VAL_EYRIEUX = "200041465"  # CC Val'Eyrieux: Saint-Agrève's two SIAE


@pytest.fixture
def moderator(committed_fixtures):
    return factories.user(intercos=[Interco.objects.get(siren=VAL_EYRIEUX)], role="moderator")


def _upload(client, **extra):
    with real(SIAE).open("rb") as handle:
        data = {"source": "siae", "file": handle, "source_date": "2019-07-01", **extra}
        return client.post(reverse(IMPORT), data)


def test_preview_writes_nothing_and_confirm_imports_only_the_territory(client, moderator):
    client.force_login(moderator)
    before = Initiative.objects.count()
    preview = _upload(client)
    assert preview.status_code == 200
    text = html.unescape(preview.content.decode())
    assert typeset("Simulation (rien n'est écrit) : 2 créées") in text
    assert Initiative.objects.count() == before
    assert not RegisterImportRun.objects.exists()
    done = client.post(reverse(IMPORT), {"confirm": "1"})
    run = RegisterImportRun.objects.get()
    assert done.status_code == 302 and done.url.endswith(f"/{run.pk}/change/")
    created = Initiative.objects.filter(origin=Initiative.Origin.REGISTER)
    assert set(created.values_list("siret", flat=True)) == {"40909426500058", "42416558700033"}
    assert set(created.values_list("status", flat=True)) == {Initiative.Status.PENDING}
    assert (run.created, run.by, run.files) == (2, moderator, SIAE.name)
    outside = [d for d in run.details if d["action"] == "skipped"]
    assert len(outside) == 47 - 2 - 5  # 5 SIRETs are listed twice ("déjà lu")
    assert all("territoire" in entry["reason"] for entry in outside)
    report = client.get(reverse("admin:initiatives_registerimportrun_change", args=[run.pk]))
    assert report.status_code == 200 and "40909426500058" in report.content.decode()


def test_confirm_without_a_preview_imports_nothing(client, moderator):
    client.force_login(moderator)
    response = client.post(reverse(IMPORT), {"confirm": "1"})
    assert response.status_code == 302 and response.url.endswith("/import/")
    assert not RegisterImportRun.objects.exists()


def test_another_layout_is_said_on_the_form(client, moderator, tmp_path):
    client.force_login(moderator)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a;b\n1;2\n", encoding="utf-8")
    with wrong.open("rb") as handle:
        response = client.post(
            reverse(IMPORT), {"source": "siae", "file": handle, "source_date": "2019-07-01"}
        )
    page = html.unescape(response.content.decode())
    assert typeset("colonnes manquantes : MESURE") in page  # the French catalog's typography


def test_editors_cannot_import(client, committed_fixtures):
    editor = factories.user(intercos=[Interco.objects.get(siren=VAL_EYRIEUX)], role="editor")
    client.force_login(editor)
    assert client.get(reverse(IMPORT)).status_code == 403


def test_review_list_filters_and_bulk_publish(client, moderator):
    client.force_login(moderator)
    _upload(client)
    client.post(reverse(IMPORT), {"confirm": "1"})
    changelist = reverse("admin:initiatives_initiative_changelist")
    page = client.get(changelist, {"origin": "register", "register_source": "siae"})
    assert page.status_code == 200
    assert "ASSOC ACCES EMPLOI SERVICES" in page.content.decode()
    none = client.get(changelist, {"origin": "register", "possible_duplicate": "yes"})
    assert "ASSOC ACCES EMPLOI SERVICES" not in none.content.decode()
    pks = Initiative.objects.filter(origin="register").values_list("pk", flat=True)
    client.post(
        changelist,
        {"action": "publish_selected", helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks]},
    )
    published = Initiative.objects.filter(origin="register")
    assert set(published.values_list("status", flat=True)) == {Initiative.Status.PUBLISHED}
    assert published.first().verified_by  # a moderator's publication is a verification


def test_bulk_archive_of_register_records_needs_no_refusal_reason(client, moderator):
    client.force_login(moderator)
    _upload(client)
    client.post(reverse(IMPORT), {"confirm": "1"})
    pks = Initiative.objects.filter(origin="register").values_list("pk", flat=True)
    client.post(
        reverse("admin:initiatives_initiative_changelist"),
        {"action": "archive_selected", helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks]},
    )
    archived = Initiative.objects.filter(origin="register")
    assert set(archived.values_list("status", flat=True)) == {Initiative.Status.ARCHIVED}
    assert Initiative.objects.count() > archived.count()  # archived, never deleted


def test_a_public_suggestion_still_needs_a_reason_to_be_refused(client, moderator):
    from initiatives import rules, services

    suggestion = services.suggestion_create(
        name="Jardin partagé", commune=_saint_agreve(), proposer_name="A", proposer_email="a@b.fr"
    )
    with pytest.raises(rules.WriteRefused):
        services.archive(initiative=suggestion, by=moderator)


def _saint_agreve():
    from intercos.models import Commune

    return Commune.objects.get(insee="07204")
