"""Settings shared by every mode. Values come from the environment (django-environ).

local.py (embedded default), test.py and production.py only override.
"""

import datetime
from pathlib import Path
from typing import Any, Final

import environ
from celery.schedules import crontab
from csp.constants import SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def env_url(name: str, parse: str, default: str) -> dict:
    """Parse a URL-valued variable, naming the variable when it is malformed (instead of a bare traceback)."""
    try:
        return getattr(env, parse)(name, default=default)
    except (ImproperlyConfigured, KeyError, ValueError) as error:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {error}") from error


# GENERAL
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

# I18N: Thai first, English one click away. The browser's Accept-Language is ignored on purpose
# (portal.middleware.ThaiFirstLocaleMiddleware): a Thai civil servant on an English browser still gets Thai.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# DATABASES
DATABASES = {"default": env_url("DATABASE_URL", "db", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several browsers at once: readers never wait for the writer (WAL), a writer
    # takes the write lock when its transaction begins (so two never deadlock upgrading a read lock, which SQLite
    # answers with "database is locked" at once) and waits up to 20 s for it instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    "django_htmx",
    "axes",
    "portal",
    "indicators",
    "applications",
    "scoring",
    "reviews",
    "dashboards",  # reads across every app: the top layer
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.ThaiFirstLocaleMiddleware",
    "portal.middleware.NulQueryMiddleware",
    "portal.middleware.PortalLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# AUTHENTICATION
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# LOGIN RATE LIMIT (django-axes): 5 wrong passwords for one e-mail address from one IP address lock that
# pair for 15 minutes. The lockout page says, in the user's language, when to try again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.views.shell.locked_out"
AXES_VERBOSE = False
# The log-in form posts the e-mail address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# Behind N reverse proxies the client address is the N-th from the right of X-Forwarded-For (0: REMOTE_ADDR).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None

# SESSIONS: an idle officer is logged out after 8 hours. The expiry is renewed by a request at most every 5 minutes
# (portal.middleware.SessionRenewalMiddleware), not written on every request.
SESSION_COOKIE_AGE = 8 * 60 * 60
# Read from the cache (Redis on the full stack), written through to the database: a request reads no session row.
# Django's cached_db, except that an unreachable cache falls back to the database instead of failing the request.
SESSION_ENGINE = "portal.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 5 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# TEMPLATES
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
                "portal.context_processors.portal",
            ],
            "builtins": ["django.templatetags.i18n", "portal.templatetags.thai", "portal.templatetags.portal_tags"],
        },
    },
]

