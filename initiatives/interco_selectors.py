"""Reads of the interco pages and API: the territory seen from the directory (its
initiatives, counts, partnerships and figures; published records only, visibility.py)."""

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from essmap.text import sort_key
from intercos.models import Interco

from .models import Initiative, KeyFigure, Partnership, Theme
from .selectors import THEME_ORDER
from .visibility import shown


def interco_initiative_counts(sirens=None) -> dict[str, int]:
    """{siren: published initiatives located in the interco or covering it}.

    located + covering - both, as three grouped scans (~0.4 s in all at 250,000 initiatives);
    a correlated OR-join per interco takes minutes. `sirens` narrows the scans.
    """
    located = Initiative.objects.published().filter(commune__interco__isnull=False)
    through = Initiative.coverage.through.objects.filter(shown("initiative__"))
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
        shown("initiative__"), interco=OuterRef("pk")
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


def interco_initiatives(interco: Interco) -> QuerySet[Initiative]:
    return (
        Initiative.objects.published()
        .in_interco(interco)
        .select_related("commune")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by(*THEME_ORDER)))
        .order_by("search_name", "name")
    )


def interco_partnerships(interco: Interco) -> QuerySet[Partnership]:
    """Partnerships naming the interco as partner, with published initiatives only."""
    return (
        Partnership.objects.filter(shown("initiative__"), partner_interco=interco)
        .select_related("initiative", "source", "source__cited_in")
        .order_by("initiative__search_name", "kind")
    )


def interco_figures(interco: Interco) -> QuerySet[KeyFigure]:
    return interco.figures.select_related("source", "source__cited_in").order_by("position", "id")
