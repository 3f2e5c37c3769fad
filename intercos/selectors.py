"""Reads on intercommunalités for the public pages."""

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from essmap.text import normalize, sort_key
from initiatives.models import Initiative, KeyFigure, Partnership, Theme

from .models import Commune, Interco


def interco_initiative_counts(sirens=None) -> dict[str, int]:
    """{siren: published initiatives located in the interco or covering it}.

    located + covering - both, as three grouped scans (~0.4 s in all at 250,000 initiatives);
    a correlated OR-join per interco takes minutes. `sirens` narrows the scans.
    """
    located = Initiative.objects.published().filter(commune__interco__isnull=False)
    through = Initiative.coverage.through.objects.filter(initiative__status="published")
    if sirens is not None:
        located = located.filter(commune__interco__in=sirens)
        through = through.filter(interco__in=sirens)
    both = through.filter(initiative__commune__interco=F("interco"))
    counts: dict[str, int] = {}
    for rows, key, sign in (
        (located, "commune__interco", 1),
        (through, "interco", 1),
        (both, "interco", -1),
    ):
        for siren, n in rows.order_by().values_list(key).annotate(n=Count("*")):
            counts[siren] = counts.get(siren, 0) + sign * n
    return counts


def _count(queryset) -> Coalesce:
    """COUNT(*) of a correlated subquery, 0 when empty (no GROUP BY: Value is constant)."""
    counted = queryset.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def interco_public_list() -> QuerySet[Interco]:
    """Intercos annotated with `n_initiatives`, lazily, in one query.

    located + covering - both, as correlated counts that each follow an index: cheap for a
    page or one interco (PostgreSQL evaluates them after LIMIT). For every interco at once,
    interco_directory() is much faster.
    """
    through = Initiative.coverage.through.objects.filter(
        interco=OuterRef("pk"), initiative__status="published"
    )
    located = Initiative.objects.published().filter(commune__interco=OuterRef("pk"))
    both = through.filter(initiative__commune__interco=OuterRef("pk"))
    return (
        Interco.objects.prefetch_related("departements")
        .annotate(n_initiatives=_count(located) + _count(through) - _count(both))
        .order_by("name")
    )


def interco_directory() -> list[Interco]:
    """Every interco with `n_initiatives`, for the public list page (4 queries in all)."""
    counts = interco_initiative_counts()
    intercos = sorted(
        Interco.objects.prefetch_related("departements"), key=lambda ic: sort_key(ic.name)
    )
    for interco in intercos:
        interco.n_initiatives = counts.get(interco.siren, 0)
    return intercos


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
        .select_related("initiative", "source", "source__cited_in")
        .order_by("initiative__name", "kind")
    )


def interco_figures(interco: Interco) -> QuerySet[KeyFigure]:
    return interco.figures.select_related("source", "source__cited_in").order_by("position", "id")


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
