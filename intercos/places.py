"""The place a visitor means ("cheylard", "st peray", "07160", "Cresst") and what lies around it.

Used by the "near" filter: the commune typed, its position (its centre, or its interco's when
it has none), the commune a point lies in, and the intercos reaching into a search circle.
"""

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from essmap.geo import BBox, haversine_km, polygon_contains
from essmap.text import normalize

from .models import Commune

ARTICLES = ("le", "la", "les", "l")
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
MAX_ALTERNATIVES = 5
FIELDS = (
    "insee", "name", "search_name", "population", "interco_id", "departement_id",
    "centre_lat", "centre_lon",
)  # fmt: skip


class PlaceError(Exception):
    """Why a text is not a place (the message is shown to the visitor)."""


def place_key(text: str) -> str:
    """'Le Cheylard' -> 'cheylard'; 'St-Péray' -> 'saint peray' (for comparisons only)."""
    words = normalize(text).split()
    words = [ABBREVIATIONS.get(w, w) for w in words]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance of at most one (one letter changed, added or removed)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


@dataclass
class PlaceMatch:
    commune: Commune
    # Other communes the text may mean (same name elsewhere, or as close a spelling).
    alternatives: list[Commune] = field(default_factory=list)
    corrected: bool = False  # found by tolerating one typo


def _by_size(communes) -> list[Commune]:
    return sorted(communes, key=lambda c: (-(c.population or 0), c.name, c.insee))


def _candidates(queryset: QuerySet[Commune], key: str) -> list[Commune]:
    """Communes whose name has the key's length give or take one letter, plus an article."""
    return list(
        queryset.annotate(n=Length("search_name"))
        .filter(n__gte=len(key) - 1, n__lte=len(key) + 5)  # "les " + one letter
        .only(*FIELDS)
    )


def find_commune(text: str, queryset: QuerySet[Commune] | None = None) -> PlaceMatch:
    """The commune meant by a name, "Name (26)" or a five-digit postcode.

    Raises PlaceError with a message for the visitor: nothing found, or a département number
    (which is not a place: the département filter is there for that).
    """
    queryset = queryset if queryset is not None else Commune.objects.all()
    queryset = queryset.defer("contour")
    raw = (text or "").strip()
    name, _sep, bracket = raw.partition("(")
    departement = bracket.strip(" )").upper() or None
    digits = raw.replace(" ", "")
    if digits.isdigit() or (len(digits) in (2, 3) and digits.upper() in ("2A", "2B")):
        if len(digits) != 5:
            raise PlaceError(
                _(
                    "« %(text)s » n'est pas un lieu : saisissez une commune ou un code postal à "
                    "5 chiffres (pour tout un département, utilisez le filtre Département)."
                )
                % {"text": raw}
            )
        found = _by_size(queryset.matching(digits))
        if not found:
            raise PlaceError(_("Aucune commune n'a le code postal %(code)s.") % {"code": digits})
        return PlaceMatch(found[0], found[1:MAX_ALTERNATIVES])
    key = place_key(name)
    if not key:
        raise PlaceError(_("Saisissez une commune ou un code postal."))
    if departement:
        queryset = queryset.filter(departement_id=departement)
    pool = _candidates(queryset, key)
    exact = _by_size(c for c in pool if place_key(c.name) == key)
    if exact:
        return PlaceMatch(exact[0], exact[1:MAX_ALTERNATIVES])
    prefixes = Q(search_name__startswith=key) | Q(search_name__startswith=normalize(name))
    for article in ARTICLES:
        prefixes |= Q(search_name__startswith=f"{article} {key}")
    biggest = (F("population").desc(nulls_last=True), "name", "insee")
    starting = list(queryset.filter(prefixes).only(*FIELDS).order_by(*biggest)[:MAX_ALTERNATIVES])
    if starting:
        return PlaceMatch(starting[0], starting[1:MAX_ALTERNATIVES])
    close = _by_size(c for c in pool if _one_edit_apart(place_key(c.name), key))
    if close:
        return PlaceMatch(close[0], close[1:MAX_ALTERNATIVES], corrected=True)
    raise PlaceError(_("Commune ou code postal introuvable."))


def position(commune: Commune) -> tuple[float, float] | None:
    """The commune's centre, else its interco's centre, else None."""
    if commune.centre_lat is not None and commune.centre_lon is not None:
        return commune.centre_lat, commune.centre_lon
    interco = commune.interco
    if interco is not None and interco.centre_lat is not None and interco.centre_lon is not None:
        return interco.centre_lat, interco.centre_lon
    return None


def communes_within(lat: float, lon: float, radius_km: float) -> list[tuple[str, str, float]]:
    """(insee, interco siren or '', km) of communes whose centre lies within the circle.

    Indexed box on the communes' centres (a few dozen rows), then haversine in Python.
    """
    box = BBox.around(lat, lon, radius_km)
    rows = Commune.objects.filter(
        centre_lat__gte=box.south,
        centre_lat__lte=box.north,
        centre_lon__gte=box.west,
        centre_lon__lte=box.east,
    ).values_list("insee", "interco_id", "centre_lat", "centre_lon")
    out = []
    for insee, siren, clat, clon in rows:
        km = haversine_km(lat, lon, clat, clon)
        if km <= radius_km:
            out.append((insee, siren or "", km))
    return sorted(out, key=lambda row: row[2])


def commune_at(lat: float, lon: float, search_km: float = 15.0) -> Commune | None:
    """The commune whose contour contains the point; else the one with the nearest centre."""
    nearby = communes_within(lat, lon, search_km)
    if not nearby:
        return None
    by_pk = Commune.objects.in_bulk([insee for insee, _s, _km in nearby[:12]])
    for insee, _siren, _km in nearby[:12]:
        commune = by_pk.get(insee)
        if commune is not None and polygon_contains(commune.contour, lat, lon):
            return commune
    return by_pk.get(nearby[0][0])
