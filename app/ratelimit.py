"""Rate limits on logins and stemcode entry, counted by the ``limits`` library.

A limit is a setting such as ``LOGIN_RATE_LIMIT = "10 per minute;50 per hour"``,
counted per client address in fixed windows. The counters live where
RATELIMIT_STORAGE_URI says (``memory://``, ``database://``: app/limiter_storage.py;
``redis://``). When that storage cannot count (a database locked or down), this
process counts in memory instead and logs it: a busy database must not turn
voters away, nor let a guesser through.

Only the views that take a password or a stemcode are counted: the
``rate_limited`` decorator and app/hardening.py's wrong-code limit call in here.
(Flask-Limiter did this before; its hooks ran on every request of the app: the
three requests of a voter took 10.7 ms of CPU with them, 6.8 ms without, measured
in-process, best of four runs.)
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, current_app, make_response, request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app import limiter_storage
from app.errors import render_error

EXTENSION = "wijkstem_rate_limits"


@functools.lru_cache(maxsize=64)
def parse_limits(text: str) -> tuple[RateLimitItem, ...]:
    """``"5 per minute;20 per hour"`` as limit items (parsed once per text)."""
    return tuple(parse_many(text))


class RateLimits:
    """Fixed-window counters per (scope, client) in one storage, with a fallback in memory."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._counters = FixedWindowRateLimiter(storage)
        self._fallback = FixedWindowRateLimiter(limiter_storage.CounterMemoryStorage())
        errors = storage.base_exceptions
        self._errors = (StorageError, *(errors if isinstance(errors, tuple) else (errors,)))

    def hit(self, limits: Iterable[RateLimitItem], scope: str, client: str) -> float | None:
        """Counts one attempt against the limits, shortest window first, up to the first
        that refuses it (as Flask-Limiter did: attempts refused by the minute's limit do
        not use up the hour's).

        Returns:
            None when the attempt is allowed, else the seconds until it would be.
        """
        return self._count("hit", sorted(limits, key=lambda item: item.get_expiry()), scope,
                           client)

    def test(self, limits: Iterable[RateLimitItem], scope: str, client: str) -> float | None:
        """Like ``hit`` without counting: None while no limit has been reached yet, else
        the wait of the first one reached."""
        return self._count("test", limits, scope, client)

    def _count(self, method: str, limits: Iterable[RateLimitItem], scope: str,
               client: str) -> float | None:
        try:
            return self._wait(self._counters, method, limits, scope, client)
        except self._errors as error:
            current_app.logger.warning("rate limit storage unavailable (%s): counted in "
                                       "this process", type(error).__name__)
            return self._wait(self._fallback, method, limits, scope, client)

    @staticmethod
    def _wait(counters: FixedWindowRateLimiter, method: str, limits: Iterable[RateLimitItem],
              scope: str, client: str) -> float | None:
        """Applies ``method`` to the limits in turn until one refuses; its wait, if any."""
        for item in limits:
            if not getattr(counters, method)(item, scope, client):
                return counters.get_window_stats(item, scope, client).reset_time - time.time()
        return None


def rate_limits() -> RateLimits:
    """The app's counters."""
    return current_app.extensions[EXTENSION]


def enabled() -> bool:
    """False when the app runs with RATELIMIT_ENABLED off."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def client_address() -> str:
    """Whom to count: the client's address as the WSGI server saw it."""
    return request.remote_addr or "unknown"


def refuse(wait: float) -> None:
    """Ends the request with the "too many attempts" page, 429, and Retry-After."""
    response = make_response(render_error(429))
    response.headers["Retry-After"] = str(max(1, int(wait) + 1))
    abort(response)


def rate_limited(setting: str, scope: str,
                 counts: Callable[[], bool] = lambda: True) -> Callable[..., Any]:
    """Decorates a view: each request for which ``counts()`` is true counts against the
    limits in config ``setting``; over them, 429 before the view runs."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if enabled() and counts():
                wait = rate_limits().hit(parse_limits(current_app.config[setting]), scope,
                                         client_address())
                if wait is not None:
                    refuse(wait)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def init_app(app: Flask) -> None:
    """Opens the storage named by RATELIMIT_STORAGE_URI (after app.db)."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    options = limiter_storage.options_for(app, uri)
    app.extensions[EXTENSION] = RateLimits(storage_from_string(uri, **options))
