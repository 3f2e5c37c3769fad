"""Mails to unconfirmed addresses (recipients.py): one daily quota per mailbox, shared by the
alert confirmations and the error report acknowledgements; and a report's text reaches the
moderators' mail defanged."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from initiatives.opendata.models import ChangeReport, RecipientQuota
from initiatives.opendata.recipients import quota_forget_old, quota_take, recipient_key
from tests import factories
from tests.opendata.test_alerts_limits import assert_nothing_clickable

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    ic = factories.interco(name="CC Drôme Sud")
    place = factories.commune(interco=ic, name="Dieulefit")
    initiative = factories.initiative(name="Recyclerie", commune=place, phone="04 75 00 00 00")
    factories.user(intercos=[ic], role="moderator", email="mod@example.org")
    factories.theme("alimentation", "Alimentation")
    return initiative


def _report(client, initiative, ip, **data):
    data = {"field": "phone", "message": "Le numéro a changé.", "proposed_value": "",
            "email": "", "homepage": "", **data}  # fmt: skip
    url = reverse("opendata:report", args=[initiative.slug])
    return client.post(url, data, REMOTE_ADDR=ip)


def test_one_mailbox_one_key():
    key = recipient_key("victim@example.org")
    assert recipient_key(" Victim+promo@Example.ORG ") == key
    assert recipient_key("other@example.org") != key
    assert "victim" not in key and len(key) == 64


def test_quota_counts_per_day(settings):
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 2
    today = timezone.localdate()
    assert [quota_take("a@example.org", day=today) for _ in range(3)] == [True, True, False]
    assert quota_take("a@example.org", day=today + timedelta(days=1))
    assert quota_take("b@example.org", day=today)
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 0
    assert not quota_take("c@example.org", day=today)
    assert quota_forget_old(today=today + timedelta(days=3)) == 3
    assert not RecipientQuota.objects.exists()


def test_report_acknowledgements_share_the_quota_with_alerts(
    client, territory, settings, django_capture_on_commit_callbacks
):
    settings.MAILS_PER_UNCONFIRMED_ADDRESS = 3
    victim = "victim@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        data = {"email": victim, "frequency": "weekly", "query": "theme=alimentation"}
        assert client.post("/alertes/", data, REMOTE_ADDR="203.0.113.1").status_code == 302
        for n in range(4):
            response = _report(
                client, territory, f"203.0.113.{n + 10}", email=f"Victim+{n}@example.org"
            )
            assert response.status_code == 302  # the report itself is always recorded
    to_victim = [m for m in mail.outbox if m.to[0].lower().startswith("victim")]
    assert len(to_victim) == 3
    assert ChangeReport.objects.count() == 4
    # The moderators are told of every report.
    assert len([m for m in mail.outbox if m.to == ["mod@example.org"]]) == 4


def test_report_text_reaches_the_moderators_defanged(
    client, territory, django_capture_on_commit_callbacks
):
    hostile = 'Voir <a href="http://evil.example/x">ici</a>\r\n=HYPERLINK("www.evil.example")'
    with django_capture_on_commit_callbacks(execute=True):
        _report(client, territory, "198.51.100.1", message=hostile * 20,
                proposed_value="https://evil.example/new", email="ana@example.org")  # fmt: skip
    to_mod = next(m for m in mail.outbox if m.to == ["mod@example.org"])
    assert re.search(r"Valeur proposée\s: https\[:\]//evil\[\.\]example/new\n", to_mod.body)
    assert re.search(r"Ce qui ne va pas\s: Voir ‹a href=\"http\[:\]//evil", to_mod.body)
    assert_nothing_clickable(to_mod)
    # The whole text is kept for the admin.
    assert ChangeReport.objects.get().message == (hostile * 20).strip()
    to_reporter = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert_nothing_clickable(to_reporter)
