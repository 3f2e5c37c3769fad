"""Settings shared by every environment. Environment variables: see env.py."""

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, database_url, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "essmap.apps.EssmapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "leaflet",
    "simple_history",
    "axes",
    "essmap.apps.EssmapConfig",
    "intercos",
    "initiatives",
    "initiatives.opendata",
    "initiatives.claims",
]

MIDDLEWARE = [
    "essmap.health.HealthMiddleware",  # /healthz, /readyz: before anything else
    "essmap.middleware.TextCompressionMiddleware",  # gzip pages and JSON (docs/deployment.md)
    "essmap.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy (static files too)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "essmap.middleware.EssmapLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "essmap.login_guard.LoginGuardMiddleware",  # failed logins per address, any username
    "essmap.page_throttle.PageThrottleMiddleware",  # HTML pages per anonymous client
]

ROOT_URLCONF = "essmap.urls"
WSGI_APPLICATION = "essmap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essmap.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        database_url(), conn_max_age=env_int("CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher"
    if env_bool("USE_ARGON2", False)
    else "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Staff sessions expire: two weeks at most, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Only the embed route may be framed; it opts out with xframe_options_exempt.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites (the map tile servers among them, which may refuse requests without one) get the
# origin only, never the path or query (a search); same-site requests get the whole address.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Public suggestion form: submissions per IP and window (seconds); absolute links in e-mails.
PROPOSE_RATE_LIMIT = env_int("PROPOSE_RATE_LIMIT", 10)
PROPOSE_RATE_WINDOW = env_int("PROPOSE_RATE_WINDOW", 60 * 60)
SITE_URL = env_str("SITE_URL", "")
# Open data files (issue 13): written by `manage.py export_opendata`, served under /donnees/.
OPENDATA_DIR = env_str("OPENDATA_DIR", str(BASE_DIR / "var" / "opendata"))
# E-mail alerts and error reports: submissions per IP per window (seconds).
ALERT_RATE_LIMIT = env_int("ALERT_RATE_LIMIT", 10)
ALERT_RATE_WINDOW = env_int("ALERT_RATE_WINDOW", 60 * 60)
# Per recipient, whoever asks (kept in the database: holds with the cache down): at most
# MAILS_PER_UNCONFIRMED_ADDRESS mails a day to an address typed in a public form (alert
# confirmations, error report acknowledgements), and no second confirmation for the same
# pending alert within ALERT_RESEND_WINDOW seconds.
MAILS_PER_UNCONFIRMED_ADDRESS = env_int("MAILS_PER_UNCONFIRMED_ADDRESS", 3)
ALERT_RESEND_WINDOW = env_int("ALERT_RESEND_WINDOW", 60 * 60)
# A structure keeps its own record (initiatives/claims): claims and sign-in links asked per
# client and per address within CLAIM_RATE_WINDOW seconds; links valid CLAIM_LINK_MAX_AGE
# seconds (the reminders' "Toujours exact" link: MANAGER_REMINDER_LINK_DAYS days); a
# reminder to managers every MANAGER_REMINDER_MONTHS months.
CLAIM_RATE_LIMIT = env_int("CLAIM_RATE_LIMIT", 10)
CLAIM_RATE_LIMIT_PER_ADDRESS = env_int("CLAIM_RATE_LIMIT_PER_ADDRESS", 3)
CLAIM_RATE_WINDOW = env_int("CLAIM_RATE_WINDOW", 60 * 60)
CLAIM_LINK_MAX_AGE = env_int("CLAIM_LINK_MAX_AGE", 2 * 24 * 60 * 60)
MANAGER_REMINDER_MONTHS = env_int("MANAGER_REMINDER_MONTHS", 6)
MANAGER_REMINDER_LINK_DAYS = env_int("MANAGER_REMINDER_LINK_DAYS", 60)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "essmap <ne-pas-repondre@essmap.local>")

