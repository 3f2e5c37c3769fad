"""Writes on territories: reference import and geometry sync (idempotent, all or nothing),
and staff accounts (`staff_member_add`: the admin page and `manage.py add_staff`)."""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essmap.cache import data_changed
from essmap.text import normalize

from .models import Commune, Departement, Interco, IntercoMembership
from .reference import Reference
from .selectors import intercos_moderated_by

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    departements: int = 0
    intercos: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0


def _interco_slugs(reference: Reference) -> dict[str, str]:
    taken = dict(Interco.objects.values_list("slug", "siren"))
    slugs = {}
    for siren, ic in sorted(reference.intercos.items()):
        slug = slugify(ic.name)[:190] or siren
        if taken.get(slug, siren) != siren:
            slug = f"{slug}-{siren}"
        taken[slug] = siren
        slugs[siren] = slug
    return slugs


def _upsert(model, rows: dict[str, dict], report: ImportReport) -> None:
    existing = model.objects.in_bulk(list(rows))
    to_create, to_update, fields = [], [], set()
    for pk, values in rows.items():
        obj = existing.get(pk)
        if obj is None:
            to_create.append(model(pk=pk, **values))
            continue
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)


@transaction.atomic
def territories_import(*, reference: Reference) -> ImportReport:
    """Create or update départements, intercos and communes; running it twice changes nothing."""
    report = ImportReport(
        departements=len(reference.departements),
        intercos=len(reference.intercos),
        communes=len(reference.communes),
    )
    known = set(Departement.objects.values_list("code", flat=True))
    _upsert(
        Departement,
        {
            code: {"name": name or code, "region_code": reference.regions.get(code, "")}
            for code, name in reference.departements.items()
            if name or code not in known
        },
        report,
    )
    slugs = _interco_slugs(reference)
    _upsert(
        Interco,
        {
            siren: {
                "name": ic.name,
                "slug": slugs[siren],
                "kind": ic.kind,
                "population": ic.population,
            }
            for siren, ic in reference.intercos.items()
        },
        report,
    )
    _upsert(
        Commune,
        {
            insee: {
                "name": c.name,
                "search_name": normalize(c.name),
                "postcodes": " ".join(c.postcodes),
                "population": c.population,
                "departement_id": c.departement,
                "interco_id": c.interco,
            }
            for insee, c in reference.communes.items()
        },
        report,
    )
    through = Interco.departements.through
    wanted = {
        (c.interco, c.departement)
        for c in reference.communes.values()
        if c.interco in reference.intercos
    }
    current = set(
        through.objects.filter(interco_id__in=list(reference.intercos)).values_list(
            "interco_id", "departement_id"
        )
    )
    stale = current - wanted
    for interco_id, departement_id in stale:
        through.objects.filter(interco_id=interco_id, departement_id=departement_id).delete()
    through.objects.bulk_create(
        [through(interco_id=i, departement_id=d) for i, d in sorted(wanted - current)]
    )
    data_changed()
    return report


# --- staff accounts ----------------------------------------------------------------------


@dataclass
class StaffResult:
    """What `staff_member_add` did: the account, whether it is new, the changes (French)."""

    user: Any
    created: bool = False
    changes: list[str] = field(default_factory=list)
    link: str = ""  # the password-set link, when one was sent


def _staff_account(email: str):
    """The existing account for this address (by e-mail, else by username), or None."""
    users = get_user_model().objects
    found = list(users.filter(email__iexact=email)[:2])
    if len(found) > 1:
        raise ValidationError(
            _(
                "Plusieurs comptes ont l'adresse %(email)s : rattachez le bon depuis la liste "
                "des utilisateur·rices."
            )
            % {"email": email}
        )
    if found:
        return found[0]
    return users.filter(username__iexact=email).first()


