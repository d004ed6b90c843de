"""The Redis cache: one client per connection pool, and a Redis that stops answering ends in an error, not a hang."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from redis.exceptions import TimeoutError as RedisTimeoutError

from portal.cache import CACHE_ERRORS, RedisCache

pytestmark = pytest.mark.integration


def test_every_operation_shares_one_client_and_the_values_round_trip():
    cache.set("cache-test", {"ค่า": 1}, timeout=30)

    assert cache.get("cache-test") == {"ค่า": 1}
    assert cache._cache.get_client(write=False) is cache._cache.get_client(write=True)
    assert settings.CACHES["default"]["BACKEND"] == "portal.cache.RedisCache"


def test_a_redis_that_never_answers_raises_after_the_reply_timeout():
    # A server that accepts the connection (the kernel's backlog) and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    port = silent.getsockname()[1]
    options = settings.CACHES["default"]["OPTIONS"]
    stalled = RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": options})
    try:
        with pytest.raises(CACHE_ERRORS) as raised:
            stalled.get("anything")
    finally:
        silent.close()

    # The reply timeout ended the wait (without one, this call waits for ever): the request goes on with the
    # fallback of whoever asked (sessions from the database, the board built).
    assert isinstance(raised.value, RedisTimeoutError)
