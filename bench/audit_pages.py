"""`make audit-pages`: Lighthouse and the W3C Nu HTML checker on the public pages (issue 21).

The site runs as in production, on loopback only: essmap.settings.production with DEBUG off,
gunicorn, whitenoise serving a collectstatic done into a temporary folder, a fresh SQLite
database loaded with `load_fixtures --registers`. Map tiles come from a stub tile server on
loopback (the machine may have no network; a tile the browser cannot fetch would count as a
console error), through MAP_TILES_URL as a deployment would set it.

Each page is audited RUNS times by Lighthouse (mobile emulation, its default simulated
throttling) with Debian's chromium; the report keeps the median of each category score and of
the cumulative layout shift, and the audits that fail in most runs. The Nu checker (vnu.jar,
Java from Debian) reads each page's HTML as the server sends it. Result: docs/audit/pages.md.

Tools: lighthouse and vnu-jar from npm, exact versions, installed by `make audit-pages` into
.audit/ (ignored by git). Environment: AUDIT_RUNS (3), AUDIT_PORT (8781; the tile stub uses
the next port), AUDIT_OUT (docs/audit/pages.md), AUDIT_PAGES (comma-separated page keys),
CHROME_PATH (/usr/bin/chromium), AUDIT_KEEP (keep the JSON reports in .audit/reports/).
"""

# The tools run are this script's own (fixed paths, loopback URLs).
# ruff: noqa: S603, S607, S310
from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / ".audit"
LIGHTHOUSE = AUDIT / "node_modules" / "lighthouse" / "cli" / "index.js"
VNU = AUDIT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def log(message: str) -> None:
    print(f"== {datetime.now(UTC):%H:%M:%S} {message}", flush=True)


def tile_png(size: int = 256) -> bytes:
    """A plain light-grey PNG tile (made here: no binary file in the repository)."""
    row = b"\x00" + b"\xe8\xe8\xe8" * size
    raw = zlib.compress(row * size, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def start_tile_stub(port: int) -> ThreadingHTTPServer:
    png = tile_png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.send_header("Cache-Control", "public, max-age=31536000")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            try:
                self.wfile.write(png)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the map moved on: the browser dropped the tile

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


PICK = """
from django.db.models import Count, Q
from initiatives.models import Initiative
from intercos.models import Interco
initiative = Initiative.objects.published().filter(commune__isnull=False).order_by("pk").first()
interco = (
    Interco.objects.annotate(
        n=Count("communes__initiatives", filter=Q(communes__initiatives__status="published"))
    ).order_by("-n", "pk").first()
)
print(initiative.slug)
print(interco.slug)
"""


def pages(initiative: str, interco: str) -> dict[str, tuple[str, str]]:
    """key -> (label, path)."""
    return {
        "home": ("Accueil (annuaire)", "/"),
        "search": ("Annuaire, près de Lamastre + thème", "/?near=Lamastre&theme=alimentation"),
        "initiative": ("Fiche d'une initiative", f"/initiatives/{initiative}/"),
        "interco": ("Page d'une intercommunalité", f"/intercos/{interco}/"),
        "opendata": ("Données ouvertes", "/donnees/"),
        "en": ("/en/", "/en/"),
        "propose": ("Proposer une initiative", "/proposer/"),
        "report": ("Signaler une erreur", f"/initiatives/{initiative}/signaler/"),
        "apidocs": ("Documentation de l'API", "/api/v1/docs/"),
    }


def wait_for(url: str, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the site did not answer at {url}")


def lighthouse(url: str, out: Path, env: dict) -> dict:
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--disable-full-page-screenshot",
        "--quiet",
    ]
    for attempt in range(3):  # Lighthouse sometimes loses its trace (NO_NAVSTART): again
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, timeout=300)
        if result.returncode == 0:
            report = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
        print(f"   Lighthouse failed on {url} (attempt {attempt + 1}), again", flush=True)
    raise SystemExit(f"Lighthouse failed three times on {url}")


