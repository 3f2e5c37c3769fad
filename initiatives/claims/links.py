"""Signed, expiring, single-use links for managers (claim confirmation, sign-in, "Toujours exact").

The token is `<purpose>.<signing.dumps(nonce)>`: Django's signing (HMAC with SECRET_KEY,
a timestamp, a salt per purpose) says it was made here and when; the nonce, stored on a
`ManagerLink` row, makes it single-use (`used_at` set under a row lock). No hand-made
cryptography.

`check` answers a `LinkState`: valid (with the row), or why not (`tampered` 404,
`expired` 410, `used` 410). A malformed token never raises.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .models import ManagerClaim, ManagerLink

Purpose = ManagerLink.Purpose
SALT = "essmap.claims.link.%s"
TAMPERED, EXPIRED, USED, VALID = "tampered", "expired", "used", "valid"


def max_age(purpose: str) -> timedelta:
    if purpose == Purpose.EXACT:
        return timedelta(days=settings.MANAGER_REMINDER_LINK_DAYS)
    return timedelta(seconds=settings.CLAIM_LINK_MAX_AGE)


def make(*, purpose: str, email: str, claim=None, manager=None) -> str:
    """A new link's token (the row is stored; the token itself is not)."""
    nonce = secrets.token_urlsafe(24)
    ManagerLink.objects.create(
        nonce=nonce, purpose=purpose, email=email, claim=claim, manager=manager
    )
    return f"{purpose}.{signing.dumps(nonce, salt=SALT % purpose)}"


@dataclass(frozen=True)
class LinkState:
    state: str
    link: ManagerLink | None = None

    @property
    def valid(self) -> bool:
        return self.state == VALID


def _nonce(token: str) -> tuple[str, str] | None:
    purpose, _dot, signed = (token or "").partition(".")
    if purpose not in Purpose.values or not signed or "\x00" in token:
        return None
    try:
        nonce = signing.loads(signed, salt=SALT % purpose, max_age=max_age(purpose))
    except signing.SignatureExpired:
        return purpose, ""
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    return (purpose, nonce) if isinstance(nonce, str) else None


def check(token: str, *, lock: bool = False) -> LinkState:
    """Whether the link may be used now (without using it)."""
    parsed = _nonce(token)
    if parsed is None:
        return LinkState(TAMPERED)
    purpose, nonce = parsed
    if not nonce:
        return LinkState(EXPIRED)
    rows = ManagerLink.objects.select_related("claim", "manager", "manager__initiative")
    if lock:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(nonce=nonce, purpose=purpose).first()
    if link is None:
        return LinkState(TAMPERED)  # signed here but forgotten (its claim or manager deleted)
    if link.used_at is not None:
        return LinkState(USED, link)
    return LinkState(VALID, link)


@transaction.atomic
def use(token: str) -> LinkState:
    """Check and spend the link in one locked step: a second use finds it used."""
    state = check(token, lock=True)
    if state.valid:
        state.link.used_at = timezone.now()
        state.link.save(update_fields=["used_at"])
    return state


def forget_old(*, now=None) -> int:
    """Links are kept only as long as they could be used."""
    now = now or timezone.now()
    oldest = now - max(max_age(p) for p in Purpose.values)
    deleted, _counts = ManagerLink.objects.filter(created_at__lt=oldest).delete()
    # A claim whose address was never confirmed is deleted once its link is dead.
    unconfirmed = now - max_age(Purpose.CLAIM)
    ManagerClaim.objects.filter(
        status=ManagerClaim.Status.UNCONFIRMED, created_at__lt=unconfirmed
    ).delete()
    return deleted
