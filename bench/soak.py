"""Soak: a bounded mixed read/write load on a production-like stack of its own, with one Redis
outage and one PostgreSQL restart in it; errors by phase, p95, worker memory growth.

    python -m bench.soak --seconds 240 --out /tmp/essmap-soak.md      (make soak)

Everything is on loopback and of its own: a throw-away PostgreSQL cluster (ports 5440-5449),
a Redis (6390-6399), gunicorn with 2 workers (8730-8739); all stopped at the end, whatever
happens. Timeline (T = --seconds): baseline until 0.25 T; Redis stopped for 20 s; PostgreSQL
stopped at 0.55 T for 10 s, then started again; recovery until T. Exit status 1 when a 500
is answered outside the database outage or the last phase has errors.
"""

import argparse
import contextlib
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

from tests.servers import (
    OwnPostgres,
    OwnRedis,
    free_port_in,
    gunicorn,
    manage,
    production_env,
)

CLIENTS = 6
SYNTHETIC = 3000
REDIS_OUTAGE = 20.0
DB_OUTAGE = 10.0
QUERIES = ["énergie", "épicerie", "habitat", "mobilité", "insertion", "cantine"]


def memory_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def workers(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


class Phases:
    def __init__(self):
        self.name = "baseline"
        self.lock = threading.Lock()

    def set(self, name: str):
        with self.lock:
            self.name = name


def client(base: str, token: str, slugs: list[str], phases: Phases, stop: threading.Event,
           results: list, seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    session = requests.Session()
    while not stop.is_set():
        roll = rng.random()
        method, path, body = "GET", None, None
        if roll < 0.20:
            path = f"/?q={rng.choice(QUERIES)}"
        elif roll < 0.35:
            path = f"/initiatives/{rng.choice(slugs)}/"
        elif roll < 0.55:
            path = f"/api/v1/initiatives/?page={rng.randint(1, 20)}"
        elif roll < 0.65:
            path = f"/api/v1/initiatives/?q={rng.choice(QUERIES)}"
        elif roll < 0.75:
            path = "/api/v1/map/?bbox=4.2,44.3,5.6,45.4&zoom=9"
        elif roll < 0.85:
            path = f"/api/v1/initiatives/{rng.choice(slugs)}/"
        elif roll < 0.90:
            path = "/intercos/"
        else:
            method, path = "PATCH", f"/api/v1/initiatives/{rng.choice(slugs)}/"
            body = {"summary": f"Soak {rng.randint(0, 10**6)}"}
        phase = phases.name
        started = time.perf_counter()
        try:
            response = session.request(
                method, base + path, json=body, timeout=30,
                headers={"Authorization": f"Token {token}"} if body else {},
            )  # fmt: skip
            status = response.status_code
        except requests.RequestException:
            status = 0  # no answer at all
        results.append((phase, method, status, time.perf_counter() - started))


def report(results, memory, seconds) -> tuple[str, bool]:
    by_phase = defaultdict(list)
    for phase, method, status, latency in results:
        by_phase[phase].append((method, status, latency))
    lines = [
        f"{seconds:.0f} s, {CLIENTS} clients, gunicorn 2 workers, {SYNTHETIC} synthetic + the "
        "article's initiatives; 90 % reads (pages, API lists, search, map, details), 10 % "
        "API writes (PATCH with a staff token).",
        "",
        "| phase | requests | 2xx/3xx | 4xx | 500 | 503 | no answer | p50 ms | p95 ms "
        "| writes ok |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    healthy = True
    for phase in ("baseline", "redis down", "redis back", "db down", "recovery"):
        rows = by_phase.get(phase, [])
        if not rows:
            continue
        statuses = Counter(status for _, status, _ in rows)
        ok = sum(n for s, n in statuses.items() if 200 <= s < 400)
        client_errors = sum(n for s, n in statuses.items() if 400 <= s < 500)
        latencies = sorted(latency * 1000 for _, _, latency in rows)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        writes = [s for m, s, _ in rows if m == "PATCH"]
        lines.append(
            f"| {phase} | {len(rows)} | {ok} | {client_errors} | {statuses[500]} | "
            f"{statuses[503]} | {statuses[0]} | {statistics.median(latencies):.0f} | {p95:.0f} | "
            f"{sum(1 for s in writes if s == 200)}/{len(writes)} |"
        )
        if phase != "db down" and (statuses[500] or statuses[0]):
            healthy = False
        if phase == "recovery" and ok != len(rows):
            healthy = False
    start, end = memory
    lines += [
        "",
        f"Worker memory (RSS, both workers): {start / 1024:.0f} MB after warm-up, "
        f"{end / 1024:.0f} MB at the end ({(end - start) / 1024:+.0f} MB).",
    ]
    return "\n".join(lines), healthy


def run(seconds: float, out: Path) -> bool:
    tmp = Path(tempfile.mkdtemp(prefix="essmap-soak-"))
    pg, redis = OwnPostgres(), OwnRedis()
    pg.init()
    pg.start()
    redis.start()
    try:
        pg.psql("CREATE DATABASE essmap")
        env = production_env(database_url=pg.url("essmap"), redis_url=redis.url,
                             static_root=tmp / "static", SESSIONS_IN_CACHE="1",
                             API_THROTTLE_ANON="100000/minute", API_THROTTLE_USER="100000/minute",
                             PAGE_THROTTLE_ANON="100000/minute",
                             WEB_CONCURRENCY="2")  # fmt: skip
        print("preparing the database…", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_fixtures", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        generate = [sys.executable, "-m", "bench.generate_synthetic", "--count", str(SYNTHETIC),
                    "--seed", "11", "--allow-real"]  # fmt: skip
        subprocess.run(generate, env=env, check=True, capture_output=True,  # noqa: S603
                       cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
        token = manage(env, "shell", "-c", (
            "from django.contrib.auth import get_user_model;"
            "from rest_framework.authtoken.models import Token;"
            "u = get_user_model().objects.create_superuser('soak', 's@example.org', 'pw-1a2b3c');"
            "print(Token.objects.create(user=u).key)")).split()[-1]  # fmt: skip
        slugs = pg.psql("SELECT slug FROM initiatives_initiative WHERE status='published' "
                        "ORDER BY id LIMIT 400", "essmap").split()  # fmt: skip
        port = free_port_in(8730, 8739)
        with gunicorn(env, port, workers=2, log=tmp / "gunicorn.log") as master:
            base = f"http://127.0.0.1:{port}"
            phases, stop, results = Phases(), threading.Event(), []
            threads = [
                threading.Thread(target=client, args=(base, token, slugs, phases, stop, results, i))
                for i in range(CLIENTS)
            ]
            started = time.monotonic()
            for t in threads:
                t.start()
            time.sleep(5)
            memory_start = sum(memory_kb(pid) for pid in workers(master.pid))

            def at(fraction):
                time.sleep(max(0.0, started + fraction * seconds - time.monotonic()))

            at(0.25)
            print("stopping Redis", flush=True)
            phases.set("redis down")
            redis.stop()
            time.sleep(REDIS_OUTAGE)
            redis.start()
            phases.set("redis back")
            print("Redis back", flush=True)
            at(0.55)
            print("stopping PostgreSQL", flush=True)
            phases.set("db down")
            pg.stop()
            time.sleep(DB_OUTAGE)
            pg.start()
            phases.set("recovery")
            print("PostgreSQL back", flush=True)
            at(1.0)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            memory_end = sum(memory_kb(pid) for pid in workers(master.pid))
        table, healthy = report(results, (memory_start, memory_end), seconds)
        out.write_text(table + "\n")
        print(table)
        return healthy
    finally:
        with contextlib.suppress(Exception):
            redis.stop()
        pg.destroy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240)
    parser.add_argument("--out", type=Path, default=Path("/tmp/essmap-soak.md"))  # noqa: S108
    args = parser.parse_args()
    if not 30 <= args.seconds <= 900:
        parser.error("--seconds: between 30 and 900 (the soak is bounded)")
    raise SystemExit(0 if run(args.seconds, args.out) else 1)


if __name__ == "__main__":
    main()
