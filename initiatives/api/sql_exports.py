"""The whole-set exports at the speed of the database: the SQL image of `public_fields`.

Why: building a model instance per row and formatting it in Python made the 250,000-row
CSV take about 68 s, twenty times PostgreSQL's own `COPY`. On PostgreSQL the database
therefore writes the exports: the CSV cells and the GeoJSON features are SQL expressions over
the filtered queryset's own query (same filters, same order), read with `COPY … TO STDOUT`
(streamed, bounded memory, no Python object per row). Python only adds the byte order mark
and header, turns row ends into CRLF and frames the FeatureCollection.

One representation: `sql_fields()` maps every key of `representation.public_fields` to its
SQL twin (tests/api/test_exports_sql.py fails when a field has none), and the column lists are
`representation.CSV_FIELDS` and `GEOJSON_PROPERTIES`. Each twin renders a CSV cell written
exactly as `essmap.api.renderers.csv_lines` writes `csv_row`'s value, and JSON text written
as `json.dumps` writes `geojson_properties`' value (the tests compare the bytes of both):

- text: empty string and NULL are both an empty cell (`NULLIF`: `COPY` would write `""`);
  `safe_cell`'s formula escaping (a leading apostrophe before `=`, `@`, tab, CR, and before
  `+`/`-` unless the rest is ASCII digits, spaces and dots, one digit at least: the same
  regex in both); JSON strings by `to_json`;
- floats: Python's `str()`: shortest round-trip digits (PostgreSQL's with
  `extra_float_digits = 1`, its default, set before reading) plus `.0` for whole values:
  exact for every coordinate the database accepts (|x| <= 180);
- `updated_at`: `isoformat()` in the site's time zone (microseconds only when not zero);
- quoting: `COPY`'s CSV quotes a cell holding `;`, `"`, CR or LF and doubles quotes, as the
  csv module's QUOTE_MINIMAL does; both keep line breaks inside quoted cells as they are.

What SQL does not express falls back to the streamed Python path (exports.py): SQLite, a
DISTINCT query (none of the filters adds one today), and
"near" searches (`distance_km`, `match`, `reason` need Python's rounding and translated
wording; those sets are bounded by a radius).
"""

import json
import re

from django.db import connections
from django.db.models import F, Func, TextField, Value
from django.http import StreamingHttpResponse
from django.utils import timezone

from essmap.api.renderers import csv_lines
from essmap.paths import slug_path

from ..models import Initiative, Theme
from ..representation import CSV_COLUMNS, CSV_FIELDS, GEOJSON_PROPERTIES, MULTI_SEPARATOR

FLUSH_BYTES = 64 * 1024  # COPY rows are written to the response in pieces of this size
# Annotations of a "near" search: their fields are formatted in Python (exports.py).
NEAR_ANNOTATIONS = ("distance_km", "match_rank")


class SqlTemplate(Func):
    """Raw SQL around expressions: `{0}`, `{1}`… stand for them, as many times as needed."""

    def __init__(self, template: str, *expressions, output_field=None):
        super().__init__(*expressions, output_field=output_field or TextField())
        self.sql_template = template

    def as_sql(self, compiler, connection, **extra):
        compiled = [compiler.compile(e) for e in self.get_source_expressions()]
        params: list = []

        def fill(match):
            sql, found = compiled[int(match.group(1))]
            params.extend(found)
            return sql

        return re.sub(r"\{(\d+)\}", fill, self.sql_template), tuple(params)


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# safe_cell (essmap/api/renderers.py) in SQL; ascii() is the first character's code point.
# After "+" or "-": escaped unless the rest is digits, spaces and dots (one digit at least).
SIGNED = "CASE WHEN substr({0}, 2) ~ '^[ .]*[0-9][0-9 .]*$' THEN {0} ELSE '''' || {0} END"
SAFE_CELL = (  # a simple CASE: ascii() is computed once per cell
    "CASE ascii({0}) WHEN 61 THEN '''' || {0} WHEN 64 THEN '''' || {0} WHEN 9 THEN '''' || {0}"
    f" WHEN 13 THEN '''' || {{0}} WHEN 43 THEN {SIGNED} WHEN 45 THEN {SIGNED}"
    " ELSE NULLIF({0}, '') END"
)
# str(float): shortest round-trip digits, and ".0" for whole values.
FLOAT_TEXT = "CASE WHEN {0} = trunc({0}) THEN {0}::text || '.0' ELSE {0}::text END"
# As a CSV cell: a negative value below 1e-4 is written "-1e-05", which safe_cell escapes.
# Coordinates are within ±180, where nothing else differs from Python.
FLOAT_CELL = (
    "CASE WHEN {0} = trunc({0}) THEN {0}::text || '.0'"
    " WHEN {0} < 0 AND abs({0}) < 1e-4::float8 THEN '''' || {0}::text ELSE {0}::text END"
)


