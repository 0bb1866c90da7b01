"""The rate limiter's in-process storage, safe for the threads of a gunicorn worker.

limits' MemoryStorage (5.8) restarts its expiry timer without a lock: two
request threads hitting a limit at the same moment can start the same Timer
twice ("RuntimeError: threads can only be started once", alisaifee/limits#26),
which was a rare 500 on the letter link under scripts/bench_web. This subclass
takes over the ``memory://`` scheme and makes the calls that may restart the
timer one at a time; counting itself is unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

from limits.storage import MemoryStorage


class ThreadSafeMemoryStorage(MemoryStorage):
    """MemoryStorage whose counter updates (and timer restarts) hold one (reentrant) lock."""

    STORAGE_SCHEME = ["memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: str) -> None:
        self._update_lock = threading.RLock()
        super().__init__(uri, wrap_exceptions, **options)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._update_lock = threading.RLock()
        super().__setstate__(state)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_update_lock", None)
        return state

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        with self._update_lock:
            return super().incr(key, expiry, amount)

    def decr(self, key: str, amount: int = 1) -> int:
        with self._update_lock:
            return super().decr(key, amount)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        with self._update_lock:
            return super().acquire_entry(key, limit, expiry, amount)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int,
                                     amount: int = 1) -> bool:
        with self._update_lock:
            return super().acquire_sliding_window_entry(key, limit, expiry, amount)