# Redis is an accelerator: when it is down, reads miss, writes are dropped, counters let
# requests through, and the error is logged once (essmap/cache_backend.py).
CACHES = {
    "default": (
        {
            "BACKEND": "essmap.cache_backend.DegradingRedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.25,  # seconds: a hung Redis must not hold workers
                "SOCKET_TIMEOUT": 0.5,
            },
        }
        if env_str("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The result cache (essmap.cache.cached: pages, counts, details, map answers). RESULT_CACHE=0
# turns it off, every read computed from the database: `make bench` measures essmap both ways.
RESULT_CACHE = env_bool("RESULT_CACHE", True)

# The client's address (essmap/client_ip.py): X-Forwarded-For is read only through trusted
# proxies, given by their number in front of the app or by their networks. Neither: the
# socket peer (REMOTE_ADDR) is the client. Every limit keys on that address for IPv4 and on
# its /64 for IPv6 (client_ip.limit_key): one person, one counter.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS", "")

# Login safety (django-axes): lock a user+client address pair after repeated failures, so a
# user cannot be locked out by failures from elsewhere. Records live in the database.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "essmap.client_ip.axes_client_ip"  # an IPv6 client: its /64
# The lockout itself is rate-limited (essmap/login_guard.py): failed logins per address.
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 60 * 60)

# Map: tiles are a setting (OpenStreetMap by default; IGN Plan documented in README).
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Optional address geocoder, called from the browser only.
GEOCODER_URL = env_str("GEOCODER_URL", "https://api-adresse.data.gouv.fr/search/")
# Content-Security-Policy (essmap/security.py): tiles and geocoder hosts come from the two
# settings above; more hosts by setting. Only /embed/ may be framed, by these origins.
CSP_EXTRA_IMG_SRC = env_list("CSP_EXTRA_IMG_SRC", "")
CSP_EXTRA_CONNECT_SRC = env_list("CSP_EXTRA_CONNECT_SRC", "")
EMBED_PATH_PREFIX = "/embed/"
API_REDOC_PATH = "/api/v1/redoc/"  # its style engine needs empty <style> elements (a hash)
EMBED_FRAME_ANCESTORS = env_str("EMBED_FRAME_ANCESTORS", "*")
CSRF_FAILURE_VIEW = "essmap.errors.csrf_failure"
# Seconds a client is asked to wait when the database is unreachable (503, essmap/errors.py).
RETRY_AFTER = env_int("RETRY_AFTER", 30)
# HTML pages per anonymous client (essmap.page_throttle), DRF's rate syntax; empty: no limit.
PAGE_THROTTLE_ANON = env_str("PAGE_THROTTLE_ANON", "120/minute")
# PostgreSQL: ceiling on each statement of an anonymous directory or API page (ms; 0: none).
ANONYMOUS_STATEMENT_TIMEOUT_MS = env_int("ANONYMOUS_STATEMENT_TIMEOUT_MS", 3000)
# API answers: Cache-Control max-age in seconds (essmap/api/conditional.py).
API_CACHE_MAX_AGE = 60
# Backups (essmap/backups.py): the folder of pg_dump and pg_restore; empty: found on PATH.
PG_BIN_DIR = env_str("PG_BIN_DIR", "")

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (44.85, 4.85),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [("OpenStreetMap", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})],
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "essmap.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "essmap.api.throttles.AnonRateThrottle",
        "essmap.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/minute"),
        "user": env_str("API_THROTTLE_USER", "3000/minute"),
        # Whole-set CSV/GeoJSON exports, on top of the above.
        "export": env_str("API_THROTTLE_EXPORT", "30/minute"),
    },
    "EXCEPTION_HANDLER": "essmap.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "essmap.api.pagination.EnvelopePagination",
    "PAGE_SIZE": 20,
}
# OpenAPI schema written at deploy by `manage.py build_api_schema` (docs/deployment.md) and
# served from there; without the file, /api/v1/schema/ builds it on each request.
API_SCHEMA_FILE = env_str("API_SCHEMA_FILE", str(BASE_DIR / "var" / "openapi.json"))
SPECTACULAR_SETTINGS = {
    "TITLE": "essmap API",
    "DESCRIPTION": "Social and solidarity economy (ESS) initiatives by intercommunalité "
    "(French intercommunal authority). Field names and values are French where the data is.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # No badge fetched from the public validator: the docs make no third-party request.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InitiativeKindEnum": "initiatives.models.Initiative.Kind",
        "LegalFormEnum": "initiatives.models.Initiative.LegalForm",
        "InitiativeStatusEnum": "initiatives.models.Initiative.Status",
        "PartnershipKindEnum": "initiatives.models.Partnership.Kind",
        "QualifierEnum": "initiatives.models.KeyFigure.Qualifier",
        "MeasureEnum": "initiatives.models.KeyFigure.Measure",
        "PartnershipRoleEnum": "initiatives.models.Partnership.Role",
        "IntercoKindEnum": "intercos.models.Interco.Kind",
        "GeoJSONFeatureCollectionTypeEnum": ["FeatureCollection"],
        "GeoJSONFeatureTypeEnum": ["Feature"],
        "GeoJSONPointTypeEnum": ["Point"],
    },
    "TAGS": [
        {"name": "initiatives", "description": "Published initiatives: filters, formats."},
        {"name": "initiatives (écriture)", "description": "Interco staff, with a token."},
        {"name": "territoires", "description": "Intercommunalités and communes."},
        {"name": "partenariats", "description": "Who works with whom."},
        {"name": "chiffres clés", "description": "Sourced figures."},
        {"name": "sources", "description": "Where the information comes from."},
        {"name": "référentiels", "description": "Themes."},
    ],
}

CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Conditional requests and exports from a partner's web page: let scripts send and read them.
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Content-Disposition", "Retry-After"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Expected during an outage, logged by the project once per outage or per request.
    "loggers": {"django_redis": {"level": "CRITICAL"}},
}