class Text:
    """A text field, rendered as a CSV cell (`csv()`) and as JSON text (`json()`).

    `checked`: the database or the SQL guarantees a plain format (digits, letters, dates), so
    the value needs neither formula escaping nor JSON escaping. `formula_safe`: only the
    former (it cannot start with a formula character).
    """

    def __init__(self, expression, *, checked: bool = False, formula_safe: bool = False):
        self.expression = expression
        self.checked = checked
        self.formula_safe = formula_safe or checked

    def csv(self):
        return SqlTemplate("NULLIF({0}, '')" if self.formula_safe else SAFE_CELL, self.expression)

    def json(self):
        if self.checked:
            return SqlTemplate("""COALESCE('"' || {0} || '"', 'null')""", self.expression)
        return SqlTemplate("COALESCE(to_json({0})::text, 'null')", self.expression)


class Float(Text):
    def csv(self):
        return SqlTemplate(FLOAT_CELL, self.expression)

    def json(self):
        return SqlTemplate(f"COALESCE({FLOAT_TEXT}, 'null')", self.expression)


class Integer(Text):
    def csv(self):
        return SqlTemplate("{0}::text", self.expression)

    def json(self):
        return SqlTemplate("COALESCE({0}::text, 'null')", self.expression)


class Boolean(Text):
    def csv(self):
        return SqlTemplate(
            "CASE WHEN {0} THEN 'True' WHEN NOT {0} THEN 'False' END", self.expression
        )

    def json(self):
        return SqlTemplate(
            "CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' ELSE 'null' END", self.expression
        )


class Unknown(Text):
    """A field only a "near" search fills (those exports take the Python path): null."""

    def __init__(self):
        super().__init__(None)

    def csv(self):
        return SqlTemplate("NULL::text")

    def json(self):
        return SqlTemplate("'null'")


class Themes(Text):
    """Theme slugs in theme order (position, then name, as initiative_public_list())."""

    def __init__(self):
        super().__init__(F("pk"))

    def _select(self, value: str) -> str:
        through = Initiative.themes.through._meta.db_table
        return (
            f"SELECT {value} FROM {through} it JOIN {Theme._meta.db_table} t"  # noqa: S608
            " ON t.id = it.theme_id WHERE it.initiative_id = {0}"
        )

    def csv(self):
        joined = self._select(
            f"string_agg(t.slug, {literal(MULTI_SEPARATOR)} ORDER BY t.position, t.name, t.id) AS v"
        )
        safe = SAFE_CELL.replace("{0}", "s.v")  # the aggregate is computed once per row
        return SqlTemplate(f"(SELECT {safe} FROM ({joined}) s)", self.expression)  # noqa: S608

    def json(self):
        # json_agg writes ["a", "b"], as json.dumps does.
        agg = self._select("json_agg(t.slug ORDER BY t.position, t.name, t.id)")
        return SqlTemplate(f"COALESCE(({agg})::text, '[]')", self.expression)


