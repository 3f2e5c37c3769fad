"""Reads for the open data files, the data·inclusion export and the feeds."""

from collections import defaultdict

from django.db.models import Case, CharField, Count, F, Max, Prefetch, Q, QuerySet, When

from initiatives.models import Initiative, KeyFigure, Theme
from initiatives.selectors import initiative_public_list, iter_rows
from initiatives.visibility import shown, shown_or_none
from intercos.models import Interco


def export_queryset() -> QuerySet[Initiative]:
    """Published initiatives with what the whole-set files show (themes, coverage), by id."""
    return (
        initiative_public_list()
        .prefetch_related(
            Prefetch("coverage", queryset=Interco.objects.defer("contour").order_by("siren")),
        )
        .order_by("pk")
    )


def export_rows(chunk: int = 1000):
    """The public rows of export_queryset() (value rows, by id), each with `coverage_siren`:
    the SIRENs of the intercos it serves, read per chunk of rows."""
    batch: list[dict] = []
    for row in iter_rows(export_queryset(), chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _with_coverage(batch)
            batch = []
    yield from _with_coverage(batch)


def _with_coverage(rows: list[dict]) -> list[dict]:
    by_id: dict[int, list[str]] = {row["pk"]: [] for row in rows}
    if by_id:
        pairs = (
            Initiative.coverage.through.objects.filter(initiative_id__in=by_id)
            .order_by("initiative_id", "interco_id")
            .values_list("initiative_id", "interco_id")
        )
        for pk, siren in pairs:
            by_id[pk].append(siren)
    for row in rows:
        row["coverage_siren"] = by_id[row["pk"]]
    return rows


def _datainclusion_queryset() -> QuerySet[Initiative]:
    """`carrier_slug`: the published *structure* carrying the record, if any."""
    return export_queryset().annotate(
        carrier_slug=Case(
            When(
                shown("carried_by__"),
                carried_by__kind=Initiative.Kind.STRUCTURE,
                then=F("carried_by__slug"),
            ),
            output_field=CharField(),
        )
    )


def service_queryset() -> QuerySet[Initiative]:
    """data·inclusion services: published initiatives of kind « Service » (datainclusion.py)."""
    return _datainclusion_queryset().filter(kind=Initiative.Kind.SERVICE)


def structure_queryset() -> QuerySet[Initiative]:
    """data·inclusion structures: the published structures, and the services no published
    structure carries (each stands as its own structure). Projects are neither."""
    return _datainclusion_queryset().filter(
        Q(kind=Initiative.Kind.STRUCTURE) | Q(kind=Initiative.Kind.SERVICE, carrier_slug=None)
    )


def departement_intercos() -> dict[str, set[str]]:
    """Each département's code → the SIRENs of its intercos."""
    result: dict[str, set[str]] = defaultdict(set)
    for code, siren in Interco.departements.through.objects.values_list(
        "departement_id", "interco_id"
    ):
        result[code].add(siren)
    return dict(result)


def key_figures() -> QuerySet[KeyFigure]:
    """Every public figure with its source and scope (published initiatives only)."""
    return (
        KeyFigure.objects.filter(shown_or_none("initiative__"))
        .select_related("source", "initiative", "interco", "departement")
        .defer("interco__contour", "departement__contour", "initiative__search_text")
        .order_by("pk")
    )


def data_fingerprint() -> str:
    """Changes whenever a file's content may change: the files are rebuilt only then."""
    initiatives = Initiative.objects.aggregate(
        n=Count("pk"), published=Count("pk", filter=shown()), last=Max("updated_at")
    )
    figures = KeyFigure.objects.aggregate(n=Count("pk"), last=Max("pk"))
    themes = Theme.objects.aggregate(n=Count("pk"), last=Max("pk"))
    coverage = Initiative.coverage.through.objects.aggregate(n=Count("pk"), last=Max("pk"))
    parts = [initiatives, figures, themes, coverage]
    return "|".join(f"{p}" for p in parts)
