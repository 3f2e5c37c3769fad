"""Chainable queries on initiatives: published(), in_interco(), near(), search()."""

from collections.abc import Iterable
from datetime import timedelta

from django.db import connections, models
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Subquery,
    Value,
)
from django.utils import timezone

from essmap.geo import BBox, distance_expression
from essmap.text import tokens

# "Near": up to this many matching keys are passed as a list (then read by primary key): one
# array parameter on PostgreSQL, one placeholder per key elsewhere (SQLite caps them).
INLINE_IDS = {"postgresql": 100_000}
INLINE_IDS_DEFAULT = 10_000
# A record whose information was not checked for longer than this is marked "not verified".
STALE_AFTER_DAYS = 365


class _WithQuery(Func):
    """A PostgreSQL expression over one column that takes the search words as a parameter."""

    output_field = BooleanField()

    def __init__(self, expression, query: str):
        super().__init__(expression)
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.query)


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


class TrigramWordMatch(_WithQuery):
    """search_text %> words (i.e. words <% search_text): trigram GIN index, tolerates typos."""

    # "%%%%>" survives two rounds of %-formatting (template, then the driver) as "%>".
    template = "(%(expressions)s %%%%> %%s)"


class TrigramWordSimilarity(_WithQuery):
    template = "word_similarity(%%s, %(expressions)s)"
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = Func.as_sql(self, compiler, connection, **extra)
        return sql, (self.query, *params)


def stale_cutoff():
    return timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)


class InitiativeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

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

    def near_or_serving(
        self,
        lat: float,
        lon: float,
        radius_km: float,
        *,
        home: str | None = None,
        reach: Iterable[str] = (),
        match: str | None = None,
    ):
        """ "Near a place": a point within the circle, or coverage of an interco there.

        `home` is the SIREN of the interco of the place's commune, `reach` those of the
        communes whose centre lies in the circle (intercommunal coverage is administrative:
        an interco meets the circle through its communes). `match` keeps only "point" or
        "territory" matches.

        Annotates `distance_km` (None without a point) and `match_rank`: 0 a point within
        the radius, 1 covering the place's interco, 2 covering an interco reaching into the
        circle. Both branches follow an index (the (latitude, longitude) box; coverage by
        interco) and meet in a UNION, never an OR across them (see in_intercos).
        """
        intercos = sorted({*reach, *([home] if home else [])})
        within = (
            self.model.objects.in_bbox(BBox.around(lat, lon, radius_km))
            .with_distance(lat, lon)
            .filter(distance_km__lte=radius_km)
            .order_by()
            .values_list("pk", flat=True)
        )
        through = self.model.coverage.through.objects
        covering = (
            through.filter(interco__in=intercos).order_by().values_list("initiative_id", flat=True)
        )
        if match == "point":
            ids = within
        elif match == "territory":
            ids = covering
        else:
            ids = within.union(covering) if intercos else within
        # The matching keys first (both branches indexed), then the rows by primary key: as
        # a sub-select, PostgreSQL joined it by hash against every published row for counts.
        inline = INLINE_IDS.get(connections[self.db].vendor, INLINE_IDS_DEFAULT)
        found = list(ids[: inline + 1])
        covers_home = Exists(through.filter(initiative=OuterRef("pk"), interco=home or ""))
        if len(found) <= inline:
            qs = self.filter(KeyIn(F("pk"), found))
        else:
            qs = self.filter(pk__in=ids)
        qs = qs.with_distance(lat, lon)
        if match == "territory":
            qs = qs.exclude(pk__in=within)
        return qs.annotate(
            match_rank=models.Case(
                models.When(distance_km__lte=radius_km, then=Value(0)),
                models.When(covers_home, then=Value(1)),
                default=Value(2),
                output_field=models.IntegerField(),
            ),
            served_interco=Subquery(
                through.filter(initiative=OuterRef("pk"), interco__in=intercos)
                .annotate(
                    away=models.Case(
                        models.When(interco=home or "", then=Value(0)),
                        default=Value(1),
                        output_field=models.IntegerField(),
                    )
                )
                .order_by("away", "interco__name")
                .values("interco__name")[:1]
            ),
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

    def search(self, text: str):
        """Accent- and case-insensitive search, annotating `search_rank` (higher is better).

        On PostgreSQL: French full text on the normalised text (stems: "cantine" finds
        "cantines"), or trigram word similarity when full text finds nothing (typos:
        "solidaie" finds "solidaire"); name matches rank first. Elsewhere: the portable
        fallback below.
        """
        words = tokens(text)
        if not words:
            return self.annotate(search_rank=Value(0.0, output_field=FloatField()))
        if connections[self.db].vendor == "postgresql":
            return self._search_postgresql(" ".join(words))
        return self._search_portable(words)

    def _search_postgresql(self, query: str):
        """Full text when it finds something (GIN, milliseconds); else trigrams, for typos.

        Full text matches and ranks on the stored, weighted vector (migration 0003): ranking
        reads each match's vector instead of recomputing it from the text, so the first page
        of a common word costs tens of milliseconds, not a second. Trigram word similarity
        against the whole text is costly on long texts, so it only runs when full text finds
        nothing: the EXISTS probe below is one indexed query.
        """
        text, name = F("search_text"), F("search_name")
        full_text = self.filter(VectorMatch(query))
        if full_text.exists():
            return full_text.annotate(search_rank=VectorRank(query))
        rank = TrigramWordSimilarity(text, query) + TrigramWordSimilarity(name, query)
        return self.filter(TrigramWordMatch(text, query)).annotate(search_rank=rank)

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
