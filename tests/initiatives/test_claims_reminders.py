""" "Votre fiche est-elle à jour ?": reminders, their idempotence, and the moderators' digest."""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from initiatives.claims import reminders
from initiatives.claims.models import ManagerReminder, RecordManager
from initiatives.models import Initiative
from initiatives.opendata import freshness
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(settings):
    settings.SITE_URL = "https://essmap.example.org"
    settings.MANAGER_REMINDER_MONTHS = 6
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    managed = factories.initiative(name="Recyclerie", commune=place)
    fresh = factories.initiative(name="Fraîche", commune=place, verified_at=date(2027, 2, 1))
    alone = factories.initiative(name="Sans gestionnaire", commune=place)
    RecordManager.objects.create(initiative=managed, email="ana@recyclerie.fr", name="Ana")
    RecordManager.objects.create(initiative=fresh, email="bob@fraiche.fr", name="Bob")
    moderator = factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    return managed, fresh, alone, moderator


def test_one_mail_per_due_record_and_idempotent(territory):
    managed, _fresh, _alone, _mod = territory
    today = date(2027, 3, 3)
    assert reminders.send_reminders(today=today) == {"sent": 1, "already": 0, "failed": 0}
    assert [m.to for m in mail.outbox] == [["ana@recyclerie.fr"]]
    assert "Toujours exact" in mail.outbox[0].body
    assert reminders.send_reminders(today=today)["sent"] == 0
    assert reminders.send_reminders(today=date(2027, 6, 30))["sent"] == 0  # same period
    assert len(mail.outbox) == 1
    assert ManagerReminder.objects.get().period == "2027-01"


def test_the_command_runs_twice_without_sending_twice(territory, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2027, 3, 3))
    call_command("send_manager_reminders", stdout=open("/dev/null", "w"))
    call_command("send_manager_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


def test_toujours_exact_link_confirms_the_record(client, territory):
    managed, *_ = territory
    reminders.send_reminders(today=date(2027, 3, 3))
    body = mail.outbox[0].body
    exact = re.search(r"https://essmap\.example\.org(/gerer/lien/exact\.[^/\s]+/)", body).group(1)
    assert client.get(exact).status_code == 200
    managed.refresh_from_db()
    assert managed.verified_at is None  # a GET (a mail scanner) confirms nothing
    assert client.post(exact).status_code == 200
    managed.refresh_from_db()
    assert managed.confirmed_by_structure
    assert ManagerReminder.objects.get().answered_at is not None
    assert client.post(exact).status_code == 410


def test_two_unanswered_reminders_reach_the_moderators_digest(territory):
    managed, _fresh, alone, moderator = territory
    reminders.send_reminders(today=date(2027, 3, 3))
    assert freshness.unanswered_for_moderator(moderator) == []
    reminders.send_reminders(today=date(2027, 9, 3))
    assert freshness.unanswered_for_moderator(moderator) == [managed]
    mail.outbox.clear()
    freshness.freshness_digest_send(today=date(2027, 10, 1))
    digest = next(m for m in mail.outbox if m.to == ["mod@example.org"])
    assert "deux derniers rappels" in digest.body
    unanswered_part = digest.body.split("deux derniers rappels", 1)[1]
    assert "Recyclerie" in unanswered_part
    # a record without a manager stays in the digest as before
    assert "Sans gestionnaire" in digest.body.split("deux derniers rappels", 1)[0]


def test_an_answer_takes_the_record_out_of_the_digest(territory):
    managed, _fresh, _alone, moderator = territory
    reminders.send_reminders(today=date(2027, 3, 3))
    reminders.send_reminders(today=date(2027, 9, 3))
    from initiatives.claims import services

    services.manager_confirm(manager=managed.managers.get())
    assert freshness.unanswered_for_moderator(moderator) == []


def test_unpublished_records_get_no_reminder(territory):
    managed, *_ = territory
    Initiative.objects.filter(pk=managed.pk).update(status=Initiative.Status.DRAFT)
    assert reminders.send_reminders(today=date(2027, 3, 3))["sent"] == 0
