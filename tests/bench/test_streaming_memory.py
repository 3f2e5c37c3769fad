"""The whole-set exports stream: a worker's memory grows by less than 50 MB whatever the size.

Served by a real gunicorn worker (production settings, DEBUG off) on a PostgreSQL database of
BENCH_TEST_ROWS synthetic initiatives; memory is read from /proc (VmRSS before, VmHWM after).
Without streaming, the same export holds every row, its objects and the whole body at once.
"""

import json

import pytest

from .conftest import app_server, flush_redis, memory_kb, request, workers_of

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

LIMIT_MB = 50


@pytest.fixture(scope="module")
def server(bench_env):
    flush_redis()
    with app_server(bench_env, API_THROTTLE_EXPORT="1000/minute") as (port, master):
        yield port, master


def published_count(port: int) -> int:
    """Also warms the worker up (imports, connection, first query) before measuring."""
    status, _, body = request(port, "/api/v1/initiatives/?page_size=1")
    assert status == 200, body[:500]
    return json.loads(body)["count"]


def export(port: int, master: int, path: str):
    """(headers, bytes, newlines received, worker memory growth in MB, worker peak in MB)."""
    (worker,) = workers_of(master)
    before = memory_kb(worker, "VmRSS")
    seen = {"bytes": 0, "lines": 0}

    def consume(chunk: bytes) -> None:
        seen["bytes"] += len(chunk)
        seen["lines"] += chunk.count(b"\n")

    status, headers, _ = request(port, path, stream=consume)
    assert status == 200, f"{path} answered {status}"
    peak = memory_kb(worker, "VmHWM")
    return headers, seen["bytes"], seen["lines"], (peak - before) / 1024, peak / 1024


def test_whole_set_csv_streams_with_bounded_worker_memory(server):
    port, master = server
    count = published_count(port)
    headers, size, lines, growth, peak = export(port, master, "/api/v1/initiatives/?format=csv")
    print(f"CSV: {count} rows, {size / 1e6:.1f} MB, worker peak {peak:.0f} MB, +{growth:.1f} MB")
    assert headers.get("Content-Type", "").startswith("text/csv")
    assert lines >= count + 1  # the header and every published initiative, not a page
    assert growth < LIMIT_MB


def test_whole_set_geojson_streams_with_bounded_worker_memory(server):
    port, master = server
    count = published_count(port)
    path = "/api/v1/initiatives/?format=geojson"
    _, size, _, growth, peak = export(port, master, path)
    print(
        f"GeoJSON: {count} rows, {size / 1e6:.1f} MB, worker peak {peak:.0f} MB, +{growth:.1f} MB"
    )
    assert size > count * 200  # every feature, not a page
    assert growth < LIMIT_MB
