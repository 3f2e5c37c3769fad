"""E-mail alerts: subscribe (double opt-in), confirm, unsubscribe, and the periodic digest.

`alerts_send()` is run by a scheduler (`manage.py send_alerts`, see README): it sends each
confirmed subscription one digest for the last *complete* period (yesterday, or last ISO
week), and records it under a unique (subscription, period) key first, so that running it
again, or twice at once, never sends the same period twice.

The form mails an address nobody has confirmed, so it must not be a way to mail someone a
text, a link, or many mails, of a stranger's choosing:

- the search is stored in its canonical form (known filters only, one line each, cut) and
  reaches a mail only as a summary through `essmap.mailsafe.defang` and as a link to this
  site whose query is fully percent-encoded (no scheme, domain or address of the sender's
  stays readable, so a mail client links nothing but this site);
- a re-post for an alert still pending sends nothing within ALERT_RESEND_WINDOW;
- each address receives at most MAILS_PER_UNCONFIRMED_ADDRESS such mails a day, whoever
  asks and from wherever (`recipients.quota_take`: in the database, so the limit holds
  when the cache is down).
"""

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from essmap.mailsafe import defang
from initiatives.filters import InitiativeFilterSet
from initiatives.models import Initiative
from initiatives.selectors import initiative_filter

from .feeds import search_params
from .models import AlertDelivery, AlertSubscription
from .recipients import quota_forget_old, quota_take

logger = logging.getLogger(__name__)
UNCONFIRMED_DAYS = 7
DIGEST_LIMIT = 50
QUERY_VALUE_MAX = 200  # characters of one search value kept (the text filters' own limit)
SUMMARY_VALUE_MAX = 60  # characters of one search value shown in a mail
SUMMARY_MAX = 300  # characters of the whole search summary in a mail
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # secrets.token_urlsafe's alphabet
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
Frequency = AlertSubscription.Frequency


def _site_url() -> str:
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def token_is_valid(token: str) -> bool:
    """A token as `new_token` makes them; anything else (a NUL, a slash…) matches nothing."""
    return bool(TOKEN.fullmatch(token or ""))


# --- the search, as stored and as mailed -----------------------------------------------------
def search_items(query: str) -> list[tuple[str, str]]:
    """The search's known filtering parameters, each value on one line and cut short."""
    known = InitiativeFilterSet.base_filters
    items = []
    for key, value in search_params(QueryDict(query)):
        value = " ".join(_CONTROL.sub(" ", value).split())[:QUERY_VALUE_MAX]
        if key in known and value:
            items.append((key, value))
    return items


def canonical_query(query: str) -> str:
    """The form in which a search is stored: known filters only, sorted, url-encoded."""
    return urlencode(search_items(query))


def search_is_valid(query: str) -> bool:
    return initiative_filter(data=QueryDict(canonical_query(query))).is_valid()


def _opaque(text: str) -> str:
    # Every character but letters, digits and "_-~" percent-encoded, dots included: the
    # link is one URL of this site, with no readable domain or scheme in its query.
    return quote(text, safe="").replace(".", "%2E")


def search_link(query: str) -> str:
    """The directory search as a link to this site that quotes nothing clickable."""
    items = search_items(query)
    encoded = "&".join(f"{_opaque(key)}={_opaque(value)}" for key, value in items)
    return _site_url() + reverse("initiatives:directory") + (f"?{encoded}" if encoded else "")


def _shown(value) -> str:
    if isinstance(value, list | tuple) or hasattr(value, "model"):
        return ", ".join(str(v) for v in value)
    return str(value)


def search_summary(query: str) -> str:
    """The search in words, for a mail: each value defanged and cut (see essmap.mailsafe)."""
    items = search_items(query)
    if not items:
        return _("toutes les initiatives")
    filterset = initiative_filter(data=QueryDict(urlencode(items)))
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    parts = []
    for name in dict.fromkeys(key for key, _value in items):
        value = cleaned.get(name)
        shown = _shown(value) if value not in (None, "", [], ()) else ""
        if not shown:
            shown = ", ".join(v for k, v in items if k == name)
        label = InitiativeFilterSet.base_filters[name].label or name
        value = defang(shown, limit=SUMMARY_VALUE_MAX)
        parts.append(_("%(label)s : %(value)s") % {"label": label, "value": value})
    summary = " · ".join(parts)
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
    return summary


# --- per pending alert ------------------------------------------------------------------
def _claim_confirmation(subscription: AlertSubscription, now: datetime) -> bool:
    """True for the one request that may send this pending alert's confirmation now."""
    since = now - timedelta(seconds=settings.ALERT_RESEND_WINDOW)
    return bool(
        AlertSubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True)
        .filter(Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=since))
        .update(confirmation_sent_at=now)
    )


@transaction.atomic
def alert_subscribe(*, email: str, query: str, frequency: str) -> AlertSubscription:
    """Record the request and send the confirmation link (again, if still unconfirmed).

    Nothing is sent for an address already confirmed for this search, for one whose
    confirmation was sent less than ALERT_RESEND_WINDOW ago, nor to an address that had its
    MAILS_PER_UNCONFIRMED_ADDRESS mails today: the page answers the same either way, so
    it tells no one which addresses are subscribed.
    """
    email = email.strip().lower()
    subscription, _created = AlertSubscription.objects.get_or_create(
        email=email, query=canonical_query(query), frequency=frequency
    )
    now = timezone.now()
    if (
        subscription.confirmed_at is None
        and _claim_confirmation(subscription, now)
        and quota_take(email, day=timezone.localdate(now))
    ):
        transaction.on_commit(lambda: _send_confirmation(subscription), robust=True)
    return subscription


def alert_confirm(*, token: str) -> AlertSubscription | None:
    if not token_is_valid(token):
        return None
    subscription = AlertSubscription.objects.filter(token=token).first()
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def alert_unsubscribe(*, token: str) -> bool:
    """Delete the subscription and its log (the address is kept nowhere else)."""
    if not token_is_valid(token):
        return False
    deleted, _counts = AlertSubscription.objects.filter(token=token).delete()
    return bool(deleted)


def alerts_forget_unconfirmed(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    quota_forget_old(today=timezone.localdate(now))
    limit = now - timedelta(days=UNCONFIRMED_DAYS)
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
    filterset = initiative_filter(data=QueryDict(canonical_query(subscription.query)))
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
    """The mail's links: all to this site, the search's query fully percent-encoded."""
    site = _site_url()
    return {
        "confirm": site + reverse("opendata:alert_confirm", args=[subscription.token]),
        "unsubscribe": site + reverse("opendata:alert_unsubscribe", args=[subscription.token]),
        "search": search_link(subscription.query),
    }


def _send(subscription, subject: str, template: str, context: dict, *, list_headers: bool):
    urls = links(subscription)
    with translation.override("fr"):
        summary = search_summary(subscription.query)
        body = render_to_string(
            template, {"subscription": subscription, "summary": summary, **urls, **context}
        )
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
        # Not sent: a re-post may try again at once.
        AlertSubscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=None)


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
