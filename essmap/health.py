"""Health endpoints for a load balancer, answered before any other middleware.

- `/healthz`: the process is alive and serving (no I/O at all). Use it for liveness.
- `/readyz`: the database answers `SELECT 1` (200, else 503); the cache's state is reported
  but never fatal (the site runs without Redis). Use it for readiness / pool membership.

Both skip the rest of the stack: no host check (balancers often probe by IP), no HTTPS
redirect, no session, no throttling, no cache of their answer.
"""

import json
import logging

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse

logger = logging.getLogger("essmap.health")
PROBE_KEY = "essmap:readyz"


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _database() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError:
        connections["default"].close_if_unusable_or_obsolete()
        return "unavailable"


def _cache() -> str:
    try:
        cache.set(PROBE_KEY, 1, 10)
        return "ok" if cache.get(PROBE_KEY) == 1 else "unavailable"
    except Exception:  # any backend's failure is only reported
        return "unavailable"


def readiness() -> tuple[int, dict]:
    state = {"database": _database(), "cache": _cache()}
    return (200 if state["database"] == "ok" else 503), state


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _answer(200, {"status": "ok"})
        if request.path == "/readyz":
            status, state = readiness()
            summary = "ok" if status == 200 else "unavailable"
            response = _answer(status, {"status": summary, **state})
            if status != 200:
                response["Retry-After"] = "5"
            return response
        return self.get_response(request)
