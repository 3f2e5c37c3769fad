"""Load generator: the fixed query mix against essmap, the floor and Datasette, side by side.

A separate process on loopback only: threads and http.client, a new connection per request,
a bounded number of requests and a time limit per measurement. For each query and each
concurrency level the targets are measured one after the other, so that their figures are
taken under the same machine load. Writes a JSON file read by bench/report.py.

Usage: python bench/loadgen.py --dsn postgres://... --out results.json \
          --target essmap=http://127.0.0.1:8701 --target floor=http://127.0.0.1:8702 \
          --target datasette=http://127.0.0.1:8703 [--pids essmap=123,floor=456]
"""

import argparse
import http.client
import json
import math
import os
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg

LEVELS = (1, 8, 32)
# (max requests, max seconds) per concurrency level; the CSV export has its own budget.
BUDGET = {1: (40, 6.0), 8: (160, 6.0), 32: (320, 6.0)}
CSV_BUDGET = {1: (1, 600.0), 8: (8, 600.0), 32: (32, 600.0)}
# A target whose p50 exceeded this at one level is not measured at higher ones: with 2 cores,
# 32 clients on a multi-second query would take many minutes and measure only the queue.
SLOW_MS = 2000.0
WORDS = ["épicerie solidaire", "ressourcerie", "atelier vélo", "jardin partagé", "repair café",
         "tiers-lieu", "monnaie locale", "habitat participatif", "chantier", "fab lab"]  # fmt: skip
# The same kind of words, misspelled (issue 18): corrected against the vocabulary, then full
# text. Measured on the HTML directory page, the one anonymous visitors type into.
MISSPELLED = ["epicerie solidaie", "ressourcrie", "ateleir velo", "jardn partage",
              "repair cafee", "tiers lieux", "monaie locale", "habitat participatf"]  # fmt: skip
DEPARTEMENTS = ["69", "13", "33", "59", "26", "07", "35", "44", "31", "67"]
QUERIES = ["filtered_list", "near", "near_territory", "search", "misspelled_html", "detail",
           "first_page", "map_z6", "map_z9", "map_z12", "home_html", "interco_html",
           "geojson_interco", "csv_all"]  # fmt: skip

NEAR_SQL = (
    "select id, slug, name, commune, latitude, longitude, "
    "((latitude - :lat) * 111.32) * ((latitude - :lat) * 111.32) + "
    "((longitude - :lon) * :kx) * ((longitude - :lon) * :kx) as d2 from initiatives "
    "where latitude between :s and :n and longitude between :w and :e and d2 <= 400 "
    "order by d2, name limit 20"
)
GRID_SQL = (
    "select count(*) as n, avg(latitude), avg(longitude), min(longitude), min(latitude), "
    "max(longitude), max(latitude) from initiatives where latitude between :s and :n "
    "and longitude between :w and :e group by cast(latitude / :cell as int) - (latitude < 0), "
    "cast(longitude / :cell as int) - (longitude < 0) order by n desc limit 2000"
)
MARKER_SQL = (
    "select slug, name, latitude, longitude, commune from initiatives where latitude between :s "
    "and :n and longitude between :w and :e order by name, id limit 401"
)


