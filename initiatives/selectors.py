"""Reads on initiatives for pages and the API, including the interco pages' initiatives."""

from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from essmap.api import pagination
from essmap.geo import BBox
from essmap.text import sort_key
from intercos.models import Commune, Interco

from .filters import InitiativeFilterSet
from .managers import KeyIn
from .models import Initiative, KeyFigure, Partnership, Source, Theme
from .representation import NEAR_VALUES, ROW_VALUES, THEME_VALUES, row_values

# Never loaded with lists, exports or maps: GeoJSON contours (kB each, parsed per row) and
# long texts no list shows (search keys, description, moderation notes). At 250,000 rows,
# loading them made the CSV export 50 times slower and its worker 100 MB larger.
CONTOURS = ("commune__contour", "commune__interco__contour")
LIST_DEFERRED = (
    "description", "search_text", "search_name", "article_note", "proposer_name",
    "proposer_email", "rejection_reason", *CONTOURS,
)  # fmt: skip
# An initiative's themes, in one total order (the SQL exports sort alike: sql_exports.Themes).
THEME_ORDER = ("position", "name", "pk")


def initiative_public_list() -> QuerySet[Initiative]:
    return (
        Initiative.objects.published()
        .select_related("commune", "commune__interco")
        .defer(*LIST_DEFERRED)
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by(*THEME_ORDER)))
    )


def initiative_rows(queryset) -> QuerySet:
    """The public rows of a filtered queryset (values(): no model instance per row).

    Slice it, then `with_themes()`; the representation turns rows into every format.
    """
    return queryset.prefetch_related(None).values(*row_values(queryset))


def initiative_keys(queryset) -> QuerySet:
    """The filtered, ordered queryset reduced to its keys (and a "near" search's annotations).

    Ordering a large match set reads only the columns the filters and the order need (often
    an index alone); `rows_for_keys()` then reads the full rows of one page.

    The keys are first probed, unordered, up to the count cap: the probe is the capped count
    (the paginator takes it, `known_count`, instead of counting again), and a set within the
    cap is then sorted by key. PostgreSQL orders a filtered list by walking the
    (status, search_name) index until 20 rows pass the filters: fast when matches are many,
    most of the table when they are a few hundred spread over 250,000 rows (600 ms for a
    theme in a small département). Sorting those few hundred keys gives the same order and
    the same rows in a few milliseconds.
    """
    annotations = queryset.query.annotations
    near = [name for name in NEAR_VALUES if name in annotations]
    keys = queryset.prefetch_related(None).select_related(None)
    cap = pagination.COUNT_CAP
    found = list(keys.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(found) <= cap:
        keys = keys.filter(KeyIn(F("pk"), found))
    keys = keys.values("pk", *near)
    keys.known_count = pagination.KnownCount(cap=cap, found=len(found))
    return keys


def rows_for_keys(keys: list[dict]) -> list[dict]:
    """The public rows of one page of keys (initiative_keys), in the keys' order, themed."""
    found = {
        row["pk"]: row
        for row in Initiative.objects.filter(pk__in=[k["pk"] for k in keys]).values(*ROW_VALUES)
    }
    rows = [{**found[k["pk"]], **k} for k in keys if k["pk"] in found]
    return with_themes(rows)


def with_themes(rows: list[dict]) -> list[dict]:
    """Add each row's themes (theme order), in one query for the whole page."""
    by_id: dict[int, list] = {row["pk"]: [] for row in rows}
    if by_id:
        links = (
            Initiative.themes.through.objects.filter(initiative_id__in=by_id)
            .order_by("theme__position", "theme__name", "theme_id")
            .values_list("initiative_id", *(f"theme__{name}" for name in THEME_VALUES))
        )
        for pk, *values in links:
            by_id[pk].append(dict(zip(THEME_VALUES, values, strict=True)))
    for row in rows:
        row["themes"] = by_id[row["pk"]]
    return rows


def initiative_filter(*, data, request=None) -> InitiativeFilterSet:
    """The bound FilterSet over public initiatives; check `.is_valid()` then use `.qs`."""
    return InitiativeFilterSet(data=data, queryset=initiative_public_list(), request=request)


def initiatives_for_user(user) -> QuerySet[Initiative]:
    """Every initiative a staff account may see and edit: its intercos' (all for a superuser).

    An initiative belongs to a territory when it is located in one of its communes or
    covers it. Shared by the admin and the API's write permissions.
    """
    if not (user and user.is_authenticated and user.is_active):
        return Initiative.objects.none()
    if user.is_superuser:
        return Initiative.objects.all()
    intercos = user.interco_memberships.values("interco_id")
    return Initiative.objects.in_intercos(intercos)


def initiative_intercos(initiative: Initiative) -> set[str]:
    """SIRENs of the intercos an initiative belongs to (its commune's, and those it covers)."""
    sirens = set()
    if initiative.commune_id and initiative.commune.interco_id:
        sirens.add(initiative.commune.interco_id)
    if initiative.pk:
        sirens.update(initiative.coverage.values_list("pk", flat=True))
    return sirens


# --- public pages ---------------------------------------------------------------------------
def initiative_public_detail(*, slug: str) -> Initiative:
    """One published initiative with everything its page shows, in a bounded number of queries.

    Partners are limited to published initiatives both ways, so a draft never leaks.
    Raises Initiative.DoesNotExist. (The API reads its detail as rows: initiatives/detail.py.)
    """
    published = Initiative.objects.published()
    brief = ("search_text", "search_name", "description")  # related initiatives: names only
    return (
        published.select_related(
            "commune",
            "commune__interco",
            "commune__departement",
            "source",
            "source__cited_in",
            "carried_by",
            "carried_by_interco",
        )
        .defer(
            "search_text",
            "search_name",
            *CONTOURS,
            "carried_by_interco__contour",
            *(f"carried_by__{name}" for name in brief),
        )
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("position", "name")),
            Prefetch("coverage", queryset=Interco.objects.defer("contour").order_by("name")),
            "coverage__predecessors",
            "carried_by_interco__predecessors",
            "commune__interco__predecessors",
            Prefetch("carried_projects", queryset=published.defer(*brief).order_by("name")),
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.filter(
                    Q(partner_initiative__isnull=True) | Q(partner_initiative__status="published")
                )
                .select_related(
                    "partner_interco", "partner_initiative", "source", "source__cited_in"
                )
                .prefetch_related("partner_interco__predecessors")
                .defer(
                    "partner_interco__contour",
                    *(f"partner_initiative__{name}" for name in brief),
                ),
            ),
            Prefetch(
                "partner_of",
                queryset=Partnership.objects.filter(initiative__status="published")
                .select_related("initiative", "source")
                .defer(*(f"initiative__{name}" for name in brief)),
            ),
            Prefetch(
                "figures",
                queryset=KeyFigure.objects.select_related("source", "source__cited_in").order_by(
                    "position", "id"
                ),
            ),
        )
        .get(slug=slug)
    )


