"""Counting a round: count, four-eyes confirmation, publication, and every refusal on the way."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from app.db import EXTENSION
from app.models import AuditEvent, Ballot, QuestionCount, Round
from app.services import rounds
from tests.app.conftest import AuthActions, csrf_token, page_text, post_form, snapshot
from tests.app.count_world import add_second_official, counting_round

FINGERPRINT = re.compile(r'name="fingerprint" value="([0-9a-f]{64})"')


def overview_url(round_id: int) -> str:
    """The official's counting page of a round."""
    return f"/official/rounds/{round_id}/count"


def run_count(client: FlaskClient, round_id: int):
    """Presses 'count the votes'."""
    return post_form(client, f"{overview_url(round_id)}/run", {},
                     form_url=overview_url(round_id))


def confirm(client: FlaskClient, round_id: int, fingerprint: str | None = None):
    """Ticks the box and confirms the result shown on the counting page."""
    page = client.get(overview_url(round_id)).get_data(as_text=True)
    token = csrf_token(client, overview_url(round_id))
    shown = FINGERPRINT.search(page)
    return client.post(f"{overview_url(round_id)}/confirm", data={
        "csrf_token": token, "checked": "y",
        "fingerprint": fingerprint or (shown.group(1) if shown else "")})


def publish(client: FlaskClient, round_id: int):
    """Presses 'publish the result'."""
    return post_form(client, f"{overview_url(round_id)}/publish", {},
                     form_url=overview_url(round_id))


def counts(app: Flask, round_id: int) -> list[QuestionCount]:
    """The stored counts of a round."""
    with Session(app.extensions[EXTENSION]) as session:
        return list(session.exec(select(QuestionCount).where(QuestionCount.round_id == round_id)))


def actions(app: Flask, round_id: int) -> list[str]:
    """Audit actions of a round, oldest first."""
    with Session(app.extensions[EXTENSION]) as session:
        return list(session.exec(select(AuditEvent.action).where(AuditEvent.round_id == round_id)
                                 .order_by(AuditEvent.id)))