def failing_audits(report: dict) -> set[str]:
    """Ids of the audits that count against a category's score."""
    failing = set()
    for key, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score, mode = audit.get("score"), audit.get("scoreDisplayMode")
            if score is None or mode in ("notApplicable", "manual", "informative", "error"):
                continue
            limit = 0.9 if key == "performance" else 1
            if score < limit:
                failing.add(ref["id"])
    return failing


def summarise(runs: list[dict]) -> dict:
    scores = {
        key: statistics.median(round(run["categories"][key]["score"] * 100) for run in runs)
        for key in CATEGORIES
    }
    cls = statistics.median(
        run["audits"]["cumulative-layout-shift"]["numericValue"] for run in runs
    )
    lcp = statistics.median(
        run["audits"]["largest-contentful-paint"]["numericValue"] for run in runs
    )
    bench = statistics.median(run["environment"]["benchmarkIndex"] for run in runs)
    counts: dict[str, int] = {}
    for run in runs:
        for audit in failing_audits(run):
            counts[audit] = counts.get(audit, 0) + 1
    failing = sorted(a for a, n in counts.items() if n * 2 > len(runs))
    return {"scores": scores, "cls": cls, "lcp": lcp, "bench": bench, "failing": failing}


def nu_check(html_files: dict[str, Path]) -> dict[str, list[str]]:
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            *map(str, html_files.values()),
        ],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    by_file = {key: [] for key in html_files}
    names = {f"file:{path}": key for key, path in html_files.items()}
    for message in messages:
        key = names.get(message.get("url", ""))
        if key and message.get("type") == "error":
            by_file[key].append(f"l.{message.get('lastLine', '?')}: {message.get('message')}")
    return by_file


