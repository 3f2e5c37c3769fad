"""Time the exports against PostgreSQL's own COPY of the same columns (issue 12).

Why: the exports' target is "within 1.5x of the database's own COPY"; this measures the
three in one process, on a database that is only read (never written, never migrated):

    DATABASE_URL=postgres://…/essmap_bench .venv/bin/python -m bench.export_timing \
        [--runs 3] [--interco SIREN] [--old]

- floor: `COPY (SELECT <the raw public columns> …same filters and order…) TO STDOUT`
  read with psycopg (no formatting, no framework);
- new: the API's answer (Django test client, production settings), streamed content consumed;
- old (`--old`, a minute per CSV at 250,000 rows): the same with the SQL path switched off.
Medians of `--runs`.
"""

import argparse
import os
import statistics
import time

ENV = {
    "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
    "SECRET_KEY": "x" * 50,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "testserver",
    "SITE_URL": "http://testserver",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "API_THROTTLE_ANON": "100000000/minute",
    "API_THROTTLE_EXPORT": "100000000/minute",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
}


def median(function, runs: int) -> float:
    return statistics.median(function() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--interco", help="also the GeoJSON of this interco (SIREN)")
    parser.add_argument("--old", action="store_true", help="also the streamed Python path")
    args = parser.parse_args()
    for key, value in ENV.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    import psycopg
    from django.db import connection
    from django.db.models import F
    from django.test import Client

    from initiatives.api import sql_exports
    from initiatives.filters import InitiativeFilterSet
    from initiatives.representation import CSV_FIELDS, GEOJSON_PROPERTIES
    from initiatives.selectors import initiative_public_list

    raw = {  # the public columns as stored (what COPY would write without any formatting)
        "themes": sql_exports.Themes().csv(),
        "commune_insee": F("commune__insee"),
        "commune": F("commune__name"),
        "interco_siren": F("commune__interco__siren"),
        "interco": F("commune__interco__name"),
        "postal_code": F("postcode"),
        "url": F("slug"),
        **{name: sql_exports.Unknown().csv() for name in ("distance_km", "match", "reason")},
    }
    client = Client()

    def floor(data: dict, names, geo: bool):
        qs = InitiativeFilterSet(data=data, queryset=initiative_public_list()).qs
        if geo:
            qs = qs.filter(latitude__isnull=False, longitude__isnull=False)
        columns = [raw.get(name) or F(name) for name in names]
        sql, params = qs.values_list(*columns).query.sql_with_params()
        connection.ensure_connection()
        statement = psycopg.ClientCursor(connection.connection).mogrify(sql, params)

        def run() -> float:
            start = time.perf_counter()
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for _row in copy:
                        pass
            return time.perf_counter() - start

        return run

    def api(query: str, python: bool = False):
        def run() -> float:
            original = sql_exports.handles
            if python:
                sql_exports.handles = lambda queryset: False
            try:
                start = time.perf_counter()
                response = client.get(f"/api/v1/initiatives/?{query}")
                assert response.status_code == 200, response.status_code
                for _chunk in response.streaming_content:
                    pass
                return time.perf_counter() - start
            finally:
                sql_exports.handles = original

        return run

    cases = [
        ("CSV", {}, "format=csv", list(CSV_FIELDS.values()), False),
        ("GeoJSON", {}, "format=geojson", GEOJSON_PROPERTIES, True),
    ]
    if args.interco:
        data = {"interco": args.interco}
        query = f"interco={args.interco}&format=geojson"
        cases.append((f"GeoJSON interco {args.interco}", data, query, GEOJSON_PROPERTIES, True))
    for label, data, query, names, geo in cases:
        floor_s = median(floor(data, names, geo), args.runs)
        new_s = median(api(query), args.runs)
        line = f"{label}: COPY floor {floor_s:.3f} s, new {new_s:.3f} s ({new_s / floor_s:.2f}x)"
        if args.old:
            old_s = median(api(query, python=True), args.runs)
            line += f", old {old_s:.3f} s ({old_s / floor_s:.1f}x)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
