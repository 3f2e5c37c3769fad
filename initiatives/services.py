"""EVERY write on an initiative goes through here (HackSoft services: keyword-only, typed,
validated, transactional); what may be written is decided by `rules.py`.

- `staff_write`: create or change an initiative as a staff account (the admin form, the
  history restore, an import row, the API), checked against the record as it is in the
  database now, locked until commit; refusals are `rules.WriteRefused`/`WriteForbidden`,
  a stale version `rules.StaleWrite`, another territory's record `Initiative.DoesNotExist`.
- `transition` and `submit`/`publish`/`reject`/`archive`: status changes (approval and
  rejection of suggestions included), through `staff_write`.
- `suggestion_create`: a public suggestion (always pending).
- `initiative_create`/`initiative_update`: persistence only (search keys, slug, cache),
  for the functions above, fixtures and benchmarks; they decide nothing.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from essmap.cache import data_changed
from essmap.text import normalize
from intercos.models import Commune, Interco

from . import location, moderation, rules
from .location import settle_point, stored_approximate_point
from .models import Initiative, Partnership, Theme

Status = Initiative.Status

# Fields a caller may set through initiative_create / initiative_update.
EDITABLE_FIELDS = {
    "name", "summary", "description", "kind", "legal_form", "carried_by", "carried_by_interco",
    "siret", "rna", "address", "postcode", "commune", "latitude", "longitude", "website", "email",
    "phone", "opening_hours", "founded_year", "employees", "status", "verified_at", "verified_by",
    "source", "article_note", "proposer_name", "proposer_email", "rejection_reason",
    "audience", "access_conditions",
    # Provenance, written by the register import (initiatives.registers.services).
    "origin", "register_source", "register_id", "finess", "register_date", "register_seen_at",
    "register_note", "register_values", "possible_duplicate_of",
}  # fmt: skip


def search_keys(initiative: Initiative) -> tuple[str, str]:
    name = normalize(initiative.name)
    text = " ".join(
        part for part in (name, normalize(initiative.summary), normalize(initiative.description))
        if part
    )  # fmt: skip
    return name, text


def refresh_search_keys(initiative: Initiative) -> None:
    initiative.search_name, initiative.search_text = search_keys(initiative)


def refresh_departement(initiative: Initiative) -> None:
    """Keep the commune's département on the row (the filtered list's index reads it)."""
    if not initiative.commune_id:
        initiative.departement_id = None
    elif Initiative.commune.is_cached(initiative) and initiative.commune is not None:
        initiative.departement_id = initiative.commune.departement_id
    else:
        initiative.departement_id = (
            Commune.objects.filter(pk=initiative.commune_id)
            .values_list("departement_id", flat=True)
            .first()
        )


def departements_sync(queryset=None) -> int:
    """Set every row's département from its commune in one UPDATE (bulk loads, loaddata)."""
    queryset = queryset if queryset is not None else Initiative.objects.all()
    of_commune = Commune.objects.filter(pk=OuterRef("commune_id")).values("departement_id")
    return queryset.update(departement_id=Subquery(of_commune[:1]))


def initiatives_reindex(queryset=None) -> int:
    """Recompute the search keys of every initiative (after loaddata, for instance)."""
    queryset = queryset if queryset is not None else Initiative.objects.all()
    changed = []
    for initiative in queryset.only("id", "name", "summary", "description").iterator():
        refresh_search_keys(initiative)
        changed.append(initiative)
    Initiative.objects.bulk_update(changed, ["search_name", "search_text"], batch_size=1000)
    departements_sync(queryset)
    data_changed()
    return len(changed)


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "initiative"
    slug, n = base, 2
    qs = Initiative.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(initiative: Initiative, fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: "Champ inconnu." for name in sorted(unknown)})
    previous = stored_approximate_point(initiative)
    for name, value in fields.items():
        setattr(initiative, name, value)
    settle_point(initiative, previous=previous)
    refresh_search_keys(initiative)
    refresh_departement(initiative)


