"""Reads on intercommunalités for the public pages."""

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from essmap.text import normalize
from initiatives.models import Initiative, KeyFigure, Partnership, Theme

from .models import Commune, Interco


def _published_in(interco_ref) -> QuerySet[Initiative]:
    return Initiative.objects.published().filter(
        Q(commune__interco=interco_ref) | Q(coverage=interco_ref)
    )


def interco_public_list() -> QuerySet[Interco]:
    """Every interco with `n_initiatives`: published initiatives located in it or covering it."""
    count = (
        _published_in(OuterRef("pk"))
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return (
        Interco.objects.prefetch_related("departements")
        .annotate(n_initiatives=Coalesce(Subquery(count, output_field=IntegerField()), 0))
        .order_by("name")
    )


def interco_public_detail(*, slug: str) -> Interco:
    """Raises Interco.DoesNotExist."""
    return Interco.objects.select_related("seat").prefetch_related("departements").get(slug=slug)


def interco_communes(interco: Interco) -> QuerySet[Commune]:
    return interco.communes.order_by("name").only(
        "insee", "name", "postcodes", "population", "interco_id", "departement_id"
    )


def interco_initiatives(interco: Interco) -> QuerySet[Initiative]:
    return (
        Initiative.objects.published()
        .in_interco(interco)
        .select_related("commune")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position")))
        .order_by("name")
    )


def interco_partnerships(interco: Interco) -> QuerySet[Partnership]:
    """Partnerships naming the interco as partner, with published initiatives only."""
    return (
        Partnership.objects.filter(partner_interco=interco, initiative__status="published")
        .select_related("initiative", "source")
        .order_by("initiative__name", "kind")
    )


def interco_figures(interco: Interco) -> QuerySet[KeyFigure]:
    return interco.figures.select_related("source").order_by("position", "id")


# --- partner API ----------------------------------------------------------------------------
def interco_api_detail(*, siren: str) -> Interco:
    """One interco with its communes and figures. Raises Interco.DoesNotExist."""
    return (
        interco_public_list()
        .select_related("seat")
        .prefetch_related(
            Prefetch(
                "communes",
                queryset=Commune.objects.order_by("name").only(
                    "insee",
                    "name",
                    "postcodes",
                    "population",
                    "interco_id",
                    "departement_id",
                    "centre_lat",
                    "centre_lon",
                ),
            ),
            Prefetch(
                "figures",
                queryset=KeyFigure.objects.select_related("source").order_by("position", "id"),
            ),
        )
        .get(siren=siren)
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
