"""Writes of the claims app: claims, managers, sign-in, a manager's edits and confirmation.

What a manager may write is decided by `initiatives/rules_manager.py` (`MANAGER_FIELDS`,
`manager_plan`, `manager_confirmation`); this module only applies its decisions:
descriptive fields through `services.initiative_update` (the manager named in the
history's change reason, the moderators told on commit), identity and placement as error
reports flagged `from_manager` (the moderation queue, shown as a diff).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from essmap.mailsafe import defang
from initiatives import moderation, rules, rules_manager
from initiatives.models import Initiative
from initiatives.opendata import corrections
from initiatives.opendata.models import ChangeReport
from initiatives.opendata.recipients import quota_take
from initiatives.services import initiative_update

from . import links
from .domains import same_organisation
from .models import ManagerClaim, ManagerReminder, RecordManager

logger = logging.getLogger(__name__)
ClaimStatus = ManagerClaim.Status
Purpose = links.Purpose


def site_url() -> str:
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def link_url(token: str) -> str:
    return site_url() + reverse("claims:link", args=[token])


def send(subject: str, template: str, context: dict, recipient: str, *, quiet=True) -> None:
    """One mail to one person (never several managers' addresses on one mail).

    `quiet`: a mail server failure is logged, not raised (the write it follows stands).
    """
    with translation.override("fr"):
        body = render_to_string(template, {"site_url": site_url(), **context})
    try:
        send_mail(" ".join(subject.split()), body, None, [recipient], fail_silently=False)
    except OSError:
        if not quiet:
            raise
        logger.exception("Could not send %s", template)


# --- claims ----------------------------------------------------------------------------------
@transaction.atomic
def claim_create(*, initiative: Initiative, name: str, email: str, role: str) -> ManagerClaim:
    """A claim on a published record; its address is confirmed by a link before anything."""
    if initiative.status != Initiative.Status.PUBLISHED:
        raise Initiative.DoesNotExist
    claim = ManagerClaim.objects.create(
        initiative=initiative, name=name.strip(), email=email.strip(), role=role.strip()
    )
    token = links.make(purpose=Purpose.CLAIM, email=claim.email, claim=claim)

    def mail():
        # An address nobody confirmed yet: a few mails a day at most, whoever asks.
        if quota_take(claim.email, day=timezone.localdate()):
            with translation.override("fr"):
                subject = _("Confirmez votre demande de gestion d'une fiche")
            send(subject, "claims/emails/claim_confirm.txt",
                 {"claim": claim, "title": moderation.mail_title(initiative.name),
                  "url": link_url(token)}, claim.email)  # fmt: skip

    transaction.on_commit(mail, robust=True)
    return claim


@dataclass
class ClaimOutcome:
    claim: ManagerClaim
    manager: RecordManager | None = None  # granted: the claimant is signed in


@transaction.atomic
def claim_confirm(*, link) -> ClaimOutcome:
    """The claimant followed the link: granted at once (the site's domain) or queued."""
    claim = ManagerClaim.objects.select_for_update().get(pk=link.claim_id)
    if claim.status != ClaimStatus.UNCONFIRMED:
        manager = RecordManager.objects.filter(
            initiative=claim.initiative, email__iexact=claim.email
        ).first()
        return ClaimOutcome(claim, manager)
    claim.confirmed_at = timezone.now()
    existing = RecordManager.objects.filter(
        initiative=claim.initiative, email__iexact=claim.email
    ).first()
    if existing is not None or same_organisation(claim.email, claim.initiative.website):
        claim.by_domain = existing is None
        manager = existing or _grant(claim, by=None)
        claim.status, claim.decided_at = ClaimStatus.GRANTED, timezone.now()
        claim.save()
        return ClaimOutcome(claim, manager)
    claim.status = ClaimStatus.PENDING
    claim.save()
    transaction.on_commit(lambda: _tell_moderators(claim), robust=True)
    return ClaimOutcome(claim)


def _grant(claim: ManagerClaim, *, by) -> RecordManager:
    manager, _created = RecordManager.objects.get_or_create(
        initiative=claim.initiative,
        email=claim.email.lower(),
        defaults={"name": claim.name, "role": claim.role, "confirmed_at": claim.confirmed_at,
                  "granted_by": by},
    )  # fmt: skip
    return manager


def can_decide(user, claim: ManagerClaim) -> bool:
    return rules.can_moderate(user, claim.initiative)


def _decided(claim: ManagerClaim, *, by) -> ManagerClaim:
    claim = ManagerClaim.objects.select_for_update().select_related("initiative").get(pk=claim.pk)
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    if not can_decide(by, claim):
        raise PermissionDenied(_("Seul·es les modérateur·rices du territoire peuvent faire cela."))
    return claim


@transaction.atomic
def claim_accept(*, claim: ManagerClaim, by) -> RecordManager:
    claim = _decided(claim, by=by)
    manager = _grant(claim, by=by)
    claim.status, claim.decided_at, claim.decided_by = ClaimStatus.GRANTED, timezone.now(), by
    claim.save(update_fields=["status", "decided_at", "decided_by"])
    transaction.on_commit(lambda: _tell_claimant(claim, granted=True), robust=True)
    return manager


@transaction.atomic
def claim_refuse(*, claim: ManagerClaim, by) -> ManagerClaim:
    claim = _decided(claim, by=by)
    claim.status, claim.decided_at, claim.decided_by = ClaimStatus.REFUSED, timezone.now(), by
    claim.save(update_fields=["status", "decided_at", "decided_by"])
    transaction.on_commit(lambda: _tell_claimant(claim, granted=False), robust=True)
    return claim


def _tell_moderators(claim: ManagerClaim) -> None:
    review = site_url() + reverse("admin:claims_managerclaim_change", args=[claim.pk])
    with translation.override("fr"):
        subject = _("Demande de gestion de la fiche « %(name)s »") % {"name": claim.initiative.name}
    for email in moderation.moderators_emails(claim.initiative):
        send(subject, "claims/emails/claim_to_review.txt",
             {"claim": claim, "review_url": review, "who": defang(claim.name, limit=100),
              "role": defang(claim.role, limit=100)}, email)  # fmt: skip


def _tell_claimant(claim: ManagerClaim, *, granted: bool) -> None:
    token = links.make(purpose=Purpose.SIGNIN, email=claim.email) if granted else ""
    with translation.override("fr"):
        subject = (
            _("Vous pouvez mettre à jour la fiche « %(name)s »")
            if granted
            else _("Votre demande de gestion de la fiche « %(name)s » n'a pas été acceptée")
        ) % {"name": claim.initiative.name}
    send(subject, "claims/emails/claim_decided.txt",
         {"claim": claim, "granted": granted, "url": link_url(token) if token else ""},
         claim.email)  # fmt: skip
    # The claim's address served to decide and to tell: once told, it is erased (a granted
    # manager's address lives on their RecordManager row, which they can delete by leaving).
    ManagerClaim.objects.filter(pk=claim.pk).update(email="")


# --- managers --------------------------------------------------------------------------------
def manager_leave(*, manager: RecordManager) -> None:
    """The manager stops managing the record: their row (and address) is deleted."""
    RecordManager.objects.filter(pk=manager.pk).delete()


def manager_remove(*, manager: RecordManager, by) -> None:
    if not rules.can_moderate(by, manager.initiative):
        raise PermissionDenied(_("Seul·es les modérateur·rices du territoire peuvent faire cela."))
    RecordManager.objects.filter(pk=manager.pk).delete()


def signin_request(*, email: str) -> bool:
    """Mail a sign-in link to an address that manages at least one record (else nothing)."""
    email = email.strip()
    if not RecordManager.objects.filter(email__iexact=email).exists():
        return False
    token = links.make(purpose=Purpose.SIGNIN, email=email.lower())
    with translation.override("fr"):
        subject = _("Votre lien de connexion pour mettre à jour votre fiche")
    send(subject, "claims/emails/signin.txt", {"url": link_url(token)}, email)
    return True


def signed_in(*, email: str) -> None:
    RecordManager.objects.filter(email__iexact=email).update(last_signed_in_at=timezone.now())


# --- a manager's write ------------------------------------------------------------------------
@dataclass
class ManagerWrite:
    published: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)


def _answered(initiative: Initiative) -> None:
    ManagerReminder.objects.filter(initiative=initiative, answered_at=None).update(
        answered_at=timezone.now()
    )


@transaction.atomic
def manager_write(*, manager: RecordManager, values: dict, version=None) -> ManagerWrite:
    """Publish what the rules let a manager publish, queue the rest as reports.

    Raises Initiative.DoesNotExist (not theirs, not published), rules.WriteRefused,
    rules.StaleWrite.
    """
    current = rules.current_record(manager.initiative_id, lock=True)
    plan = rules_manager.manager_plan(manager=manager, current=current, values=values)
    result = ManagerWrite()
    label = rules_manager.manager_label(manager)
    if plan.publish:
        rules.check_version(current, version, plan.publish)
        current._change_reason = label
        current._history_user = None
        initiative_update(initiative=current, **plan.publish)
        result.published = [
            str(Initiative._meta.get_field(name).verbose_name) for name in plan.publish
        ]
        moderation.notify_published_edit(current, by=None, fields=result.published, author=label)
    for name, value in plan.queue.items():
        result.queued.append(str(Initiative._meta.get_field(name).verbose_name))
        already = ChangeReport.objects.filter(
            initiative=current, field=name, proposed_value=str(value).strip(),
            status=ChangeReport.Status.PENDING, from_manager=True,
        )  # fmt: skip
        if already.exists():
            continue  # the same proposal saved again: one entry in the queue
        corrections.report_create(
            initiative=current,
            field=name,
            message=_("Modification proposée par %(who)s.") % {"who": label},
            proposed_value=str(value),
            email=manager.email,
            from_manager=True,
        )
    if plan.publish or plan.queue:
        _answered(current)
    return result


@transaction.atomic
def manager_confirm(*, manager: RecordManager) -> Initiative:
    """ "Toujours exact": the record is confirmed today by the structure."""
    current = rules.current_record(manager.initiative_id, lock=True)
    values = rules_manager.manager_confirmation(manager=manager, current=current)
    current._change_reason = rules_manager.manager_label(manager)
    current._history_user = None
    initiative_update(initiative=current, **values)
    _answered(current)
    return current


def managers_of(email: str):
    return RecordManager.objects.filter(email__iexact=email).select_related("initiative")


def manager_add(*, initiative: Initiative, email: str, name: str, role: str = "", by):
    """A moderator invites a manager by address (no claim to confirm): they get a link."""
    if not rules.can_moderate(by, initiative):
        raise PermissionDenied(_("Seul·es les modérateur·rices du territoire peuvent faire cela."))
    email = email.strip().lower()
    try:
        with transaction.atomic():
            manager = RecordManager.objects.create(
                initiative=initiative, email=email, name=name, role=role, granted_by=by
            )
    except IntegrityError:
        return RecordManager.objects.get(initiative=initiative, email=email)

    def invite():
        token = links.make(purpose=Purpose.SIGNIN, email=email)
        with translation.override("fr"):
            subject = _("Vous pouvez mettre à jour la fiche « %(name)s »") % {
                "name": initiative.name
            }
        send(subject, "claims/emails/invited.txt",
             {"initiative": initiative, "url": link_url(token)}, email)  # fmt: skip

    transaction.on_commit(invite, robust=True)
    return manager
