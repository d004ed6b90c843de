"""A small fixed-window rate limit on the shared cache (Redis in the full stack). When the shared cache cannot be
reached, the limit goes on counting in the process's own memory: a password reset during a Redis outage still works,
and is still limited (per process, so a little more loosely), instead of failing with a server error."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

from portal.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)
LOCAL = LocMemCache("portal-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the matching X-Forwarded-For entry."""
    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> int | None:
    """Count one attempt; return None when allowed, else the seconds until the window ends."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        count = _count(cache, cache_key, window_seconds)
    except CACHE_ERRORS:
        logger.warning("The shared cache is unreachable: the %s rate limit counts in this process alone.", scope)
        count = _count(LOCAL, cache_key, window_seconds)
    if count <= limit:
        return None
    return window_seconds - int(time.time() % window_seconds)


def _count(counter: BaseCache, cache_key: str, window_seconds: int) -> int:
    if counter.add(cache_key, 1, timeout=window_seconds):
        return 1
    try:
        return counter.incr(cache_key)
    except ValueError:  # expired between add and incr
        counter.add(cache_key, 1, timeout=window_seconds)
        return 1