def _save_new(initiative: Initiative, *, fixed_slug: bool, attempts: int = 5) -> None:
    """Insert, surviving a concurrent insert of the same generated slug.

    full_clean() already checked the constraints, but another request may have taken the slug
    (or the name in that commune) since: a generated slug gets the next suffix, anything else
    is re-validated so that the caller sees a ValidationError, never an IntegrityError.
    """
    for _attempt in range(attempts):
        try:
            with transaction.atomic():
                initiative.save(force_insert=True)
            return
        except IntegrityError:
            initiative.pk = None
            if fixed_slug or not Initiative.objects.filter(slug=initiative.slug).exists():
                initiative.full_clean()
                raise
            initiative.slug = unique_slug(initiative.name)
    raise ValidationError({"slug": "Impossible de trouver un identifiant libre, réessayez."})


@transaction.atomic
def initiative_create(
    *,
    name: str,
    themes: Iterable[Theme] = (),
    coverage: Iterable[Interco] = (),
    slug: str | None = None,
    **fields: Any,
) -> Initiative:
    initiative = Initiative(name=name, slug=slug or unique_slug(name))
    _apply(initiative, fields)
    initiative.full_clean()
    _save_new(initiative, fixed_slug=slug is not None)
    initiative.themes.set(themes)
    initiative.coverage.set(coverage)
    data_changed()
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    themes: Iterable[Theme] | None = None,
    coverage: Iterable[Interco] | None = None,
    **fields: Any,
) -> Initiative:
    _apply(initiative, fields)
    initiative.full_clean()
    initiative.save()
    if themes is not None:
        initiative.themes.set(themes)
    if coverage is not None:
        initiative.coverage.set(coverage)
    data_changed()
    return initiative


# --- staff and public writes (decided by rules.py) ---------------------------------------------


def _proposed_values(initiative: Initiative, values: Mapping[str, Any]) -> dict[str, Any]:
    """The model fields the write would leave on the record (for checks and conflicts)."""
    out = {name: getattr(initiative, name) for name in EDITABLE_FIELDS}
    out["commune"] = initiative.commune if initiative.commune_id else None
    out.update(values)
    return out


def staff_write(
    *,
    by,
    initiative: Initiative | None,
    values: Mapping[str, Any] | None = None,
    version: datetime | None = None,
    related: Callable[[Initiative], Iterable[str]] | None = None,
) -> Initiative:
    """Create (`initiative=None`) or change an initiative; the one staff write.

    `initiative` may carry unsaved changes (the admin form and the history restore apply
    theirs to it), `values` further ones (`themes`, `coverage` included). The rules are
    checked against the record as it is in the database now, locked until commit.
    `related`, called with the saved record in the same transaction, saves what hangs from
    it (the admin's inlines) and returns the changed items, which the notice lists.
    Raises Initiative.DoesNotExist for a record that is missing OR outside the author's
    territory (indistinguishable), rules.WriteRefused/rules.WriteForbidden, StaleWrite.
    """
    return _write(by=by, initiative=initiative, values=values, version=version, related=related)


