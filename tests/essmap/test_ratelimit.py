"""Atomic counters (essmap.ratelimit): no lost count under concurrency, fail open without cache."""

import os
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from essmap import ratelimit

REDIS = os.environ.get("BENCH_TEST_REDIS", "redis://127.0.0.1:6379/4")


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def redis_cache(location: str):
    return {
        "default": {
            "BACKEND": "essmap.cache_backend.DegradingRedisCache",
            "LOCATION": location,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }


def _hammer(threads: int, per_thread: int, limit: int) -> int:
    allowed = []
    lock = threading.Lock()

    def worker():
        mine = sum(
            ratelimit.hit("t", "198.51.100.1", limit=limit, window=3600).allowed
            for _ in range(per_thread)
        )
        with lock:
            allowed.append(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(allowed)


def test_counter_is_exact_under_concurrency_in_memory():
    assert _hammer(threads=8, per_thread=100, limit=600) == 600


@pytest.mark.skipif(not _redis_available(), reason="no Redis for BENCH_TEST_REDIS")
def test_counter_is_exact_under_concurrency_on_redis():
    with override_settings(CACHES=redis_cache(REDIS)):
        caches["default"].clear()
        try:
            assert _hammer(threads=8, per_thread=100, limit=600) == 600
        finally:
            caches["default"].clear()


def test_cache_unreachable_lets_requests_through():
    # Nothing listens on this port (our range, 6390-6399): every call fails fast.
    from tests.servers import free_port_in

    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{free_port_in(6390, 6399)}/0")):
        results = [ratelimit.hit("t", "x", limit=1, window=60) for _ in range(3)]
    assert all(r.allowed and r.count is None for r in results)
