"""Where an initiative is on the map: its own point, or its commune's centre (approximate).

The one rule, called by every write (services._apply, hence admin, import, API, suggestions,
and load_fixtures through `initiatives_settle_points`):

- coordinates given (and not merely the approximate point sent back unchanged): the point is
  exact;
- otherwise, with a commune that has a centre: the point is the commune's centre, flagged
  `approximate_point` (shown as "position approximative : centre de la commune");
- otherwise: no point. Never an invented address.

An approximate point nobody changed follows the commune: change the commune and the point
moves to the new centre.
"""

from collections.abc import Callable

from django.db import transaction

from intercos.models import Commune

from .models import Initiative


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


@transaction.atomic
def initiatives_settle_points(queryset=None) -> int:
    """Re-apply the rule to stored records (after loaddata or new commune centres).

    Approximate points follow their commune's current centre; records with a commune and
    no point get one. Exact points are never touched. Returns how many rows changed.
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
    changed = []
    for initiative in candidates.only(
        "pk", "commune_id", "latitude", "longitude", "approximate_point"
    ):
        centre = centres.get(initiative.commune_id)
        new = (*centre, True) if centre else (None, None, False)
        old = (initiative.latitude, initiative.longitude, initiative.approximate_point)
        if new != old:
            initiative.latitude, initiative.longitude, initiative.approximate_point = new
            changed.append(initiative)
    Initiative.objects.bulk_update(
        changed, ["latitude", "longitude", "approximate_point"], batch_size=1000
    )
    return len(changed)
