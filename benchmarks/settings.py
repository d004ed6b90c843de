"""Production settings for the benchmarks: what gunicorn serves in production, on the benchmark's own database.

The harness (benchmarks.__main__) supplies the variables production requires (a random SECRET_KEY, DATABASE_URL
of the throwaway benchmark database, REDIS_URL, ALLOWED_HOSTS=127.0.0.1, EMAIL_URL, DEFAULT_FROM_EMAIL) before
Django starts, and gunicorn inherits them. Below, only what a throwaway database and plain HTTP on 127.0.0.1 need
is changed.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from portal.settings.production import *  # noqa: F403
from portal.settings.production import BASE_DIR, DATABASES, env

ROOT_URLCONF = "benchmarks.urls"

# The benchmark database is created and dropped by the harness (django.test.utils.setup_databases) under the name
# DATABASE_URL gives, so the server and the benchmark code in-process read and write the same rows. Only a database
# named for the benchmarks may be dropped.
if not DATABASES["default"]["NAME"].startswith("bench_"):
    raise ImproperlyConfigured("The benchmarks drop and recreate their database: its name must start with bench_.")
DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}

# The benchmark speaks plain HTTP to 127.0.0.1, with no TLS-terminating proxy in front: a redirect to https would
# turn every request into a 301, and Secure cookies are for HTTPS. Everything else stays as in production.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

# Collected (hashed, compressed) static files for whitenoise's manifest storage, in a directory of the run's own.
STATIC_ROOT = Path(env("BENCH_STATIC_ROOT", default=str(BASE_DIR / "var" / "bench-static")))

# The benchmark runs score runs in-process, as a worker would: the task each request queues goes to an in-memory
# broker that nobody reads, instead of a Redis queue where a development or test worker could pick it up.
CELERY_BROKER_URL = "memory://localhost/"
# Except in the worker processes the packet benchmark starts for its parallel batch (and the tasks it queues for
# them): they share a Redis queue of their own (benchmarks.bench_packets).
if env("BENCH_BROKER_URL", default=""):
    CELERY_BROKER_URL = env("BENCH_BROKER_URL")