@transaction.atomic
def _write(*, by, initiative, values, version=None, related=None, verifies=False) -> Initiative:
    """staff_write; `verifies`: the write is a confirmation ("Toujours exact")."""
    values = dict(values or {})
    if by is not None and not rules.can_write(by):
        raise rules.WriteForbidden(
            [rules.Refusal(rules.ALL, _("Vous n'avez pas accès à l'annuaire."), True)]
        )
    current = None
    if initiative is not None and initiative.pk is not None:
        current = rules.current_record(initiative.pk, lock=True)
        if current is None or (by is not None and not rules.can_write(by, current)):
            raise Initiative.DoesNotExist
    if by is not None and not verifies:
        rules.refuse(rules.verification_refusals(by=by, current=current, values=values))
        values.update(rules.kept_verification(current))
    target = initiative if initiative is not None else Initiative()
    checked = {name: value for name, value in values.items() if name != "themes"}
    proposed = {**_proposed_values(target, {}), **checked} if initiative is not None else checked
    if current is not None:
        rules.check_version(current, version, rules.changed_values(current, proposed))
    rules.refuse(rules.write_errors(by=by, current=current, values=proposed))
    values.update(rules.implied_values(by=by, current=current, proposed=proposed))
    if initiative is None:
        name = values.pop("name", "")
        initiative = initiative_create(name=name, **values)
    else:
        initiative._history_user = by
        if not initiative.slug:
            initiative.slug = unique_slug(initiative.name)
        initiative = initiative_update(initiative=initiative, **values)
    items = list(related(initiative)) if related is not None else []
    told = {**proposed, **({"themes": values["themes"]} if "themes" in values else {})}
    _after_write(by, current, initiative, told, items)
    return initiative


def _after_write(by, current: Initiative | None, initiative: Initiative, proposed, items) -> None:
    """Who is told of the write, once it commits."""
    if current is None:
        return
    if current.status != initiative.status:
        moderation.status_changed(initiative, old=current.status)
    fields = rules.notify_moderators_of(by, current, initiative, proposed, related=items)
    if fields:
        moderation.notify_published_edit(initiative, by=by, fields=fields)


def transition(*, initiative: Initiative, to: str, by, reason: str = "") -> Initiative:
    """Give an initiative another status (submit, publish, archive, reject)."""
    values: dict[str, Any] = {"status": to}
    if initiative.status == Status.PENDING and to == Status.ARCHIVED:
        values["rejection_reason"] = reason.strip()
    elif to == Status.PUBLISHED:
        values["rejection_reason"] = ""
    current = rules.current_record(initiative.pk)
    if current is not None and current.status == to:
        return initiative
    written = staff_write(by=by, initiative=current, values=values)
    initiative.refresh_from_db()
    return written


def confirm_accurate(*, initiative: Initiative, by) -> Initiative:
    """ "Toujours exact": a moderator confirms the record as it stands (verified today)."""
    current = rules.current_record(initiative.pk)
    if current is None or not rules.can_write(by, current):
        raise Initiative.DoesNotExist
    rules.refuse(rules.confirm_refusals(by=by, current=current))
    return _write(by=by, initiative=current, values=rules.verification(by), verifies=True)


def submit(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.PENDING, by=by)


def publish(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.PUBLISHED, by=by)


def reject(*, initiative: Initiative, by, reason: str) -> Initiative:
    if initiative.status != Status.PENDING:
        message = _("Seule une proposition en attente de relecture peut être refusée.")
        raise rules.WriteRefused([rules.Refusal("status", message)])
    return transition(initiative=initiative, to=Status.ARCHIVED, by=by, reason=reason)


def archive(*, initiative: Initiative, by) -> Initiative:
    return transition(initiative=initiative, to=Status.ARCHIVED, by=by)


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
    """A public suggestion: always pending, placed at its commune's centre (approximate, by
    location.settle_point in _apply); the proposer is acknowledged and the territory's
    moderators told (on commit)."""
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
    moderation.notify_new_suggestion(initiative)
    return initiative


# --- what hangs from an initiative, deletion, point settling (decided by rules.py) -------------


@transaction.atomic
def related_write(*, by, initiative_ids: Iterable[int], write: Callable[[], Iterable[str]]) -> None:
    """Change what hangs from initiatives (partnerships, key figures) outside their form.

    The records are locked and must be writable by the author (else Initiative.DoesNotExist,
    as a missing one); `write` saves and returns the changed items. They change exactly as
    a field would: live at once, the record's `updated_at` moves (caches, Last-Modified),
    and the moderators of a published record an editor changed are told, items listed.
    """
    records = []
    for pk in sorted({pk for pk in initiative_ids if pk is not None}):
        current = rules.current_record(pk, lock=True)
        if current is None or (by is not None and not rules.can_write(by, current)):
            raise Initiative.DoesNotExist
        records.append(current)
    items = list(write())
    for current in records:
        Initiative.objects.filter(pk=current.pk).update(updated_at=timezone.now())
        told = rules.notify_moderators_of(by, current, current, {}, related=items)
        if told:
            moderation.notify_published_edit(current, by=by, fields=told)
    data_changed()


