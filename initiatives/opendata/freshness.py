"""Freshness of the records: who verified what when, and the monthly reminder to moderators.

A record is *verified* when a moderator publishes it or confirms it ("Toujours exact"):
both write `verified_at` (today) and `verified_by` through the write rules. A published
record not verified for 12 months (`STALE_AFTER_DAYS`, managers.stale_cutoff) is *stale*:
the public page says so, the admin filters on it, and each interco's moderators get a
monthly digest of their stale records (`manage.py send_freshness_digest`, idempotent: one
digest per moderator per month).
"""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from intercos.models import IntercoMembership
from intercos.selectors import moderators_without_email

from .models import FreshnessDigestLog

logger = logging.getLogger(__name__)


def stale_for_moderator(user):
    """Published records of the moderator's intercos not verified for 12 months."""
    intercos = IntercoMembership.objects.filter(
        user=user, role=IntercoMembership.Role.MODERATOR
    ).values("interco_id")
    qs = Initiative.objects.published().stale()
    if not user.is_superuser:
        qs = qs.in_intercos(intercos)
    return qs.select_related("commune").order_by("verified_at", "name")


def unanswered_for_moderator(user) -> list[Initiative]:
    """Records of the territory whose managers left the last two reminders unanswered."""
    from initiatives.claims.reminders import unanswered  # the claims app builds on this one

    intercos = IntercoMembership.objects.filter(
        user=user, role=IntercoMembership.Role.MODERATOR
    ).values("interco_id")
    qs = Initiative.objects.published().filter(manager_reminders__answered_at=None)
    if not user.is_superuser:
        qs = qs.in_intercos(intercos)
    return unanswered(qs.distinct().order_by("name")[:500])


def digest_recipients():
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            interco_memberships__role=IntercoMembership.Role.MODERATOR,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def freshness_digest_send(*, today: date | None = None) -> dict[str, int]:
    """Send this month's digest to every moderator with stale records; never twice a month."""
    today = today or timezone.localdate()
    period = today.strftime("%Y-%m")
    stats = {"sent": 0, "nothing": 0, "already": 0, "failed": 0}
    skipped = sorted({m.user.get_username() for m in moderators_without_email()})
    if skipped:
        logger.warning("Freshness digest: moderators without an e-mail address skipped: %s",
                       ", ".join(skipped))  # fmt: skip
    for user in digest_recipients().iterator():
        # A record with managers is theirs to confirm (reminders); it reaches the digest
        # only once they left two reminders unanswered.
        records = list(stale_for_moderator(user).filter(managers__isnull=True)[:500])
        unanswered = unanswered_for_moderator(user)
        if not records and not unanswered:
            stats["nothing"] += 1
            continue
        try:
            with transaction.atomic():
                count = len(records) + len(unanswered)
                FreshnessDigestLog.objects.create(user=user, period=period, count=count)
                _send(user, records, unanswered)
        except IntegrityError:
            stats["already"] += 1
            continue
        except OSError:
            logger.exception("Could not send the freshness digest to user %s", user.pk)
            stats["failed"] += 1
            continue
        stats["sent"] += 1
    return stats


def _send(user, records: list[Initiative], unanswered: list[Initiative] = ()) -> None:
    site = (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")

    def rows_of(initiatives):
        return [
            {
                "initiative": i,
                "edit": site + reverse("admin:initiatives_initiative_change", args=[i.pk]),
                "page": site + i.get_absolute_url(),
            }
            for i in initiatives
        ]

    rows, unanswered_rows = rows_of(records), rows_of(unanswered)
    stale_list = site + reverse("admin:initiatives_initiative_changelist") + "?fraicheur=stale"
    with translation.override("fr"):
        subject = _("%(n)s fiche(s) à vérifier dans votre territoire") % {
            "n": len(rows) + len(unanswered_rows)
        }
        body = render_to_string(
            "opendata/emails/freshness_digest.txt",
            {"rows": rows, "unanswered": unanswered_rows, "user": user, "stale_list": stale_list},
        )
    send_mail(subject, body, None, [user.email], fail_silently=False)
