"""Storage for the rate limiter's counters: in the process, or in the app's database.

``memory://`` (the default): limits' MemoryStorage (5.8) restarts its expiry
timer without a lock: two request threads hitting a limit at the same moment
can start the same Timer twice ("RuntimeError: threads can only be started
once", alisaifee/limits#26), which was a rare 500 on the letter link under
scripts/bench_web. ``ThreadSafeMemoryStorage`` takes over the scheme and makes
the calls that may restart the timer one at a time. Its counters live in one
worker process: with several workers a client gets a limit per worker.

``database://``: the counters live in the app's own database (table
``rate_limit_counter``), shared by every worker and host without a Redis server;
each counted request costs one small write. Keys are stored as a keyed hash, so
the table holds no client address. When the database cannot count (locked, down),
app/ratelimit.py counts in memory instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import MemoryStorage, Storage
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.db import EXTENSION
from app.models import RateLimitCounter

T = TypeVar("T")
COUNTERS = RateLimitCounter.__table__
# Expired rows are deleted on every this many-th increment of a process.
CLEANUP_EVERY = 100


def _locked(method: Callable[..., T]) -> Callable[..., T]:
    """``method`` run while holding the storage's lock."""
    @functools.wraps(method)
    def locked(self: ThreadSafeMemoryStorage, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            return method(self, *args, **kwargs)
    return locked


class ThreadSafeMemoryStorage(MemoryStorage):
    """MemoryStorage whose every read and update holds one (reentrant) lock.

    Updates restart the expiry timer; reads drop a counter whose expiry is not set
    yet, which happens between two lines of ``incr``: both must not interleave.
    """

    STORAGE_SCHEME = ["memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: str) -> None:
        self._lock = threading.RLock()
        super().__init__(uri, wrap_exceptions, **options)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._lock = threading.RLock()
        super().__setstate__(state)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_lock", None)
        return state

    incr = _locked(MemoryStorage.incr)
    decr = _locked(MemoryStorage.decr)
    get = _locked(MemoryStorage.get)
    get_expiry = _locked(MemoryStorage.get_expiry)
    clear = _locked(MemoryStorage.clear)
    reset = _locked(MemoryStorage.reset)
    acquire_entry = _locked(MemoryStorage.acquire_entry)
    get_moving_window = _locked(MemoryStorage.get_moving_window)
    acquire_sliding_window_entry = _locked(MemoryStorage.acquire_sliding_window_entry)
    get_sliding_window = _locked(MemoryStorage.get_sliding_window)
    clear_sliding_window = _locked(MemoryStorage.clear_sliding_window)


class DatabaseStorage(Storage):
    """Fixed-window counters in the app's database, shared by every worker and host."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 engine: Engine | None = None, key_secret: str = "", **options: Any) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        if engine is None:
            raise ConfigurationError("database:// needs the app's engine (app.limiter_storage)")
        self.engine, self.secret = engine, key_secret.encode()
        insert = sqlite_insert if engine.dialect.name == "sqlite" else postgresql_insert
        self._insert = insert(COUNTERS)
        self._increments = itertools.count(1)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def _key(self, key: str) -> str:
        return hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Adds ``amount`` hits; a window that has ended starts again from ``amount``."""
        now = time.time()
        ended = COUNTERS.c.expires_at <= now
        statement = (self._insert
                     .values(key=self._key(key), hits=amount, expires_at=now + expiry)
                     .on_conflict_do_update(
                         index_elements=[COUNTERS.c.key],
                         set_={"hits": case((ended, amount), else_=COUNTERS.c.hits + amount),
                               "expires_at": case((ended, now + expiry),
                                                  else_=COUNTERS.c.expires_at)})
                     .returning(COUNTERS.c.hits))
        with self.engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
        if next(self._increments) % CLEANUP_EVERY == 0:
            self._delete_expired(now)
        return int(hits)

    def _delete_expired(self, now: float) -> None:
        """Deletes ended windows, in a transaction of its own that holds no other row and
        (on PostgreSQL) skips rows another transaction is updating: two clean-ups that
        each wait for the other's row would deadlock."""
        expired = select(COUNTERS.c.key).where(COUNTERS.c.expires_at <= now)
        if self.engine.dialect.name != "sqlite":  # SQLite has one writer: nothing to skip
            expired = expired.with_for_update(skip_locked=True)
        with self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key.in_(expired)))

    def get(self, key: str) -> int:
        """Hits in the current window (0 when it has ended)."""
        with self.engine.connect() as connection:
            hits = connection.execute(select(COUNTERS.c.hits).where(
                COUNTERS.c.key == self._key(key), COUNTERS.c.expires_at > time.time())).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        """When the current window ends (now when there is none)."""
        with self.engine.connect() as connection:
            ends = connection.execute(select(COUNTERS.c.expires_at).where(
                COUNTERS.c.key == self._key(key))).scalar()
        return max(float(ends or 0.0), time.time())

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forgets every counter; returns how many there were."""
        with self.engine.begin() as connection:
            count = connection.execute(select(func.count()).select_from(COUNTERS)).scalar_one()
            connection.execute(delete(COUNTERS))
        return int(count)

    def clear(self, key: str) -> None:
        """Forgets one counter."""
        with self.engine.begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == self._key(key)))


def options_for(app: Flask, uri: str) -> dict[str, Any]:
    """What the storage for ``uri`` needs from the app: ``database://`` its engine and a
    secret to hash keys with (call after app.db)."""
    if uri.startswith("database://"):
        return {"engine": app.extensions[EXTENSION], "key_secret": str(app.config["SECRET_KEY"])}
    return {}
