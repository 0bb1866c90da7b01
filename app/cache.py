"""A per-process cache whose entries expire after a few seconds.

While a round is in its voting phase its ballot cannot change (its settings are
frozen and initiatives are no longer reviewed), yet every page of every voter
needs it; each worker process keeps what it built for a few seconds
(``BALLOT_CACHE_SECONDS``). Worker threads share a cache: two of them may
build the same entry at once, which costs time, never correctness.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


class ExpiringCache:
    """Values by key, each kept for the number of seconds given when it was made."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, object]] = {}

    def get(self, key: Hashable, make: Callable[[], T], seconds: float,
            keep: Callable[[T], bool] | None = None) -> T:
        """The value kept under ``key``, or ``make()`` kept from now on for ``seconds``
        (unless ``keep`` says that this value is not to be kept)."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[return-value]
        value = make()
        if keep is not None and not keep(value):
            return value
        for stale in [k for k, (until, _v) in list(self._entries.items()) if until <= now]:
            self._entries.pop(stale, None)
        self._entries[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        """Forgets every entry."""
        self._entries.clear()


def app_cache(name: str) -> ExpiringCache:
    """The current app's cache called ``name`` (one per worker process)."""
    return current_app.extensions.setdefault(name, ExpiringCache())


def ballot_cache_seconds() -> float:
    """How long a worker reuses a voting round's ballot (config BALLOT_CACHE_SECONDS, 5)."""
    return float(current_app.config.get("BALLOT_CACHE_SECONDS", 5.0))
