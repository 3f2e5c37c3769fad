import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY
from .env import env_bool, env_int, env_str

DEBUG = False
if SECRET_KEY.startswith("insecure-") and not env_bool("ALLOW_INSECURE_KEY", False):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")

DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600)  # noqa: F405
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache"
    if env_bool("SESSIONS_IN_CACHE", False)
    else "django.contrib.sessions.backends.db"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
    DATABASE_ROUTERS = ["essmap.db_router.ReadReplicaRouter"]
