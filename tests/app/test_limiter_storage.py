"""The limiter's memory storage under request threads hitting it at the same moment."""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage, storage_from_string

from app.limiter_storage import ThreadSafeMemoryStorage


def hit_together(storage: MemoryStorage, threads: int = 2) -> list[BaseException]:
    """``threads`` threads increment one counter at once; the exceptions they raised."""
    start, errors = threading.Barrier(threads), []

    def hit() -> None:
        start.wait()
        try:
            storage.incr("203.0.113.7", 60)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    return errors


def interleaved(base: type[MemoryStorage]) -> MemoryStorage:
    """A ``base`` storage whose threads replace the expiry timer in the unlucky order:
    the first replacer waits (up to half a second) until a second one has replaced it
    too, then starts whatever timer is there; the second then starts it again."""
    second_replaced = threading.Event()
    replaced = []

    class Interleaved(base):
        @property
        def timer(self) -> threading.Timer:
            return self.__dict__["_timer"]

        @timer.setter
        def timer(self, value: threading.Timer) -> None:
            self.__dict__["_timer"] = value
            replaced.append(value)
            if len(replaced) == 2:  # the first hit's replacement (1 is from __init__)
                second_replaced.wait(timeout=0.5)
            elif len(replaced) == 3:
                second_replaced.set()
                time.sleep(0.05)  # the first replacer starts this timer meanwhile

    storage = Interleaved()
    storage.timer.join()  # the first expiry timer has fired: the next hit restarts it
    return storage


def test_plain_memory_storage_starts_a_timer_twice() -> None:
    # The bug this module works around: limits' own class fails in that order.
    errors = hit_together(interleaved(MemoryStorage))
    assert [str(e) for e in errors] == ["threads can only be started once"]


def test_memory_uri_gives_the_thread_safe_storage() -> None:
    assert isinstance(storage_from_string("memory://"), ThreadSafeMemoryStorage)
    storage = interleaved(ThreadSafeMemoryStorage)
    assert hit_together(storage) == []
    assert storage.get("203.0.113.7") == 2
