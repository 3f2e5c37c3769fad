"""In-process timing of the cold query mix: where a request's time goes (issue 22).

    DATABASE_URL=postgres://…/essmap_bench .venv/bin/python -m bench.profile_reads \
        [--queries detail,filtered_list] [--n 60] [--profile detail]

Production settings, result cache off (RESULT_CACHE=0), no throttle quotas in the way: each
query of bench/loadgen.py's mix is requested through the Django test client with `--n`
distinct parameter sets (the same ones `make bench` sends), first timed alone (wall time,
median and p95), then again with its SQL captured (statements per request, database time).
`--profile QUERY` prints the cProfile of that query's requests (top functions by own time).
Noisy on a shared machine: compare medians measured side by side in one run.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time

from bench.export_timing import ENV


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", default="filtered_list,near,search,detail,first_page")
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--profile", default="")
    parser.add_argument("--cache", action="store_true", help="keep the result cache on")
    args = parser.parse_args()
    env = {**ENV, "PAGE_THROTTLE_ANON": "", "RESULT_CACHE": "1" if args.cache else "0"}
    env["REDIS_URL"] = os.environ.get("PROFILE_REDIS", "redis://127.0.0.1:6379/12")
    for key, value in env.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.loadgen import essmap_url, pick_parameters, variants

    dsn = os.environ["DATABASE_URL"]
    mix = variants(pick_parameters(dsn, 2 * args.n + 1))
    client = Client()
    client.get("/api/v1/initiatives/?page_size=1")  # imports, connection, catalogs
    for query in args.queries.split(","):
        urls = [essmap_url(query, v) for v in mix[query]]
        timed, captured = urls[1 : 1 + args.n], urls[1 + args.n : 1 + 2 * args.n]
        wall = []
        for url in timed:
            t0 = time.perf_counter()
            response = client.get(url)
            wall.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        counts, db = [], []
        for url in captured:
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            counts.append(len(ctx.captured_queries))
            db.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        wall.sort()
        print(
            f"{query:16} wall p50 {statistics.median(wall):6.1f} ms  "
            f"p95 {wall[int(0.95 * (len(wall) - 1))]:6.1f} ms  "
            f"SQL {statistics.median(counts):4.0f} statements, "
            f"{statistics.median(db):6.1f} ms  (n={len(wall)})",
            flush=True,
        )
        if query == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for url in timed:
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
