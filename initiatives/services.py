"""Writes on initiatives (HackSoft style: keyword-only, typed, validated, transactional)."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from essmap.cache import data_changed
from essmap.text import normalize
from intercos.models import Interco

from .location import settle_point, stored_approximate_point
from .models import Initiative, Theme

# Fields a caller may set through initiative_create / initiative_update.
EDITABLE_FIELDS = {
    "name", "summary", "description", "kind", "legal_form", "carried_by", "carried_by_interco",
    "siret", "rna", "address", "postcode", "commune", "latitude", "longitude", "website", "email",
    "phone", "opening_hours", "founded_year", "employees", "status", "verified_at", "verified_by",
    "source", "article_note", "proposer_name", "proposer_email", "rejection_reason",
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


def initiatives_reindex(queryset=None) -> int:
    """Recompute the search keys of every initiative (after loaddata, for instance)."""
    queryset = queryset if queryset is not None else Initiative.objects.all()
    changed = []
    for initiative in queryset.only("id", "name", "summary", "description").iterator():
        refresh_search_keys(initiative)
        changed.append(initiative)
    Initiative.objects.bulk_update(changed, ["search_name", "search_text"], batch_size=1000)
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


def _save_new(initiative: Initiative, *, fixed_slug: bool, attempts: int = 5) -> None:
    """Insert, surviving a concurrent insert of the same generated slug.

    full_clean() already checked the constraints, but another request may have taken the slug
    (or the name in that commune) since: a generated slug gets the next suffix, anything else
    is re-validated so that the caller sees a ValidationError, never an IntegrityError.
    """
    for _ in range(attempts):
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
