"""Embedded default (make run): SQLite file, tasks in-process, mail to the console.

Set DATABASE_URL and REDIS_URL to run the same code on PostgreSQL with a real Celery worker.
"""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
