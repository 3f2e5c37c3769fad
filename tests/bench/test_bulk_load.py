"""The generator's PostgreSQL bulk load restores every search index it set aside."""

import psycopg
import pytest

from .conftest import ROWS

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_gin_indexes_are_rebuilt_after_a_large_synthetic_load(bench_env):
    with psycopg.connect(bench_env["DATABASE_URL"]) as conn:
        rows = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'initiatives_initiative' "
            "AND indexdef LIKE '%USING gin%'"
        ).fetchall()
        count = conn.execute("SELECT count(*) FROM initiatives_initiative").fetchone()[0]
    assert count == ROWS
    assert {"initiative_search_fts", "initiative_search_trgm"} <= {r[0] for r in rows}
