"""Moderation: status transitions, public suggestions and the e-mails they trigger.

draft → pending (submit) → published (publish) → archived (archive); a pending suggestion
can be rejected with a reason (it is archived and the proposer told why). Editors may
draft and submit; moderators of the territory (and superusers) may also publish, reject
and archive.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from intercos.models import IntercoMembership

from .checks import linkable_choices
from .models import Initiative, Theme
from .selectors import user_can_edit_initiative
from .services import initiative_create, initiative_update, unique_slug

logger = logging.getLogger(__name__)
Status = Initiative.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PENDING, Status.PUBLISHED, Status.ARCHIVED},
    Status.PENDING: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
}
EDITOR_TARGETS = {Status.DRAFT, Status.PENDING}


def territory_intercos(initiative: Initiative) -> set[str]:
    """SIRENs of the intercos an initiative belongs to (its commune's, and those it covers)."""
    sirens = set()
    if initiative.commune_id and initiative.commune.interco_id:
        sirens.add(initiative.commune.interco_id)
    if initiative.pk:
        sirens.update(initiative.coverage.values_list("pk", flat=True))
    return sirens


def can_moderate(user, initiative: Initiative | None = None) -> bool:
    """Superusers, and moderators of one of the initiative's intercos (of any, if None)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    memberships = IntercoMembership.objects.filter(user=user, role=IntercoMembership.Role.MODERATOR)
    if initiative is None or initiative.pk is None:
        return memberships.exists()
    return memberships.filter(interco_id__in=territory_intercos(initiative)).exists()


def can_moderate_in(user, interco_ids: Iterable[str]) -> bool:
    """Superusers, and moderators of one of these intercos."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return IntercoMembership.objects.filter(
        user=user, role=IntercoMembership.Role.MODERATOR, interco_id__in=list(interco_ids)
    ).exists()


def allowed_targets(user, initiative: Initiative) -> set[str]:
    """Statuses the user may give the initiative, its current one included."""
    current = initiative.status if initiative.pk else None
    if current is None:
        targets = set(Status.values) - {Status.ARCHIVED}
    else:
        targets = TRANSITIONS[current] | {current}
    if not can_moderate(user, initiative if initiative.pk else None):
        targets = (targets & EDITOR_TARGETS) | ({current} if current else set())
    return targets


def status_change_errors(
    *, by, initiative: Initiative, old: str | None, to: str, intercos: Iterable[str], reason: str
) -> dict[str, str]:
    """{field: message} when `by` may not move `initiative` from `old` to `to` (None: fine).

    For forms, before saving: `intercos` are the SIRENs of the territory being given to
    the record (its new commune's and coverage), checked with its current territory.
    `by=None` is a trusted caller: only the refusal reason is checked.
    """
    if not to or to == old:
        return {}
    if (
        by is not None
        and to not in EDITOR_TARGETS
        and not can_moderate_in(by, set(intercos) | territory_intercos(initiative))
    ):
        return {"status": _("Seuls les modérateurs du territoire peuvent publier ou archiver.")}
    if old == Status.PENDING and to == Status.ARCHIVED and not reason.strip():
        return {"rejection_reason": _("Indiquez le motif du refus : il est envoyé à la personne.")}
    return {}


@transaction.atomic
def transition(*, initiative: Initiative, to: str, by, reason: str = "") -> Initiative:
    """Move an initiative to another status, then tell the proposer when it matters."""
    old = initiative.status
    if to == old:
        return initiative
    if to not in TRANSITIONS[old]:
        raise ValidationError(
            _("Passage impossible de « %(old)s » à « %(new)s ».")
            % {"old": Status(old).label, "new": Status(to).label}
        )
    if to not in allowed_targets(by, initiative):
        raise PermissionDenied(_("Seuls les modérateurs du territoire peuvent faire cela."))
    rejecting = old == Status.PENDING and to == Status.ARCHIVED
    fields: dict[str, Any] = {"status": to}
    if rejecting:
        if not reason.strip():
            raise ValidationError(_("Indiquez le motif du refus."))
        fields["rejection_reason"] = reason.strip()
    elif to == Status.PUBLISHED:
        fields["rejection_reason"] = ""
    initiative._history_user = by
    initiative = initiative_update(initiative=initiative, **fields)
    status_changed(initiative, old=old, by=by)
    return initiative


