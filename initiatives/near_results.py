"""The one implementation of "near": which initiatives match, their rank, the interco they
serve, then their order (issues 12 and 22; the rule itself: initiatives/near.py).

`NearResults` decides from indexes, once per search:

1. the matching keys with their distance: the point branch from the (latitude, longitude)
   index, the coverage branch from the coverage table (both with every other filter);
   each key's rank (a point within the radius, covering the place's interco, covering an
   interco reaching into the circle) and, for a territory match, the interco it serves
   (the place's own first, then by name);
2. the count is their number (exact, no COUNT query);
3. as keys, in the documented order (the API's pages ordered by distance): a page sorts
   them by (rank, distance) in Python, then reads the tie-breakers (stale first or not,
   normalised name) of the page's candidates only: those whose (rank, distance) lies
   between the page's first and last, ties at both ends included;
4. as a queryset (`queryset()`: the HTML directory, the map, the exports, any other order):
   the same keys, annotated with the same decisions (`distance_km`, `match_rank`,
   `served_interco`), which InitiativeFilterSet.order() sorts with NEAR_ORDER.

Both give exactly the order of NEAR_ORDER: rank, distance (none last), fresh before stale,
name, key.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cached_property

from django.db.models import Case, CharField, F, IntegerField, Value, When

from essmap.geo import BBox
from intercos.models import Interco

from .managers import KeyIn, KeySet

INFINITY = float("inf")
# The documented order of a "near" search, after match_rank and distance_km (nulls last):
# fresh before stale, then the normalised name, then the key.
TIE_BREAKERS = ("is_stale", "search_name", "pk")


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
        self.unplaced = queryset.order_by()  # every filter but the place (status included)
        self.lat, self.lon, self.radius = lat, lon, radius_km
        self.home = home
        self.intercos = sorted({*reach, *([home] if home else [])})
        self.match = match
        self._covering: dict[int, list[str]] = {}  # key -> SIRENs it covers among intercos

    # --- the matching keys --------------------------------------------------------------
    @cached_property
    def _ranked(self) -> list[tuple[int, float, int]]:
        """(rank, distance or infinity, key) of every match, sorted."""
        found: dict[int, tuple[int, float]] = {}
        if self.match != "territory":
            within = (
                self.unplaced.in_bbox(BBox.around(self.lat, self.lon, self.radius))
                .with_distance(self.lat, self.lon)
                .filter(distance_km__lte=self.radius)
                .values_list("pk", "distance_km")
            )
            found.update((pk, (0, km)) for pk, km in within)
        if self.match != "point" and self.intercos:
            # The covering keys first (coverage table, by interco), then their rows by key:
            # as a sub-select, PostgreSQL joined it by hash against every published row.
            through = self.unplaced.model.coverage.through.objects
            pairs = through.filter(interco__in=self.intercos).values_list(
                "initiative_id", "interco_id"
            )
            ranks: dict[int, int] = {}
            for pk, siren in pairs:
                ranks[pk] = min(ranks.get(pk, 2), 1 if siren == self.home else 2)
                self._covering.setdefault(pk, []).append(siren)
            serving = (
                self.unplaced.filter(KeyIn(F("pk"), ranks))
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
        return [
            {
                "pk": pk,
                "distance_km": None if km == INFINITY else km,
                "match_rank": rank,
                "served_interco": self.served(pk) if rank > 0 else None,
            }
            for rank, km, pk in page
        ]

    def _tie_breakers(self, keys: list[int]) -> dict[int, tuple[int]]:
        """Each candidate's place in the database's order of the tie-breakers (fresh before
        stale, normalised name, key), as InitiativeFilterSet.order() sorts: the database's
        collation decides, as it does for the queryset."""
        rows = (
            self.unplaced.model.objects.filter(KeyIn(F("pk"), keys))
            .with_staleness()
            .order_by(*TIE_BREAKERS)
            .values_list("pk", flat=True)
        )
        return {pk: (position,) for position, pk in enumerate(rows)}

    # --- the interco a territory match serves -------------------------------------------
    @cached_property
    def _interco_order(self) -> dict[str, tuple[int, str]]:
        """SIREN -> (rank, name) of the intercos of the search: the place's own first, then
        by name (the database's collation decides, as for the names of the results)."""
        rows = Interco.objects.filter(pk__in=self.intercos).order_by("name", "siren")
        return {
            siren: (0 if siren == self.home else position + 1, name)
            for position, (siren, name) in enumerate(rows.values_list("siren", "name"))
        }

    def served(self, pk: int) -> str | None:
        """The name of the interco a territory match serves (None for a point match)."""
        covered = self._covering.get(pk)
        if not covered:
            return None
        order = self._interco_order
        return order[min(covered, key=order.__getitem__)][1]

    # --- the same decisions as a queryset -----------------------------------------------------
    def queryset(self):
        """The matches as a queryset annotated with this search's decisions: `distance_km`,
        `match_rank` and `served_interco` (as the keys carry them), for any order or reader.

        The decisions travel as key sets (`IN (SELECT unnest(...))` on PostgreSQL: hashed
        once, not compared row by row); a point match is the distance test itself."""
        ranked = self._ranked
        keys = [pk for _rank, _km, pk in ranked]
        home = [pk for rank, _km, pk in ranked if rank == 1]
        by_interco: dict[str, list[int]] = {}
        for rank, _km, pk in ranked:
            if rank > 0:
                by_interco.setdefault(self.served(pk), []).append(pk)
        serving = [When(KeySet(F("pk"), pks), then=Value(name)) for name, pks in by_interco.items()]
        return (
            self.unplaced.filter(KeyIn(F("pk"), keys))
            .with_distance(self.lat, self.lon)
            .annotate(
                match_rank=Case(
                    When(distance_km__lte=self.radius, then=Value(0)),
                    When(KeySet(F("pk"), home), then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
                served_interco=Case(*serving, default=Value(None), output_field=CharField())
                if serving
                else Value(None, output_field=CharField()),
            )
        )
