from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY
from .env import env_bool, env_int, env_str

DEBUG = False
if SECRET_KEY.startswith("insecure-") and not env_bool("ALLOW_INSECURE_KEY", False):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")
# Links in e-mails and in the open data files must point to the public site, never to a
# development address: production refuses to start without it.
SITE_URL = env_str("SITE_URL").strip().rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("https", "http") or not _site.netloc:
    raise ImproperlyConfigured(
        "Set SITE_URL in the environment for production: the public address of the site, "
        "e.g. SITE_URL=https://ess.example.org (used for the links in e-mails and open data)."
    )

DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)  # noqa: F405
# Sessions in the database, read through the cache with SESSIONS_IN_CACHE=1 (cached_db: a
# Redis outage loses no session).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env_bool("SESSIONS_IN_CACHE", False)
    else "django.contrib.sessions.backends.db"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names for every file, ES-module imports rewritten (essmap/static_storage.py).
    "staticfiles": {"BACKEND": "essmap.static_storage.EssmapStaticFilesStorage"},
}
# HTTPS. Behind a TLS-terminating proxy (BEHIND_TLS_PROXY=1, the documented setup) the proxy
# says which scheme the client used in X-Forwarded-Proto; without one, the header is ignored.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", True) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a commitment of the whole domain, for its owner to make (then set it to 1);
# until then the check asking for it is silenced on purpose.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# --- Scale-out (issue 6) --------------------------------------------------------------------
# collectstatic target, outside the checkout when the deployment wants it (benchmarks use a
# temporary folder).
STATIC_ROOT = env_str("STATIC_ROOT") or STATIC_ROOT  # noqa: F405
# Optional read replica: reads go to DATABASE_REPLICA_URL, writes and their transactions to
# the primary (essmap/db_router.py).
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(  # noqa: F405
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2  # noqa: F405
    DATABASE_ROUTERS = ["essmap.db_router.ReadReplicaRouter"]
    # Early, so that every read of the request (sessions, lockout, views) follows it.
    MIDDLEWARE = [MIDDLEWARE[0], "essmap.db_router.PrimaryPinningMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
