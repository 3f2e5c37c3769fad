"""Reads on the territorial reference (intercos, communes); nothing about initiatives.

Reads that combine territories with initiatives (counts, lists, partnerships, figures) are
the directory's: initiatives/selectors.py.
"""

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from essmap.text import normalize

from .models import Commune, Interco


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
