"""The API's detail of one initiative, read as rows (issue 12).

InitiativeDetailSerializer documents the answer; building it loaded a model instance per
related object and ran a nested serializer for each (about 25 ms a record at 250,000
initiatives, most of it in the ORM's prefetch machinery). Here values() queries read the
record and its related rows, and representation.api_detail writes the same JSON. A test
compares every key with the serializer's output (tests/api/test_lean_detail.py).
"""

from intercos.models import Interco

from .models import Initiative, KeyFigure, Partnership
from .representation import (
    DETAIL_VALUES,
    FIGURE_VALUES,
    INTERCO,
    PARTNERSHIP_VALUES,
    ROW_VALUES,
    PageLinks,
    api_detail,
)
from .selectors import with_themes
from .visibility import readable, shown, shown_or_none


def initiative_detail_data(
    *, slug: str, links: PageLinks, include_drafts: bool = False
) -> dict | None:
    """The initiative's detail as the API answers it; None when there is none.

    Published only, unless `include_drafts` (staff reading the answer to their own write):
    the related records stay published only either way (initiatives.visibility).
    """
    records = readable(Initiative.objects.all(), include_drafts=include_drafts)
    row = records.filter(slug=slug).values(*ROW_VALUES, *DETAIL_VALUES).first()
    if row is None:
        return None
    pk = row["pk"]
    with_themes([row])
    related = {
        "coverage": Interco.objects.filter(covered_initiatives=pk)
        .order_by("name")
        .values(*INTERCO),
        "partnerships": Partnership.objects.filter(initiative=pk)
        .filter(shown_or_none("partner_initiative__"))
        .values(*PARTNERSHIP_VALUES),
        "partner_of": Partnership.objects.filter(
            shown("initiative__"), partner_initiative=pk
        ).values(*PARTNERSHIP_VALUES),
        "figures": KeyFigure.objects.filter(initiative=pk).values(*FIGURE_VALUES),
    }
    return {"data": api_detail(row, related, links), "updated_at": row["updated_at"]}
