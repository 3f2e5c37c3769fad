"""Reads only the partner API makes: reference lists and the interco's API detail."""

from django.db.models import Count, Prefetch, QuerySet

from intercos.models import Commune, Interco

from ..interco_selectors import interco_public_list
from ..models import KeyFigure, Partnership, Theme
from ..visibility import shown, shown_or_none


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


def theme_public_list() -> QuerySet[Theme]:
    """Themes with `initiative_count`, the number of published initiatives carrying them."""
    return Theme.objects.annotate(
        initiative_count=Count("initiatives", filter=shown("initiatives__"), distinct=True)
    ).order_by("position", "name")


def partnership_public_list() -> QuerySet[Partnership]:
    """Partnerships between published initiatives, or a published initiative and an interco."""
    return (
        Partnership.objects.filter(shown("initiative__"))
        .filter(shown_or_none("partner_initiative__"))
        .select_related("initiative", "partner_interco", "partner_initiative", "source")
        .order_by("id")
    )


def key_figure_public_list() -> QuerySet[KeyFigure]:
    """Figures about the territory, a département, an interco or a published initiative."""
    return (
        KeyFigure.objects.filter(shown_or_none("initiative__"))
        .select_related("source", "initiative", "interco")
        .order_by("position", "id")
    )
