"""E-mail alerts: subscribe (double opt-in), confirm, unsubscribe, and the periodic digest.

`alerts_send()` is run by a scheduler (`manage.py send_alerts`, see README): it sends each
confirmed subscription one digest for the last *complete* period (yesterday, or last ISO
week), and records it under a unique (subscription, period) key first, so that running it
again, or twice at once, never sends the same period twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from initiatives.selectors import initiative_filter

from .models import AlertDelivery, AlertSubscription

logger = logging.getLogger(__name__)
UNCONFIRMED_DAYS = 7
DIGEST_LIMIT = 50
Frequency = AlertSubscription.Frequency


def _site_url() -> str:
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def search_is_valid(query: str) -> bool:
    return initiative_filter(data=QueryDict(query)).is_valid()


@transaction.atomic
def alert_subscribe(*, email: str, query: str, frequency: str) -> AlertSubscription:
    """Record the request and send the confirmation link (again, if still unconfirmed).

    Nothing is sent for an address already confirmed for this search: the page answers
    the same either way, so it tells no one which addresses are subscribed.
    """
    email = email.strip().lower()
    subscription, created = AlertSubscription.objects.get_or_create(
        email=email, query=query, frequency=frequency
    )
    if subscription.confirmed_at is None:
        transaction.on_commit(lambda: _send_confirmation(subscription), robust=True)
    return subscription


def alert_confirm(*, token: str) -> AlertSubscription | None:
    subscription = AlertSubscription.objects.filter(token=token).first()
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def alert_unsubscribe(*, token: str) -> bool:
    """Delete the subscription and its log (the address is kept nowhere else)."""
    deleted, _counts = AlertSubscription.objects.filter(token=token).delete()
    return bool(deleted)


def alerts_forget_unconfirmed(*, now: datetime | None = None) -> int:
    limit = (now or timezone.now()) - timedelta(days=UNCONFIRMED_DAYS)
    deleted, _counts = AlertSubscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=limit
    ).delete()
    return deleted


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime
    end: datetime


def last_period(frequency: str, today: date) -> Period:
    """The last complete day or ISO week before `today`, in the site's time zone."""
    tz = timezone.get_current_timezone()
    if frequency == Frequency.DAILY:
        first = today - timedelta(days=1)
        last = today
        key = first.isoformat()
    else:
        monday = today - timedelta(days=today.weekday())
        first, last = monday - timedelta(days=7), monday
        year, week, _day = first.isocalendar()
        key = f"{year}-W{week:02d}"
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last, datetime.min.time(), tzinfo=tz)
    return Period(key, start, end)


def digest_items(subscription: AlertSubscription, period: Period) -> list[Initiative]:
    filterset = initiative_filter(data=QueryDict(subscription.query))
    if not filterset.is_valid():
        return []
    return list(
        filterset.qs.filter(updated_at__gte=period.start, updated_at__lt=period.end).order_by(
            "-updated_at", "pk"
        )[:DIGEST_LIMIT]
    )


def alerts_send(*, frequency: str, today: date | None = None) -> dict[str, int]:
    """Send the digests of the last complete period; a period is never sent twice."""
    today = today or timezone.localdate()
    period = last_period(frequency, today)
    stats = {
        "sent": 0,
        "empty": 0,
        "already": 0,
        "failed": 0,
        "forgotten": alerts_forget_unconfirmed(),
    }
    subscriptions = AlertSubscription.objects.filter(
        frequency=frequency, confirmed_at__isnull=False, confirmed_at__lt=period.end
    ).order_by("pk")
    for subscription in subscriptions.iterator():
        try:
            with transaction.atomic():
                delivery = AlertDelivery.objects.create(
                    subscription=subscription, period=period.key
                )
                items = digest_items(subscription, period)
                if items:
                    _send_digest(subscription, period, items)
                    delivery.sent_at, delivery.count = timezone.now(), len(items)
                    delivery.save(update_fields=["sent_at", "count"])
        except IntegrityError:
            stats["already"] += 1
            continue
        except OSError:  # mail server down: nothing recorded, the next run sends it
            logger.exception("Could not send the digest of alert %s", subscription.pk)
            stats["failed"] += 1
            continue
        stats["sent" if items else "empty"] += 1
    return stats


# --- e-mails ---------------------------------------------------------------------------------
def links(subscription: AlertSubscription) -> dict[str, str]:
    site = _site_url()
    query = f"?{subscription.query}" if subscription.query else ""
    return {
        "confirm": site + reverse("opendata:alert_confirm", args=[subscription.token]),
        "unsubscribe": site + reverse("opendata:alert_unsubscribe", args=[subscription.token]),
        "search": site + reverse("initiatives:directory") + query,
        "feed": site + reverse("opendata:feed") + query,
    }


def _send(subscription, subject: str, template: str, context: dict, *, list_headers: bool):
    urls = links(subscription)
    with translation.override("fr"):
        body = render_to_string(template, {"subscription": subscription, **urls, **context})
    headers = {}
    if list_headers:
        # RFC 2369 and RFC 8058: one-click unsubscribe from the mail client (a POST).
        headers["List-Unsubscribe"] = f"<{urls['unsubscribe']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    EmailMessage(subject, body, None, [subscription.email], headers=headers).send()


def _send_confirmation(subscription: AlertSubscription) -> None:
    try:
        with translation.override("fr"):
            subject = _("Confirmez votre alerte sur les initiatives de l'ESS")
        _send(subscription, subject, "opendata/emails/alert_confirm.txt", {}, list_headers=False)
    except OSError:
        logger.exception("Could not send the confirmation for alert %s", subscription.pk)


def _send_digest(subscription, period: Period, items: list[Initiative]) -> None:
    site = _site_url()
    entries = [
        {
            "initiative": i,
            "is_new": i.created_at >= period.start,
            "url": site + i.get_absolute_url(),
        }
        for i in items
    ]
    with translation.override("fr"):
        subject = _("%(n)s initiative(s) nouvelle(s) ou mise(s) à jour pour votre recherche") % {
            "n": len(items)
        }
    _send(
        subscription,
        subject,
        "opendata/emails/alert_digest.txt",
        {"entries": entries, "period": period},
        list_headers=True,
    )
