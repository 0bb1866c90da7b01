"""Pages that every anonymous visitor sees alike, rendered once per worker for a few seconds.

On a voting day thousands of residents open the same blank ballot and the same
thank-you page; only the CSRF token in their forms differs. A shared page is
rendered once per worker, language and return path, kept for
``BALLOT_CACHE_SECONDS`` (app/cache.py), and gets each visitor's own token put in.
The token is cut out of the first rendering by its value (it is a random, signed
string that nothing else on a page contains), so the templates stay unaware.

Logged-in staff and pages with flashed messages are always rendered afresh: the
header then shows who is logged in, and messages belong to one visitor. So are
pages asked for with a query string of the visitor's choosing (the language switch
leads back to it): such pages would fill the cache, and could carry text of the
visitor's own into another's page. A letter's link (``?code=``) names its return
path itself (``g.return_path``), without the code.
Measured in-process on scripts/bench_web's eight-option ballot (link, cast,
thank-you page; test client, best of three): 6.8 ms of CPU per voter with fresh
renderings, 6.2 ms with shared pages.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.cache import app_cache, ballot_cache_seconds
from app.i18n import return_path

PAGES = "wijkstem_shared_pages"  # app.extensions key of the cache
TOKEN_HOLE = "\x00csrf-token\x00"  # NUL never occurs in a rendered page (nor in input)


def shared_page(key: Hashable, render: Callable[[], str]) -> str:
    """The page ``render()`` makes, shared by every anonymous visitor under ``key``.

    Args:
        key: what the page depends on besides language and return path,
            e.g. ``("ballot", round_id, budget)``.
        render: renders the page for the current request.
    """
    if (current_user.is_authenticated or "_flashes" in session or ballot_cache_seconds() <= 0
            or (request.args and not g.get("return_path"))):
        return render()

    def with_hole() -> str:
        return render().replace(generate_csrf(), TOKEN_HOLE)

    page = app_cache(PAGES).get((key, str(get_locale()), return_path()), with_hole,
                                ballot_cache_seconds())
    return page.replace(TOKEN_HOLE, generate_csrf())