def test_count_confirm_publish(app: Flask, client: FlaskClient, auth: AuthActions,
                               world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    round_id = setup["round_id"]
    second = add_second_official(app, world)
    auth.login("official-A")
    round_page = client.get(f"/official/rounds/{round_id}").get_data(as_text=True)
    assert f'href="{overview_url(round_id)}"' in round_page
    assert "Stemmen tellen" in page_text(client.get(overview_url(round_id)))
    assert run_count(client, round_id).status_code == 302

    [count] = counts(app, round_id)
    assert count.status == "computed" and count.counted_by == world["account_official-A"]
    assert count.ballots_sha256 == hashlib.sha256(count.ballots_file).hexdigest()
    assert count.ballots_name.endswith(".pb") and count.total_ballots == setup["ballots"]
    assert re.fullmatch(r"[0-9a-f]{16}", count.seed)
    result = json.loads(count.result_json)
    assert result["ballots_sha256"] == count.ballots_sha256 and result["rule"] == "points"
    assert result["parameters"]["seed"] == count.seed
    titles = {str(i): t for i, t in zip(setup["ids"], setup["expected"]["points"], strict=True)}
    assert [titles[label] for label in result["winners"]] == setup["expected"]["funded"]
    assert {titles[k]: v for k, v in result["scores"].items()} == setup["expected"]["points"]
    assert result["remaining"] == setup["expected"]["remaining"]
    assert "count.computed" in actions(app, round_id)

    # The counting official cannot confirm their own count.
    before = snapshot(app)
    refused = confirm(client, round_id)
    assert refused.status_code == 400
    assert "een tweede, andere ambtenaar" in page_text(refused)
    assert snapshot(app) == before

    auth.logout()
    auth.login("official-A2")
    page = page_text(client.get(overview_url(round_id)))
    assert "Speeltuin Zuid" in page and count.ballots_sha256 in page
    assert confirm(client, round_id).status_code == 302
    [count] = counts(app, round_id)
    assert count.status == "confirmed" and count.confirmed_by == second

    auth.logout()
    auth.login("official-A")
    assert publish(client, round_id).status_code == 302
    [count] = counts(app, round_id)
    assert count.status == "published" and count.published_by == world["account_official-A"]
    with Session(app.extensions[EXTENSION]) as session:
        assert session.get(Round, round_id).phase == "published"
    assert actions(app, round_id)[-4:] == ["count.computed", "count.confirmed",
                                          "count.published", "round.phase"]


def test_file_lists_ballots_in_a_canonical_order(app: Flask, client: FlaskClient,
                                                 auth: AuthActions, world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    auth.login("official-A")
    run_count(client, setup["round_id"])
    [count] = counts(app, setup["round_id"])
    votes = count.ballots_file.decode().split("VOTES\n", 1)[1].splitlines()[1:]
    assert len(votes) == setup["ballots"]
    ballots = [row.split(";")[1] for row in votes]
    voter_ids = [int(row.split(";")[0]) for row in votes]
    assert voter_ids == list(range(1, len(votes) + 1))
    # identical ballots sit together, distinct ones in sorted order: never the order of casting
    keys = [[setup["ids"].index(int(i)) for i in b.split(",")] for b in ballots]
    assert keys == sorted(keys, key=lambda k: k + [-1] * (3 - len(k)))
    with Session(app.extensions[EXTENSION]) as session:
        stored = list(session.exec(select(Ballot.answers).order_by(Ballot.id)))
    assert len(stored) == setup["ballots"]


def test_committee_and_anonymous_cannot_see_a_computed_count(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    auth.login("official-A")
    run_count(client, setup["round_id"])
    file_url = f"/official/questions/{setup['question_id']}/count/ballots"
    assert client.get(file_url).status_code == 200
    auth.logout()
    for who in ("committee-A1", "official-B"):
        auth.login(who)
        assert client.get(overview_url(setup["round_id"])).status_code == 403
        assert client.get(file_url).status_code == 403
        page = page_text(client.get(f"/ronde/{setup['round_id']}/uitslag"))
        assert "nog niet bekend" in page and "Speeltuin Zuid" not in page
        auth.logout()
    response = client.get(overview_url(setup["round_id"]))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get(f"/vraag/{setup['question_id']}/uitslag.json").status_code == 404
    assert client.get(f"/vraag/{setup['question_id']}/stembestand").status_code == 404


@pytest.mark.parametrize("step", ["run", "confirm", "publish", "discard"])
def test_missing_csrf_token_changes_nothing(app: Flask, client: FlaskClient, auth: AuthActions,
                                            world: dict[str, int], step: str) -> None:
    setup = counting_round(app, world)
    auth.login("official-A")
    if step != "run":
        run_count(client, setup["round_id"])
    before = snapshot(app)
    response = client.post(f"{overview_url(setup['round_id'])}/{step}",
                           data={"checked": "y", "fingerprint": "0" * 64, "reason": "x"})
    assert response.status_code == 400
    assert snapshot(app) == before


@pytest.mark.sqlite_only
@pytest.mark.parametrize("step", ["run", "confirm", "publish", "discard"])
def test_get_on_an_action_is_not_allowed(client: FlaskClient, auth: AuthActions,
                                         world: dict[str, int], step: str) -> None:
    auth.login("official-A")
    assert client.get(f"{overview_url(world['round_A1'])}/{step}").status_code == 405


def test_refusals_change_nothing(app: Flask, client: FlaskClient, auth: AuthActions,
                                 world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    round_id = setup["round_id"]
    add_second_official(app, world)
    auth.login("official-A")
    before = snapshot(app)
    # nothing counted yet: nothing to confirm or publish
    response = confirm(client, round_id, fingerprint="0" * 64)
    assert response.status_code == 400 and "nog geen telling" in page_text(response)
    assert publish(client, round_id).status_code == 400
    assert snapshot(app) == before
    assert run_count(client, round_id).status_code == 302
    after_count = snapshot(app)
    response = run_count(client, round_id)  # counting twice
    assert response.status_code == 400 and "al geteld" in page_text(response)
    response = publish(client, round_id)  # not confirmed yet
    assert response.status_code == 400 and "tweede ambtenaar" in page_text(response)
    assert snapshot(app) == after_count
    auth.logout()
    auth.login("official-A2")
    response = confirm(client, round_id, fingerprint="f" * 64)  # not what was counted
    assert response.status_code == 400 and "veranderd" in page_text(response)
    token = csrf_token(client, overview_url(round_id))
    response = client.post(f"{overview_url(round_id)}/confirm",  # box not ticked
                           data={"csrf_token": token, "fingerprint": "0" * 64})
    assert response.status_code == 400
    assert snapshot(app) == after_count
    # a round that does not exist
    assert client.post("/official/rounds/999999/count/confirm",
                       data={"csrf_token": token}).status_code == 404


def test_round_must_be_in_its_counting_phase(app: Flask, client: FlaskClient,
                                             auth: AuthActions, world: dict[str, int]) -> None:
    auth.login("official-A")
    before = snapshot(app)
    response = run_count(client, world["round_A1"])  # still taking initiatives
    assert response.status_code == 400 and "telfase" in page_text(response)
    assert snapshot(app) == before


def test_a_ballot_that_does_not_fit_stops_the_count(app: Flask, client: FlaskClient,
                                                    auth: AuthActions,
                                                    world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    with Session(app.extensions[EXTENSION]) as session:
        session.add(Ballot(round_id=setup["round_id"], channel="paper",
                           answers=json.dumps({str(setup["question_id"]): [987654]})))
        session.commit()
    auth.login("official-A")
    before = snapshot(app)
    response = run_count(client, setup["round_id"])
    assert response.status_code == 400 and "past niet bij vraag 1" in page_text(response)
    assert snapshot(app) == before


def test_a_question_without_initiatives_is_not_counted(app: Flask, client: FlaskClient,
                                                       auth: AuthActions,
                                                       world: dict[str, int]) -> None:
    with Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, world["round_A1"])  # its one initiative was never admitted
        for phase in ("review", "voting", "counting"):
            rounds.advance_phase(session, round_, phase, actor_id=world["account_admin"])
    auth.login("official-A")
    before = snapshot(app)
    response = run_count(client, world["round_A1"])
    assert response.status_code == 400 and "geen toegelaten initiatieven" in page_text(response)
    assert snapshot(app) == before


def test_a_round_without_ballots_funds_nothing(app: Flask, client: FlaskClient,
                                               auth: AuthActions, world: dict[str, int]) -> None:
    setup = counting_round(app, world, patterns=[])
    auth.login("official-A")
    assert run_count(client, setup["round_id"]).status_code == 302
    [count] = counts(app, setup["round_id"])
    result = json.loads(count.result_json)
    assert count.total_ballots == count.n_ballots == 0
    assert result["winners"] == [] and result["remaining"] == result["budget"] == 300_000


def discard(client: FlaskClient, round_id: int, reason: str):
    """Discards the round's count with ``reason``."""
    return post_form(client, f"{overview_url(round_id)}/discard", {"reason": reason},
                     form_url=overview_url(round_id))


def test_discarding_a_count_is_logged_and_shown_with_the_result(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    round_id = setup["round_id"]
    add_second_official(app, world)
    auth.login("official-A")
    run_count(client, round_id)
    [first] = counts(app, round_id)
    before = snapshot(app)
    for reason in ("", "<script>x</script>", "x" * 501):
        assert discard(client, round_id, reason).status_code == 400
    assert snapshot(app) == before
    assert discard(client, round_id, "Papieren stemmen ontbraken").status_code == 302
    assert counts(app, round_id) == []
    with Session(app.extensions[EXTENSION]) as session:
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "count.discarded")).one()
    assert event.details["seed"] == first.seed
    assert event.details["reason"] == "Papieren stemmen ontbraken"
    assert event.details["results_sha256"] == {
        str(first.question_id): hashlib.sha256(first.result_json.encode()).hexdigest()}
    run_count(client, round_id)
    [second] = counts(app, round_id)
    assert second.seed != first.seed and second.ballots_sha256 == first.ballots_sha256
    auth.logout()
    auth.login("official-A2")
    assert confirm(client, round_id).status_code == 302
    assert publish(client, round_id).status_code == 302
    after = snapshot(app)
    response = discard(client, round_id, "te laat")
    assert response.status_code == 400 and "al gepubliceerd" in page_text(response)
    assert snapshot(app) == after
    page = page_text(client.get(f"/ronde/{round_id}/uitslag"))
    assert "Verworpen tellingen" in page and "nadat 1 eerdere" in page
