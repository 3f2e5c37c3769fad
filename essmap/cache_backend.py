"""Redis as an accelerator only: when it is unreachable the site carries on without it.

`DegradingRedisCache` is django-redis' cache with its errors ignored (a read is a miss, a
write is dropped, `incr` answers None) and logged ONCE per outage: the first failure logs a
warning, later ones are silent until an operation succeeds again (then one "back" line).
Short socket timeouts keep a hung Redis from holding workers (settings.CACHES).
"""

import logging
import threading

from django_redis.cache import CONNECTION_INTERRUPTED, RedisCache

logger = logging.getLogger("essmap.cache")


class _OutageLog:
    """django-redis' `logger` hook: `exception()` is called on every ignored error."""

    def __init__(self):
        self.down = False
        self._lock = threading.Lock()

    def exception(self, msg, *args, **kwargs):
        with self._lock:
            first, self.down = not self.down, True
        if first:
            logger.warning("Cache unreachable: serving without it until it is back.", exc_info=True)

    def recovered(self):
        if self.down:
            with self._lock:
                was, self.down = self.down, False
            if was:
                logger.warning("Cache reachable again.")


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": True}}
        super().__init__(server, params)
        self._ignore_exceptions = True
        self._log_ignored_exceptions = True
        self.logger = _OutageLog()

    def _get(self, key, default, version, client):
        value = super()._get(key, default, version, client)
        self._seen(value)
        return value

    def set(self, *args, **kwargs):
        value = super().set(*args, **kwargs)
        self._seen(value)
        return value

    def _seen(self, value):
        if value is not CONNECTION_INTERRUPTED and value is not None:
            self.logger.recovered()