def initiative_carrier(initiative: Initiative) -> Initiative | None:
    """The published structure carrying a project, if any."""
    if initiative.carried_by_id is None:
        return None
    carrier = initiative.carried_by  # loaded with initiative_public_detail()
    return carrier if carrier.status == Initiative.Status.PUBLISHED else None


def initiatives_bounds(queryset) -> BBox | None:
    """The box of the located initiatives of a queryset, or None."""
    box = (
        queryset.order_by()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .aggregate(
            west=Min("longitude"),
            south=Min("latitude"),
            east=Max("longitude"),
            north=Max("latitude"),
        )
    )
    if box["west"] is None:
        return None
    return BBox(**box)


def theme_breakdown(queryset) -> list[tuple[Theme, int]]:
    """How many initiatives of the queryset carry each theme (largest first)."""
    rows = (
        Initiative.themes.through.objects.filter(initiative__in=queryset.order_by().values("pk"))
        .values_list("theme")
        .annotate(n=Count("*"))
        .order_by()
    )
    counts = dict(rows)
    themes = Theme.objects.filter(pk__in=counts).order_by("position", "name")
    return sorted(((t, counts[t.pk]) for t in themes), key=lambda pair: -pair[1])


def legal_form_breakdown(queryset) -> list[tuple[str, int]]:
    """(label, count) per legal form among the queryset's initiatives (largest first)."""
    labels = dict(Initiative.LegalForm.choices)
    rows = (
        queryset.order_by()
        .values("legal_form")
        .annotate(n=Count("pk"))
        .order_by("-n", "legal_form")
    )
    return [(str(labels.get(row["legal_form"], row["legal_form"])), row["n"]) for row in rows]


def territory_figures() -> QuerySet[KeyFigure]:
    """Figures about the whole territory (no initiative, interco or département)."""
    return KeyFigure.objects.filter(
        initiative__isnull=True, interco__isnull=True, departement__isnull=True
    ).select_related("source", "source__cited_in")


def departement_figures() -> QuerySet[KeyFigure]:
    return KeyFigure.objects.filter(departement__isnull=False).select_related(
        "source", "source__cited_in", "departement"
    )


def sources_public_list() -> QuerySet[Source]:
    return Source.objects.select_related("cited_in").annotate(
        n_initiatives=Count("initiatives", distinct=True),
        n_figures=Count("figures", distinct=True),
    )


# --- interco pages and API: the territory seen from the directory ------------------------
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
        Partnership.objects.filter(partner_interco=interco, initiative__status="published")
        .select_related("initiative", "source", "source__cited_in")
        .order_by("initiative__search_name", "kind")
    )


def interco_figures(interco: Interco) -> QuerySet[KeyFigure]:
    return interco.figures.select_related("source", "source__cited_in").order_by("position", "id")


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


# --- partner API ----------------------------------------------------------------------------
def initiatives_last_modified():
    """When any initiative last changed (publication and withdrawal included), or None."""
    return Initiative.objects.aggregate(last=Max("updated_at"))["last"]


def theme_public_list() -> QuerySet[Theme]:
    """Themes with `initiative_count`, the number of published initiatives carrying them."""
    return Theme.objects.annotate(
        initiative_count=Count(
            "initiatives", filter=Q(initiatives__status="published"), distinct=True
        )
    ).order_by("position", "name")


def partnership_public_list() -> QuerySet[Partnership]:
    """Partnerships between published initiatives, or a published initiative and an interco."""
    return (
        Partnership.objects.filter(initiative__status="published")
        .filter(Q(partner_initiative__isnull=True) | Q(partner_initiative__status="published"))
        .select_related("initiative", "partner_interco", "partner_initiative", "source")
        .order_by("id")
    )


def key_figure_public_list() -> QuerySet[KeyFigure]:
    """Figures about the territory, a département, an interco or a published initiative."""
    return (
        KeyFigure.objects.filter(Q(initiative__isnull=True) | Q(initiative__status="published"))
        .select_related("source", "initiative", "interco")
        .order_by("position", "id")
    )
