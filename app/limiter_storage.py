"""Storage for the rate limiter's counters: in the process, or in the app's database.

``memory://`` (the default): fixed-window counters in a dict of this worker
process, one lock around them, ended windows swept on every CLEANUP_EVERY-th
increment. It replaces limits' own MemoryStorage (5.8), which expires counters
with a timer thread started anew whenever the last one has finished (on a voting
day: a thread for every few voters, ~2% of the server's CPU in scripts/bench_web)
and restarted that timer without a lock: two request threads could start the same
Timer twice ("RuntimeError: threads can only be started once", alisaifee/limits#26,
a rare 500 on the letter link). With several workers a client gets a limit per
worker.

``database://``: the counters live in the app's own database (table
``rate_limit_counter``), shared by every worker and host without a Redis server;
each counted request costs one small write. Keys are stored as a keyed hash, so
the table holds no client address. When the database cannot count (locked, down),
app/ratelimit.py counts in memory instead.

Both serve limits' fixed-window strategy (``incr``, ``get``, ``get_expiry``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import threading
import time
from typing import Any

from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import Storage
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.db import EXTENSION
from app.models import RateLimitCounter

COUNTERS = RateLimitCounter.__table__
# Ended windows are deleted on every this many-th increment of a storage.
CLEANUP_EVERY = 100


class CounterMemoryStorage(Storage):
    """Fixed-window counters in this process: key -> (hits, end of the window)."""

    STORAGE_SCHEME = ["memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: Any) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, float]] = {}
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Adds ``amount`` hits; a window that has ended starts again from ``amount``."""
        now = time.time()
        with self._lock:
            hits, ends = self._windows.get(key, (0, 0.0))
            if ends <= now:
                hits, ends = 0, now + expiry
            hits += amount
            self._windows[key] = (hits, ends)
            self._increments += 1
            if self._increments % CLEANUP_EVERY == 0:
                for ended in [k for k, (_h, e) in self._windows.items() if e <= now]:
                    del self._windows[ended]
        return hits

    def get(self, key: str) -> int:
        """Hits in the current window (0 when it has ended)."""
        hits, ends = self._windows.get(key, (0, 0.0))
        return hits if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        """When the current window ends (now when there is none)."""
        return max(self._windows.get(key, (0, 0.0))[1], time.time())

    def check(self) -> bool:
        """Always there."""
        return True

    def reset(self) -> int | None:
        """Forgets every counter; returns how many there were."""
        with self._lock:
            count = len(self._windows)
            self._windows.clear()
        return count

    def clear(self, key: str) -> None:
        """Forgets one counter."""
        with self._lock:
            self._windows.pop(key, None)


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
