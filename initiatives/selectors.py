"""Public reads on initiatives: the directory's lists and rows, the detail page, the
home and sources pages' figures.

The other reads live by what they serve: the interco pages (interco_selectors.py), staff
scoping (staff_scope.py), the partner API's own lists (api/selectors.py). Every one shows
published records only (visibility.py).
"""

from django.db.models import (
    Count,
    F,
    Max,
    Min,
    Prefetch,
    QuerySet,
)

from essmap.api import pagination
from essmap.geo import BBox
from intercos.models import Interco

from .filters import InitiativeFilterSet
from .managers import KeyIn
from .models import Initiative, KeyFigure, Partnership, Source, Theme
from .representation import NEAR_VALUES, ROW_VALUES, THEME_VALUES
from .visibility import is_shown, shown, shown_or_none

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


def iter_rows(queryset, chunk: int = 1000):
    """Every public row of a filtered, ordered queryset, in its order, themed (a whole-set
    export or file): its keys streamed, then rows_for_keys() per chunk of keys."""
    annotations = queryset.query.annotations
    near = [name for name in NEAR_VALUES if name in annotations]
    keys = queryset.prefetch_related(None).select_related(None).values("pk", *near)
    batch = []
    for key in keys.iterator(chunk_size=chunk):
        batch.append(key)
        if len(batch) == chunk:
            yield from rows_for_keys(batch)
            batch = []
    if batch:
        yield from rows_for_keys(batch)


def initiative_filter(*, data, request=None) -> InitiativeFilterSet:
    """The bound FilterSet over public initiatives; check `.is_valid()` then use `.qs`."""
    return InitiativeFilterSet(data=data, queryset=initiative_public_list(), request=request)


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
                queryset=Partnership.objects.filter(shown_or_none("partner_initiative__"))
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
                queryset=Partnership.objects.filter(shown("initiative__"))
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
    return carrier if is_shown(carrier.status) else None


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


def initiatives_last_modified():
    """When any initiative last changed (publication and withdrawal included), or None."""
    return Initiative.objects.aggregate(last=Max("updated_at"))["last"]
