"""Database time of a misspelled search on the HTML directory page (issue 18).

Target: under 150 ms of database time per page at 250,000 initiatives. A misspelled word
("solidaie") once ran trigram word similarity against every initiative's whole text, three
times per page (7-10 s at 40,000 rows); now its words are corrected against the vocabulary
(one indexed lookup), then searched in full text.

    DATABASE_URL=postgres://…/essmap_bench .venv/bin/python -m bench.search_timing [--runs 5]

In one process, against a database that is only read: each misspelled search is requested
`--runs` times through the Django test client (production settings) with the shared cache
emptied before each request, so every request computes its page; the SQL of each request is
captured with its time (CaptureQueriesContext). Before each, a page of the whole list renders
the filter form's widgets again (kept in the cache): what stays is the search's own cost.
Prints one line per search and a summary line (p50, p95 and max of the database time per
page; fuzzy lookups per page), read by bench/report.py.
"""

import argparse
import os
import statistics
import time

from bench.export_timing import ENV
from bench.loadgen import MISSPELLED

FUZZY_MARKS = ("%>", "<%", "word_similarity", "similarity(", " % ")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit-ms", type=float, default=150.0)
    args = parser.parse_args()
    for key, value in {**ENV, "PAGE_THROTTLE_ANON": "", "SITE_URL": "http://testserver"}.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from initiatives.models import Initiative

    client = Client()
    rows = Initiative.objects.count()
    database, wall, fuzzy = [], [], []
    for words in MISSPELLED:
        per_word = []
        for _ in range(args.runs):
            # Every cached search answer gone (page, counts), the filter form's widgets
            # rendered again (a page of the whole list): only the search itself is measured.
            cache.clear()
            client.get("/", {"mode": "list", "page": 2})
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get("/", {"q": words, "mode": "list"})
                elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{words!r}: HTTP {response.status_code}")
            db = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            per_word.append(db)
            database.append(db)
            wall.append(elapsed)
            fuzzy.append(sum(any(m in q["sql"] for m in FUZZY_MARKS) for q in ctx.captured_queries))
        print(
            f"'{words}': database {statistics.median(per_word):.1f} ms (median of {args.runs}), "
            f"{len(ctx.captured_queries)} queries"
        )
        if os.environ.get("SEARCH_TIMING_SQL"):
            for q in ctx.captured_queries:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")
    p95 = percentile(database, 0.95)
    verdict = "yes" if p95 <= args.limit_ms else f"**no** (×{p95 / args.limit_ms:.1f})"
    print(
        f"Misspelled search (HTML page, {rows:,} rows, cache emptied before each request): "
        f"database time p50 {percentile(database, 0.5):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(database):.1f} ms; page p50 {percentile(wall, 0.5):.1f} ms; fuzzy lookups "
        f"per page: {max(fuzzy)}; p95 ≤ {args.limit_ms:g} ms: {verdict}"
    )


if __name__ == "__main__":
    main()
