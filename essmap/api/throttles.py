"""API rate limits: atomic fixed-window counters keyed on the one client-address rule.

Rates are read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time (a deployment or
a test may change them). Scopes: `anon` (per client address), `user` (per account), and
`export` for whole-set CSV/GeoJSON exports (on top of the others).

DRF's stock throttles keep a list of timestamps with a get-then-set, which loses counts
under concurrency, and trust `X-Forwarded-For` as sent. These count with
essmap.ratelimit.hit (atomic on Redis) and identify clients with essmap.client_ip. When the
cache is down they let requests through (see essmap/ratelimit.py).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from essmap.client_ip import client_ip
from essmap.ratelimit import hit

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' → (600, 60): DRF's rate syntax."""
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


class _CounterThrottle(throttling.BaseThrottle):
    scope = ""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident(self, request) -> str | None:
        """Who is counted, or None when this throttle does not apply."""
        raise NotImplementedError

    def allow_request(self, request, view):
        rate = self.get_rate()
        ident = self.ident(request)
        self._wait = None
        if not rate or ident is None:
            return True
        limit, window = parse_rate(rate)
        result = hit(f"throttle:{self.scope}", ident, limit=limit, window=window)
        if not result.allowed:
            self._wait = result.retry_after
        return result.allowed

    def wait(self):
        return self._wait

    def get_ident(self, request):
        return client_ip(request)


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class AnonRateThrottle(_CounterThrottle):
    scope = "anon"

    def ident(self, request):
        return None if _authenticated(request) else client_ip(request)


class UserRateThrottle(_CounterThrottle):
    scope = "user"

    def ident(self, request):
        return str(request.user.pk) if _authenticated(request) else None


class ExportRateThrottle(_CounterThrottle):
    scope = "export"

    def ident(self, request):
        return f"user:{request.user.pk}" if _authenticated(request) else client_ip(request)
