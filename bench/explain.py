"""EXPLAIN (ANALYZE, BUFFERS) of the SQL essmap runs for the benchmark's queries.

Each case runs the API's own read path (the FilterSet, then the keys of a page, the capped
count and the page's rows, or the detail's rows) with its statements captured; each captured
statement is then explained. So the plans are those of the code the benchmark measured.
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
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from essmap.api.pagination import COUNT_CAP, capped_count  # noqa: E402
from initiatives.detail import initiative_detail_data  # noqa: E402
from initiatives.representation import PageLinks  # noqa: E402
from initiatives.selectors import initiative_filter, initiative_keys, rows_for_keys  # noqa: E402

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


def explain(sql: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cur.fetchall())


def list_page(data: dict) -> None:
    """What the API's list does for one page (initiatives/api/views.py, _page_data)."""
    filterset = initiative_filter(data=QueryDict(urlencode(data)))
    assert filterset.is_valid(), filterset.errors
    if filterset.ordered_by_distance():
        keys = filterset.near_results()
    else:
        keys = initiative_keys(filterset.qs)
    capped_count(keys, COUNT_CAP)
    rows_for_keys(list(keys[0:20]))


def first_slug() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT slug FROM initiatives_initiative WHERE status = 'published' "
                    "ORDER BY md5(slug) LIMIT 1")  # fmt: skip
        return cur.fetchone()[0]


def detail_page(slug: str) -> None:
    request = RequestFactory(SERVER_NAME="localhost").get("/")
    initiative_detail_data(slug=slug, links=PageLinks(request))


def main() -> None:
    cases = {name: (list_page, data) for name, data in CASES.items()}
    cases["near_territory"] = (list_page, covered_edge_case())
    cases["detail"] = (detail_page, first_slug())
    for name, (run, data) in cases.items():
        with CaptureQueriesContext(connection) as captured:
            run(data)
        for number, query in enumerate(captured.captured_queries, 1):
            sql = query["sql"]
            print(f"===== {name} (statement {number}, {query['time']} s)\n{sql[:3000]}\n")
            if sql.lstrip().upper().startswith("SELECT"):
                print(explain(sql), "\n")


if __name__ == "__main__":
    main()
