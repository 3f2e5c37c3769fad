"""Moderation e-mails: who is told of a write on an initiative, sent when it commits.

The decisions themselves (who may publish, archive, reject, edit) are `rules.py`'s; this
module only writes and sends the messages, so that a rolled-back write sends nothing and a
mail server outage never undoes a decision.
"""

import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intercos.models import IntercoMembership
from intercos.selectors import moderators_without_email

from .models import Initiative
from .staff_scope import initiative_intercos

logger = logging.getLogger(__name__)
Status = Initiative.Status


def status_changed(initiative: Initiative, *, old: str) -> None:
    """E-mail the proposer of a public suggestion once it is published or rejected."""
    if not initiative.proposer_email or old != Status.PENDING:
        return
    kind = {Status.PUBLISHED: "published", Status.ARCHIVED: "rejected"}.get(initiative.status)
    if kind:
        recipients = [initiative.proposer_email]
        transaction.on_commit(lambda: _notify(initiative, kind, recipients), robust=True)


def notify_new_suggestion(initiative: Initiative) -> None:
    """Acknowledge a public suggestion, and tell the territory's moderators."""
    transaction.on_commit(lambda: _notify_new_suggestion(initiative), robust=True)


def notify_published_edit(
    initiative: Initiative, *, by, fields: list[str], author: str = ""
) -> None:
    """Tell the territory's moderators that an editor (or a manager: `author`) changed a
    published record."""
    author = author or by.get_full_name() or by.get_username()

    def send():
        staff = moderators_emails(initiative, only_moderators=True)
        if staff:
            _notify(initiative, "edited", staff, author=author, fields=fields)

    transaction.on_commit(send, robust=True)


def moderators_emails(initiative: Initiative, *, only_moderators: bool = False) -> list[str]:
    """The territory's moderators' addresses (its staff's when it has no moderator)."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            interco_memberships__interco_id__in=initiative_intercos(initiative),
        )
        .exclude(email="")
        .distinct()
    )
    moderators = users.filter(interco_memberships__role=IntercoMembership.Role.MODERATOR)
    chosen = list(moderators.values_list("email", flat=True))
    _warn_skipped(initiative)
    if not chosen and not only_moderators:
        chosen = list(users.values_list("email", flat=True))
    return sorted(set(chosen))


def _warn_skipped(initiative: Initiative) -> None:
    """Log the territory's moderators who are not told because they have no e-mail address."""
    skipped = moderators_without_email(initiative_intercos(initiative))
    names = sorted({f"{m.user.get_username()} ({m.interco_id})" for m in skipped})
    if names:
        logger.warning(
            "Initiative %s: moderators without an e-mail address not told: %s",
            initiative.pk,
            ", ".join(names),
        )


def _notify_new_suggestion(initiative: Initiative) -> None:
    # The proposer's address is unconfirmed: it shares the daily per-mailbox quota of the
    # alert and error-report mails (initiatives/opendata/recipients.py), held in the database.
    from initiatives.opendata.recipients import quota_take

    if initiative.proposer_email and quota_take(
        initiative.proposer_email, day=timezone.localdate()
    ):
        _notify(initiative, "received", [initiative.proposer_email])
    staff = moderators_emails(initiative)
    if staff:
        _notify(initiative, "to_review", staff)


SUBJECTS = {
    "received": "Votre proposition « %(name)s » a bien été reçue",
    "to_review": "Nouvelle proposition à relire : « %(name)s »",
    "published": "Votre proposition « %(name)s » est publiée",
    "rejected": "Votre proposition « %(name)s » n'a pas été retenue",
    "edited": "Fiche publiée modifiée : « %(name)s »",
}


# The acknowledgement goes to an address nobody has confirmed: it carries no text of the
# proposer's but the initiative's name, on one line, cut short, with links defused, so that the
# form cannot be used to mail someone a message of the sender's choosing.
TITLE_MAX = 60
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_LINK_DOT = re.compile(r"(?<=[\w-])\.(?=[\w-])")


def mail_title(name: str) -> str:
    """The initiative's name as an unconfirmed address may receive it (escaped, truncated)."""
    text = " ".join(_INVISIBLE.sub(" ", name).split())
    if len(text) > TITLE_MAX:
        text = text[: TITLE_MAX - 1].rstrip() + "…"
    text = text.replace("://", "[:]//").replace("@", "[at]")
    return _LINK_DOT.sub("[.]", text)


def _notify(initiative: Initiative, kind: str, recipients: list[str], **extra) -> None:
    site_url = settings.SITE_URL.rstrip("/")
    title = mail_title(initiative.name) if kind == "received" else initiative.name
    with translation.override("fr"):
        # One line: a name typed with a line break must not break (or inject) a header.
        subject = " ".join((_(SUBJECTS[kind]) % {"name": title}).split())
        body = render_to_string(
            f"initiatives/emails/{kind}.txt",
            {"initiative": initiative, "site_url": site_url, "title": title, **extra},
        )
    try:
        send_mail(subject, body, None, recipients, fail_silently=False)
    except OSError:
        # A mail server outage must not undo a moderation decision; it is logged.
        logger.exception("Could not send the %s e-mail for initiative %s", kind, initiative.pk)