# Forms render through the project's templates (templates/includes/_form.html, _field.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# STATIC AND MEDIA: uploaded evidence lives in MEDIA_ROOT, outside the web root; it is never served
# by URL, only through views that check permission.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# EMAIL
EMAIL_CONFIG = env_url("EMAIL_URL", "email_url", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ESC Award Portal <no-reply@esc-award.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address as links in mails sent with no request behind them (reminders, bulk mailings) begin.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# CACHES: Redis when configured (shared by web and workers), else process-local memory.
REDIS_URL = env("REDIS_URL", default="")


def redis_cache(location: str) -> dict[str, Any]:
    """A Redis cache (portal.cache: one client per pool) that waits at most 1 s to connect and 2 s for a reply."""
    return {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The ranking board's content stays in the cache this long at most; any change of what it shows replaces it at once
# (reviews.board_cache). 0 turns the cache off.
BOARD_CACHE_SECONDS = env.int("BOARD_CACHE_SECONDS", default=300)

# CELERY: with no REDIS_URL (embedded default) tasks run in-process, eagerly, after commit like any other.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Eager tasks run on a thread of their own (portal.celery), so a long job never holds the request that queued it.
TASKS_IN_THREADS = CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task whose worker died (acks_late) goes back to the queue after this many seconds without acknowledgement.
# Keep it longer than the longest task; tests shorten it to see a killed worker's task run again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "portal.record_worker_heartbeat", "schedule": 60.0},
    # Beat's own heartbeat, which /healthz reports (stale after HEALTH_BEAT_MAX_AGE seconds).
    "beat-heartbeat": {"task": "portal.record_beat_heartbeat", "schedule": 60.0},
    # Tasks the broker did not take when they were queued (Redis unreachable), sent once it answers again.
    "send-unsent-tasks": {"task": "portal.send_unsent_tasks", "schedule": 60.0},
    "fail-stale-score-runs": {"task": "scoring.fail_stale_runs", "schedule": 300.0},
    "fail-stale-exports": {"task": "reviews.fail_stale_exports", "schedule": 300.0},
    # Deadline and review reminders, once a day in the morning (Asia/Bangkok); a reminder never goes twice.
    "send-reminders": {"task": "applications.send_reminders", "schedule": crontab(hour=8, minute=0)},
    "send-review-reminders": {"task": "reviews.send_reminders", "schedule": crontab(hour=8, minute=0)},
}
# /healthz says "degraded" when beat's heartbeat is older than this, or more tasks than this wait in the queue.
HEALTH_BEAT_MAX_AGE = env.int("HEALTH_BEAT_MAX_AGE", default=180)
HEALTH_QUEUE_MAX_DEPTH = env.int("HEALTH_QUEUE_MAX_DEPTH", default=1000)
# Applications per packet-rendering task of a batch export: small enough that every worker process gets a share
# (and a crash re-renders little), large enough that queueing costs nothing beside rendering (about 1 s a packet).
EXPORT_CHUNK_SIZE = env.int("EXPORT_CHUNK_SIZE", default=2)

# DRF
REST_FRAMEWORK = {
    # The token first: its "Bearer" challenge makes a missing or bad credential a 401 (session cookies carry CSRF).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.portal_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Per token (or per user's session), and per address for anonymous public reads.
    "DEFAULT_THROTTLE_CLASSES": ["portal.api_auth.PortalAnonThrottle", "portal.api_auth.PortalUserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="60/minute"),
        "user": env("API_USER_RATE", default="600/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ESC Award Portal API",
    "DESCRIPTION": (
        "Version 1 of the portal's API. Public reads (cycles, frameworks, municipalities) need no credentials; "
        "everything else needs a personal API token (`Authorization: Bearer esc_…`, created on the API tokens "
        "page) or the portal's browser session. A token acts with its owner's rights and no more; a read-only "
        'token may only use GET. Errors answer `{"errors": [{"field", "code", "message"}]}` in the '
        "language asked for: `?lang=th|en`, else Accept-Language, else Thai."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PATH_CONVERTER_OVERRIDES": {"text": str},  # portal.converters.TextConverter: a string
}

# SECURITY
# Content-Security-Policy on every response: scripts, styles, fonts and images from the portal itself only (no inline
# script, no inline style, no CDN); images also as data: URIs (Bootstrap's and Swagger UI's icons). Pages are framed
# only by the portal itself (the evidence preview).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOGGING: every record carries the id of the request behind it (portal.middleware.RequestIdMiddleware; tasks carry
# the id of the request that queued them). LOG_FORMAT=json writes one JSON object per line (production's default).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
# ERROR_REPORT_URL: unhandled exceptions in requests and failed tasks are POSTed there as JSON (portal.logs).
ERROR_REPORT_URL = env("ERROR_REPORT_URL", default="")


def logging_config(log_format: str) -> dict:
    if log_format not in {"plain", "json"}:
        raise ImproperlyConfigured(f"Environment variable LOG_FORMAT must be plain or json, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "portal.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
            "json": {"()": "portal.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]},
            "error_report": {
                "class": "portal.logs.ErrorReportHandler",
                "level": "ERROR",
                "filters": ["request_id"],
            },
        },
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
        "loggers": {
            # Unhandled exceptions in requests (500), failed tasks on a worker, failed in-process tasks.
            "django.request": {"handlers": ["error_report"]},
            # One line per finished task is noise in the embedded mode, where tasks run in-process.
            "celery.app.trace": {
                "level": env("CELERY_TRACE_LOG_LEVEL", default="WARNING"),
                "handlers": ["error_report"],
            },
            "portal.celery": {"handlers": ["error_report"]},
            # A report that could not be sent is a warning, heard whatever level the root logger is set to (a Celery
            # worker sets it to its own --loglevel).
            "portal.error_report": {"level": "WARNING"},
            # WeasyPrint logs every step of every render at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


if ERROR_REPORT_URL and not ERROR_REPORT_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("Environment variable ERROR_REPORT_URL must be an http:// or https:// URL.")
LOGGING = logging_config(LOG_FORMAT)