def versions() -> dict[str, str]:
    def package(name: str) -> str:
        path = AUDIT / "node_modules" / name / "package.json"
        return json.loads(path.read_text())["version"]

    chrome = subprocess.run(
        [os.environ.get("CHROME_PATH", "/usr/bin/chromium"), "--version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return {
        "lighthouse": package("lighthouse"),
        "vnu-jar": package("vnu-jar"),
        "chromium": chrome,
        "java": java.splitlines()[0] if java else "?",
        "node": subprocess.run(
            ["node", "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }


def mark(value: float, target: int) -> str:
    return f"{value:g}" if value >= target else f"**{value:g}**"


def write_report(out: Path, results: dict, nu: dict, page_list: dict, runs: int, info: dict):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Page quality audit (`make audit-pages`)",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit}`, by "
        "`bench/audit_pages.py`: production settings (DEBUG off, gunicorn, whitenoise, "
        "collectstatic), SQLite loaded with `load_fixtures --registers`, loopback only, map "
        "tiles from a local stub. Lighthouse in mobile emulation (simulated throttling), "
        f"median of {runs} runs per page; Nu checker on the HTML the server sends.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        "Targets: performance ≥ 95, accessibility 100, best practices 100, SEO 100, CLS 0, "
        "Nu errors 0 (a value under its target is in bold). `host`: Lighthouse's benchmark "
        "index of the machine during the runs (median; a busy machine scores lower: its "
        "simulated phone is slower, so total blocking time grows). Failing audits below "
        "include opportunities and diagnostics that do not weigh on the score.",
        "",
        "| page | path | perf. | access. | best pr. | SEO | CLS | LCP (ms) | Nu errors | host |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, (label, path) in page_list.items():
        r = results[key]
        s = r["scores"]
        cls = f"{r['cls']:.3f}" if r["cls"] else "0"
        lines.append(
            f"| {label} | `{path}` | {mark(s['performance'], 95)} | "
            f"{mark(s['accessibility'], 100)} | {mark(s['best-practices'], 100)} | "
            f"{mark(s['seo'], 100)} | {cls if r['cls'] == 0 else f'**{cls}**'} | "
            f"{r['lcp']:.0f} | {len(nu[key]) if not nu[key] else f'**{len(nu[key])}**'} | "
            f"{r['bench']:.0f} |"
        )
    lines += ["", "## Failing audits (in most runs) and Nu errors", ""]
    for key, (label, _path) in page_list.items():
        failing = results[key]["failing"]
        lines.append(f"- **{label}**: " + (", ".join(f"`{a}`" for a in failing) or "none"))
        for error in nu[key][:10]:
            lines.append(f"  - Nu: {error}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


def main() -> None:
    for tool in (LIGHTHOUSE, VNU):
        if not tool.exists():
            raise SystemExit(f"{tool} is missing: run `make audit-pages` (installs into .audit/)")
    runs = int(os.environ.get("AUDIT_RUNS", "3"))
    port = int(os.environ.get("AUDIT_PORT", "8781"))
    out = ROOT / os.environ.get("AUDIT_OUT", "docs/audit/pages.md")
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="essmap-audit-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "essmap.settings.production",
        "SECRET_KEY": "audit-" + secrets.token_hex(24),
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{work}/db.sqlite3",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "OPENDATA_DIR": str(work / "opendata"),
        "API_SCHEMA_FILE": str(work / "openapi.json"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": base,
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
        "PAGE_THROTTLE_ANON": "100000/minute",
        "API_THROTTLE_ANON": "100000/minute",
        "MAP_TILES_URL": f"http://127.0.0.1:{port + 1}/{{z}}/{{x}}/{{y}}.png",
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    }
    env.pop("REDIS_URL", None)
    processes = []
    try:
        log(f"database and static files in {work}")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_fixtures", "--registers", "-v0")
        manage(env, "export_opendata", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        if (ROOT / "essmap" / "management" / "commands" / "build_api_schema.py").exists():
            manage(env, "build_api_schema")  # as the deploy does (docs/deployment.md)
        initiative, interco = manage(env, "shell", "-v0", "-c", PICK, capture=True).split()[-2:]
        page_list = pages(initiative, interco)
        wanted = os.environ.get("AUDIT_PAGES")
        if wanted:
            page_list = {k: v for k, v in page_list.items() if k in wanted.split(",")}

        tiles = start_tile_stub(port + 1)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        processes.append(
            subprocess.Popen(
                [
                    gunicorn,
                    "essmap.wsgi:application",
                    "-c",
                    "essmap/gunicorn_conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        wait_for(base + "/healthz")
        for _key, (_label, path) in page_list.items():  # warm each worker's caches
            for _ in range(2):
                urllib.request.urlopen(base + path, timeout=30).read()

        log("Nu HTML checker")
        html_dir = work / "html"
        html_dir.mkdir()
        html_files = {}
        for key, (_label, path) in page_list.items():
            html_files[key] = html_dir / f"{key}.html"
            with urllib.request.urlopen(base + path, timeout=30) as response:
                html_files[key].write_bytes(response.read())
        nu = nu_check(html_files)

        reports = AUDIT / "reports"
        reports.mkdir(exist_ok=True)
        results = {}
        for key, (_label, path) in page_list.items():
            page_runs = []
            for n in range(runs):
                log(f"Lighthouse {key} ({n + 1}/{runs}) {path}")
                page_runs.append(lighthouse(base + path, reports / f"{key}-{n + 1}.json", env))
            results[key] = summarise(page_runs)
            s = results[key]["scores"]
            print(
                f"   {key}: {s} CLS {results[key]['cls']:.3f} Nu {len(nu[key])}"
                f" failing {results[key]['failing']}",
                flush=True,
            )
        write_report(out, results, nu, page_list, runs, versions())
        log(f"report: {out}")
        tiles.shutdown()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if not os.environ.get("AUDIT_KEEP"):
            shutil.rmtree(AUDIT / "reports", ignore_errors=True)


if __name__ == "__main__":
    main()