def local_isoformat(zone: str) -> str:
    """`timezone.localtime({0}).isoformat()` of a timestamptz `{0}`, without session settings.

    Microseconds are written only when not zero (the one '.' of the text is theirs); the
    offset is the local time minus the UTC time.
    """
    local, utc = f"({{0}} AT TIME ZONE {literal(zone)})", "({0} AT TIME ZONE 'UTC')"
    return (
        f"replace(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')"
        f" || CASE WHEN {local} < {utc} THEN '-' || to_char({utc} - {local}, 'HH24:MI')"
        f" ELSE '+' || to_char({local} - {utc}, 'HH24:MI') END"
    )


def sql_fields(origin: str) -> dict:
    """The SQL twin of each key of `representation.public_fields` (same keys, same order).

    `origin`: `PageLinks.origin` (scheme and host of the request); the page path is taken
    from the URL conf in the active language, as `PageLinks.initiative` does.
    """
    head, _, tail = slug_path("initiatives:detail", "slug", "\x00").partition("\x00")
    zone = timezone.get_current_timezone_name()
    return {
        "slug": Text(F("slug")),
        "name": Text(F("name")),
        "summary": Text(F("summary")),
        "kind": Text(F("kind")),
        "legal_form": Text(F("legal_form")),
        "themes": Themes(),
        "commune_insee": Text(F("commune__insee"), checked=True),  # INSEE_RE
        "commune": Text(F("commune__name")),
        "postcode": Text(F("postcode")),
        "postal_code": Text(
            SqlTemplate(
                "COALESCE(NULLIF({0}, ''), substring({1} FROM '\\S+'))",
                F("postcode"),
                F("commune__postcodes"),
            )
        ),
        "interco_siren": Text(F("commune__interco__siren"), checked=True),  # SIREN_RE
        "interco": Text(F("commune__interco__name")),
        "address": Text(F("address")),
        "latitude": Float(F("latitude")),
        "longitude": Float(F("longitude")),
        "approximate_point": Boolean(F("approximate_point")),
        "distance_km": Unknown(),
        "match": Unknown(),
        "reason": Unknown(),
        "website": Text(F("website")),
        "email": Text(F("email")),
        "phone": Text(F("phone")),
        "opening_hours": Text(F("opening_hours")),
        "siret": Text(F("siret"), checked=True),  # SIRET_RE
        "rna": Text(F("rna"), checked=True),  # RNA_RE
        "founded_year": Integer(F("founded_year")),
        "employees": Integer(F("employees")),
        "verified_at": Text(
            SqlTemplate("to_char({0}, 'YYYY-MM-DD')", F("verified_at")), checked=True
        ),
        "updated_at": Text(SqlTemplate(local_isoformat(zone), F("updated_at")), checked=True),
        "url": Text(
            SqlTemplate("({0} || {1} || {2})", Value(origin + head), F("slug"), Value(tail)),
            formula_safe=True,  # starts with the origin's scheme, or "/"
        ),
        "origin": Text(F("origin"), checked=True),  # Initiative.Origin values
        "register_source": Text(F("register_source"), checked=True),  # REGISTER_CHOICES
        "register_id": Text(F("register_id")),
        "finess": Text(F("finess")),
        "register_date": Text(
            SqlTemplate("to_char({0}, 'YYYY-MM-DD')", F("register_date")), checked=True
        ),
        "register_seen_at": Text(
            SqlTemplate("to_char({0}, 'YYYY-MM-DD')", F("register_seen_at")), checked=True
        ),
    }


def handles(queryset) -> bool:
    """Whether the SQL path can write this export (else: the streamed Python path)."""
    query = queryset.query
    return (
        connections[queryset.db].vendor == "postgresql"
        and not query.distinct  # DISTINCT would apply to the cells (and add ORDER BY columns)
        and not any(name in query.annotations for name in NEAR_ANNOTATIONS)
    )


