"""Checks the write authority (`rules.py`) applies to every staff write path.

- What a staff account may attach an initiative to (communes, intercos, carrier and
  partner initiatives of its territory, plus what the record already has).
- Cross-field checks of an initiative: postcode against the commune, point within the
  commune's département, http(s) website, names close to another in the same commune.

Single-field formats (SIRET, RNA, phone, opening hours) are in `validators.py`.
"""

from difflib import SequenceMatcher

from django.core.validators import URLValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from essmap.geo import FRANCE, BBox, haversine_km
from essmap.text import normalize
from essmap.typography import elide_in
from intercos.models import Commune, Interco

from .models import Initiative
from .staff_scope import initiatives_for_user

MAX_KM_FROM_COMMUNE = 100.0
CONTOUR_MARGIN_DEG = 0.05  # ~5 km around the département's bounding box
SIMILARITY_THRESHOLD = 0.85

# Websites are links shown to the public: no ftp:, javascript: or data: schemes.
http_url = URLValidator(schemes=["http", "https"])


# --- what a staff account may link an initiative to ----------------------------------------


def staff_intercos(user) -> QuerySet[Interco]:
    """Intercos a staff account belongs to (all of them for a superuser)."""
    return Interco.objects.for_user(user)


def linkable_communes(user, *, current: str | None = None) -> QuerySet[Commune]:
    """Communes of the user's intercos, and the record's current commune (kept as it is)."""
    if user.is_superuser:
        return Commune.objects.select_related("departement")
    mine = Q(interco__in=staff_intercos(user).values("pk"))
    if current:
        mine |= Q(pk=current)
    return Commune.objects.filter(mine).select_related("departement")


def linkable_intercos(user, *, current: QuerySet | list | None = None) -> QuerySet[Interco]:
    """The user's intercos, and those the record is already linked to (kept as they are)."""
    if user.is_superuser:
        return Interco.objects.all()
    mine = Q(pk__in=staff_intercos(user).values("pk"))
    if current is not None:
        mine |= Q(pk__in=current)
    return Interco.objects.filter(mine).distinct()


def linkable_initiatives(user) -> QuerySet[Initiative]:
    """Initiatives a staff account may name as carrier or partner: its own, any published."""
    if user.is_superuser:
        return Initiative.objects.all()
    return Initiative.objects.filter(
        Q(pk__in=initiatives_for_user(user).values("pk")) | Q(status=Initiative.Status.PUBLISHED)
    )


def linkable_choices(user, initiative: Initiative | None) -> dict[str, QuerySet]:
    """{field: queryset} of the related records a staff account may set on an initiative.

    Its territory's communes and intercos, plus those the record already has (a shared
    record keeps its other links); as carrier, its own initiatives or any published one.
    """
    pk = getattr(initiative, "pk", None)
    commune_id = getattr(initiative, "commune_id", None)
    carrier_interco_id = getattr(initiative, "carried_by_interco_id", None)
    return {
        "commune": linkable_communes(user, current=commune_id),
        "coverage": linkable_intercos(
            user, current=initiative.coverage.values("pk") if pk else None
        ),
        "carried_by_interco": linkable_intercos(
            user, current=[carrier_interco_id] if carrier_interco_id else None
        ),
        "carried_by": linkable_initiatives(user),
    }


# --- cross-field checks ---------------------------------------------------------------------


def point_location_error(lat: float, lon: float, commune: Commune | None) -> str | None:
    """Why a point is implausible for the commune, or None when it is fine.

    Uses the département's contour when loaded, else the distance from the commune
    centre, else a bounding box of metropolitan France.
    """
    if commune is not None:
        departement = commune.departement
        bbox = BBox.of_geometry(departement.contour)
        if bbox is not None:
            if not bbox.contains(lat, lon, margin=CONTOUR_MARGIN_DEG):
                return str(
                    _(
                        "Le point (%(lat).5f, %(lon).5f) est hors du département %(dep)s "
                        "de la commune choisie : vérifiez la latitude et la longitude "
                        "(inversées ?)."
                    )
                    % {"lat": lat, "lon": lon, "dep": departement}
                )
            return None
        if commune.centre_lat is not None and commune.centre_lon is not None:
            km = haversine_km(lat, lon, commune.centre_lat, commune.centre_lon)
            if km > MAX_KM_FROM_COMMUNE:
                return elide_in(
                    str(
                        _(
                            "Le point est à %(km)d km de %(commune)s : vérifiez la latitude "
                            "et la longitude (inversées ?)."
                        )
                        % {"km": km, "commune": commune.name}
                    ),
                    commune.name,
                )
            return None
        if departement.code.startswith("97"):
            return None
    if not FRANCE.contains(lat, lon):
        return str(_("Le point est hors de France métropolitaine : vérifiez les coordonnées."))
    return None


def postcode_error(postcode: str, commune: Commune | None) -> str | None:
    if postcode and commune is not None and commune.postcodes:
        if postcode not in commune.postcode_list:
            return elide_in(
                _("Le code postal %(cp)s ne correspond pas à %(commune)s (%(codes)s).")
                % {
                    "cp": postcode,
                    "commune": commune.name,
                    "codes": ", ".join(commune.postcode_list),
                },
                commune.name,
            )
    return None


def location_errors(
    *,
    commune: Commune | None,
    postcode: str,
    latitude: float | None,
    longitude: float | None,
) -> dict[str, str]:
    """{field: message} for a postcode or a point that does not fit the commune."""
    errors = {}
    error = postcode_error(postcode or "", commune)
    if error:
        errors["postcode"] = error
    if latitude is not None and longitude is not None:
        error = point_location_error(latitude, longitude, commune)
        if error:
            errors["latitude"] = error
    return errors


def similar_initiatives(name: str, commune: Commune | None, *, exclude_pk=None) -> list[Initiative]:
    """Initiatives of the same commune whose name is the same or nearly the same."""
    if commune is None or not name:
        return []
    key = normalize(name)
    qs = Initiative.objects.filter(commune=commune).only("id", "name", "search_name", "slug")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for other in qs[:500]:
        other_key = other.search_name or normalize(other.name)
        ratio = SequenceMatcher(None, key, other_key).ratio()
        if other_key == key or ratio >= SIMILARITY_THRESHOLD:
            found.append(other)
    return found
