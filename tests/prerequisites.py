"""What some tests need beyond Python, checked once per session (tests/conftest.py).

A test says what it needs with a marker: `postgres` (a PostgreSQL server of its own, beside
whatever database the run uses), `redis` (a Redis server), `browser` (Debian's chromium for
Playwright). When one is missing, `make test` skips exactly those tests and says which
prerequisite is missing and how to get it; with CI=true (.ci/run) they fail instead, so CI
never passes without running everything.
"""

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

REDIS_URL = os.environ.get("BENCH_TEST_REDIS", "redis://127.0.0.1:6379/14")
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def postgres_server() -> str:
    """The server of a postgres DATABASE_URL, else BENCH_TEST_PG (127.0.0.1:5432)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    return os.environ.get("BENCH_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def _postgres() -> str | None:
    import psycopg

    server = postgres_server()
    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"no PostgreSQL at {server} ({first_line or type(error).__name__})"


def _redis() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        return f"no Redis at {REDIS_URL} ({type(error).__name__})"
    return None


def _chromium() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return f"no chromium at {CHROMIUM}"


def _postgres_binaries() -> str | None:
    import glob

    if glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
        return None
    return "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"


def _redis_server() -> str | None:
    return None if shutil.which("redis-server") else "no redis-server on PATH"


@dataclass(frozen=True)
class Prerequisite:
    marker: str
    check: Callable[[], str | None]  # None when present, else what is wrong
    how: str


PREREQUISITES = {
    p.marker: p
    for p in (
        Prerequisite(
            "postgres",
            _postgres,
            "start PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres "
            "(apt-get install postgresql; pg_ctlcluster <version> main start), "
            "or point BENCH_TEST_PG at a server",
        ),
        Prerequisite(
            "redis",
            _redis,
            "start Redis on 127.0.0.1:6379 (apt-get install redis-server; "
            "redis-server --daemonize yes), or point BENCH_TEST_REDIS at one",
        ),
        Prerequisite(
            "postgres_binaries",
            _postgres_binaries,
            "apt-get install postgresql (tests start clusters of their own on ports 5440-5449)",
        ),
        Prerequisite(
            "redis_server",
            _redis_server,
            "apt-get install redis-server (tests start servers of their own on 6390-6399)",
        ),
        Prerequisite(
            "browser",
            _chromium,
            "install Debian's chromium (apt-get install chromium), or set CHROMIUM to its path",
        ),
    )
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