# --- Parameters picked from the database (deterministic) ------------------------------------
def pick_parameters(dsn: str) -> dict:
    with psycopg.connect(dsn) as conn:
        q = conn.execute
        themes = [r[0] for r in q("SELECT slug FROM initiatives_theme ORDER BY position, slug")]
        towns = q(
            "SELECT centre_lat, centre_lon FROM intercos_interco WHERE centre_lat IS NOT NULL "
            "ORDER BY population DESC NULLS LAST, siren LIMIT 40"
        ).fetchall()
        details = q(
            "SELECT slug, id FROM initiatives_initiative WHERE status = 'published' "
            "ORDER BY md5(slug) LIMIT 100"
        ).fetchall()
        # "Near" at the edge of the intercos most covered by territory-wide initiatives: the
        # least populated commune of each, 5 km (most results come from coverage).
        covered = q(
            "SELECT c.centre_lat, c.centre_lon FROM ("
            " SELECT interco_id, count(*) AS n FROM initiatives_initiative_coverage"
            " GROUP BY interco_id ORDER BY n DESC, interco_id LIMIT 10) AS big"
            " JOIN LATERAL (SELECT centre_lat, centre_lon FROM intercos_commune"
            "  WHERE interco_id = big.interco_id AND centre_lat IS NOT NULL"
            "  ORDER BY population NULLS FIRST, insee LIMIT 1) AS c ON true"
            " ORDER BY big.n DESC"
        ).fetchall()
        per_interco = q(
            "SELECT ic.siren, ic.slug, count(*) AS n FROM initiatives_initiative i "
            "JOIN intercos_commune c ON c.insee = i.commune_id "
            "JOIN intercos_interco ic ON ic.siren = c.interco_id "
            "WHERE i.status = 'published' GROUP BY ic.siren, ic.slug ORDER BY n DESC, ic.siren"
        ).fetchall()
    mid = [r for r in per_interco if 200 <= r[2] <= 900] or per_interco[-5:]
    return {
        "themes": themes or ["alimentation"],
        "towns": [(round(a, 4), round(b, 4)) for a, b in towns] or [(44.93, 4.89)],
        "covered": [(round(a, 4), round(b, 4)) for a, b in covered] or [(44.93, 4.89)],
        "details": details,
        "intercos_html": [(r[0], r[1]) for r in per_interco[:: max(1, len(per_interco) // 10)]],
        "intercos_geojson": [(r[0], r[1], r[2]) for r in mid[:5]],
    }


def viewport(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800):
    """(west, south, east, north) of a width x height pixel map centred on (lat, lon)."""
    deg = 360.0 / (256 * 2**zoom)
    dlon, dlat = width * deg / 2, height * deg * math.cos(math.radians(lat)) / 2
    return (round(lon - dlon, 5), round(max(lat - dlat, -85), 5), round(lon + dlon, 5),
            round(min(lat + dlat, 85), 5))  # fmt: skip


def variants(p: dict) -> dict:
    """Each query's list of parameter sets, rotated through during a measurement."""
    towns = p["towns"]
    out = {
        "filtered_list": [{"theme": t, "departement": d}
                          for t in p["themes"][:5] for d in DEPARTEMENTS],
        "near": [{"lat": a, "lon": b} for a, b in towns],
        "near_territory": [{"lat": a, "lon": b} for a, b in p["covered"]],
        "search": [{"q": w} for w in WORDS],
        # Pages 1 and 2 of each: distinct pages (the page cache is keyed on known parameters
        # only, so a junk parameter would not make a request compute its page).
        "misspelled_html": [{"q": w, "page": n} for n in (1, 2) for w in MISSPELLED],
        "detail": [{"slug": s, "id": i} for s, i in p["details"]],
        "first_page": [{}],
        "map_z6": [{"zoom": 6, "bbox": viewport(46.6 + dy, 2.4 + dx, 6)}
                   for dy in (-0.5, 0, 0.5) for dx in (-1, 0, 1)],
        "home_html": [{}],
        "interco_html": [{"siren": s, "slug": slug} for s, slug in p["intercos_html"]],
        "geojson_interco": [{"siren": s, "slug": slug, "n": n}
                            for s, slug, n in p["intercos_geojson"]],
        "csv_all": [{}],
    }  # fmt: skip
    for zoom in (9, 12):
        out[f"map_z{zoom}"] = [{"zoom": zoom, "bbox": viewport(a, b, zoom)} for a, b in towns]
    return out


def cell(zoom: int, bbox) -> float:
    west, south, east, north = bbox
    return max(64 * 360.0 / (256 * 2**zoom), max(east - west, north - south) / 40)


# --- URLs of each target --------------------------------------------------------------------
def essmap_url(name: str, v: dict) -> str:
    api = "/api/v1/initiatives/"
    bbox = ",".join(str(x) for x in v.get("bbox", ()))
    return {
        "filtered_list": lambda: f"{api}?{urlencode({**v, 'page_size': 20})}",
        "near": lambda: f"{api}?{urlencode({**v, 'radius': 20, 'ordering': 'distance'})}",
        "near_territory": lambda: f"{api}?{urlencode({**v, 'radius': 5, 'ordering': 'distance'})}",
        "search": lambda: f"{api}?{urlencode({**v, 'page_size': 20})}",
        "misspelled_html": lambda: f"/?{urlencode({**v, 'mode': 'list'})}",
        "detail": lambda: f"{api}{v['slug']}/",
        "first_page": lambda: f"{api}?page_size=20&count=exact",  # the total is the point
        "map": lambda: f"/api/v1/map/?bbox={bbox}&zoom={v.get('zoom')}",
        "home_html": lambda: "/",
        "interco_html": lambda: f"/intercos/{v.get('slug')}/",
        "geojson_interco": lambda: f"{api}?interco={v.get('siren')}&format=geojson",
        "csv_all": lambda: f"{api}?format=csv",
    }[name if not name.startswith("map_") else "map"]()


def floor_url(name: str, v: dict) -> str:
    bbox = ",".join(str(x) for x in v.get("bbox", ()))
    return {
        "filtered_list": lambda: f"/list?{urlencode(v)}",
        "near": lambda: f"/near?{urlencode({**v, 'radius': 20})}",
        "near_territory": lambda: f"/near?{urlencode({**v, 'radius': 5})}",
        "search": lambda: f"/list?{urlencode(v)}",
        "misspelled_html": lambda: f"/list?{urlencode({'q': v['q']})}",
        "detail": lambda: f"/detail?slug={v.get('slug')}",
        "first_page": lambda: "/list?count=exact",
        "map": lambda: f"/map?bbox={bbox}&zoom={v.get('zoom')}",
        "home_html": lambda: "/home",
        "interco_html": lambda: f"/interco?interco={v.get('siren')}",
        "geojson_interco": lambda: f"/geojson?interco={v.get('siren')}",
        "csv_all": lambda: "/csv",
    }[name if not name.startswith("map_") else "map"]()


def datasette_url(name: str, v: dict, tuned: bool) -> str:
    table = "/bench/initiatives"
    lean = "&_nocount=1&_nofacet=1" if tuned else ""

    def sql(query: str, **params) -> str:
        return f"/bench.json?{urlencode({'sql': query, **params}, quote_via=quote)}"

    def box(v):
        west, south, east, north = v["bbox"]
        return {"w": west, "s": south, "e": east, "n": north}

    if name in ("near", "near_territory"):  # points only: Datasette has no coverage join
        lat, lon = v["lat"], v["lon"]
        kx = 111.32 * math.cos(math.radians(lat))
        return sql(NEAR_SQL, lat=lat, lon=lon, kx=round(kx, 4), s=lat - 0.18, n=lat + 0.18,
                   w=round(lon - 20 / kx, 5), e=round(lon + 20 / kx, 5))  # fmt: skip
    if name in ("map_z6", "map_z9"):
        return sql(GRID_SQL, cell=cell(v["zoom"], v["bbox"]), **box(v))
    if name == "map_z12":
        return sql(MARKER_SQL, **box(v))
    return {
        "filtered_list": lambda: f"{table}.json?themes__contains={v.get('theme')}"
        f"&departement={v.get('departement')}&_size=20&_sort=name{lean}",
        "search": lambda: f"{table}.json?_search={quote(str(v.get('q')))}&_size=20{lean}",
        "misspelled_html": lambda: f"{table}?_search={quote(str(v.get('q')))}&_size=20{lean}",
        "detail": lambda: f"{table}/{v.get('id')}.json",
        # The total count is the point of this query: the tuned variant keeps it.
        "first_page": lambda: f"{table}.json?_size=20&_sort=name"
        + ("&_nofacet=1" if tuned else ""),
        "home_html": lambda: f"{table}?_size=20&_sort=name{lean}",
        "interco_html": lambda: f"{table}?interco_siren={v.get('siren')}&_size=20&_sort=name{lean}",
        "geojson_interco": lambda: f"{table}.json?interco_siren={v.get('siren')}&_size=max"
        f"&_shape=objects{lean}",
        "csv_all": lambda: f"{table}.csv?_stream=on&_size=max{lean}",
    }[name]()  # fmt: skip


URLS = {
    "essmap": essmap_url,
    "floor": floor_url,
    "datasette": lambda n, v: datasette_url(n, v, tuned=False),
    "datasette_tuned": lambda n, v: datasette_url(n, v, tuned=True),
}


# --- Measuring ------------------------------------------------------------------------------
def fetch(base: str, path: str, timeout: float, keep: bool = False) -> tuple[int, int, bytes]:
    """GET base+path on a new connection; (status, bytes read, body if keep else b"")."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity", "Connection": "close"})
        response = conn.getresponse()
        size, body = 0, []
        while chunk := response.read(65536):
            size += len(chunk)
            if keep:
                body.append(chunk)
        return response.status, size, b"".join(body)
    finally:
        conn.close()


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(base: str, paths: list[str], concurrency: int, budget: tuple[int, float], timeout):
    max_requests, max_seconds = budget
    lock = threading.Lock()
    state = {"next": 0}
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    start = time.monotonic()
    deadline = start + max_seconds

    def worker():
        while True:
            with lock:
                if state["next"] >= max_requests or time.monotonic() > deadline:
                    return
                path = paths[state["next"] % len(paths)]
                state["next"] += 1
            t0 = time.perf_counter()
            try:
                status, size, _ = fetch(base, path, timeout)
            except Exception as exc:  # noqa: BLE001 -- every failure is reported, none raised
                status, size = f"{type(exc).__name__}: {exc}", 0
            elapsed = time.perf_counter() - t0
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    sizes.append(size)
                else:
                    errors.append(f"{status} {path}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    latencies.sort()
    return {
        "n": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "rps": round(len(latencies) / wall, 1) if wall else 0.0,
        "mean_bytes": int(sum(sizes) / len(sizes)) if sizes else 0,
    }


def answer_size(body: bytes):
    """What a response holds, to check that targets answer alike: count, features or rows."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("count", "filtered_table_rows_count"):
            if isinstance(data.get(key), int):
                return {"count": data[key]}
        if isinstance(data.get("features"), list):
            return {"features": len(data["features"])}
        if isinstance(data.get("rows"), list):
            return {"rows": len(data["rows"])}
    return None


def probe(base: str, path: str, timeout: float) -> dict:
    """One warm-up request: availability (404 = not built yet) and what the answer holds."""
    try:
        status, size, body = fetch(base, path, timeout, keep=True)
    except Exception as exc:  # noqa: BLE001
        return {"status": f"{type(exc).__name__}: {exc}"}
    info = {"status": status, "bytes": size}
    if status == 200 and size < 5_000_000:
        info["answer"] = answer_size(body)
    return info


def peak_memory(pids: dict) -> dict:
    """Peak resident memory (VmHWM, MB) of each gunicorn worker, by target."""
    out = {}
    for name, master in pids.items():
        peaks = []
        for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024, 1))
        out[name] = peaks
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--target", action="append", default=[], help="name=http://host:port")
    parser.add_argument("--pids", default="", help="name=gunicorn master pid,...")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--csv-levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--csv-timeout", type=float, default=900.0)
    args = parser.parse_args()
    targets = dict(t.split("=", 1) for t in args.target)
    for base in targets.values():
        if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"loopback only: {base}")
    mix = variants(pick_parameters(args.dsn))
    results: dict = {"targets": targets, "levels": {}, "probes": {}, "started": time.time(),
                     "loadavg_start": os.getloadavg()}  # fmt: skip
    for query in args.queries.split(","):
        results["probes"][query] = {}
        results["levels"][query] = {}
        paths = {name: [URLS[name](query, v) for v in mix[query]] for name in targets}
        available = {}
        for name, base in targets.items():
            info = probe(base, paths[name][0], args.csv_timeout)
            results["probes"][query][name] = info
            available[name] = info.get("status") != 404
        levels = args.csv_levels if query == "csv_all" else args.levels
        for level in (int(x) for x in levels.split(",") if x):
            budget = (CSV_BUDGET if query == "csv_all" else BUDGET)[level]
            row = results["levels"][query][str(level)] = {}
            for name, base in targets.items():
                if not available[name]:
                    row[name] = None
                    continue
                before = [lv[name] for lv in results["levels"][query].values() if lv is not row]
                if before and (not before[-1] or before[-1].get("skipped") or
                               before[-1]["n"] == 0 or before[-1]["p50_ms"] > SLOW_MS):  # fmt: skip
                    row[name] = {"skipped": f"p50 above {SLOW_MS:g} ms at a lower level"}
                    continue
                timeout = args.csv_timeout if query == "csv_all" else args.timeout
                row[name] = measure(base, paths[name], level, budget, timeout)
                r = row[name]
                print(f"{query:16} c={level:<3} {name:16} p50={r['p50_ms']:>8} ms "
                      f"p95={r['p95_ms']:>8} ms {r['rps']:>7}/s n={r['n']} err={r['errors']}",
                      flush=True)  # fmt: skip
    if args.pids:
        results["peak_memory_mb"] = peak_memory(
            {k: int(v) for k, v in (p.split("=") for p in args.pids.split(","))}
        )
    results["finished"] = time.time()
    results["loadavg_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
