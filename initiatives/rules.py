"""The write rules for initiatives: every write on an initiative is DECIDED here.

The writes themselves are made by `services.py` (`staff_write`, `transition` and its
submit/publish/reject/archive, `suggestion_create`), which every path calls: the admin
form, the history restore, the CSV/XLSX import, the API. Forms and import previews call
`write_errors` to show the refusals before saving. Each rule is written once:

- Who may write, and which records: `can_write` (the admin's permissions and the API's
  alike). Another territory's record is not "forbidden": callers answer exactly as for a
  missing one (`Initiative.DoesNotExist` / 404), so staff cannot tell it exists.
- The record must stay in the author's territory (its commune or a covered interco among
  the author's intercos), and its links must be among `checks.linkable_choices`.
- Status changes follow TRANSITIONS from the status of the record AS IT IS IN THE
  DATABASE NOW, never from a form's or an old version's (restoring a "published" version
  of an archived record is a change to "published"). Editors draft and submit; moderators
  of the territory (and superusers) also publish and archive. A new record is never
  archived. Refusing a suggestion (pending → archived) needs a reason for the proposer.
- The model's limits (point complete and in range, founding year), then postcode and
  point consistent with the commune and an http(s) website, checked when the record is
  created or when they change (a legacy inconsistency does not block an unrelated edit).
- Optimistic concurrency: a write made from a version older than the record's
  (`version`, its `updated_at`) is refused with `StaleWrite`, which names who changed the
  record, when, and each field's value on both sides; nothing is written. Inline rows
  (partnerships, key figures) changed from an older version: the same (`check_related_version`).
- An editor's change to a PUBLISHED record goes live at once (no pending revision), and
  the territory's moderators are told by e-mail when the transaction commits, with the
  list of changed fields and related items (`notify_moderators_of`): its own fields, its
  partnerships and key figures (inline or on their own admin pages), its coverage and
  themes, and unpublishing it (back to draft). Moderators' edits send no such e-mail;
  proposers of public suggestions are told when theirs is published or rejected.
- Deleting a record is a moderator's act (`delete_refusals`): moderators of its territory
  and superusers, never editors (an editor withdraws a record by moving it to draft).
  Records it carried (`carried_by`) lose the link with an entry in their own history;
  another record's partnership with it is deleted as that record's related change.
- Verification (`verified_at`, `verified_by`) is written only by a publication or a
  moderator's "Toujours exact" (`verification`); a staff write that sets it otherwise is
  refused (`VERIFICATION_FIELDS`), and a restored version keeps the record's current one.

Refusals are `WriteRefused` (a ValidationError: `message_dict` by field) or
`WriteForbidden` (also a PermissionDenied: a right the author lacks, 403 in the API).
`by=None` is a trusted caller (fixtures, the public suggestion service): only the rules
about the data apply.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from essmap.admin_scoping import is_staff_member
from intercos.models import Interco, IntercoMembership

from .checks import http_url, linkable_choices, location_errors
from .models import Initiative, KeyFigure, Partnership
from .staff_scope import initiative_intercos, initiatives_for_user

Status = Initiative.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PENDING, Status.PUBLISHED, Status.ARCHIVED},
    Status.PENDING: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
}
EDITOR_TARGETS = {Status.DRAFT, Status.PENDING}
LOCATION_FIELDS = ("commune", "postcode", "latitude", "longitude")
LINK_FIELDS = ("commune", "coverage", "carried_by_interco", "carried_by")
VERIFICATION_FIELDS = ("verified_at", "verified_by")
ALL = NON_FIELD_ERRORS


# --- refusals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    field: str  # ALL for the record as a whole
    message: str
    forbidden: bool = False  # a right the author lacks, rather than a wrong value


class WriteRefused(ValidationError):
    """The write breaks a rule; `message_dict` says which field, `refusals` the details."""

    def __init__(self, refusals: Iterable[Refusal]):
        self.refusals = list(refusals)
        errors: dict[str, list[str]] = {}
        for refusal in self.refusals:
            errors.setdefault(refusal.field, []).append(refusal.message)
        super().__init__(errors)

    @property
    def forbidden(self) -> bool:
        return any(r.forbidden for r in self.refusals)


class WriteForbidden(WriteRefused, PermissionDenied):
    """A refusal about rights (territory, moderation): a 403 in the API."""


def refuse(refusals: list[Refusal]) -> None:
    if refusals:
        kind = WriteForbidden if any(r.forbidden for r in refusals) else WriteRefused
        raise kind(refusals)


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    theirs: str
    yours: str


class StaleWrite(Exception):
    """The record changed since the author opened it (optimistic concurrency)."""

    def __init__(self, *, who: str, when: datetime, differences: list[Difference]):
        self.who, self.when, self.differences = who, when, differences
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "Cette fiche a été modifiée par %(who)s à %(time)s depuis que vous l'avez ouverte."
        ) % {"who": self.who, "time": timezone.localtime(self.when).strftime("%H:%M")}


# --- who may write ----------------------------------------------------------------------------


def can_write(user, initiative: Initiative | None = None) -> bool:
    """THE who-may-write predicate (admin permissions and API permissions alike).

    Without a record: may the user write initiatives at all (create). With one: is it in
    the user's territory (located in or covering one of its intercos; any for superusers).
    """
    if not is_staff_member(user):
        return False
    if initiative is None or initiative.pk is None or user.is_superuser:
        return True
    return initiatives_for_user(user).filter(pk=initiative.pk).exists()


def can_moderate_in(user, interco_ids: Iterable[str]) -> bool:
    """Superusers, and moderators of one of these intercos."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return IntercoMembership.objects.filter(
        user=user, role=IntercoMembership.Role.MODERATOR, interco_id__in=list(interco_ids)
    ).exists()


