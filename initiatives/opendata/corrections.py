""" "Signaler une erreur ou proposer une modification": reports, and the moderator's decision.

A visitor's report names a field, says what is wrong and may propose the right value. It
waits in the territory's moderation queue (the admin's "Signalements d'erreur"), shown as a
diff between the record as it is now and the proposal. A moderator of the territory
accepts it (the value is written through the write rules, like any staff write) or
refuses it, in one click; the reporter, if they left an address, is told either way.

The reporter's text reaches the moderators' mail only defanged and cut
(`essmap.mailsafe.defang`: one line, no link; the whole text is in the admin); the
acknowledgement to the reporter's unconfirmed address quotes none of it and counts
towards that address's daily limit (`recipients.quota_take`).
"""

import difflib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from essmap.mailsafe import defang
from initiatives import hours, import_cells, moderation, rules, services
from initiatives.models import Initiative

from .models import ChangeReport
from .recipients import quota_take

logger = logging.getLogger(__name__)
Field = ChangeReport.Field
Status = ChangeReport.Status
MAIL_TEXT_MAX = 300  # characters of the reporter's text quoted in the moderators' mail


def field_value(initiative: Initiative, field: str) -> str:
    if field == Field.OTHER:
        return ""
    value = getattr(initiative, field)
    return "" if value is None else str(value)


@transaction.atomic
def report_create(
    *,
    initiative: Initiative,
    field: str,
    message: str,
    proposed_value: str = "",
    email: str = "",
    from_manager: bool = False,
) -> ChangeReport:
    """Record a report on a published initiative; moderators and the reporter are told."""
    if initiative.status != Initiative.Status.PUBLISHED:
        raise ValidationError(_("Cette fiche n'est pas publiée."))
    report = ChangeReport.objects.create(
        initiative=initiative,
        field=field,
        current_value=field_value(initiative, field),
        proposed_value=proposed_value.strip(),
        message=message.strip(),
        email=email.strip(),
        from_manager=from_manager,
    )
    transaction.on_commit(lambda: _notify_new(report), robust=True)
    return report


def can_decide(user, report: ChangeReport) -> bool:
    """Moderators of the record's territory (and superusers): the moderation predicate."""
    return rules.can_moderate(user, report.initiative)


def _decided(report: ChangeReport, *, by) -> None:
    if report.status != Status.PENDING:
        raise ValidationError(_("Ce signalement a déjà été traité."))
    if not can_decide(by, report):
        raise PermissionDenied(_("Seuls les modérateur·rices du territoire peuvent faire cela."))


@transaction.atomic
def report_accept(*, report: ChangeReport, by) -> ChangeReport:
    """Write the proposed value through the write rules, then close the report."""
    report = ChangeReport.objects.select_for_update().get(pk=report.pk)
    _decided(report, by=by)
    if report.field == Field.OTHER or not report.proposed_value:
        raise ValidationError(
            _("Pas de valeur à reporter : modifiez la fiche vous-même, puis refusez ou acceptez.")
        )
    value = value_to_write(report.field, report.proposed_value)
    write_field(by=by, initiative=report.initiative, field=report.field, value=value)
    return _close(report, Status.ACCEPTED, by=by)


def value_to_write(field: str, proposed: str) -> str:
    """The proposed text as the import reads the same cell: French opening hours become the
    OpenStreetMap syntax, a bare web address gets its scheme. Hours that cannot be read
    are refused with what to do (no write), rather than the OpenStreetMap syntax error."""
    if field == Field.OPENING_HOURS:
        try:
            return hours.to_osm(proposed)[0]
        except ValidationError:
            raise ValidationError(
                _(
                    "Horaires proposés illisibles : « %(value)s ». Écrivez-les sur la fiche "
                    "(ex. « lundi-vendredi 9h-12h 14h-18h »), puis refusez ce signalement."
                )
                % {"value": Truncator(" ".join(proposed.split())).chars(120)},
                code="opening_hours",
            ) from None
    normalise = import_cells.NORMALISERS.get(field)
    return normalise(proposed) if normalise is not None else proposed


@transaction.atomic
def report_refuse(*, report: ChangeReport, by) -> ChangeReport:
    report = ChangeReport.objects.select_for_update().get(pk=report.pk)
    _decided(report, by=by)
    return _close(report, Status.REFUSED, by=by)


def write_field(*, by, initiative: Initiative, field: str, value: str) -> Initiative:
    """One field changed as this moderator, through the one staff write."""
    return services.staff_write(by=by, initiative=initiative, values={field: value})


def _close(report: ChangeReport, status: str, *, by) -> ChangeReport:
    report.status, report.decided_at, report.decided_by = status, timezone.now(), by
    report.save(update_fields=["status", "decided_at", "decided_by"])
    if report.email:
        transaction.on_commit(lambda: _notify_reporter(report), robust=True)
    return report


# --- the diff shown to moderators ------------------------------------------------------------
def diff_html(old: str, new: str) -> str:
    """Word-level diff: removed words in <del>, added words in <ins> (escaped)."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", " ".join(b[j1:j2])))
        if op == "equal":
            parts.append(format_html("{}", " ".join(a[i1:i2])))
    return format_html_join(" ", "{}", ((p,) for p in parts))


# --- e-mails ---------------------------------------------------------------------------------
def _site() -> str:
    return (settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")


def _mail(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    with translation.override("fr"):
        body = render_to_string(template, {"site_url": _site(), **context})
    try:
        send_mail(" ".join(subject.split()), body, None, recipients, fail_silently=False)
    except OSError:
        logger.exception("Could not send %s", template)


def _notify_new(report: ChangeReport) -> None:
    name = report.initiative.name
    staff = moderation.moderators_emails(report.initiative)
    review = _site() + reverse("admin:opendata_changereport_change", args=[report.pk])
    with translation.override("fr"):
        if staff:
            _mail(
                _("Erreur signalée sur « %(name)s »") % {"name": name},
                "opendata/emails/report_to_review.txt",
                {
                    "report": report,
                    "review_url": review,
                    "message": defang(report.message, limit=MAIL_TEXT_MAX),
                    "proposed": defang(report.proposed_value, limit=MAIL_TEXT_MAX),
                },
                staff,
            )
        if report.email and quota_take(report.email, day=timezone.localdate()):
            _mail(
                _("Votre signalement sur « %(name)s » a bien été reçu") % {"name": name},
                "opendata/emails/report_received.txt",
                {"report": report},
                [report.email],
            )


def _notify_reporter(report: ChangeReport) -> None:
    with translation.override("fr"):
        subject = _("Votre signalement sur « %(name)s » a été traité") % {
            "name": report.initiative.name
        }
    _mail(subject, "opendata/emails/report_decided.txt", {"report": report}, [report.email])
    # The address served only to tell the reporter: once told, it is erased.
    ChangeReport.objects.filter(pk=report.pk).update(email="")
