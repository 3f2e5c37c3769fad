"""E-mail alerts: subscribe, confirm (double opt-in), digest once per period, unsubscribe."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.opendata.alerts import alerts_send, last_period
from initiatives.opendata.models import AlertDelivery, AlertSubscription
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 11)  # a Wednesday


def _link(body: str, kind: str) -> str:
    return (
        re.search(rf"https?://\S+/alertes/{kind}/\S+/", body)
        .group(0)
        .split("://", 1)[1]
        .split("/", 1)[1]
    )


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(
        day, datetime.min.time(), tzinfo=timezone.get_current_timezone()
    ) + timedelta(hours=hour)


def _subscribe(client, query="theme=alimentation", frequency="weekly", email="ana@example.org"):
    return client.post("/alertes/", {"email": email, "frequency": frequency, "query": query})


def test_full_flow_subscribe_confirm_digest_once_unsubscribe(
    client, django_capture_on_commit_callbacks
):
    food = factories.theme("alimentation", "Alimentation")
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client)
    assert response.status_code == 302
    sub = AlertSubscription.objects.get()
    assert sub.confirmed_at is None and len(mail.outbox) == 1
    confirm = "/" + _link(mail.outbox[0].body, "confirmer")

    # Not confirmed: nothing sent.
    new = factories.initiative(name="Épicerie nouvelle", themes=[food])
    Initiative.objects.filter(pk=new.pk).update(
        created_at=_at(date(2026, 3, 3)), updated_at=_at(date(2026, 3, 3))
    )
    assert alerts_send(frequency="weekly", today=TODAY)["sent"] == 0

    assert client.get(confirm).status_code == 200  # a page with a button: scanners confirm nothing
    assert AlertSubscription.objects.get().confirmed_at is None
    client.post(confirm)
    sub.refresh_from_db()
    assert sub.confirmed_at is not None
    AlertSubscription.objects.filter(pk=sub.pk).update(confirmed_at=_at(date(2026, 3, 1)))

    other = factories.initiative(name="Garage", themes=[])
    Initiative.objects.filter(pk=other.pk).update(updated_at=_at(date(2026, 3, 4)))
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_alerts", frequency="weekly", today=TODAY.isoformat(), stdout=out)
    assert "sent=1" in out.getvalue()
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "Épicerie nouvelle" in digest.body and "Garage" not in digest.body
    assert digest.to == ["ana@example.org"]
    unsubscribe_url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Idempotent: the same period is never sent twice.
    call_command("send_alerts", frequency="weekly", today=TODAY.isoformat(), stdout=io.StringIO())
    call_command(
        "send_alerts",
        frequency="weekly",
        today=(TODAY + timedelta(days=1)).isoformat(),
        stdout=io.StringIO(),
    )
    assert len(mail.outbox) == 1
    assert AlertDelivery.objects.filter(period="2026-W10").count() == 1

    # One-click unsubscribe: a POST without session or CSRF token deletes the address.
    path = "/" + unsubscribe_url.split("://", 1)[1].split("/", 1)[1]
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not AlertSubscription.objects.exists() and not AlertDelivery.objects.exists()


def test_nothing_to_report_sends_nothing_but_marks_the_period(db):
    sub = AlertSubscription.objects.create(email="b@example.org", query="", frequency="daily",
                                           confirmed_at=_at(date(2026, 3, 1)))  # fmt: skip
    assert alerts_send(frequency="daily", today=TODAY) == {
        "sent": 0,
        "empty": 1,
        "already": 0,
        "failed": 0,
        "forgotten": 0,
    }
    assert mail.outbox == []
    assert AlertDelivery.objects.get(subscription=sub).period == "2026-03-10"


def test_unconfirmed_addresses_are_forgotten_after_a_week(db):
    old = AlertSubscription.objects.create(email="old@example.org", query="", frequency="daily")
    AlertSubscription.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    AlertSubscription.objects.create(email="new@example.org", query="", frequency="daily")
    assert alerts_send(frequency="daily")["forgotten"] == 1
    assert list(AlertSubscription.objects.values_list("email", flat=True)) == ["new@example.org"]


def test_periods():
    assert last_period("daily", TODAY).key == "2026-03-10"
    week = last_period("weekly", TODAY)
    assert week.key == "2026-W10"
    assert week.start.date() == date(2026, 3, 2) and week.end.date() == date(2026, 3, 9)


def test_honeypot_rate_limit_and_bad_search(client, settings, django_capture_on_commit_callbacks):
    factories.theme("alimentation", "Alimentation")
    bot = {"email": "x@example.org", "frequency": "weekly", "homepage": "spam"}
    assert client.post("/alertes/", bot).status_code == 302
    assert not AlertSubscription.objects.exists()
    settings.ALERT_RATE_LIMIT = 2
    assert _subscribe(client, query="lat=abc&lon=2").status_code == 400
    assert _subscribe(client, email="not-an-address").status_code == 400
    # Only valid requests count: the two above cost nothing.
    statuses = [_subscribe(client, email=f"p{n}@example.org").status_code for n in range(2)]
    assert statuses == [302, 302]
    assert _subscribe(client, email="p9@example.org").status_code == 429
    assert AlertSubscription.objects.filter(email="p9@example.org").count() == 0


def test_the_page_explains_the_use_of_the_address(client, db):
    html = client.get("/alertes/?theme=alimentation").content.decode()
    assert 'value="theme=alimentation"' in html
    assert "RGPD" in html and "effacée" in html
