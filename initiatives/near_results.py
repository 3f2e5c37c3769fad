"""The keys of a "near" search in its documented order, read from indexes (issue 12).

`InitiativeQuerySet.near_or_serving()` + an ORDER BY reads every matching row from the table
to sort it (thousands of rows around a city: tens of milliseconds). The order is mostly
decided by two values the indexes give: the match rank (a point within the radius, covering
the place's interco, covering an interco reaching into the circle) and the distance. So:

1. the matching keys with their distance: the point branch from the (latitude, longitude)
   index, the coverage branch from the coverage table (both with every other filter);
2. the count is their number (exact, no COUNT query);
3. a page sorts them by (rank, distance) in Python, then reads the tie-breakers (stale
   first or not, normalised name) of the page's candidates only: those whose (rank,
   distance) lies between the page's first and last, ties at both ends included. The
   result is exactly the order of `InitiativeFilterSet.order()` for a "near" search:
   rank, distance (none last), fresh before stale, name, key.

Used by the API's page mode when the results are ordered by distance; anything else (words,
other orders, the cursor mode, the HTML page) runs the queryset.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cached_property

from django.db.models import Case, F, Value, When
from django.db.models import IntegerField as IntegerOutput

from essmap.geo import BBox

from .managers import KeyIn

INFINITY = float("inf")


class NearResults:
    """A sequence of key dicts {pk, distance_km, match_rank, served_interco}, sliceable."""

    def __init__(
        self,
        queryset,
        lat: float,
        lon: float,
        radius_km: float,
        *,
        home: str | None,
        reach: Iterable[str],
        match: str | None,
    ):
        self.queryset = queryset.order_by()  # every filter but the place (status included)
        self.lat, self.lon, self.radius = lat, lon, radius_km
        self.home = home
        self.intercos = sorted({*reach, *([home] if home else [])})
        self.match = match

    # --- the matching keys --------------------------------------------------------------
    @cached_property
    def _ranked(self) -> list[tuple[int, float, int]]:
        """(rank, distance or infinity, key) of every match, sorted."""
        found: dict[int, tuple[int, float]] = {}
        if self.match != "territory":
            within = (
                self.queryset.in_bbox(BBox.around(self.lat, self.lon, self.radius))
                .with_distance(self.lat, self.lon)
                .filter(distance_km__lte=self.radius)
                .values_list("pk", "distance_km")
            )
            found.update((pk, (0, km)) for pk, km in within)
        if self.match != "point" and self.intercos:
            # The covering keys first (coverage table, by interco), then their rows by key:
            # as a sub-select, PostgreSQL joined it by hash against every published row.
            through = self.queryset.model.coverage.through.objects
            pairs = through.filter(interco__in=self.intercos).values_list(
                "initiative_id", "interco_id"
            )
            ranks: dict[int, int] = {}
            for pk, siren in pairs:
                ranks[pk] = min(ranks.get(pk, 2), 1 if siren == self.home else 2)
            serving = (
                self.queryset.filter(KeyIn(F("pk"), ranks))
                .with_distance(self.lat, self.lon)
                .values_list("pk", "distance_km")
            )
            for pk, km in serving:
                rank = ranks[pk]
                if km is not None and km <= self.radius:
                    if self.match == "territory":
                        found.pop(pk, None)  # found by its point: not a territory match
                        continue
                    rank = 0
                found.setdefault(pk, (rank, INFINITY if km is None else km))
        return sorted((rank, km, pk) for pk, (rank, km) in found.items())

    def count(self) -> int:
        return len(self._ranked)

    def __len__(self) -> int:
        return self.count()

    # --- one page ---------------------------------------------------------------------------
    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("NearResults only takes slices")
        ranked = self._ranked
        start, stop, _ = index.indices(len(ranked))
        if start >= stop:
            return []
        first, last = ranked[start][:2], ranked[stop - 1][:2]
        low = bisect_left(ranked, first, key=lambda r: r[:2])
        high = bisect_right(ranked, last, key=lambda r: r[:2])
        candidates = ranked[low:high]
        order = self._tie_breakers([pk for _rank, _km, pk in candidates])
        candidates.sort(key=lambda r: (r[0], r[1], *order[r[2]]))
        page = candidates[start - low : stop - low]
        served = self._served([pk for rank, _km, pk in page if rank > 0])
        return [
            {
                "pk": pk,
                "distance_km": None if km == INFINITY else km,
                "match_rank": rank,
                "served_interco": served.get(pk),
            }
            for rank, km, pk in page
        ]

    def _tie_breakers(self, keys: list[int]) -> dict[int, tuple[int]]:
        """Each candidate's place in the database's order of the tie-breakers (fresh before
        stale, normalised name, key), as InitiativeFilterSet.order() sorts: the database's
        collation decides, as it does for the queryset."""
        rows = (
            self.queryset.model.objects.filter(KeyIn(F("pk"), keys))
            .with_staleness()
            .order_by("is_stale", "search_name", "pk")
            .values_list("pk", flat=True)
        )
        return {pk: (position,) for position, pk in enumerate(rows)}

    def _served(self, keys: list[int]) -> dict[int, str]:
        """The interco each territory match serves (the place's own first, then by name)."""
        if not keys:
            return {}
        through = self.queryset.model.coverage.through.objects
        rows = (
            through.filter(initiative_id__in=keys, interco__in=self.intercos)
            .annotate(
                away=Case(
                    When(interco=self.home or "", then=Value(0)),
                    default=Value(1),
                    output_field=IntegerOutput(),
                )
            )
            .order_by("initiative_id", "away", "interco__name")
            .values_list("initiative_id", "interco__name")
        )
        served: dict[int, str] = {}
        for pk, name in rows:
            served.setdefault(pk, name)
        return served