def related_items(formset) -> list[str]:
    """What a saved inline formset changed, for the moderators' notice."""
    return [
        *(related_item(obj, "added") for obj in formset.new_objects),
        *(related_item(obj, "changed") for obj, _fields in formset.changed_objects),
        *(related_item(obj, "deleted") for obj in formset.deleted_objects),
    ]


def related_item(obj, action: str) -> str:
    """One changed related item as the notice names it: "modification : chiffre clé « Emplois »"
    (the action first: no "modifié(e)" agreeing with a kind of either gender)."""
    what = {
        "added": _("ajout : %(kind)s « %(name)s »"),
        "changed": _("modification : %(kind)s « %(name)s »"),
        "deleted": _("suppression : %(kind)s « %(name)s »"),
    }[action]
    return what % {"kind": obj._meta.verbose_name, "name": obj}


@transaction.atomic
def initiative_delete(*, by, initiative: Initiative) -> None:
    """Delete a record (rules.delete_refusals: moderators of its territory, never editors).

    Another record it touches keeps a trace, not a silent SET_NULL or CASCADE: a record it
    carried has its `carried_by` emptied by a save with an entry in its own history, and a
    partnership of another record with it is deleted as a related change of that record
    (history, `updated_at`); their moderators are told when due (rules.notify_moderators_of).
    """
    current = rules.current_record(initiative.pk, lock=True)
    if current is None or (by is not None and not rules.can_write(by, current)):
        raise Initiative.DoesNotExist
    rules.refuse(rules.delete_refusals(by=by, current=current))
    reason = _("Porteur « %(name)s » supprimé") % {"name": current.name}
    carried = Initiative.objects.filter(carried_by=current).exclude(pk=current.pk)
    for other in carried.select_for_update(of=("self",)).order_by("pk"):
        before = rules.current_record(other.pk)
        other.carried_by = None
        other._history_user = by
        other._change_reason = reason
        other.save(update_fields=["carried_by", "updated_at"])
        told = rules.notify_moderators_of(by, before, other, {"carried_by": None})
        if told:
            moderation.notify_published_edit(other, by=by, fields=told)
    theirs = Partnership.objects.filter(partner_initiative=current).exclude(initiative=current)
    for partnership in theirs.select_related("initiative").order_by("pk"):
        other, item = partnership.initiative, related_item(partnership, "deleted")
        partnership._history_user = by
        partnership.delete()
        Initiative.objects.filter(pk=other.pk).update(updated_at=timezone.now())
        told = rules.notify_moderators_of(by, other, other, {}, related=[item])
        if told:
            moderation.notify_published_edit(other, by=by, fields=told)
    current._history_user = by
    current.delete()
    data_changed()


@transaction.atomic
def points_settle(queryset=None) -> int:
    """Move approximate points to their commune's current centre (location.py's rule),
    as a write: each moved record is saved, with an entry in its history and a new
    `updated_at`, and the cached reads are invalidated. Returns how many moved."""
    moved = location.points_to_settle(queryset)
    reason = _("Point recalé sur le centre de la commune")
    records = Initiative.objects.select_for_update(of=("self",)).in_bulk(list(moved))
    for pk, point in moved.items():
        record = records[pk]
        record.latitude, record.longitude, record.approximate_point = point
        record._change_reason = reason
        record.save(update_fields=["latitude", "longitude", "approximate_point", "updated_at"])
    if moved:
        data_changed()
    return len(moved)
