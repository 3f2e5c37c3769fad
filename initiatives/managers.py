"""Chainable queries on initiatives: published(), in_interco(), near(), search().

"Near a place" (a point within the circle, or serving a territory there) is decided by
near_results.NearResults: the one implementation.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connections, models
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Value,
)
from django.utils import timezone

from essmap.geo import BBox, distance_expression
from essmap.text import tokens

from .visibility import readable

# A record whose information was not checked for longer than this is marked "not verified".
STALE_AFTER_DAYS = 365


class KeyIn(Func):
    """`column IN (keys)`, as one array parameter on PostgreSQL (`= ANY(%s)`).

    Django writes `IN (%s, %s, …)`: one placeholder per key, which the driver splits and
    adapts one by one (90 ms for 18,000 keys); an array is one parameter.
    """

    output_field = BooleanField()

    def __init__(self, expression, keys):
        super().__init__(expression)
        self.keys = list(keys)

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.keys:
            return "1 = 0", ()
        return f"{column} IN ({', '.join(['%s'] * len(self.keys))})", (*params, *self.keys)

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s)", (*params, self.keys)


class KeySet(KeyIn):
    """`column IN (SELECT unnest(keys))` on PostgreSQL: a hashed set of keys, which stays cheap
    when another key list narrows the same rows again (two `= ANY` arrays on one column made
    PostgreSQL scan the table, comparing each row with every key: 250 ms at 40,000 rows)."""

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.keys:
            return "1 = 0", ()
        return f"{column} IN (SELECT unnest(%s))", (*params, self.keys)


class SearchVector(Func):
    """The stored, weighted `search_vector` column (migration 0003), PostgreSQL only.

    Unknown to the model: compiled from the `search_text` column's reference, so the table
    alias is right in subqueries too.
    """

    output_field = FloatField()  # never selected; only given to the functions below

    def __init__(self):
        super().__init__(F("search_text"))

    def as_sql(self, compiler, connection, **extra):
        column = self.source_expressions[0]
        return (
            f"{compiler.quote_name_unless_alias(column.alias)}."
            f"{connection.ops.quote_name('search_vector')}",
            [],
        )


class VectorMatch(Func):
    """search_vector @@ plainto_tsquery('french', words): the GIN index on the column."""

    template = "(%(expressions)s @@ plainto_tsquery('french'::regconfig, %%s))"
    output_field = BooleanField()

    def __init__(self, query: str):
        super().__init__(SearchVector())
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.query)


class VectorRank(VectorMatch):
    """Cover density rank of the stored vector: name words (weight A) rank first."""

    template = "ts_rank_cd(%(expressions)s, plainto_tsquery('french'::regconfig, %%s))"
    output_field = FloatField()


# Typo correction (PostgreSQL): each query word of at least this many characters that is not
# in the vocabulary (migration 0006) is replaced by the most similar word that is. Shorter
# words are kept as typed: two letters share too few trigrams to correct anything.
MIN_CORRECTED = 3
# A corrected search keeps at most this many matches (read from the full-text index, then
# ranked): a typo of a common word would otherwise rank tens of thousands of rows (650 ms at
# 250,000 initiatives). Exact searches are not capped.
FUZZY_CAP = 1000
CORRECTION_SQL = """
SELECT q.n, c.word
FROM unnest(%s::text[]) WITH ORDINALITY AS q(w, n)
CROSS JOIN LATERAL (
    SELECT word FROM initiatives_search_word
    WHERE word %% q.w
    ORDER BY similarity(word, q.w) DESC, word
    LIMIT 1
) AS c
"""


@dataclass(frozen=True)
class SearchTerms:
    """What a search looks for, decided once per request (InitiativeQuerySet.search_terms).

    `words`: the normalised words to match; `corrected`: True when typos were corrected
    against the vocabulary (then `keys` holds the matches, `capped` when there were more);
    `portable`: not PostgreSQL (substring matching).
    """

    words: tuple[str, ...]
    corrected: bool = False
    portable: bool = False
    keys: tuple[int, ...] | None = None  # a corrected search: its matches, up to FUZZY_CAP
    capped: bool = False  # more matches than FUZZY_CAP

    @property
    def query(self) -> str:
        return " ".join(self.words)


def corrected_words(words: list[str], using: str) -> list[str]:
    """Each word replaced by its nearest vocabulary word: one indexed query for all words."""
    candidates = [w for w in words if len(w) >= MIN_CORRECTED]
    if not candidates:
        return words
    with connections[using].cursor() as cursor:
        cursor.execute(CORRECTION_SQL, [candidates])
        found = {candidates[n - 1]: word for n, word in cursor.fetchall()}
    return [found.get(w, w) for w in words]


def stale_cutoff():
    return timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        """Published only (initiatives.visibility: the one rule)."""
        return readable(self)

    def in_interco(self, interco):
        """Located in one of the interco's communes, or covering it."""
        return self.in_intercos([interco])

    def in_intercos(self, intercos):
        """Located in or covering any of the intercos (a list, queryset or values() query).

        A subquery rather than a join: no duplicate rows, so no DISTINCT, which would make
        counts and aggregates sort every column of the matching rows. A UNION of the two
        branches rather than an OR across them: each follows its own index (commune, then
        initiatives; coverage by interco), where the OR made PostgreSQL read every published
        initiative (0.25 s per count at 250,000 rows).
        """
        located = self.model.objects.filter(commune__interco__in=intercos).order_by().values("pk")
        covering = (
            self.model.coverage.through.objects.filter(interco__in=intercos)
            .order_by()
            .values("initiative_id")
        )
        return self.filter(pk__in=located.union(covering))

    def with_themes(self, themes):
        """Carrying any of the themes (EXISTS: no duplicates, no DISTINCT)."""
        tagged = self.model.themes.through.objects.filter(
            initiative=OuterRef("pk"), theme__in=themes
        )
        return self.filter(Exists(tagged))

    def in_bbox(self, box: BBox):
        """Located inside the box (the (latitude, longitude) index)."""
        return self.filter(
            latitude__gte=box.south,
            latitude__lte=box.north,
            longitude__gte=box.west,
            longitude__lte=box.east,
        )

    def with_distance(self, lat: float, lon: float):
        return self.annotate(distance_km=distance_expression(lat, lon))

    def near(self, lat: float, lon: float, radius_km: float):
        """Within radius_km of the point: indexed bounding box first, then haversine."""
        return (
            self.in_bbox(BBox.around(lat, lon, radius_km))
            .with_distance(lat, lon)
            .filter(distance_km__lte=radius_km)
        )

    def stale(self):
        """Never verified, or verified more than a year ago (the same rule as `is_stale`)."""
        return self.exclude(verified_at__gte=stale_cutoff())

    def with_staleness(self):
        """Annotate `is_stale`: never verified, or verified more than a year ago."""
        return self.annotate(
            is_stale=models.Case(
                models.When(verified_at__gte=stale_cutoff(), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )

    def search_terms(self, text: str) -> SearchTerms:
        """Decide what a search looks for (up to three indexed queries); reuse the answer.

        On PostgreSQL, full text first (French stems: "cantine" finds "cantines"); when it
        finds nothing, the words are corrected against the vocabulary of published
        initiatives ("solidaie" becomes "solidaire"), never matched by trigrams against
        whole texts (seconds per pass at 40,000 rows).
        """
        words = tokens(text)
        if not words or connections[self.db].vendor != "postgresql":
            return SearchTerms(tuple(words), portable=bool(words))
        query = " ".join(words)
        if self.filter(VectorMatch(query)).exists():
            return SearchTerms(tuple(words))
        corrected = corrected_words(words, self.db)
        if corrected == words:
            return SearchTerms(tuple(words))  # nothing to correct: nothing found
        matches = self.filter(VectorMatch(" ".join(corrected))).order_by()
        keys = list(matches.values_list("pk", flat=True)[: FUZZY_CAP + 1])
        return SearchTerms(
            tuple(corrected),
            corrected=True,
            keys=tuple(keys[:FUZZY_CAP]),
            capped=len(keys) > FUZZY_CAP,
        )

    def search(self, text: str, terms: SearchTerms | None = None):
        """Accent- and case-insensitive search, annotating `search_rank` (higher is better).

        On PostgreSQL: French full text on the stored, weighted vector (migration 0003), name
        matches first, with typos corrected (search_terms); pass `terms` to reuse a decision
        already taken for the same text. Elsewhere: the portable fallback below. Every pass
        over the results (count, page, map bounds) is then an indexed full-text query.
        """
        terms = terms if terms is not None else self.search_terms(text)
        if not terms.words:
            return self.annotate(search_rank=Value(0.0, output_field=FloatField()))
        if terms.portable:
            return self._search_portable(list(terms.words))
        rank = VectorRank(terms.query)
        if terms.keys is not None:
            return self.filter(KeySet(F("pk"), terms.keys)).annotate(search_rank=rank)
        return self.filter(VectorMatch(terms.query)).annotate(search_rank=rank)

    def _search_portable(self, words: list[str]):
        """Each word must appear in the normalised text; words found in the name rank first."""
        qs = self
        for word in words:
            qs = qs.filter(search_text__contains=word)
        rank = sum(
            (
                models.Case(
                    models.When(search_name__contains=word, then=Value(1.0)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
                for word in words
            ),
            Value(0.0, output_field=FloatField()),
        )
        return qs.annotate(search_rank=rank)
