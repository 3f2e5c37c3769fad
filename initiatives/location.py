"""Where an initiative is on the map: its own point, or its commune's centre (approximate).

The one rule, called by every write (services._apply, hence admin, import, API, suggestions,
and load_fixtures and settle_points through `services.points_settle`):

- coordinates given (and not merely the approximate point sent back unchanged): the point is
  exact;
- otherwise, with a commune that has a centre: the point is the commune's centre, flagged
  `approximate_point` (shown as "position approximative : centre de la commune");
- otherwise: no point. Never an invented address.

An approximate point nobody changed follows the commune: change the commune and the point
moves to the new centre.

Also the place of a "near" search outside the loaded territories (`outside_place`): a commune
of France the loaded communes do not hold ("près de Grenoble"), searched from its centre, with
a message naming the départements covered (docs/decisions/010-places-outside-area.md).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from essmap.typography import page_language, typeset
from intercos.france import covered_departements, find_outside_commune
from intercos.models import Commune
from intercos.places import place_key

from .models import Initiative
from .near import Place


@dataclass
class NamedPlace(Place):
    """A place named by the visitor's text: a commune outside the loaded territories, or the
    coordinates the browser's geocoder found for an address ("Près de 1 place de la
    Liberté, Valence", not "Près de votre position")."""

    name: str = ""

    @property
    def label(self) -> str:
        return self.name


def named_place(place: Place, name: str) -> NamedPlace:
    values = {f.name: getattr(place, f.name) for f in fields(Place)}
    return NamedPlace(**values, name=name.strip())


@dataclass
class OutsidePlace(NamedPlace):
    """A commune of France outside the loaded territories (no Commune row, no interco)."""

    departement: str = ""

    @property
    def home_interco(self) -> str | None:
        return None

    def outside_message(self) -> str:
        covered = get_text_list(covered_departements(), _("et"))
        message = _("%(place)s est hors du territoire couvert : %(covered)s.") % {
            "place": self.name,
            "covered": covered,
        }
        return typeset(message, page_language())


def exactly_outside(place: Place | None, text: str | None) -> OutsidePlace | None:
    """The commune outside the area that the text names exactly, when the loaded communes
    only matched it loosely: "Saint-Étienne" is the city of the Loire, not
    Saint-Étienne-de-Fontbellon (07) found by the start of its name."""
    if place is None or not place.typed or place.commune is None or not text:
        return None
    if text.strip().isdigit() or place_key(place.commune.name) == place_key(text.partition("(")[0]):
        return None
    return outside_place(text)


def outside_place(text: str | None) -> OutsidePlace | None:
    """The place of a "near" text naming a commune of France that is not loaded, or None."""
    commune = find_outside_commune(text)
    if commune is None:
        return None
    return OutsidePlace(
        commune.lat,
        commune.lon,
        typed=True,
        name=commune.name,
        departement=commune.departement,
    )


def commune_centre(commune_id: str | None) -> tuple[float, float] | None:
    if not commune_id:
        return None
    row = (
        Commune.objects.filter(pk=commune_id, centre_lat__isnull=False, centre_lon__isnull=False)
        .values_list("centre_lat", "centre_lon")
        .first()
    )
    return row


def stored_approximate_point(initiative: Initiative) -> tuple[float, float] | None:
    """The approximate point stored for this record before the current write, if any."""
    if initiative.pk is None:
        return None
    row = (
        Initiative.objects.filter(pk=initiative.pk, approximate_point=True)
        .values_list("latitude", "longitude")
        .first()
    )
    return row


def settle_point(
    initiative: Initiative,
    *,
    previous: tuple[float, float] | None,
    centre_of: Callable[[str | None], tuple[float, float] | None] = commune_centre,
) -> None:
    """Apply the rule above; `previous` is `stored_approximate_point()` read before the write.

    `centre_of` looks up a commune's centre (the import's preview passes the communes it has
    already loaded, so that checking a file costs no query per row)."""
    point = (initiative.latitude, initiative.longitude)
    if previous is not None and point == tuple(previous):
        point = (None, None)  # the approximate point sent back unchanged: not an address
    if point[0] is not None and point[1] is not None:
        initiative.approximate_point = False
        return
    if point[0] is not None or point[1] is not None:
        return  # half a point: left for validation to refuse
    centre = centre_of(initiative.commune_id)
    initiative.latitude, initiative.longitude = centre if centre else (None, None)
    initiative.approximate_point = centre is not None


def points_to_settle(queryset=None) -> dict[int, tuple[float | None, float | None, bool]]:
    """The stored records the rule would move now (after loaddata or new commune centres),
    with their new (latitude, longitude, approximate_point); `services.points_settle` moves
    them, as a write.

    Approximate points follow their commune's current centre; records with a commune and
    no point get one. Exact points are never touched.
    """
    queryset = queryset if queryset is not None else Initiative.objects.all()
    candidates = queryset.filter(commune__isnull=False).filter(
        approximate_point=True
    ) | queryset.filter(commune__isnull=False, latitude__isnull=True, longitude__isnull=True)
    centres = {
        pk: (lat, lon)
        for pk, lat, lon in Commune.objects.filter(
            pk__in=candidates.values("commune_id"),
            centre_lat__isnull=False,
            centre_lon__isnull=False,
        ).values_list("pk", "centre_lat", "centre_lon")
    }
    moves = {}
    rows = candidates.values_list("pk", "commune_id", "latitude", "longitude", "approximate_point")
    for pk, commune_id, latitude, longitude, approximate in rows:
        centre = centres.get(commune_id)
        new = (*centre, True) if centre else (None, None, False)
        if new != (latitude, longitude, approximate):
            moves[pk] = new
    return moves
