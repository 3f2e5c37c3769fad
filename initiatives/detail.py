"""The API's detail of one published initiative, read as rows (issue 12).

InitiativeDetailSerializer documents the answer; building it loaded a model instance per
related object and ran a nested serializer for each (about 25 ms a record at 250,000
initiatives, most of it in the ORM's prefetch machinery). Here six values() queries read
the record and its related rows, and plain functions write the same JSON: the list's fields
come from representation.api_item, the nested objects from the helpers below. A test
compares every key with the serializer's output (tests/api/test_lean_detail.py).
"""

from decimal import Decimal

from django.db.models import Q

from intercos.models import Interco

from .models import Initiative, KeyFigure, Partnership
from .representation import ROW_VALUES, PageLinks, api_item, iso_datetime
from .selectors import with_themes

PUBLISHED = Initiative.Status.PUBLISHED
INTERCO = ("siren", "name", "slug", "kind")
SOURCE = ("id", "title", "publisher", "date", "year", "url", "cited_in", "note")
DETAIL_VALUES = (
    "description", "verified_by", "article_note", "created_at", "carried_by__slug",
    "carried_by__name", "carried_by__status",
    *(f"carried_by_interco__{name}" for name in INTERCO),
    *(f"source__{name}" for name in SOURCE),
)  # fmt: skip


def _interco(row: dict, prefix: str) -> dict | None:
    if row[f"{prefix}siren"] is None:
        return None
    return {name: row[f"{prefix}{name}"] for name in INTERCO}


def _source(row: dict, prefix: str) -> dict | None:
    if row[f"{prefix}id"] is None:
        return None
    source = {name: row[f"{prefix}{name}"] for name in SOURCE}
    if source["date"] is not None:
        source["date"] = source["date"].isoformat()
    return source


def _brief(slug: str | None, name: str | None, links: PageLinks) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, "name": name, "url": links.initiative(slug)}


def _values(prefix: str, names) -> list[str]:
    return [f"{prefix}{name}" for name in names]


PARTNERSHIP_VALUES = (
    "id", "kind", "role", "start_year", "end_year", "description", "initiative__slug",
    "initiative__name", "partner_initiative__slug", "partner_initiative__name",
    *_values("partner_interco__", INTERCO), *_values("source__", SOURCE),
)  # fmt: skip
FIGURE_VALUES = (
    "id", "label", "label_en", "measure", "value", "qualifier", "unit", "unit_en", "year",
    "period", "period_en", "departement", "note", "initiative__slug", "initiative__name",
    *_values("interco__", INTERCO), *_values("source__", SOURCE),
)  # fmt: skip


def _partnership(row: dict, links: PageLinks) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "role": row["role"],
        "initiative": _brief(row["initiative__slug"], row["initiative__name"], links),
        "partner_type": "interco" if row["partner_interco__siren"] else "initiative",
        "partner_interco": _interco(row, "partner_interco__"),
        "partner_initiative": _brief(
            row["partner_initiative__slug"], row["partner_initiative__name"], links
        ),
        "start_year": row["start_year"],
        "end_year": row["end_year"],
        "description": row["description"],
        "source": _source(row, "source__"),
    }


def _figure(row: dict, links: PageLinks) -> dict:
    if row["initiative__slug"] is not None:
        scope = "initiative"
    elif row["interco__siren"] is not None:
        scope = "interco"
    elif row["departement"] is not None:
        scope = "departement"
    else:
        scope = "territory"
    plain = ("unit", "unit_en", "year", "period", "period_en")
    return {
        "id": row["id"],
        "label": row["label"],
        "label_en": row["label_en"],
        "measure": row["measure"],
        "value": float(row["value"].quantize(Decimal("0.01"))),  # DRF's DecimalField, as JSON
        "qualifier": row["qualifier"],
        **{name: row[name] for name in plain},
        "scope": scope,
        "initiative": _brief(row["initiative__slug"], row["initiative__name"], links),
        "interco": _interco(row, "interco__"),
        "departement": row["departement"],
        "source": _source(row, "source__"),
        "note": row["note"],
    }


def initiative_detail_data(*, slug: str, links: PageLinks) -> dict | None:
    """The published initiative's detail as the API answers it; None when there is none."""
    row = (
        Initiative.objects.published().filter(slug=slug).values(*ROW_VALUES, *DETAIL_VALUES).first()
    )
    if row is None:
        return None
    pk = row["pk"]
    with_themes([row])
    data = api_item(row, links)
    carrier = None
    if row["carried_by__status"] == PUBLISHED:
        carrier = _brief(row["carried_by__slug"], row["carried_by__name"], links)
    coverage = Interco.objects.filter(covered_initiatives=pk).order_by("name").values(*INTERCO)
    partnerships = (
        Partnership.objects.filter(initiative=pk)
        .filter(Q(partner_initiative__isnull=True) | Q(partner_initiative__status=PUBLISHED))
        .values(*PARTNERSHIP_VALUES)
    )
    partner_of = Partnership.objects.filter(
        partner_initiative=pk, initiative__status=PUBLISHED
    ).values(*PARTNERSHIP_VALUES)
    figures = KeyFigure.objects.filter(initiative=pk).values(*FIGURE_VALUES)
    data.update(
        {
            "description": row["description"],
            "coverage": list(coverage),
            "carried_by": carrier,
            "carried_by_interco": _interco(row, "carried_by_interco__"),
            "verified_by": row["verified_by"],
            "source": _source(row, "source__"),
            "article_note": row["article_note"],
            "partnerships": [_partnership(p, links) for p in partnerships],
            "partner_of": [_partnership(p, links) for p in partner_of],
            "figures": [_figure(f, links) for f in figures],
            "created_at": iso_datetime(row["created_at"]),
        }
    )
    return {"data": data, "updated_at": row["updated_at"]}