def can_moderate(user, initiative: Initiative | None = None) -> bool:
    """Superusers, and moderators of one of the initiative's intercos (of any, if None)."""
    if initiative is None or initiative.pk is None:
        if not (user and user.is_authenticated and user.is_active):
            return False
        return (
            user.is_superuser
            or IntercoMembership.objects.filter(
                user=user, role=IntercoMembership.Role.MODERATOR
            ).exists()
        )
    return can_moderate_in(user, initiative_intercos(initiative))


def current_record(pk, *, lock: bool = False) -> Initiative | None:
    """The record as it is in the database now (None when there is none); its coverage and
    themes are read now too, so that they still say what they were once the write is made."""
    if pk is None:
        return None
    queryset = Initiative.objects.select_related("commune").prefetch_related("coverage", "themes")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(pk=pk).first()


def allowed_targets(user, current: Initiative | None) -> set[str]:
    """Statuses the user may give the record as it is now (its current one included)."""
    old = current.status if current is not None else None
    targets = (TRANSITIONS[old] | {old}) if old else set(Status.values) - {Status.ARCHIVED}
    if not can_moderate(user, current):
        targets = (targets & EDITOR_TARGETS) | ({old} if old else set())
    return targets


# --- the checks -------------------------------------------------------------------------------


def _value(name: str, current: Initiative | None, values: Mapping[str, Any]):
    if name in values:
        return values[name]
    if name in ("coverage", "themes"):
        return list(getattr(current, name).all()) if current is not None else []
    return getattr(current, name) if current is not None else None


def _key(value):
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return sorted(str(getattr(v, "pk", v)) for v in value)
    return getattr(value, "pk", value)


def _changed(name: str, current: Initiative | None, values: Mapping[str, Any]) -> bool:
    if name not in values:
        return False
    return current is None or _key(values[name]) != _key(_value(name, current, {}))


def _link_refusals(by, current, values) -> list[Refusal]:
    refusals = []
    for name, allowed in linkable_choices(by, current).items():
        chosen = values.get(name)
        if not chosen:
            continue
        pks = {obj.pk for obj in chosen} if name == "coverage" else {chosen.pk}
        if allowed.filter(pk__in=pks).count() != len(pks):
            refusals.append(Refusal(name, _("Ce choix n'est pas dans votre territoire."), True))
    return refusals


def _territory_refusals(by, current, values) -> list[Refusal]:
    mine = set(Interco.objects.for_user(by).values_list("pk", flat=True))
    commune = _value("commune", current, values)
    coverage = _value("coverage", current, values) or ()
    if (commune is not None and commune.interco_id in mine) or any(
        ic.pk in mine for ic in coverage
    ):
        return []
    message = _(
        "Choisissez une commune ou un territoire couvert dans votre intercommunalité : "
        "vous ne pourriez plus voir cette fiche."
    )
    return [Refusal(ALL, message, forbidden=True)]


