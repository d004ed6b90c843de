"""The benchmarks' production settings with a real broker: the load run starts a Celery worker beside gunicorn, so
the tasks that autosaves queue are carried through Redis to it, as in production."""

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import REDIS_URL

CELERY_BROKER_URL = REDIS_URL
