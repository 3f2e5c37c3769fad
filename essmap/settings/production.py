from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY
from .env import env_bool, env_int

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
