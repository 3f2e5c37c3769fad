"""The place of a "near" search and why each result is there.

How "near" decides (also told to citizens in the README):
- the place is the commune typed (its centre; its interco's centre when it has none), or the
  coordinates given (then the commune whose outline contains them);
- an initiative is found when its point (its address, or its commune's centre when it has
  no address) is within the radius, or when it serves a territory there: the interco of
  the place's commune, or the interco of any commune whose centre is within the radius;
- results with a point within the radius come first, nearest first; then those serving
  the place's interco; then those serving an interco reaching into the circle.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from essmap.typography import format_quantity
from intercos.models import Commune
from intercos.places import PlaceError, commune_at, communes_within, find_commune, position

DEFAULT_RADIUS_KM = 20.0
MAX_RADIUS_KM = 500
WIDER_RADII = (10, 20, 50, 100)


@dataclass
class Place:
    lat: float
    lon: float
    commune: Commune | None = None
    typed: bool = False  # the visitor named a commune (else: coordinates)
    alternatives: list[Commune] = field(default_factory=list)
    corrected: bool = False
    radius: float = DEFAULT_RADIUS_KM

    @property
    def home_interco(self) -> str | None:
        return self.commune.interco_id if self.commune is not None else None

    @cached_property
    def _within(self) -> list[tuple[str, str, float]]:
        return communes_within(self.lat, self.lon, self.radius)

    def reach_intercos(self) -> list[str]:
        """SIRENs of the intercos of the communes whose centre lies within the radius."""
        return sorted({siren for _insee, siren, _km in self._within if siren})

    @property
    def label(self) -> str:
        return self.commune.name if self.typed and self.commune else _("votre position")

    def wider_radii(self) -> list[int]:
        return [r for r in WIDER_RADII if r > self.radius]


def locate_place(text: str | None, lat: float | None, lon: float | None) -> Place | None:
    """The place of a search: coordinates win over the text. Raises PlaceError."""
    if lat is not None and lon is not None:
        lat, lon = float(lat), float(lon)
        return Place(lat, lon, commune=commune_at(lat, lon))
    if not text:
        return None
    match = find_commune(text)
    point = position(match.commune)
    if point is None:
        raise PlaceError(
            _("La position de %(commune)s n'est pas connue.") % {"commune": match.commune.name}
        )
    return Place(
        *point,
        commune=match.commune,
        typed=True,
        alternatives=match.alternatives,
        corrected=match.corrected,
    )


def distance_text(initiative) -> str:
    """'3,2 km' (fr) / '3.2 km' (en), through the one typography helper."""
    return km_text(initiative.distance_km)


def km_text(distance_km: float) -> str:
    return format_quantity(round(distance_km, 1), "km")


def reason(match_rank: int | None, distance_km: float | None = None, served_interco=None):
    """Why a result of a "near" search is there: {"match": "point"|"territory", "text": …}.

    From the decisions of near_results.NearResults (keys or queryset); None outside a "near"
    search (no `match_rank`).
    """
    if match_rank is None:
        return None
    if match_rank == 0:
        return {"match": "point", "text": _("à %(km)s") % {"km": km_text(distance_km)}}
    interco = served_interco or ""
    if match_rank == 1:
        text = _("couvre votre intercommunalité (%(interco)s)") % {"interco": interco}
    else:
        text = _("couvre %(interco)s, dans le rayon") % {"interco": interco}
    return {"match": "territory", "text": text}
