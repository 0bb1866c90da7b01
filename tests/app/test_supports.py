"""Draagvlak: one confirmed support per person per initiative; contacts kept as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import EXTENSION
from app.models import Initiative, OutboxMessage, Support
from app.services import supports
from app.services.errors import ServiceError
from tests.app.conftest import TEST_CONFIG, page_text, post_form, snapshot


def support_url(world: dict[str, int]) -> str:
    """The support form of the seeded initiative."""
    return f"/initiatief/{world['initiative_A1']}/steun"


def latest_link(db: Session) -> str:
    """The path of the newest confirmation link in the outbox (how tests 'read their mail')."""
    db.expire_all()
    message = db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return message.link.removeprefix(TEST_CONFIG["BASE_URL"])


@pytest.mark.parametrize(("typed", "expected"), [
    (" Jan@Example.ORG ", ("email", "jan@example.org")),
    ("0612345678", ("sms", "0612345678")),
    ("06-1234 5678", ("sms", "0612345678")),
    ("+31 6 1234 5678", ("sms", "0612345678")),
    ("0031612345678", ("sms", "0612345678")),
    ("+44 20 7946 0958", ("sms", "+442079460958")),
])
def test_contacts_are_normalised(typed: str, expected: tuple[str, str]) -> None:
    assert supports.normalise_contact(typed) == expected


@pytest.mark.parametrize("typed", ["jan", "jan@", "@example.org", "jan@example", "12345",
                                   "06123456789012345678", "jan@exa mple.org", "٠٦١٢٣٤٥٦٧٨"])
def test_bad_contacts_are_refused(typed: str) -> None:
    with pytest.raises(ServiceError) as caught:
        supports.normalise_contact(typed)
    assert caught.value.code == "bad_contact"


def test_contact_hash_is_keyed_hmac_sha256() -> None:
    expected = hmac.new(b"key-1", b"email:jan@example.org", hashlib.sha256).hexdigest()
    assert supports.contact_hash("key-1", "email", "jan@example.org") == expected
    assert supports.contact_hash("key-2", "email", "jan@example.org") != expected
    plain = hashlib.sha256(b"email:jan@example.org").hexdigest()
    assert expected != plain  # without the key the hash cannot be recomputed from a guess


def test_support_counts_only_after_confirmation(app, client, world, db) -> None:
    response = post_form(client, support_url(world), {"contact": "Jan@Example.org"})
    assert response.status_code == 200 and "Kijk in uw berichten" in page_text(response)
    page = f"/initiatief/{world['initiative_A1']}"
    assert "Steunbetuigingen: 0" in page_text(client.get(page))
    link = latest_link(db)
    assert link.startswith("/steun/bevestig/")
    # Opening the link shows a button; only pressing it confirms (mail scanners open links).
    assert "Bevestig mijn steun" in page_text(client.get(link))
    assert "Steunbetuigingen: 0" in page_text(client.get(page))
    response = post_form(client, link, {})
    assert response.status_code == 200 and "is bevestigd" in page_text(response)
    assert "Steunbetuigingen: 1" in page_text(client.get(page))
    row = db.exec(select(Support)).one()
    assert row.confirmed and row.contact_hash == supports.contact_hash(
        TEST_CONFIG["SECRET_KEY"], "email", "jan@example.org")
    assert "jan" not in repr(row.model_dump()).lower()


def test_same_contact_twice_is_refused_in_dutch(app, client, world, db) -> None:
    post_form(client, support_url(world), {"contact": "jan@example.org"})
    before = snapshot(app)
    response = post_form(client, support_url(world), {"contact": " JAN@example.org"})
    assert response.status_code == 400
    assert "Er is al een bevestigingslink voor dit initiatief" in page_text(response)
    assert snapshot(app) == before
    post_form(client, latest_link(db), {})
    response = post_form(client, support_url(world), {"contact": "jan@example.org"})
    assert response.status_code == 400
    assert "U hebt dit initiatief al gesteund" in page_text(response)
    assert len(db.exec(select(Support)).all()) == 1


def test_same_phone_written_differently_is_the_same_person(app, client, world, db) -> None:
    assert post_form(client, support_url(world), {"contact": "06 1234 5678"}).status_code == 200
    response = post_form(client, support_url(world), {"contact": "+31612345678"})
    assert response.status_code == 400
    assert len(db.exec(select(Support)).all()) == 1


def test_database_refuses_a_second_support_with_the_same_hash(app, world) -> None:
    with Session(app.extensions[EXTENSION]) as session:
        for token in ("a", "b"):
            session.add(Support(initiative_id=world["initiative_A1"], contact_hash="h" * 64,
                                token_hash=token))
        with pytest.raises(IntegrityError):
            session.commit()


def test_two_racing_supports_with_one_contact_store_one_row(app, world) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def support() -> None:
        with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
            initiative = session.get(Initiative, world["initiative_A1"])
            barrier.wait()
            try:
                supports.request_support(session, initiative, "race@example.org",
                                         secret="k", confirm_url=lambda t: f"/steun/bevestig/{t}")
                outcomes.append("stored")
            except ServiceError as error:
                outcomes.append(error.code)

    threads = [threading.Thread(target=support) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["stored", "support_pending"]
    with Session(app.extensions[EXTENSION]) as session:
        assert len(session.exec(select(Support)).all()) == 1
        assert len(session.exec(select(OutboxMessage)).all()) == 1


@pytest.mark.sqlite_only
def test_unknown_or_huge_token_is_404(client) -> None:
    assert client.get("/steun/bevestig/nope").status_code == 404
    assert client.get("/steun/bevestig/" + "x" * 5000).status_code == 404


@pytest.mark.sqlite_only
def test_support_is_closed_once_voting_started(app, client, world, db) -> None:
    initiative = Initiative(round_id=world["round_A2"], title="Later", description="x",
                            status="admitted")
    db.add(initiative)
    db.commit()
    url = f"/initiatief/{initiative.id}/steun"
    before = snapshot(app)
    response = post_form(client, url, {"contact": "jan@example.org"})
    assert response.status_code == 400
    assert "kan (nu) niet worden gesteund" in page_text(response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
def test_outbox_is_scoped_and_masked_for_officials(client, auth, world) -> None:
    post_form(client, support_url(world), {"contact": "jan@example.org"})
    auth.login("official-A")
    page = page_text(client.get("/official/outbox"))
    assert "j**@example.org" in page and "jan@example.org" not in page
    assert "/steun/bevestig/" in page
    auth.logout()
    auth.login("official-B")
    assert "example.org" not in page_text(client.get("/official/outbox"))
    auth.logout()
    auth.login("admin")
    assert "jan@example.org" in page_text(client.get("/official/outbox"))


def test_a_lost_race_is_decided_by_the_unique_constraint(app, world, monkeypatch) -> None:
    """The pre-check misses a row committed meanwhile: the constraint refuses the second."""
    def request(session: Session) -> None:
        supports.request_support(session, session.get(Initiative, world["initiative_A1"]),
                                 "race@example.org", secret="k",
                                 confirm_url=lambda t: f"/steun/bevestig/{t}")

    with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
        request(session)
        real_check = supports._refuse_existing
        calls: list[int] = []

        def blind_first(*args) -> None:
            calls.append(1)
            if len(calls) > 1:
                real_check(*args)

        monkeypatch.setattr(supports, "_refuse_existing", blind_first)
        with pytest.raises(ServiceError) as caught:
            request(session)
        assert caught.value.code == "support_pending" and len(calls) == 2
        assert len(session.exec(select(Support)).all()) == 1
