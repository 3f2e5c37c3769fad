"""EXPLAIN (ANALYZE, BUFFERS) of the SQL essmap runs for the benchmark's queries.

The querysets come from the same code as the API (initiative_filter, i.e. InitiativeFilterSet
over initiative_public_list), so the plans are the ones the benchmark measured.
Usage (DATABASE_URL set): python bench/explain.py > plans.txt
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "essmap.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from initiatives.selectors import initiative_filter  # noqa: E402

CASES = {
    "filtered_list": {"theme": "alimentation", "departement": "69"},
    "near": {"lat": "45.764", "lon": "4.8357", "radius": "20", "ordering": "distance"},
    "search": {"q": "épicerie solidaire"},
    "first_page": {},
    "interco": {"interco": "999900003"},
}


# "Near" at the edge of the interco most covered by territory-wide initiatives (5 km): most
# results come from coverage. The place is picked from the database (deterministic).
COVERED_EDGE_SQL = (
    "SELECT c.centre_lat, c.centre_lon FROM (SELECT interco_id, count(*) AS n "
    "FROM initiatives_initiative_coverage GROUP BY interco_id ORDER BY n DESC, interco_id "
    "LIMIT 1) AS big JOIN intercos_commune c ON c.interco_id = big.interco_id "
    "WHERE c.centre_lat IS NOT NULL ORDER BY c.population NULLS FIRST, c.insee LIMIT 1"
)


def covered_edge_case() -> dict:
    with connection.cursor() as cur:
        cur.execute(COVERED_EDGE_SQL)
        row = cur.fetchone()
    if row is None:
        return {}
    return {"lat": str(row[0]), "lon": str(row[1]), "radius": "5", "ordering": "distance"}


def explain(sql: str, params) -> str:
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cur.fetchall())


def main() -> None:
    cases = {**CASES, "near_territory": covered_edge_case()}
    for name, data in cases.items():
        filterset = initiative_filter(data=QueryDict(urlencode(data)))
        assert filterset.is_valid(), filterset.errors
        qs = filterset.qs
        for label, query in (("page", qs[:20]), ("count", None)):
            if query is None:
                sql, params = qs.order_by().values("pk").query.sql_with_params()
                sql = f"SELECT count(*) FROM ({sql}) AS sub"  # noqa: S608
            else:
                sql, params = query.query.sql_with_params()
            print(f"===== {name} ({label})\n{sql % tuple(repr(p) for p in params)}\n")
            print(explain(sql, params), "\n")


if __name__ == "__main__":
    main()
