"""Serves Wijkstem with gunicorn: migrate, seed the demo when new, print logins, serve.

Run as ``python -m app.serve`` (``./scripts/run`` does). PORT sets the port
(8000), WIJKSTEM_WORKERS the number of worker processes (one per core, at least
two), WIJKSTEM_THREADS the threads per worker (4).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

from app import create_app, demo_codes, migrate
from app.db import EXTENSION, get_session
from app.services import demo

# gunicorn's default minus the query string (%(U)s is the path alone) and the Referer.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s "%(a)s"'


class WijkstemServer(BaseApplication):
    """Gunicorn running ``create_app()`` in every worker (no state shared across the fork)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Passes our options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The WSGI app of one worker."""
        return create_app()


def prepare() -> tuple[str, bool, list[str]]:
    """Migrates the database to head and seeds the demo when it has no wijken.

    Returns:
        The base URL, whether the demo was seeded just now, and the demo stemcodes
        issued with it (they are stored hashed: this is the only time they can be shown).
    """
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
    # One process per core: the work is CPU-bound Python. scripts/bench_web on two cores,
    # 2 workers x 4 threads against gunicorn's usual 2 x cores + 1 = 5: SQLite the same
    # ballots/s with p99 925 against 1621 ms; PostgreSQL 72 against 69 ballots/s with
    # p99 1412 against 2441 ms.
    workers = int(os.environ.get("WIJKSTEM_WORKERS", str(max(2, os.cpu_count() or 1))))
    print(f"Wijkstem runs at http://127.0.0.1:{port}/", flush=True)
    print("Demo logins (username / password):" if seeded else "Demo logins, if seeded earlier:")
    for username, password, role, wijk in demo.DEMO_LOGINS:
        print(f"  {role:<10} {username} / {password}" + (f"  ({wijk})" if wijk else ""))
    print(demo_codes.describe(codes, base_url))
    print("Stop with Ctrl+C.", flush=True)
    WijkstemServer({
        "bind": f"127.0.0.1:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": int(os.environ.get("WIJKSTEM_THREADS", "4")),
        "accesslog": "-",
        # No query strings (a letter link carries its stemcode) and no Referer.
        "access_log_format": ACCESS_LOG_FORMAT,
        "timeout": 60,
    }).run()


if __name__ == "__main__":
    main()
