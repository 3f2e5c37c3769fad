"""A shared cache of read results, invalidated by every write (generation counter).

Every cached value's key carries the current *data generation*; a write bumps the generation
(after its transaction commits), so every server sharing the cache (Redis in production, see
docs/deployment.md) stops using older values at once, without enumerating keys. Local memory
by default, which is right for one process only.

    from essmap.cache import cached, data_changed
    payload = cached("map", request.GET, lambda: map_features(qs, view))
    ...
    data_changed()  # in a service, after a write
"""

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "essmap:data-generation"
DEFAULT_TIMEOUT = 300  # seconds: a bound on staleness if an out-of-band write skips data_changed


def _fresh() -> int:
    """A new counter starts at the clock (µs), above any value an evicted counter reached."""
    return time.time_ns() // 1_000


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh(), None)
        value = cache.get(GENERATION_KEY) or _fresh()
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter (evicted or never set): restart from the clock
        cache.set(GENERATION_KEY, _fresh(), None)


def data_changed() -> None:
    """Invalidate every cached read, once the current transaction (if any) has committed."""
    transaction.on_commit(_bump)


def key_for(namespace: str, params: Mapping | None = None) -> str:
    """A stable key: namespace, generation and a hash of the (order-insensitive) parameters."""
    items = []
    if params is not None:
        getlist = getattr(params, "getlist", None)
        for name in sorted(params):
            values = getlist(name) if getlist else params[name]
            items.append((name, sorted(map(str, values)) if isinstance(values, list) else values))
    digest = hashlib.sha256(json.dumps(items, default=str).encode()).hexdigest()[:32]
    return f"essmap:{namespace}:{generation()}:{digest}"


def cached(
    namespace: str,
    params: Mapping | None,
    compute: Callable[[], Any],
    timeout: int = DEFAULT_TIMEOUT,
) -> Any:
    """The cached value for these parameters in this generation, computing it on a miss.

    With the result cache off (settings.RESULT_CACHE, env RESULT_CACHE=0), always computed.
    """
    if not settings.RESULT_CACHE:
        return compute()
    key = key_for(namespace, params)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
