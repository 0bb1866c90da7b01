"""Access decorators: scope by wijk and stadsdeel, anonymous users to the login page."""

from __future__ import annotations

import pytest

from app.access import committee_of_wijk, official_of_stadsdeel, role_required


@pytest.fixture
def guarded(app):
    """The app with one guarded route per decorator."""

    @app.get("/_test/admin")
    @role_required("admin")
    def admin_only() -> str:
        return "ok"

    @app.get("/_test/committee/<int:round_id>")
    @committee_of_wijk
    def committee_view(round_id: int) -> str:
        return "ok"

    @app.get("/_test/official/<int:initiative_id>")
    @official_of_stadsdeel
    def official_view(initiative_id: int) -> str:
        return "ok"

    return app


EXPECTED = {
    # who: (admin route, committee route on round_A1, official route on initiative_A1)
    None: (302, 302, 302),
    "committee-A1": (403, 200, 403),
    "committee-A2": (403, 403, 403),
    "official-A": (403, 403, 200),
    "official-B": (403, 403, 403),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("who", list(EXPECTED), ids=lambda w: w or "anonymous")
def test_decorators_let_in_exactly_the_right_accounts(guarded, world, auth, client,
                                                      who: str | None) -> None:
    if who:
        auth.login(who)
    urls = ("/_test/admin", f"/_test/committee/{world['round_A1']}",
            f"/_test/official/{world['initiative_A1']}")
    statuses = tuple(client.get(url).status_code for url in urls)
    assert statuses == EXPECTED[who]
    if who is None:
        assert "/auth/login" in client.get(urls[1]).headers["Location"]


@pytest.mark.sqlite_only
def test_unknown_objects_are_404(guarded, auth, client) -> None:
    auth.login("admin")
    assert client.get("/_test/committee/987654").status_code == 404
    assert client.get("/_test/official/987654").status_code == 404
