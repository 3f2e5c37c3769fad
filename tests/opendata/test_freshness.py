"""Freshness: the monthly digest to moderators and what the public page says."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.opendata.freshness import freshness_digest_send
from initiatives.opendata.models import FreshnessDigestLog
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_territories():
    a, b = factories.interco(name="CC A"), factories.interco(name="CC B")
    today = timezone.localdate()
    old = factories.initiative(name="Vieille fiche", commune=factories.commune(interco=a),
                               verified_at=today - timedelta(days=400))  # fmt: skip
    never = factories.initiative(name="Jamais vérifiée", coverage=[a])
    fresh = factories.initiative(name="Fiche fraîche", coverage=[a],
                                 verified_at=today - timedelta(days=30))  # fmt: skip
    other = factories.initiative(name="Fiche de B", coverage=[b])
    mod_a = factories.user(intercos=[a], role="moderator", email="a@example.org")
    factories.user(intercos=[a], role="editor", email="editor@example.org")
    return {"old": old, "never": never, "fresh": fresh, "other": other, "mod_a": mod_a}


def test_monthly_digest_lists_stale_records_once_a_month(two_territories):
    out = io.StringIO()
    call_command("send_freshness_digest", today="2026-03-05", stdout=out)
    assert "sent=1" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    body = mail.outbox[0].body
    assert "Vieille fiche" in body and "Jamais vérifiée" in body
    assert "Fiche fraîche" not in body and "Fiche de B" not in body
    old = two_territories["old"]
    assert reverse("admin:initiatives_initiative_change", args=[old.pk]) in body
    assert "fraicheur=stale" in body

    freshness_digest_send(today=date(2026, 3, 28))
    assert len(mail.outbox) == 1  # never twice in a month
    freshness_digest_send(today=date(2026, 4, 1))
    assert len(mail.outbox) == 2
    assert FreshnessDigestLog.objects.count() == 2


def test_nothing_stale_sends_nothing(db):
    ic = factories.interco()
    factories.initiative(name="À jour", coverage=[ic], verified_at=timezone.localdate())
    factories.user(intercos=[ic], role="moderator", email="m@example.org")
    assert freshness_digest_send(today=date(2026, 3, 5))["sent"] == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("days", "expected", "absent"),
    [
        (10, "vérifiée le", "plus d'un an"),
        (400, "non vérifiée depuis plus d’un an", "jamais vérifiée"),
        (None, "jamais vérifiée", "vérifiée le"),
    ],
)
def test_public_page_tells_the_truth(client, db, days, expected, absent):
    verified = None if days is None else timezone.localdate() - timedelta(days=days)
    initiative = factories.initiative(name="Fiche", verified_at=verified)
    html = client.get(reverse("initiatives:detail", args=[initiative.slug])).content.decode()
    text = html.lower()
    assert expected in text
    assert absent not in text


# --- publishing and "Toujours exact" go through the write rules ------------------------------
@pytest.fixture
def staff():
    ic = factories.interco(name="CC Verte")
    place = factories.commune(interco=ic)
    moderator = factories.user(intercos=[ic], role="moderator", first_name="Sam", last_name="Roux")
    editor = factories.user(intercos=[ic], role="editor")
    return ic, place, moderator, editor


def test_publishing_sets_verified_at_and_who(staff):
    _ic, place, moderator, editor = staff
    draft = factories.initiative(name="À publier", commune=place, status="pending")
    assert draft.verified_at is None
    services.publish(initiative=draft, by=moderator)
    draft.refresh_from_db()
    assert draft.verified_at == timezone.localdate()
    assert draft.verified_by == "Sam Roux"


def test_toujours_exact_is_one_click_for_moderators_only(client, staff):
    _ic, place, moderator, editor = staff
    old = timezone.localdate() - timedelta(days=500)
    record = factories.initiative(name="Ancienne", commune=place, verified_at=old)
    url = reverse("admin:initiatives_initiative_confirm", args=[record.pk])
    client.force_login(editor)
    client.post(url)
    record.refresh_from_db()
    assert record.verified_at == old  # an editor may not confirm
    client.force_login(moderator)
    page = client.get(reverse("admin:initiatives_initiative_change", args=[record.pk]))
    assert f'action="{url}"' in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.verified_at, record.verified_by) == (timezone.localdate(), "Sam Roux")
    assert record.history.first().history_user == moderator
    outsider = factories.user(intercos=[factories.interco()], role="moderator")
    client.force_login(outsider)
    assert client.post(url).status_code == 404


def test_admin_filter_and_action_use_the_same_rule(client, staff):
    _ic, place, moderator, _editor = staff
    today = timezone.localdate()
    stale = factories.initiative(
        name="Périmée", commune=place, verified_at=today - timedelta(days=400)
    )
    factories.initiative(name="Récente", commune=place, verified_at=today - timedelta(days=3))
    client.force_login(moderator)
    changelist = reverse("admin:initiatives_initiative_changelist")
    html = client.get(changelist, {"fraicheur": "stale"}).content.decode()
    assert "Périmée" in html and "Récente" not in html
    client.post(changelist, {"action": "confirm_selected", "_selected_action": [stale.pk]})
    stale.refresh_from_db()
    assert stale.verified_at == today
    html = client.get(changelist, {"fraicheur": "stale"}).content.decode()
    assert "Périmée" not in html