def _split_name(name: str) -> tuple[str, str]:
    first, _sep, last = " ".join(name.split()).partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def staff_member_add(
    *,
    by,
    email: str,
    intercos: list[Interco],
    role: str,
    name: str = "",
    send_link: bool = False,
    site_url: str = "",
) -> StaffResult:
    """Make `email` a staff member of `intercos` with `role`: all it needs to sign in.

    Creates the account when none has this address (username = the address, unusable
    password) and e-mails it a link to choose its password; an existing account keeps its
    password (a link only with `send_link`). Sets the staff status and the memberships.
    Running it twice changes nothing. `by` is None for the command (an operator); otherwise
    superusers add anyone anywhere, moderators only to the intercos they moderate, and they
    may not reactivate a deactivated account. Raises ValidationError (nothing written).
    """
    email = get_user_model().objects.normalize_email(email.strip())
    if role not in IntercoMembership.Role.values:
        raise ValidationError(_("Rôle inconnu : %(role)s.") % {"role": role})
    if not intercos:
        raise ValidationError(_("Choisissez au moins une intercommunalité."))
    if by is not None and not by.is_superuser:
        allowed = set(intercos_moderated_by(by).values_list("siren", flat=True))
        if not {ic.siren for ic in intercos} <= allowed:
            raise ValidationError(
                _(
                    "Vous ne pouvez ajouter des membres qu'aux intercos dont vous êtes "
                    "modérateur·rice."
                )
            )
    user = _staff_account(email)
    result = StaffResult(user=user)
    if user is None:
        first, last = _split_name(name)
        model = get_user_model()
        if len(email) > model._meta.get_field("username").max_length:
            raise ValidationError(_("Cette adresse est trop longue pour servir d'identifiant."))
        user = model(username=email.lower(), email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.is_staff = True
        user.save()
        result.user, result.created = user, True
        result.changes.append(_("compte créé"))
    else:
        fields = []
        if not user.is_active:
            if by is not None and not by.is_superuser:
                raise ValidationError(
                    _(
                        "Ce compte est désactivé : seul·e un·e administrateur·rice peut le "
                        "réactiver."
                    )
                )
            user.is_active = True
            fields.append("is_active")
            result.changes.append(_("compte réactivé"))
        if not user.is_staff:
            user.is_staff = True
            fields.append("is_staff")
            result.changes.append(_("statut équipe ajouté"))
        if not user.email:
            if by is not None and not by.is_superuser:
                # The password-set link goes to this address: only an administrator sets it.
                raise ValidationError(
                    _(
                        "Ce compte n'a pas d'adresse e-mail : seul·e un·e administrateur·rice "
                        "peut la renseigner."
                    )
                )
            user.email = email
            fields.append("email")
            result.changes.append(_("adresse e-mail ajoutée"))
        if name.strip() and not (user.first_name or user.last_name):
            user.first_name, user.last_name = _split_name(name)
            fields += ["first_name", "last_name"]
            result.changes.append(_("nom ajouté"))
        if fields:
            user.save(update_fields=fields)
    current = {m.interco_id: m for m in user.interco_memberships.all()}
    role_label = IntercoMembership.Role(role).label
    for ic in intercos:
        membership = current.get(ic.siren)
        if membership is None:
            IntercoMembership.objects.create(user=user, interco=ic, role=role)
            result.changes.append(
                _("rattaché·e à %(interco)s (%(role)s)") % {"interco": ic, "role": role_label}
            )
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
            result.changes.append(
                _("rôle à %(interco)s : %(role)s") % {"interco": ic, "role": role_label}
            )
    if result.created or send_link:
        result.link = password_set_link(user, site_url=site_url)
        transaction.on_commit(lambda: _send_welcome(user, result.link, intercos), robust=True)
    return result


def password_set_link(user, *, site_url: str = "") -> str:
    """A link to choose a password (valid PASSWORD_RESET_TIMEOUT, once: it dies when used)."""
    root = (site_url or settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")
    path = reverse(
        "staff_password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return root + path


def _send_welcome(user, link: str, intercos: list[Interco]) -> None:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    with translation.override("fr"):
        subject = _("Votre accès à l'espace des intercommunalités d'essmap")
        body = render_to_string(
            "intercos/emails/staff_welcome.txt",
            {
                "user": user,
                "link": link,
                "interco_names": ", ".join(ic.name for ic in intercos),
                "days": days,
            },
        )
    try:
        send_mail(subject, body, None, [user.email], fail_silently=False)
    except OSError:
        logger.exception("Could not send the password-set e-mail to staff account %s", user.pk)
