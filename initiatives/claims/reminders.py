""" "Votre fiche est-elle à jour ?": a reminder to each record's managers, every N months.

`MANAGER_REMINDER_MONTHS` (default 6) cuts the year into periods ("2027-01", "2027-07");
a published record with a manager, not confirmed for that many months, gets one reminder
per period: each manager one mail with a one-click "Toujours exact" (signed link) and a
sign-in link to edit. A unique key per (record, period) is written first, so running the
command twice, or twice at once, never sends a period twice; a mail failure undoes the
key, so the next run retries. A manager's edit or confirmation answers the reminders;
after two unanswered ones the record is listed in the moderators' monthly digest.
"""

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from initiatives import moderation
from initiatives.models import Initiative

from . import links
from .models import ManagerReminder, RecordManager
from .services import link_url, send

logger = logging.getLogger(__name__)
UNANSWERED = 2


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, 28))


def period_of(day: date) -> str:
    months = max(1, settings.MANAGER_REMINDER_MONTHS)
    index = (day.year * 12 + day.month - 1) // months * months
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def due(*, today: date):
    """Published records with a manager, not confirmed for MANAGER_REMINDER_MONTHS months."""
    cutoff = _months_back(today, max(1, settings.MANAGER_REMINDER_MONTHS))
    return (
        Initiative.objects.filter(status=Initiative.Status.PUBLISHED, managers__isnull=False)
        .filter(Q(verified_at__isnull=True) | Q(verified_at__lte=cutoff))
        .exclude(manager_reminders__period=period_of(today))
        .distinct()
        .order_by("pk")
    )


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    period = period_of(today)
    stats = {"sent": 0, "already": 0, "failed": 0}
    for initiative in due(today=today).iterator():
        try:
            with transaction.atomic():
                ManagerReminder.objects.create(initiative=initiative, period=period)
                for manager in RecordManager.objects.filter(initiative=initiative):
                    _send(initiative, manager)
        except IntegrityError:
            stats["already"] += 1
        except OSError:
            logger.exception("Could not send the reminder for initiative %s", initiative.pk)
            stats["failed"] += 1
        else:
            stats["sent"] += 1
    return stats


def _send(initiative: Initiative, manager: RecordManager) -> None:
    exact = links.make(purpose=links.Purpose.EXACT, email=manager.email, manager=manager)
    signin = links.make(purpose=links.Purpose.SIGNIN, email=manager.email)
    with translation.override("fr"):
        subject = _("Votre fiche est-elle à jour ? « %(name)s »") % {
            "name": moderation.mail_title(initiative.name)
        }
    context = {
        "initiative": initiative,
        "manager": manager,
        "exact_url": link_url(exact),
        "edit_url": link_url(signin),
    }
    send(subject, "claims/emails/reminder.txt", context, manager.email, quiet=False)


def unanswered(initiatives):
    """Of these records, those whose last UNANSWERED reminders all went unanswered."""
    out = []
    for initiative in initiatives:
        last = list(initiative.manager_reminders.order_by("-period")[:UNANSWERED])
        if len(last) == UNANSWERED and all(r.answered_at is None for r in last):
            out.append(initiative)
    return out