class OutsideTerritory(PermissionDenied):
    """The write would leave the initiative, or link it to records, outside the territory."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@transaction.atomic
def staff_initiative_write(
    *, by, initiative: Initiative | None = None, status: str | None = None, **fields: Any
) -> Initiative:
    """Create (`initiative=None`) or update an initiative as a staff account may.

    The record must end up in the account's territory, and a status change follows
    `transition` (editors draft and submit, moderators publish and archive; proposers
    told on commit). Related records are those the admin form offers (`linkable_choices`).
    All or nothing. Raises OutsideTerritory, PermissionDenied (status) and
    ValidationError (status errors under "status").
    """
    _check_links(by, initiative, fields)
    if initiative is None:
        initiative = initiative_create(**fields)
        outside = _("Cette initiative est hors de votre territoire.")
    else:
        initiative = initiative_update(initiative=initiative, **fields)
        outside = _("Cette initiative sortirait de votre territoire.")
    if not user_can_edit_initiative(by, initiative):
        raise OutsideTerritory(outside)
    if status is None or status == initiative.status:
        return initiative
    try:
        return transition(
            initiative=initiative, to=status, by=by, reason=fields.get("rejection_reason", "")
        )
    except ValidationError as exc:
        raise ValidationError({"status": exc.messages}) from exc


@transaction.atomic
def staff_form_save(*, initiative: Initiative, by, old_status: str | None) -> Initiative:
    """Save an initiative the admin form validated (territory and status rules included).

    A new record gets its slug; the history names the author; the proposer of a
    suggestion is told of the decision on commit. The admin saves the m2m fields after.
    """
    initiative._history_user = by
    if not initiative.slug:
        initiative.slug = unique_slug(initiative.name)
    initiative = initiative_update(initiative=initiative)
    if old_status and old_status != initiative.status:
        status_changed(initiative, old=old_status, by=by)
    return initiative


def _check_links(user, initiative: Initiative | None, fields: dict[str, Any]) -> None:
    if user.is_superuser:
        return
    for name, allowed in linkable_choices(user, initiative).items():
        chosen = fields.get(name)
        if chosen is None:
            continue
        pks = {obj.pk for obj in chosen} if name == "coverage" else {chosen.pk}
        if pks and allowed.filter(pk__in=pks).count() != len(pks):
            raise OutsideTerritory(_("Choix hors de votre territoire."), field=name)


def submit(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.PENDING, by=by)


def publish(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.PUBLISHED, by=by)


def reject(*, initiative: Initiative, by, reason: str) -> Initiative:
    if initiative.status != Status.PENDING:
        raise ValidationError(_("Seule une proposition en attente de relecture peut être refusée."))
    return transition(initiative=initiative, to=Status.ARCHIVED, by=by, reason=reason)


def archive(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.ARCHIVED, by=by)


def status_changed(initiative: Initiative, *, old: str, by=None) -> None:
    """E-mail the proposer of a public suggestion once it is published or rejected.

    Sent when the transaction commits, so a rolled-back decision sends nothing.
    """
    if not initiative.proposer_email or old != Status.PENDING:
        return
    kind = {Status.PUBLISHED: "published", Status.ARCHIVED: "rejected"}.get(initiative.status)
    if kind:
        recipients = [initiative.proposer_email]
        transaction.on_commit(lambda: _notify(initiative, kind, recipients), robust=True)


# --- public suggestions -------------------------------------------------------------------


@transaction.atomic
def suggestion_create(
    *,
    name: str,
    commune,
    proposer_name: str,
    proposer_email: str,
    themes: Iterable[Theme] = (),
    **fields: Any,
) -> Initiative:
    """A pending initiative from the public form; acknowledged, and moderators told."""
    initiative = initiative_create(
        name=name,
        commune=commune,
        themes=themes,
        status=Status.PENDING,
        proposer_name=proposer_name,
        proposer_email=proposer_email,
        postcode=commune.postcode_list[0] if len(commune.postcode_list) == 1 else "",
        **fields,
    )
    transaction.on_commit(lambda: _notify_new_suggestion(initiative), robust=True)
    return initiative


def moderators_emails(initiative: Initiative) -> list[str]:
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            interco_memberships__interco_id__in=territory_intercos(initiative),
        )
        .exclude(email="")
        .distinct()
    )
    moderators = users.filter(interco_memberships__role=IntercoMembership.Role.MODERATOR)
    chosen = list(moderators.values_list("email", flat=True)) or list(
        users.values_list("email", flat=True)
    )
    return sorted(set(chosen))


def _notify_new_suggestion(initiative: Initiative) -> None:
    _notify(initiative, "received", [initiative.proposer_email])
    staff = moderators_emails(initiative)
    if staff:
        _notify(initiative, "to_review", staff)


SUBJECTS = {
    "received": "Votre proposition « %(name)s » a bien été reçue",
    "to_review": "Nouvelle proposition à relire : « %(name)s »",
    "published": "Votre proposition « %(name)s » est publiée",
    "rejected": "Votre proposition « %(name)s » n'a pas été retenue",
}


def _notify(initiative: Initiative, kind: str, recipients: list[str]) -> None:
    site_url = settings.SITE_URL.rstrip("/")
    with translation.override("fr"):
        # One line: a name typed with a line break must not break (or inject) a header.
        subject = " ".join((_(SUBJECTS[kind]) % {"name": initiative.name}).split())
        body = render_to_string(
            f"initiatives/emails/{kind}.txt",
            {"initiative": initiative, "site_url": site_url},
        )
    try:
        send_mail(subject, body, None, recipients, fail_silently=False)
    except OSError:
        # A mail server outage must not undo a moderation decision; it is logged.
        logger.exception("Could not send the %s e-mail for initiative %s", kind, initiative.pk)
