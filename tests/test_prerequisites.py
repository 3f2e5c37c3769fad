"""A missing prerequisite skips exactly the tests that need it, saying why and how to get it;
under CI=true the same tests fail instead (tests/prerequisites.py, tests/conftest.py)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.prerequisites import PREREQUISITES

ROOT = Path(__file__).resolve().parent.parent
NEEDS_ALL_THREE = ["tests/bench/test_bulk_load.py", "tests/e2e/test_admin_map.py"]


def run_pytest(*, ci: bool) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{ROOT / 'never-created.sqlite3'}",
        "BENCH_TEST_PG": "postgres://postgres@127.0.0.1:9/",  # nothing listens on port 9
        "BENCH_TEST_REDIS": "redis://127.0.0.1:9/0",
        "CHROMIUM": "/nonexistent/chromium",
        "CI": "true" if ci else "",
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *NEEDS_ALL_THREE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_every_prerequisite_says_how_to_get_it():
    assert set(PREREQUISITES) == {
        "postgres",
        "redis",
        "browser",
        "postgres_binaries",
        "redis_server",
    }
    for prerequisite in PREREQUISITES.values():
        assert "apt-get install" in prerequisite.how


def test_missing_prerequisites_skip_with_the_reason_outside_ci():
    done = run_pytest(ci=False)
    out = done.stdout
    assert done.returncode == 0, out[-3000:]
    assert re.fullmatch(r"4 skipped in [0-9.]+s", out.strip().splitlines()[-1]), out[-3000:]
    assert "no PostgreSQL at postgres://postgres@127.0.0.1:9" in out
    assert "no chromium at /nonexistent/chromium" in out
    assert "apt-get install chromium" in out and "apt-get install postgresql" in out
    assert "missing prerequisites" in out  # the summary section
    assert "redis: 1 test(s) skipped" in out and "browser: 3 test(s) skipped" in out


def test_missing_prerequisites_fail_under_ci():
    done = run_pytest(ci=True)
    out = done.stdout
    assert done.returncode == 1, out[-3000:]
    # failed in setup: counted as errors, and the run fails
    assert re.fullmatch(r"4 errors in [0-9.]+s", out.strip().splitlines()[-1]), out[-3000:]
    assert "CI=true: a missing prerequisite fails" in out


@pytest.mark.postgres
def test_a_marked_test_runs_when_its_prerequisite_is_there():
    """Runs (here) only when PostgreSQL is reachable; skipped with the reason otherwise."""
    import psycopg

    from tests.prerequisites import postgres_server

    with psycopg.connect(f"{postgres_server()}/postgres", connect_timeout=3) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