def _copy(db: str, statement: str, params):
    """Run `COPY … TO STDOUT` on Django's connection: lists of rows (each without its LF).

    COPY sends one data message per row, ending with LF; the lists hold about FLUSH_BYTES.
    COPY takes no server-side parameters: psycopg binds them into the statement.
    """
    with connections[db].cursor() as cursor:
        pg = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        pg.execute("SET extra_float_digits = 1")  # shortest round-trip floats (the default)
        with pg.copy(statement, params) as copy:
            rows, size = [], 0
            for row in copy:
                rows.append(row[:-1])
                size += len(row)
                if size >= FLUSH_BYTES:
                    yield rows
                    rows, size = [], 0
            if rows:
                yield rows


# --- CSV ------------------------------------------------------------------------------------
def csv_select(queryset, origin: str):
    """(sql, params) of the SELECT of the CSV cells, in the queryset's order."""
    fields = sql_fields(origin)
    cells = [fields[name].csv() for name in CSV_FIELDS.values()]
    return queryset.values_list(*cells).query.sql_with_params()


def copy_rows(queryset, origin: str):
    """The CSV rows written by COPY, CRLF-terminated: the row's own LF becomes CRLF, while
    line breaks inside quoted cells stay as the csv module writes them."""
    sql, params = csv_select(queryset, origin)
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', QUOTE '\"')"
    for rows in _copy(queryset.db, statement, params):
        rows.append(b"")
        yield b"\r\n".join(rows)


def initiatives_csv(request, queryset, links) -> StreamingHttpResponse:
    header = next(csv_lines(CSV_COLUMNS, [])).encode("utf-8")

    def body():
        yield header
        yield from copy_rows(queryset, links.origin)

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


# --- GeoJSON --------------------------------------------------------------------------------
def feature_expression(origin: str):
    """One Feature (RFC 7946) as JSON text, written as `json.dumps(point_feature(…))` writes it.

    One concat() of literal keys and JSON values rather than json_build_object or a chain of
    `||` (each of which copies the text so far): faster at 250,000 rows, and the same
    bytes as the Python path (separators, key order, escapes, floats).
    """
    fields = sql_fields(origin)
    values = [Float(F("longitude")).json(), Float(F("latitude")).json(), Text(F("slug")).json()]
    pieces = [literal('{"type": "Feature", "geometry": {"type": "Point", "coordinates": [')]
    pieces += ["{0}", "', '", "{1}", literal(']}, "properties": {')]
    for position, name in enumerate(GEOJSON_PROPERTIES):
        values.append(fields[name].json())
        key = json.dumps(name) + ": "
        pieces += [literal(key if position == 0 else ", " + key), f"{{{len(values) - 1}}}"]
    pieces += [literal('}, "id": '), "{2}", "'}'"]
    return SqlTemplate(f"concat({', '.join(pieces)})", *values)


def feature_rows(queryset, origin: str):
    """The features' JSON texts joined by ",\\n", in pieces of about FLUSH_BYTES.

    Read with COPY, like the CSV (no Python object per row, bounded memory): its CSV format
    leaves the text as it is, since JSON text never holds a raw control character (its
    delimiter \\x02, its quote \\x01 or a line break).
    """
    located = queryset.filter(latitude__isnull=False, longitude__isnull=False)
    sql, params = located.values_list(feature_expression(origin)).query.sql_with_params()
    options = r"FORMAT csv, DELIMITER E'\x02', QUOTE E'\x01'"
    separator = b""
    for rows in _copy(queryset.db, f"COPY ({sql}) TO STDOUT WITH ({options})", params):
        yield separator + b",\n".join(rows)
        separator = b",\n"


def initiatives_geojson(request, queryset, links) -> StreamingHttpResponse:
    def body():
        yield b'{"type": "FeatureCollection", "features": ['
        yield from feature_rows(queryset, links.origin)
        yield b"]}\n"

    response = StreamingHttpResponse(body(), content_type="application/geo+json")
    response["Content-Disposition"] = 'inline; filename="initiatives.geojson"'
    return response
