"""app/ratelimit.py: limits counted shortest window first, up to the first that refuses."""

from __future__ import annotations

from limits import parse_many

from app.limiter_storage import CounterMemoryStorage
from app.ratelimit import RateLimits


def test_attempts_refused_by_the_short_window_do_not_use_up_the_long_one() -> None:
    limits = RateLimits(CounterMemoryStorage())
    both = parse_many("5 per hour;3 per minute")  # given longest first on purpose
    waits = [limits.hit(both, "login", "203.0.113.7") for _ in range(8)]
    assert waits[:3] == [None, None, None]
    assert all(0 < wait <= 60 for wait in waits[3:])  # the minute's limit refused them
    hour = limits._counters.get_window_stats(both[0], "login", "203.0.113.7")
    assert hour.remaining == 2  # as Flask-Limiter counted: only the 3 let through


def test_test_counts_nothing_and_names_the_wait_of_a_full_window() -> None:
    limits = RateLimits(CounterMemoryStorage())
    minute = parse_many("2 per minute")
    assert limits.test(minute, "code", "a") is None
    limits.hit(minute, "code", "a")
    limits.hit(minute, "code", "a")
    assert 0 < limits.test(minute, "code", "a") <= 60
    assert limits.test(minute, "code", "b") is None
