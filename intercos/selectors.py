"""Reads on the territorial reference (intercos, communes); nothing about initiatives.

Reads that combine territories with initiatives (counts, lists, partnerships, figures) are
the directory's: initiatives/selectors.py.
"""

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from essmap.text import normalize

from .models import Commune, Interco, IntercoMembership


def interco_public_detail(*, slug: str) -> Interco:
    """Raises Interco.DoesNotExist."""
    return (
        Interco.objects.select_related("seat")
        .prefetch_related("departements", "predecessors")
        .get(slug=slug)
    )


def interco_communes(interco: Interco) -> QuerySet[Commune]:
    return interco.communes.order_by("search_name", "name").only(
        "insee", "name", "postcodes", "population", "interco_id", "departement_id"
    )


def commune_search(
    term: str | None, queryset: QuerySet[Commune] | None = None
) -> QuerySet[Commune]:
    """Communes for an autocomplete: by name (accents ignored) or postcode prefix.

    Names that start with the term come first, then the most populated.
    """
    qs = (queryset if queryset is not None else Commune.objects.all()).select_related("interco")
    if not term:
        return qs.order_by("name", "insee")
    key = normalize(term)
    starts = Case(
        When(search_name__startswith=key, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.matching(term)
        .annotate(starts=starts)
        .order_by("starts", F("population").desc(nulls_last=True), "name", "insee")
    )


# --- staff accounts ----------------------------------------------------------------------


def intercos_moderated_by(user) -> QuerySet[Interco]:
    """The intercos whose staff the user may add to: all for superusers, else those moderated."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return Interco.objects.none()
    if user.is_superuser:
        return Interco.objects.all()
    return Interco.objects.filter(
        memberships__user=user, memberships__role=IntercoMembership.Role.MODERATOR
    ).distinct()


def moderators_without_email(interco_ids=None) -> QuerySet[IntercoMembership]:
    """Active moderators' memberships whose account has no e-mail address (they are never told).

    Limited to `interco_ids` when given.
    """
    qs = IntercoMembership.objects.filter(
        role=IntercoMembership.Role.MODERATOR, user__is_active=True, user__email=""
    )
    if interco_ids is not None:
        qs = qs.filter(interco_id__in=list(interco_ids))
    return qs.select_related("user", "interco").order_by("interco__name", "user__username")


def interco_team(interco: Interco) -> QuerySet[IntercoMembership]:
    """The interco's staff memberships, moderators first."""
    return interco.memberships.select_related("user").order_by("-role", "user__username")


def staff_access_problems(user) -> list[str]:
    """Why this account cannot work in the staff workspace, or cannot be told by e-mail."""
    problems = []
    memberships = list(user.interco_memberships.all())
    if not user.is_active:
        problems.append(_("compte désactivé"))
    if memberships and not user.is_staff:
        problems.append(_("pas de statut équipe"))
    if user.is_staff and not user.is_superuser and not memberships:
        problems.append(_("rattaché·e à aucune interco"))
    if not user.email and any(m.role == IntercoMembership.Role.MODERATOR for m in memberships):
        problems.append(_("modérateur·rice sans adresse e-mail"))
    return problems
