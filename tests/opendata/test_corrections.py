"""Report an error: from the public form to a moderator's one-click decision."""

import pytest
from django.core import mail
from django.urls import reverse

from initiatives import import_cells, suggest_views
from initiatives.models import Initiative
from initiatives.opendata import corrections
from initiatives.opendata.models import ChangeReport
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    initiative = factories.initiative(name="Recyclerie", commune=place, phone="04 75 00 00 00",
                                      email="contact@recyclerie.example.org")  # fmt: skip
    moderator = factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    editor = factories.user(intercos=[ic], role="editor", email="ed@example.org")
    return ic, initiative, moderator, editor


def _report(client, initiative, REMOTE_ADDR="127.0.0.1", **data):  # noqa: N803
    data = {"field": "phone", "message": "Le numéro a changé.", "proposed_value": "04 75 11 22 33",
            "email": "", "homepage": "", **data}  # fmt: skip
    url = reverse("opendata:report", args=[initiative.slug])
    return client.post(url, data, REMOTE_ADDR=REMOTE_ADDR)


def test_every_initiative_page_links_the_form(client, territory):
    _ic, initiative, *_ = territory
    html = client.get(reverse("initiatives:detail", args=[initiative.slug])).content.decode()
    assert f'href="/initiatives/{initiative.slug}/signaler/"' in html
    assert "Signaler une erreur ou proposer une modification" in html
    assert client.get(f"/initiatives/{initiative.slug}/signaler/").status_code == 200


def test_report_lands_in_the_queue_and_tells_moderators_and_reporter(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, *_ = territory
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(client, initiative, email="ana@example.org")
    assert response.status_code == 302
    report = ChangeReport.objects.get()
    assert (report.field, report.current_value, report.proposed_value) == (
        "phone", "04 75 00 00 00", "04 75 11 22 33")  # fmt: skip
    assert report.status == "pending"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["ana@example.org", "mod@example.org"]
    to_mod = next(m for m in mail.outbox if m.to == ["mod@example.org"])
    assert f"/admin/opendata/changereport/{report.pk}/change/" in to_mod.body


def test_honeypot_invalid_and_unpublished(client, territory):
    _ic, initiative, *_ = territory
    assert _report(client, initiative, homepage="http://spam").status_code == 302
    assert not ChangeReport.objects.exists()
    assert _report(client, initiative, message="").status_code == 400
    assert _report(client, initiative, field="siret").status_code == 400
    assert not ChangeReport.objects.exists()
    draft = factories.initiative(name="Brouillon", status=Initiative.Status.DRAFT)
    assert _report(client, draft).status_code == 404


def test_same_rate_limit_as_suggestions(client, territory, monkeypatch):
    """One counter for both public forms: a suggestion and reports share the limit."""
    _ic, initiative, *_ = territory
    monkeypatch.setattr(suggest_views, "RATE_LIMIT", 2)
    theme = factories.theme("alimentation", "Alimentation")
    suggestion = {"name": "Nouvelle épicerie", "commune": initiative.commune_id,
                  "themes": [theme.pk], "proposer_name": "Ana",
                  "proposer_email": "ana@example.org", "homepage": ""}  # fmt: skip
    assert client.post(reverse("propose"), suggestion).status_code == 302
    assert _report(client, initiative, message="").status_code == 400  # invalid: not counted
    assert _report(client, initiative).status_code == 302
    assert _report(client, initiative).status_code == 429
    assert ChangeReport.objects.count() == 1
    assert _report(client, initiative, REMOTE_ADDR="198.51.100.9").status_code == 302


def _admin(client, user):
    client.force_login(user)
    return client


def test_moderator_sees_the_diff_and_accepts_in_one_click(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, email="ana@example.org")
    report = ChangeReport.objects.get()
    _admin(client, moderator)
    page = client.get(reverse("admin:opendata_changereport_change", args=[report.pk]))
    html = page.content.decode()
    assert "04 75 <del>00 00 00</del> <ins>11 22 33</ins>" in html
    assert 'id="accept-report"' in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]))
    assert response.status_code == 302
    initiative.refresh_from_db()
    report.refresh_from_db()
    assert initiative.phone == "04 75 11 22 33"
    assert report.status == "accepted" and report.decided_by == moderator
    assert initiative.history.first().history_user == moderator
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "acceptée" in mail.outbox[0].body
    assert ChangeReport.objects.get().email == ""  # told, then forgotten


def test_refusing_changes_nothing_and_tells_the_reporter(
    client, territory, django_capture_on_commit_callbacks
):
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, email="ana@example.org")
    report = ChangeReport.objects.get()
    _admin(client, moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:opendata_changereport_refuse", args=[report.pk]))
    initiative.refresh_from_db()
    assert initiative.phone == "04 75 00 00 00"
    assert ChangeReport.objects.get().status == "refused"
    assert "n’a pas été modifiée" in mail.outbox[0].body


def test_accepting_goes_through_the_write_rules(client, territory):
    """An invalid proposed value is refused by the same checks as any write: nothing changes."""
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, field="email", proposed_value="pas-une-adresse")
    report = ChangeReport.objects.get()
    _admin(client, moderator)
    response = client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]),
                           follow=True)  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.email == "contact@recyclerie.example.org"
    assert ChangeReport.objects.get().status == "pending"
    assert "courriel" in response.content.decode().lower()


