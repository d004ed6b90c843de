"""Django's Redis cache, with one client per connection pool and bounded waits.

Django's client builds a new `redis.Redis` for every cache operation, and building one costs about 0.2 ms (its table
of response callbacks), paid on every request for the session alone. A `redis.Redis` over a connection pool is safe
to share between threads, so this one is built once per pool.

The connection and every reply have a time limit (settings.base.redis_cache): a Redis that stops answering costs a
request a second or two and a logged warning where the portal falls back (sessions, rate limits, the board), never a
worker hung for good.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

# What a cache operation raises when Redis cannot be reached or does not answer in time.
CACHE_ERRORS = (RedisError, OSError)


class RedisCacheClient(django_redis.RedisCacheClient):
    # Django's private parts this client uses (set in its __init__); the stubs omit them.
    _client: type[redis.Redis]
    _get_connection_pool: Callable[[bool], redis.ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[redis.ConnectionPool, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
