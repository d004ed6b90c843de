"""Project wiring and identity. Importing the Celery app here makes @shared_task use it."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