def status_refusals(*, by, current: Initiative | None, values: Mapping[str, Any]) -> list:
    """The status machine, from the CURRENT record's status to the one asked for."""
    old = current.status if current is not None else None
    to = values.get("status")
    if not to or to == old:
        return []
    if old is None and to == Status.ARCHIVED:
        return [Refusal("status", _("Une nouvelle fiche ne peut pas être archivée."))]
    if old is not None and to not in TRANSITIONS[old]:
        message = _("Passage impossible de « %(old)s » à « %(new)s ».") % {
            "old": Status(old).label,
            "new": Status(to).label,
        }
        return [Refusal("status", message)]
    if by is not None and to not in EDITOR_TARGETS:
        commune = _value("commune", current, values)
        intercos = {commune.interco_id} if commune is not None else set()
        intercos.update(ic.pk for ic in _value("coverage", current, values) or ())
        if current is not None:
            intercos |= initiative_intercos(current)
        if not can_moderate_in(by, intercos):
            message = _("Seuls les modérateur·rices du territoire peuvent publier ou archiver.")
            return [Refusal("status", message, forbidden=True)]
    reason = values.get("rejection_reason") or ""
    # A register's record awaiting review is no one's suggestion: no one to give a reason to.
    from_register = _value("origin", current, values) == Initiative.Origin.REGISTER
    refusing = old == Status.PENDING and to == Status.ARCHIVED and not from_register
    if refusing and not reason.strip():
        message = _("Indiquez le motif du refus : il est envoyé à la personne.")
        return [Refusal("rejection_reason", message)]
    return []


def _limit_refusals(current, values) -> list[Refusal]:
    """The model's check constraints, said in words (the database would refuse anyway)."""
    refusals = []
    year = _value("founded_year", current, values)
    if year is not None and not 1800 <= year <= 2100:
        refusals.append(Refusal("founded_year", _("Année de création entre 1800 et 2100.")))
    lat, lon = _value("latitude", current, values), _value("longitude", current, values)
    if (lat is None) != (lon is None):
        message = _("Renseignez les deux, latitude et longitude, ou aucune.")
        refusals.append(Refusal("latitude", message))
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        refusals.append(Refusal("latitude", _("Coordonnées hors limites.")))
    return refusals


def _data_refusals(current, values) -> list[Refusal]:
    refusals = _limit_refusals(current, values)
    if refusals:
        return refusals
    if any(_changed(name, current, values) for name in LOCATION_FIELDS):
        errors = location_errors(
            commune=_value("commune", current, values),
            postcode=_value("postcode", current, values) or "",
            latitude=_value("latitude", current, values),
            longitude=_value("longitude", current, values),
        )
        refusals += [Refusal(name, message) for name, message in errors.items()]
    website = values.get("website")
    if website and _changed("website", current, values):
        try:
            http_url(website)
        except ValidationError as exc:
            refusals += [Refusal("website", message) for message in exc.messages]
    return refusals


def write_errors(*, by, current: Initiative | None, values: Mapping[str, Any]) -> list[Refusal]:
    """Every rule a write must pass, without writing (forms and import previews show them).

    `current`: the record as it is in the database now (`current_record`), None to create.
    `values`: what the write sets (model fields, `coverage` as intercos).
    """
    refusals: list[Refusal] = []
    if by is not None and not by.is_superuser:
        refusals += _link_refusals(by, current, values)
        if not refusals:
            refusals += _territory_refusals(by, current, values)
    refusals += status_refusals(by=by, current=current, values=values)
    refusals += _data_refusals(current, values)
    return refusals


# --- optimistic concurrency -------------------------------------------------------------------


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "all"):
        value = list(value.all())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    return str(value)


def check_version(current: Initiative | None, version, proposed: Mapping[str, Any]) -> None:
    """Refuse a write made from an older version than the record's (None: not checked).

    `proposed`: the values the write would leave; raises StaleWrite when any differs from
    the record's, naming who last changed it and when.
    """
    if version is None or current is None or version == current.updated_at:
        return
    differences = []
    for name, yours in proposed.items():
        field = Initiative._meta.get_field(name)
        theirs = getattr(current, name)
        if field.many_to_many:
            theirs = list(theirs.all())
        if _key(theirs) != _key(yours):
            differences.append(
                Difference(name, str(field.verbose_name), _shown(theirs), _shown(yours))
            )
    if not differences:
        return  # the write would leave the record as it is: nothing to lose
    raise _stale(current, differences)


def check_related_version(current: Initiative | None, version, label: str, theirs, yours):
    """Related items (an inline's rows) changed from an older version than the record's:
    refused like a field (someone may have changed them meanwhile), naming them."""
    if version is None or current is None or version == current.updated_at or not yours:
        return
    raise _stale(current, [Difference(label, label, _shown(list(theirs)), _shown(list(yours)))])


