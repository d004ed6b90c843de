"""Sessions read from the shared cache and written through to the database, as Django's cached_db, that keep working
when the cache (Redis in the full stack) cannot be reached: the database alone serves them until it answers again.

Django's cached_db already logs a failed write to the cache, but a failed read-back after a database read (and a
failed existence check or delete) raises, so a Redis outage logged every officer out with a server error.

As with Django's own failed cache write, a change made during the outage is in the database only: should Redis come
back with its old contents, the cache serves the older copy of that session until it expires (a session deleted
meanwhile, by logging out, stays readable there under its old key, which the browser no longer sends).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.cache.backends.base import BaseCache

from portal.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    # Django's private parts this store uses (set in cached_db's __init__, defined by db's store); the stubs omit them.
    _cache: BaseCache
    _get_session_from_db: Callable[[], AbstractBaseSession | None]

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except CACHE_ERRORS as error:
            logger.warning("The session cache is unreachable, sessions come from the database: %s", error)
            return DBStore.load(self)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except CACHE_ERRORS as error:
            logger.warning("The session cache is unreachable, the session was not cached: %s", error)
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_ERRORS as error:
            logger.warning("The session cache is unreachable, asking the database: %s", error)
        return DBStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except CACHE_ERRORS as error:  # the database row is gone already; the cached copy expires on its own
            logger.warning("The session cache is unreachable, the cached session was not deleted: %s", error)
