"""Waiting for what another process (a Celery worker, beat) does: polled, never slept for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], *, seconds: float = 30.0, interval: float = 0.05) -> T:
    """The first truthy result of `predicate` within `seconds`, else its last result."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(interval)
    return predicate()
