"""Mails to an address nobody has confirmed: at most a few a day, whoever asks for them.

The public forms mail an address typed by anyone: the alert form its confirmation link,
"Signaler une erreur" its acknowledgement. A per-client limit does not protect the owner of
that address (many clients, one victim), so each mailbox gets at most
MAILS_PER_UNCONFIRMED_ADDRESS of these mails per day in all, counted here:

- in the database (`RecipientQuota`), not the cache, so the limit holds when Redis is down;
- atomically: a conditional UPDATE (count < limit), or the day's first row under a unique
  key (a concurrent first mail retries as an UPDATE);
- under a keyed hash of the mailbox (lower case, "+tag" dropped), never the address
  itself; rows older than yesterday are deleted by `send_alerts`.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from .models import RecipientQuota


def recipient_key(email: str) -> str:
    """A keyed hash of the mailbox: lower case, "+tag" dropped (one mailbox, one quota)."""
    local, _at, domain = email.strip().lower().rpartition("@")
    mailbox = f"{local.split('+', 1)[0]}@{domain}"
    return salted_hmac("essmap.recipients", mailbox, algorithm="sha256").hexdigest()


def quota_take(email: str, *, day: date) -> bool:
    """Count one mail to this address on `day`; False (send nothing) once over the limit."""
    limit = settings.MAILS_PER_UNCONFIRMED_ADDRESS
    if limit < 1:
        return False
    key = recipient_key(email)
    rows = RecipientQuota.objects.filter(recipient=key, day=day)
    for _attempt in range(3):
        if rows.filter(count__lt=limit).update(count=F("count") + 1):
            return True
        if rows.exists():
            return False
        try:
            with transaction.atomic():  # a savepoint: a concurrent first mail wins the row
                RecipientQuota.objects.create(recipient=key, day=day, count=1)
            return True
        except IntegrityError:
            continue
    return False


def quota_forget_old(*, today: date) -> int:
    deleted, _counts = RecipientQuota.objects.filter(day__lt=today - timedelta(days=1)).delete()
    return deleted