def _stale(current: Initiative, differences: list[Difference]) -> StaleWrite:
    """The conflict, naming who last changed the record or what hangs from it, and when."""
    last = [current.history.order_by("-history_date").select_related("history_user").first()]
    for model in (Partnership, KeyFigure):
        entries = model.history.filter(initiative_id=current.pk).select_related("history_user")
        last.append(entries.order_by("-history_date").first())
    entry = max((e for e in last if e is not None), key=lambda e: e.history_date, default=None)
    user = entry.history_user if entry is not None else None
    who = (user.get_full_name() or user.get_username()) if user is not None else _("quelqu'un")
    return StaleWrite(who=who, when=current.updated_at, differences=differences)


def changed_values(current: Initiative, proposed: Mapping[str, Any]) -> dict[str, Any]:
    """The proposed values that differ from the record's."""
    return {name: value for name, value in proposed.items() if _changed(name, current, proposed)}


def moderators_must_be_told(by, current: Initiative, initiative: Initiative | None = None) -> bool:
    """A change by someone other than the territory's moderators to a published record.

    It is live at once (or, unpublishing, gone at once): the moderators review it afterwards.
    """
    if by is None or current.status != Status.PUBLISHED:
        return False
    intercos = initiative_intercos(current)
    if initiative is not None:
        intercos |= initiative_intercos(initiative)
    return not can_moderate_in(by, intercos)


def notify_moderators_of(
    by, current: Initiative, initiative: Initiative, proposed, related: Iterable[str] = ()
) -> list[str]:
    """What the territory's moderators must be told of (none: no e-mail): the changed
    fields (the status when it is unpublished), then `related`, the changed related items
    (partnerships, key figures) as described by the caller."""
    if not moderators_must_be_told(by, current, initiative):
        return []
    return [
        str(Initiative._meta.get_field(name).verbose_name)
        for name in changed_values(current, proposed)
        if name not in VERIFICATION_FIELDS
    ] + list(related)


# --- deletion ----------------------------------------------------------------------------------


def can_delete(user, initiative: Initiative | None = None) -> bool:
    """Moderators of the record's territory (of any, without a record) and superusers."""
    if not can_write(user, initiative):
        return False
    return can_moderate(user, initiative)


def delete_refusals(*, by, current: Initiative) -> list[Refusal]:
    """Deleting a record: never an editor's act (they move it to draft instead)."""
    if by is not None and not can_moderate(by, current):
        message = _("Seuls les modérateur·rices du territoire peuvent supprimer une fiche.")
        return [Refusal(ALL, message, True)]
    return []


# --- freshness ---------------------------------------------------------------------------------


def verification(by) -> dict[str, Any]:
    """What a publication or a confirmation writes: verified today, and by whom."""
    name = (by.get_full_name() or by.get_username()) if by is not None else ""
    return {"verified_at": timezone.localdate(), "verified_by": name[:200]}


def implied_values(*, by, current: Initiative | None, proposed: Mapping[str, Any]) -> dict:
    """Values a write implies: publishing a record verifies it (`verified_at`, by whom).

    A national register's record created published, or published by the import itself
    (`by=None`), verifies nothing: it stays "non vérifiée par l'intercommunalité" until a
    moderator publishes or confirms it.
    """
    was = current.status if current is not None else None
    origin = _value("origin", current, proposed)
    if origin == Initiative.Origin.REGISTER and (by is None or current is None):
        return {}
    if proposed.get("status") == Status.PUBLISHED and was != Status.PUBLISHED:
        return verification(by)
    return {}


def kept_verification(current: Initiative | None) -> dict[str, Any]:
    """The verification a staff write leaves as it is (a restored version's is not taken)."""
    if current is None:
        return {"verified_at": None, "verified_by": ""}
    return {"verified_at": current.verified_at, "verified_by": current.verified_by}


def verification_message() -> str:
    return _(
        "La vérification ne se saisit pas : elle est enregistrée à la publication ou par "
        "« Toujours exact » (modérateur·rices)."
    )


def verification_refusals(*, by, current: Initiative | None, values) -> list[Refusal]:
    """Verification is set by a publication or "Toujours exact", never typed in."""
    if by is None:
        return []
    kept = kept_verification(current)
    message = verification_message()
    return [
        Refusal(name, message, True)
        for name in VERIFICATION_FIELDS
        if name in values and values[name] != kept[name]
    ]


def confirm_refusals(*, by, current: Initiative) -> list[Refusal]:
    """ "Toujours exact" is a moderator's act on a published record of their territory."""
    if not can_moderate(by, current):
        message = _("Seuls les modérateur·rices du territoire peuvent confirmer une fiche.")
        return [Refusal(ALL, message, True)]
    if current.status != Status.PUBLISHED:
        return [Refusal(ALL, _("Seule une fiche publiée peut être confirmée."))]
    return []