def test_only_the_territorys_moderators_decide(client, territory):
    _ic, initiative, _moderator, editor = territory
    _report(client, initiative)
    report = ChangeReport.objects.get()
    _admin(client, editor)
    html = client.get(reverse("admin:opendata_changereport_change", args=[report.pk])).content
    assert b'id="accept-report"' not in html
    client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]))
    assert ChangeReport.objects.get().status == "pending"
    other = factories.user(intercos=[factories.interco()], role="moderator")
    _admin(client, other)
    url = reverse("admin:opendata_changereport_change", args=[report.pk])
    assert client.get(url).status_code == 404
    client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]))
    assert ChangeReport.objects.get().status == "pending"
    changelist = client.get(reverse("admin:opendata_changereport_changelist")).content.decode()
    assert "Recyclerie" not in changelist


def test_editors_may_not_delete_reports_nor_read_the_reporter_s_address(client, territory):
    _ic, initiative, moderator, editor = territory
    _report(client, initiative, email="ana@example.org")
    report = ChangeReport.objects.get()
    change = reverse("admin:opendata_changereport_change", args=[report.pk])
    delete = reverse("admin:opendata_changereport_delete", args=[report.pk])
    changelist = reverse("admin:opendata_changereport_changelist")
    _admin(client, editor)
    assert "ana@example.org" not in client.get(change).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 403
    action = {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"}
    client.post(changelist, action)
    assert ChangeReport.objects.filter(pk=report.pk).exists()
    assert "delete_selected" not in client.get(changelist).content.decode()
    _admin(client, moderator)  # the territory's moderators answer the reporter: they see it
    assert "ana@example.org" in client.get(change).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ChangeReport.objects.filter(pk=report.pk).exists()


# --- opening hours: converted as the import converts them ---------------------------------
FRENCH_HOURS = "du lundi au vendredi 9h-12h 14h-18h ; samedi 9h30-12h ; fermé les jours fériés"


def test_accepting_french_hours_writes_them_in_the_osm_syntax(client, territory):
    """Issue 21: the French text was written as typed and refused by the OpenStreetMap
    parser; it is converted as an imported cell is (import_cells.opening_hours)."""
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, field="opening_hours", proposed_value=FRENCH_HOURS)
    report = ChangeReport.objects.get()
    _admin(client, moderator)
    page = client.get(reverse("admin:opendata_changereport_change", args=[report.pk]))
    expected = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:30-12:00; PH off"
    assert import_cells.opening_hours(FRENCH_HOURS) == expected  # what the import writes
    assert f"<code>{expected}</code>" in page.content.decode()  # shown before accepting
    response = client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]),
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.opening_hours == expected
    assert ChangeReport.objects.get().status == "accepted"


def test_osm_hours_are_written_as_proposed(client, territory):
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, field="opening_hours", proposed_value="Tu-Sa 10:00-19:00")
    report = ChangeReport.objects.get()
    corrections.report_accept(report=report, by=moderator)
    initiative.refresh_from_db()
    assert initiative.opening_hours == "Tu-Sa 10:00-19:00"


def test_unreadable_hours_are_refused_with_a_clear_message_and_nothing_written(client, territory):
    _ic, initiative, moderator, _editor = territory
    initiative.opening_hours = "Mo-Fr 09:00-17:00"
    initiative.save(update_fields=["opening_hours"])
    _report(client, initiative, field="opening_hours", proposed_value="quand ça leur chante")
    report = ChangeReport.objects.get()
    _admin(client, moderator)
    page = client.get(reverse("admin:opendata_changereport_change", args=[report.pk]))
    assert "Horaires proposés illisibles" in page.content.decode()  # warned before the click
    response = client.post(reverse("admin:opendata_changereport_accept", args=[report.pk]),
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Horaires proposés illisibles" in html and "quand ça leur chante" in html
    assert "OpenStreetMap" not in html
    initiative.refresh_from_db()
    assert initiative.opening_hours == "Mo-Fr 09:00-17:00"
    report.refresh_from_db()
    assert (report.status, report.decided_by) == ("pending", None)


def test_bulk_acceptance_reports_unreadable_hours_and_accepts_the_rest(client, territory):
    _ic, initiative, moderator, _editor = territory
    _report(client, initiative, field="opening_hours", proposed_value="n'importe quand")
    _report(client, initiative, field="phone", proposed_value="475112233")
    _admin(client, moderator)
    changelist = reverse("admin:opendata_changereport_changelist")
    response = client.post(changelist, {"action": "accept_selected", "_selected_action": [
        r.pk for r in ChangeReport.objects.all()]}, follow=True)  # fmt: skip
    assert "Horaires proposés illisibles" in response.content.decode()
    statuses = dict(ChangeReport.objects.values_list("field", "status"))
    assert statuses == {"opening_hours": "pending", "phone": "accepted"}
    initiative.refresh_from_db()
    assert initiative.phone == "04 75 11 22 33"  # a spreadsheet's number, as the import reads it
