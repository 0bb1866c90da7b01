"""Serves Wijkstem with granian: migrate, seed the demo when new, print logins, serve.

Run as ``python -m app.serve`` (``./scripts/run`` does). PORT sets the port
(8000), WIJKSTEM_WORKERS the number of worker processes (one per core, at least
two), WIJKSTEM_THREADS the threads per worker that run the app (2), and
WIJKSTEM_ACCESS_LOG=1 turns the access log on.

granian (HTTP in Rust, the app in Python threads) replaced gunicorn's threaded
workers: scripts/bench_web on two cores, 20 s each, same app: 308 against 236
ballots per second, 4.7 against 6.3 ms of server CPU per voter (gunicorn parses
HTTP and dispatches connections in Python, about a fifth of its CPU time).

Unlike gunicorn, granian has no timeout that restarts a worker stuck in a request;
a worker that dies is started again, and stopping waits at most 30 s for requests
under way.

No access log unless asked for: its lines would tie client addresses to the moment
they voted, and a voting day does not need them (errors are logged regardless).
When on, it names the path without the query string (a letter's link carries the
stemcode there) and leaves the Referer out.
"""

from __future__ import annotations

import gc
import os

from flask import Flask
from granian.constants import Interfaces
from granian.server import Server

from app import create_app, demo_codes, i18n, migrate
from app.db import EXTENSION, get_session
from app.services import demo

# granian's atoms; %(path)s is the path alone (the query string is %(query_string)s).
ACCESS_LOG_FORMAT = '%(addr)s [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d'


def worker_app() -> Flask:
    """The app of one worker process. Its objects then live as long as the process:
    ``gc.freeze`` takes them out of the garbage collector's sight, so that collections
    do not walk them again and again (in-process, 3 voting requests: ~5% less CPU)."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def server(port: int, workers: int, threads: int, access_log: bool) -> Server:
    """granian serving ``worker_app()`` in each of ``workers`` processes (nothing shared)."""
    return Server("app.serve:worker_app", factory=True, interface=Interfaces.WSGI,
                  address="127.0.0.1", port=port, workers=workers, blocking_threads=threads,
                  respawn_failed_workers=True, workers_kill_timeout=30,
                  log_access=access_log,
                  log_access_format=ACCESS_LOG_FORMAT)


def prepare() -> tuple[str, bool, list[str]]:
    """Migrates the database to head and seeds the demo when it has no wijken.

    Returns:
        The base URL, whether the demo was seeded just now, and the demo stemcodes
        issued with it (they are stored hashed: this is the only time they can be shown).
    """
    i18n.compile_catalogs()  # a fresh checkout has only the .po: without this, English
    app = create_app()
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        seeded = demo.seed_if_empty(get_session())
        codes = demo_codes.issue_demo_codes(get_session()) if seeded else []
    app.extensions[EXTENSION].dispose()
    return app.config["BASE_URL"], seeded, codes


def main() -> None:
    """Prepares the database, prints where to go and serves until stopped."""
    port = int(os.environ.get("PORT", "8000"))
    os.environ.setdefault("WIJKSTEM_BASE_URL", f"http://127.0.0.1:{port}")
    base_url, seeded, codes = prepare()
    # One process per core: the work is CPU-bound Python. scripts/bench_web on two cores
    # (gunicorn then), 2 workers x 4 threads against 2 x cores + 1 = 5: SQLite the same
    # ballots/s with p99 925 against 1621 ms; PostgreSQL 72 against 69 ballots/s with
    # p99 1412 against 2441 ms.
    workers = int(os.environ.get("WIJKSTEM_WORKERS", str(max(2, os.cpu_count() or 1))))
    print(f"Wijkstem runs at http://127.0.0.1:{port}/", flush=True)
    print("Demo logins (username / password):" if seeded else "Demo logins, if seeded earlier:")
    for username, password, role, wijk in demo.DEMO_LOGINS:
        print(f"  {role:<10} {username} / {password}" + (f"  ({wijk})" if wijk else ""))
    print(demo_codes.describe(codes, base_url))
    print("Stop with Ctrl+C.", flush=True)
    # Two threads per worker: a slow request (a count, a letters PDF) leaves the other
    # one serving. scripts/bench_web, two cores, 15 s runs back to back, server CPU per
    # ballot relative to the client's (the machine's speed varies): 2 x 1 thread 2.9-3.2,
    # 2 x 2 3.2-3.3, 2 x 4 3.4-3.5, 3 x 1 3.1-3.4, 4 x 1 3.5 (GIL hand-overs and
    # more processes than cores cost more than they overlap).
    server(port, workers, int(os.environ.get("WIJKSTEM_THREADS", "2")),
           os.environ.get("WIJKSTEM_ACCESS_LOG", "") not in ("", "0")).serve()


if __name__ == "__main__":
    main()
