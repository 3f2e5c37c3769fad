"""Load generator: the fixed query mix against essmap, the floor and Datasette, side by side.

A separate process on loopback only: threads and http.client, a new connection per request,
a bounded number of requests and a time limit per measurement. For each query and each
concurrency level the targets are measured one after the other, so that their figures are
taken under the same machine load. Writes a JSON file read by bench/report.py.

Usage: python bench/loadgen.py --dsn postgres://... --out results.json \
          --target essmap=http://127.0.0.1:8701 --target essmap_nocache=http://127.0.0.1:8704 \
          --target floor=http://127.0.0.1:8702 --target datasette=http://127.0.0.1:8703 \
          [--pids essmap=123,essmap_nocache=124,floor=456]
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

# Datasette cannot jump to page n of a sorted table (keyset links only): the same page in SQL.
PAGE_SQL = (
    "select id, slug, name, summary, kind, legal_form, themes, commune, latitude, longitude, "
    "(select count(*) from initiatives) as total from initiatives order by name, id "
    "limit 20 offset :o"
)


# --- Parameters picked from the database (deterministic) ------------------------------------
# Cold by construction: every request of a cell has parameters of its own, and every cell
# (concurrency level) a slice of its own, so that no answer is computed twice by a target
# (the result cache of the deployed essmap answers nothing it has not computed in the same
# cell). The warm-up probe takes the first parameter set; each level the next slice.
def distinct_needed(levels, budget=None) -> int:
    """How many parameter sets make every request distinct: the probe, then each level."""
    budget = budget or BUDGET
    return 1 + sum(budget[level][0] for level in levels)


def misspell(word: str) -> str:
    """A deterministic typo: the letter after the middle one dropped ("solidaire": "solidire")."""
    i = len(word) // 2 + 1
    return word[:i] + word[i + 1 :]


def pick_parameters(dsn: str, need: int = 600) -> dict:
    with psycopg.connect(dsn) as conn:
        q = conn.execute
        themes = [r[0] for r in q("SELECT slug FROM initiatives_theme ORDER BY position, slug")]
        departements = [r[0] for r in q(
            "SELECT c.departement_id FROM initiatives_initiative i JOIN intercos_commune c "
            "ON c.insee = i.commune_id WHERE i.status = 'published' GROUP BY c.departement_id "
            "HAVING count(*) >= 200 ORDER BY c.departement_id"
        )]  # fmt: skip
        towns = q(
            "SELECT centre_lat, centre_lon FROM intercos_interco WHERE centre_lat IS NOT NULL "
            "ORDER BY population DESC NULLS LAST, siren LIMIT 40"
        ).fetchall()
        # Distinct centres where people live (near, map at zooms 9 and 12).
        centres = q(
            "SELECT centre_lat, centre_lon FROM intercos_commune WHERE centre_lat IS NOT NULL "
            "AND population >= 1000 ORDER BY md5(insee) LIMIT %s",
            (need,),
        ).fetchall()
        details = q(
            "SELECT slug, id FROM initiatives_initiative WHERE status = 'published' "
            "ORDER BY md5(slug) LIMIT %s",
            (need,),
        ).fetchall()
        # "Near" at the edge of the intercos most covered by territory-wide initiatives: their
        # least populated communes first, 5 km (most results come from coverage).
        covered = q(
            "SELECT c.centre_lat, c.centre_lon FROM ("
            " SELECT interco_id, count(*) AS n FROM initiatives_initiative_coverage"
            " GROUP BY interco_id ORDER BY n DESC, interco_id LIMIT 200) AS big"
            " JOIN intercos_commune c ON c.interco_id = big.interco_id"
            " WHERE c.centre_lat IS NOT NULL"
            " ORDER BY big.n DESC, c.population NULLS FIRST, c.insee LIMIT %s",
            (need,),
        ).fetchall()
        per_interco = q(
            "SELECT ic.siren, ic.slug, count(*) AS n FROM initiatives_initiative i "
            "JOIN intercos_commune c ON c.insee = i.commune_id "
            "JOIN intercos_interco ic ON ic.siren = c.interco_id "
            "WHERE i.status = 'published' GROUP BY ic.siren, ic.slug ORDER BY n DESC, ic.siren"
        ).fetchall()
        # The synthetic vocabulary (the words of published rows, essmap's typo-correction
        # table): plain words, no digits, no synthetic place name.
        vocabulary = [r[0] for r in q(
            "SELECT word FROM initiatives_search_word WHERE length(word) BETWEEN 5 AND 14 "
            "AND word ~ '^[a-z]+$' AND word <> 'synth' ORDER BY md5(word) LIMIT %s",
            (2 * need,),
        )]  # fmt: skip
    mid = [r for r in per_interco if 200 <= r[2] <= 900] or per_interco[-5:]
    words = vocabulary[::2] or WORDS
    typos = [misspell(w) for w in vocabulary[1::2] if len(w) >= 7] or MISSPELLED
    return {
        "themes": themes or ["alimentation"],
        "departements": departements or DEPARTEMENTS,
        "towns": [(round(a, 4), round(b, 4)) for a, b in towns] or [(44.93, 4.89)],
        "centres": [(round(a, 4), round(b, 4)) for a, b in centres] or [(44.93, 4.89)],
        "covered": [(round(a, 4), round(b, 4)) for a, b in covered] or [(44.93, 4.89)],
        "details": details,
        "words": words,
        "typos": typos,
        "intercos_html": [(r[0], r[1]) for r in per_interco[:: max(1, len(per_interco) // 10)]],
        "intercos_geojson": [(r[0], r[1], r[2]) for r in mid[:5]],
        "need": need,
    }


def viewport(lat: float, lon: float, zoom: int, width: int = 1280, height: int = 800):
    """(west, south, east, north) of a width x height pixel map centred on (lat, lon)."""
    deg = 360.0 / (256 * 2**zoom)
    dlon, dlat = width * deg / 2, height * deg * math.cos(math.radians(lat)) / 2
    return (round(lon - dlon, 5), round(max(lat - dlat, -85), 5), round(lon + dlon, 5),
            round(min(lat + dlat, 85), 5))  # fmt: skip


def spread(items: list, need: int) -> list:
    """items in an order that mixes them (a fixed stride), at most need of them."""
    n = len(items)
    if n == 0:
        return []
    step = next(s for s in (7919, 104729, 1) if n % s or s == 1)
    return [items[(i * step) % n] for i in range(min(n, need))]


def france_centres(need: int) -> list[tuple[float, float]]:
    """Distinct centres over mainland France (map at zoom 6): a fine grid, mixed."""
    grid = [(round(43.5 + 0.05 * i, 4), round(-0.5 + 0.05 * j, 4))
            for i in range(80) for j in range(100)]  # fmt: skip
    return spread(grid, need)


def variants(p: dict) -> dict:
    """Each query's list of parameter sets: distinct ones, the probe's first (see above)."""
    need = p.get("need", 600)
    pairs = [{"theme": t, "departement": d} for d in p["departements"] for t in p["themes"]]
    out = {
        "filtered_list": spread(pairs, need),
        "near": [{"lat": a, "lon": b} for a, b in p.get("centres", p["towns"])],
        "near_territory": [{"lat": a, "lon": b} for a, b in p["covered"]],
        "search": [{"q": w} for w in p.get("words", WORDS)],
        # Distinct misspelled words (page 1; the page cache is keyed on known parameters
        # only, so a junk parameter would not make a request compute its page).
        "misspelled_html": [{"q": w} for w in p.get("typos", MISSPELLED)],
        "detail": [{"slug": s, "id": i} for s, i in p["details"]],
        # The total count is the point; distinct pages of the whole set, each with it.
        "first_page": [{"page": n} for n in range(1, need + 1)],
        "map_z6": [{"zoom": 6, "bbox": viewport(a, b, 6)} for a, b in france_centres(need)],
        "home_html": [{}],
        "interco_html": [{"siren": s, "slug": slug} for s, slug in p["intercos_html"]],
        "geojson_interco": [{"siren": s, "slug": slug, "n": n}
                            for s, slug, n in p["intercos_geojson"]],
        "csv_all": [{}],
    }  # fmt: skip
    for zoom in (9, 12):
        out[f"map_z{zoom}"] = [{"zoom": zoom, "bbox": viewport(a, b, zoom)}
                               for a, b in p.get("centres", p["towns"])]  # fmt: skip
    return out


def level_slices(n_paths: int, levels, budget=None) -> dict[int, tuple[int, int]]:
    """The [start, stop) slice of the parameter list each level uses, after the probe's.

    Too few distinct sets for a level: it starts over after the probe (its cell then says
    how many distinct requests it had).
    """
    budget = budget or BUDGET
    first = 1 if n_paths > 1 else 0
    out, start = {}, first
    for level in levels:
        stop = start + budget[level][0]
        if stop > n_paths:
            start, stop = first, min(n_paths, first + budget[level][0])
        out[level] = (start, stop)
        start = stop
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
        # The total is the point (the page's rows beside it).
        "first_page": lambda: f"{api}?page_size=20&count=exact&page={v.get('page', 1)}",
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
        "first_page": lambda: f"/list?count=exact&page={v.get('page', 1)}",
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
    if name == "first_page":  # page n of the whole set by name, and the total beside it
        return sql(PAGE_SQL, o=20 * (int(v.get("page", 1)) - 1))
    return {
        "filtered_list": lambda: f"{table}.json?themes__contains={v.get('theme')}"
        f"&departement={v.get('departement')}&_size=20&_sort=name{lean}",
        "search": lambda: f"{table}.json?_search={quote(str(v.get('q')))}&_size=20{lean}",
        "misspelled_html": lambda: f"{table}?_search={quote(str(v.get('q')))}&_size=20{lean}",
        "detail": lambda: f"{table}/{v.get('id')}.json",
        # The total count is the point of this query: the tuned variant keeps it.
        "home_html": lambda: f"{table}?_size=20&_sort=name{lean}",
        "interco_html": lambda: f"{table}?interco_siren={v.get('siren')}&_size=20&_sort=name{lean}",
        "geojson_interco": lambda: f"{table}.json?interco_siren={v.get('siren')}&_size=max"
        f"&_shape=objects{lean}",
        "csv_all": lambda: f"{table}.csv?_stream=on&_size=max{lean}",
    }[name]()  # fmt: skip


URLS = {
    "essmap": essmap_url,
    "essmap_nocache": essmap_url,  # the same server code, its result cache off (RESULT_CACHE=0)
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
        # Requests sent and how many distinct URLs they used: all distinct when equal.
        "sent": state["next"],
        "distinct": min(state["next"], len(set(paths))),
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
    levels_of = {
        query: [int(x) for x in (args.csv_levels if query == "csv_all" else args.levels).split(",")
                if x]
        for query in args.queries.split(",")
    }  # fmt: skip
    need = max(distinct_needed(lv) for lv in levels_of.values() if lv)
    mix = variants(pick_parameters(args.dsn, need))
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
        budgets = CSV_BUDGET if query == "csv_all" else BUDGET
        slices = level_slices(len(mix[query]), levels_of[query], budgets)
        for level in levels_of[query]:
            budget = budgets[level]
            start, stop = slices[level]
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
                row[name] = measure(base, paths[name][start:stop], level, budget, timeout)
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
