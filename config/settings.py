"""The one settings module. Every value comes from the environment, with safe defaults.

Embedded mode (nothing set): SQLite and Celery tasks run in-process, DEBUG on.
Production: set DJANGO_DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL.
With DEBUG off, a missing SECRET_KEY is an error and cookies/HSTS are strict.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="embedded-development-key-not-for-production-use-0123456789")
else:
    SECRET_KEY = env("SECRET_KEY")  # no default in production

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "accounts",
    "registry",
    "inspections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- database: SQLite when DATABASE_URL is unset, e.g. postgres://postgres@127.0.0.1:5432/residency
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A file, not memory, for the test database: the real-worker tests start a celery worker
    # process that must see it (gitignored: test_*.sqlite3).
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
        "SQLITE_TEST_NAME", default=str(BASE_DIR / "test_db.sqlite3"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle timeout (refreshed on activity by SessionTimeoutMiddleware) and absolute limit.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead

# django-axes: lock out on repeated failures per username + IP. The client IP is the socket
# address unless AXES_IPWARE_PROXY_COUNT says how many trusted proxies stand in front.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False
# Successful logins are in the audit log (accounts.signals); axes keeps only the failure counters
# it needs for lockout, not a second, unbounded copy of usernames and addresses.
AXES_DISABLE_ACCESS_LOG = True
# The lockout answer: HTTP 429 with a translated page (no username echoed back).
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# --- i18n: English and Khmer
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("km", "ខ្មែរ")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Phnom_Penh")
USE_I18N = True
USE_TZ = True

# --- static files (whitenoise)
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# --- security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

MAP_TILE_URL = env("MAP_TILE_URL", default="")  # e.g. https://tile.example.org/{z}/{x}/{y}.png
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Residency Inspections API",
    "DESCRIPTION": "Inspection summaries for other systems and the field/supervisor workflow.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are grouped (tagged) by the first path segment after this: premises, inspections, …
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    # One name per choice set shared by several fields (spectacular --validate --fail-on-warn).
    "ENUM_NAME_OVERRIDES": {
        "AnswerEnum": "inspections.models.Answer",
        "InspectionStatusEnum": "inspections.models.InspectionStatus",
        "VerificationStatusEnum": "inspections.models.VerificationStatus",
        "FlagStatusEnum": "inspections.models.FlagStatus",
        "DecisionOutcomeEnum": "inspections.models.DecisionOutcome",
        "ReferralOutcomeEnum": "inspections.models.ReferralOutcome",
        "ImportKindEnum": "registry.models.ImportKind",
        "ImportStatusEnum": "registry.models.ImportStatus",
        "FlagKindEnum": "inspections.models.FlagKind",
    },
    # Every operation documents the one error format (config/api.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.add_error_responses",
    ],
}

# The cache holds summary answers, the queue's counts and DRF's throttle counters. In production
# point CACHE_URL at Redis (redis://host:6379/1) so that every web worker shares them; unset, each
# process has its own memory cache (development, tests).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Summary API answers (national counts, no personal data) are kept this many seconds per parameter
# set in the cache above; 0 computes every request.
SUMMARY_CACHE_SECONDS = env.int("SUMMARY_CACHE_SECONDS", default=60)
# ... and while one request counts an expired answer again, the others get the previous one for at
# most this many seconds more.
SUMMARY_STALE_SECONDS = env.int("SUMMARY_STALE_SECONDS", default=300)

# --- Celery: in-process (eager) when CELERY_BROKER_URL is unset
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery's Django fixup closes the database connection before and after EVERY task unless this is
# set: each task then pays a new PostgreSQL backend (fork, authentication, cold catalogue caches).
# With it, the worker keeps its connection and config/celery.py applies Django's own rule instead
# (close_old_connections: CONN_MAX_AGE, and any connection left unusable by an error).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

# --- verification: thresholds live here, never in code paths
VERIFICATION = {
    "RULES_VERSION": "2026.11.1",
    # fuzzy match: accepted at or above MATCH_THRESHOLD
    "MATCH_THRESHOLD": env.float("VERIFICATION_MATCH_THRESHOLD", default=0.86),
    # at or above this (with a document-number match) names/DOB are considered the same person
    "IDENTITY_THRESHOLD": env.float("VERIFICATION_IDENTITY_THRESHOLD", default=0.80),
    "BATCH_SIZE": env.int("VERIFICATION_BATCH_SIZE", default=500),
    # two different identities scoring within this margin of each other: no match (never guess)
    "AMBIGUITY_MARGIN": env.float("VERIFICATION_AMBIGUITY_MARGIN", default=0.02),
    # a fuzzy match on another document number also needs names at least this similar
    "OTHER_DOCUMENT_NAME_MIN": env.float("VERIFICATION_OTHER_DOCUMENT_NAME_MIN", default=0.90),
    # ... and a date of birth at least this close (1 same, 0.9 day/month swap, 0.7 one typo)
    "OTHER_DOCUMENT_DOB_MIN": env.float("VERIFICATION_OTHER_DOCUMENT_DOB_MIN", default=0.90),
    # re-verification after imports: encounters per task, and at most this many NO_ENTRY_RECORD
    # encounters of the imported nationalities re-checked per import
    "REVERIFY_CHUNK": env.int("VERIFICATION_REVERIFY_CHUNK", default=200),
    "REVERIFY_NO_ENTRY_LIMIT": env.int("VERIFICATION_REVERIFY_NO_ENTRY_LIMIT", default=5000),
}
# Trafficking screening: raised when any strong indicator is "yes", or at least
# OTHER_THRESHOLD of the other indicators are "yes".
TRAFFICKING_SCREENING = {
    "STRONG": ["document_withheld", "not_free_to_leave", "threats_or_violence", "under_18"],
    "OTHER_THRESHOLD": env.int("TRAFFICKING_OTHER_THRESHOLD", default=3),
}

# --- retention (days)
RETENTION = {
    "CLEARED_ENCOUNTER_DAYS": env.int("RETENTION_CLEARED_ENCOUNTER_DAYS", default=365 * 2),
    "AUDIT_DAYS": env.int("RETENTION_AUDIT_DAYS", default=365 * 5),
}

# --- logging: never document numbers, names or query strings; one line per event.
# Every handler carries the redaction filter (accounts.log_redaction, rule in docs/security.md);
# Django's own loggers (django.request, django.server) propagate to it instead of their defaults.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "accounts.log_redaction.RedactPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every successful login reset at INFO; the audit log already has logins.
        "axes": {"level": "WARNING"},
    },
}
