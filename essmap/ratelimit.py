"""Atomic fixed-window counters in the shared cache, for throttles and rate limits.

`hit("propose", ident, limit=10, window=3600)` counts one event and answers whether it is
within the limit. The counter is `cache.add(key, 0)` then `cache.incr(key)`: on Redis,
`incr` is one atomic INCRBY (django-redis runs it as a script), so concurrent workers and
servers never lose a count; the key expires with its window.

A client address is counted for the person, not the address: `ident` goes through
`essmap.client_ip.limit_key` (an IPv6 address counts for its whole /64), so every caller
(API throttles, suggestion, error report and alert limits, the login guard) shares that rule.

Failure direction (documented in docs/deployment.md): when the cache is unreachable the
counter cannot count, and the request is ALLOWED (fail open). The site stays usable during
a Redis outage; abuse is then bounded by the reverse proxy's own limits. The login lockout
does not depend on this: django-axes keeps its failure records in the database.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from .client_ip import limit_key


@dataclass(frozen=True)
class Hit:
    allowed: bool
    count: int | None  # None: the counter was unavailable (cache down), the event allowed
    retry_after: int  # seconds until the window resets


def _key(scope: str, ident: str, window: int, now: float) -> tuple[str, int]:
    slot = int(now // window)
    return f"rl:{scope}:{limit_key(ident)}:{slot}", int((slot + 1) * window - now) + 1


def hit(scope: str, ident: str, *, limit: int, window: int) -> Hit:
    """Count one event for `ident` in `scope`; allowed while the count is ≤ `limit`."""
    key, retry_after = _key(scope, ident, window, time.time())
    try:
        cache.add(key, 0, window + 1)
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.add(key, 0, window + 1)
        try:
            count = cache.incr(key)
        except ValueError:
            count = None
    if count is None:  # the cache ignored the call (unreachable): fail open
        return Hit(True, None, 0)
    return Hit(count <= limit, int(count), retry_after)


def peek(scope: str, ident: str, *, window: int) -> int:
    """The current window's count (0 when unknown), without counting."""
    key, _ = _key(scope, ident, window, time.time())
    return int(cache.get(key) or 0)
