"""Warm an app server's worker before it takes requests (gunicorn: essmap/gunicorn_conf.py).

A fresh worker answers its first requests 10 to 20 times slower than the next ones: it opens
its database and cache connections, fills the URL resolver, loads the translation catalogs
and compiles the templates on the way. Measured with 5 workers at 250,000 initiatives: the
first filtered list of each worker took 0.8-1 s, the next 60-170 ms. Each worker now answers
a few representative requests to itself at boot (through the WSGI app, no network), in both
languages; a failure (database or Redis down) is logged and the worker starts anyway.
"""

import io
import logging
import sys
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

PATHS = (
    "/",
    "/en/",
    "/api/v1/initiatives/?page_size=1",
    "/api/v1/initiatives/?q=solidaire&page_size=1",
    "/api/v1/map/?bbox=4.6,44.3,5.6,45.2&zoom=9",
)


def _host() -> str:
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def _environ(path: str) -> dict:
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": _host(),
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": _host(),
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",  # no redirect to HTTPS in production
        "HTTP_X_FORWARDED_PROTO": "https",  # as the TLS proxy says (when it is trusted)
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def ask(app: Callable, path: str) -> str:
    """The status line `app` answers for a GET of `path` (its body read and closed)."""
    status = []
    body = app(_environ(path), lambda line, headers, exc_info=None: status.append(line))
    try:
        for _chunk in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return status[0] if status else "?"


def warm(app: Callable, paths=PATHS) -> list[str]:
    """Ask `app` for each path; returns "path status" lines (for the logs and tests)."""
    statuses = []
    for path in paths:
        try:
            statuses.append(f"{path} {ask(app, path)}")
        except Exception:  # noqa: BLE001 -- warming never stops a worker from starting
            logger.warning("warm-up request %s failed", path, exc_info=True)
            statuses.append(f"{path} error")
    return statuses
