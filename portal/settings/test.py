"""Tests run on the full stack: PostgreSQL and Redis at their local default addresses."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import BASE_DIR, env, redis_cache

DATABASES = {"default": env.db("TEST_DATABASE_URL", default="postgres://root@127.0.0.1:5432/esc_portal")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# TEST_DATABASE_NAME lets two checkouts share one PostgreSQL (and TEST_REDIS_URL, TEST_CACHE_URL one Redis).
DATABASES["default"]["TEST"] = {
    "NAME": env("TEST_DATABASE_NAME", default="test_esc_portal") + os.environ.get("PYTEST_XDIST_WORKER", "")
}

# A database number and queue of their own, so a development worker on the same Redis never steals test tasks.
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
# A database of its own, so clearing the cache in a test never drops queued Celery tasks.
CACHES = {"default": redis_cache(env("TEST_CACHE_URL", default="redis://127.0.0.1:6379/14"))}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
TASKS_IN_THREADS = False
CELERY_TASK_DEFAULT_QUEUE = f"portal-test{os.environ.get('PYTEST_XDIST_WORKER', '')}"

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{os.environ.get('PYTEST_XDIST_WORKER', '')}"  # one per test worker
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The board's page cache is off by default in tests (most read the view's context); tests of the cache turn it on.
BOARD_CACHE_SECONDS = 0

# The API's throttles stay out of the way of the suite; tests of throttling set a low rate themselves.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
