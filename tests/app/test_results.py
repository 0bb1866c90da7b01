"""Published results: the page, the downloads, and the offline CLI reproducing them exactly."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from app.db import EXTENSION
from app.models import Ballot, CostLine, Initiative, Question, QuestionCount, Round
from app.services import counting, rounds
from app.services.ballot_files import Option, QuestionSetup, build_file
from app.templating import euros
from tests.app.conftest import AuthActions, page_text
from tests.app.count_world import INITIATIVES, add_second_official, counting_round
from tests.app.test_counting import confirm, overview_url, publish, run_count

ROOT = Path(__file__).resolve().parents[2]


def wijkstem_tally(path: Path, rule: str, seed: str) -> bytes:
    """Stdout of the real command line: ``wijkstem tally PATH --rule R --seed S --json``."""
    done = subprocess.run(
        [sys.executable, "-m", "voting.cli", "tally", str(path), "--rule", rule, "--seed", seed,
         "--json"], capture_output=True, cwd=ROOT, check=False, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def published_round(app: Flask, client: FlaskClient, auth: AuthActions,
                    world: dict[str, int]) -> dict:
    """The Wijktop-3 round of count_world, counted, confirmed by a second official, published."""
    setup = counting_round(app, world)
    add_second_official(app, world)
    auth.login("official-A")
    assert run_count(client, setup["round_id"]).status_code == 302
    auth.logout()
    auth.login("official-A2")
    assert confirm(client, setup["round_id"]).status_code == 302
    assert publish(client, setup["round_id"]).status_code == 302
    auth.logout()
    return setup


def test_results_page_shows_funded_initiatives_and_remaining_budget(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = published_round(app, client, auth, world)
    expected = setup["expected"]
    round_page = client.get(f"/ronde/{setup['round_id']}").get_data(as_text=True)
    assert f'href="/ronde/{setup["round_id"]}/uitslag"' in round_page
    response = client.get(f"/ronde/{setup['round_id']}/uitslag")
    assert response.status_code == 200
    page = page_text(response)
    funded = page.split("Gefinancierde initiatieven", 1)[1].split("Resterend budget", 1)[0]
    for title in INITIATIVES:
        assert (title in funded) == (title in expected["funded"]), title
    with app.test_request_context():
        assert euros(expected["remaining"]).replace("\u00a0", " ") in page
        cofinanced = euros(INITIATIVES["Muurschildering"][0]).replace("\u00a0", " ")
    assert cofinanced in page  # the total cost of the co-financed initiative is explained
    assert "Wijktop-3-punten: op elk stembiljet krijgt de eerste keuze 3 punten" in page
    assert f"{setup['ballots']} stembiljetten" in page
    # the chart: inline SVG with a title, and the same numbers in the table
    assert '<svg role="img" aria-labelledby=' in page and "<title id=" in page
    for title, points in expected["points"].items():
        assert f"<th scope=\"row\">{title}</th><td class=\"num\">{points}</td>" in page
    assert "<script" not in page


def dutch_euros(cents: int) -> str:
    """``€ 1.200,00``, written out here rather than by the code under test."""
    whole, part = divmod(cents, 100)
    return f"€ {whole:,}".replace(",", ".") + f",{part:02d}"


def test_results_page_says_why_an_initiative_was_not_funded(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = published_round(app, client, auth, world)
    expected = setup["expected"]
    page = page_text(client.get(f"/ronde/{setup['round_id']}/uitslag")).replace("\u00a0", " ")
    skipped = [t for t in expected["ranking"] if t not in expected["funded"]]
    assert skipped and expected["funded"]
    for title, (cost, cofinancing) in INITIATIVES.items():
        before = expected["left_at_turn"][title]
        price = dutch_euros(cost - cofinancing)
        said = (f"overgeslagen: het kost {price}, maar er was nog maar "
                f"{dutch_euros(before)} over toen het aan de beurt was")
        row = page.split(f'<th scope="row">{title}</th>', 1)[1].split("</tr>", 1)[0]
        # Funded ones need no reason: the table shows the amount and the budget left.
        assert (said in row) == (title not in expected["funded"]), (title, row)
        assert ('class="muted"' in row) == (title not in expected["funded"]), (title, row)
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = page_text(client.get(f"/ronde/{setup['round_id']}/uitslag"))
    title = skipped[0]
    assert (f"skipped: it needs EUR {(INITIATIVES[title][0] - INITIATIVES[title][1]) // 100:,}"
            f".00 but only EUR") in english


def test_counts_without_stored_reasons_show_the_outcome_alone(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    setup = published_round(app, client, auth, world)
    path = f"/ronde/{setup['round_id']}/uitslag"
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        count = session.exec(select(QuestionCount)).one()
        english = json.loads(count.explanation_json)["en"]
        count.explanation_json = "{}"  # counted before migration 0008
        session.commit()
    page = page_text(client.get(path))
    assert "Past niet meer in het resterende budget" in page and "het kost" not in page
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        count = session.exec(select(QuestionCount)).one()
        count.explanation_json = json.dumps({"en": english})  # no Dutch: English, not none
        session.commit()
    assert "skipped: it needs EUR" in page_text(client.get(path))


def test_downloads_reproduce_with_the_cli_byte_for_byte(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int],
        tmp_path: Path) -> None:
    setup = published_round(app, client, auth, world)
    question = setup["question_id"]
    page = page_text(client.get(f"/ronde/{setup['round_id']}/uitslag"))
    ballots = client.get(f"/vraag/{question}/stembestand")
    assert ballots.status_code == 200
    name = ballots.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    assert name.endswith(".pb")
    path = tmp_path / name
    path.write_bytes(ballots.data)
    published = client.get(f"/vraag/{question}/uitslag.json").data
    result = json.loads(published)
    seed = result["parameters"]["seed"]
    assert f"--seed {seed}" in page and "--rule points" in page
    assert wijkstem_tally(path, "points", seed) == published
    digest = hashlib.sha256(ballots.data).hexdigest()
    assert result["ballots_sha256"] == digest and digest in page
    assert client.get(f"/vraag/{question}/stembestand.sha256").data.decode() == \
        f"{digest}  {name}\n"


def test_csv_download_lists_every_initiative(app: Flask, client: FlaskClient, auth: AuthActions,
                                             world: dict[str, int]) -> None:
    setup = published_round(app, client, auth, world)
    response = client.get(f"/vraag/{setup['question_id']}/uitslag.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    table = {row[2]: row for row in rows[1:] if len(row) == 7}
    assert set(table) == set(INITIATIVES)
    expected = setup["expected"]
    assert [row[2] for row in sorted(table.values(), key=lambda r: int(r[0]))] == \
        expected["ranking"]
    assert {t for t, row in table.items() if row[4] == "funded"} == set(expected["funded"])
    assert table["Muurschildering"][5:] == ["1000.00", "800.00"]
    assert ["remaining_eur", f"{expected['remaining'] // 100}.00"] in rows


@pytest.mark.sqlite_only
def test_nothing_before_publication(app: Flask, client: FlaskClient, auth: AuthActions,
                                    world: dict[str, int]) -> None:
    setup = counting_round(app, world)
    auth.login("official-A")
    run_count(client, setup["round_id"])
    auth.logout()
    page = page_text(client.get(f"/ronde/{setup['round_id']}/uitslag"))
    assert "De uitslag is nog niet bekend." in page and "Gefinancierd" not in page
    for suffix in ("uitslag.json", "uitslag.csv", "stembestand", "stembestand.sha256"):
        assert client.get(f"/vraag/{setup['question_id']}/{suffix}").status_code == 404
    assert client.get(f"/ronde/{world['round_B1']}/uitslag").status_code == 404  # a draft
    assert client.get("/ronde/999999/uitslag").status_code == 404
    assert client.get("/vraag/999999/uitslag.json").status_code == 404


# --- every kind of question, counted by the service and re-tallied by the CLI ---------------

# (title, cost, co-financing) of the wijkstemdag's admitted initiatives
OPTIONS = [("Bloembakken", 80_000, 0), ("Speelplek", 500_000, 100_000),
           ("Bankjes", 120_000, 0), ("Fietsenrek", 60_000, 0)]


def every_kind_round(app: Flask, world: dict[str, int]) -> dict:
    """Round B1 (a wijkstemdag) with one question of every kind, ballots stored, in counting."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, world["round_B1"])
        round_.budget_fixed_cents, round_.budget_rate_cents = 300_000, None
        for values in ({"kind": "ranked", "max_choices": 2, "rule": "irv", "text": "Wie?"},
                       {"kind": "approval", "max_choices": 2, "rule": "greedy", "text": "Welke?"},
                       {"kind": "knapsack", "rule": "mes", "text": "Binnen budget?"},
                       {"kind": "points", "points_total": 5, "rule": "greedy", "text": "Punten"}):
            rounds.save_question(session, round_, values, None, world["account_admin"])
        ids = []
        for title, cost, cofinancing in OPTIONS:
            item = Initiative(round_id=round_.id, title=title, description="...",
                              status="admitted", cofinancing_cents=cofinancing)
            session.add(item)
            session.flush()
            session.add(CostLine(initiative_id=item.id, description="kosten", amount_cents=cost))
            ids.append(item.id)
        questions = {q.kind: str(q.id) for q in rounds.questions(session, round_.id)}
        a, b, c, d = ids
        answers = (
            [{"ranked": [a], "approval": [a, c], "knapsack": [a, d], "points": {str(a): 5},
              "yesno": "yes"}] * 5
            + [{"ranked": [b, a], "approval": [b], "knapsack": [b], "points": {str(b): 3,
               str(c): 2}, "yesno": "no"}] * 4
            + [{"ranked": [c, b], "approval": [c, d], "knapsack": [c, d], "points": {str(d): 5},
                "yesno": None}] * 3
            + [{"ranked": [], "approval": [d], "yesno": "yes"}] * 2)
        for answer in answers:
            session.add(Ballot(round_id=round_.id, channel="paper", answers=json.dumps(
                {questions[kind]: value for kind, value in answer.items()})))
        session.commit()
        for phase in ("submission", "review", "voting", "counting"):
            rounds.advance_phase(session, round_, phase, actor_id=world["account_admin"])
        made = counting.run_count(session, round_, world["account_official-B"])
        return {"counts": {session.get(Question, c.question_id).kind: c.id for c in made},
                "ids": ids}


@pytest.mark.sqlite_only
def test_every_kind_of_question_re_tallies_with_the_cli(app: Flask, world: dict[str, int],
                                                        tmp_path: Path) -> None:
    made = every_kind_round(app, world)
    with Session(app.extensions[EXTENSION]) as session:
        stored = {kind: session.get(QuestionCount, i) for kind, i in made["counts"].items()}
    extensions = {kind: c.ballots_name.rsplit(".", 1)[1] for kind, c in stored.items()}
    assert extensions == {"ranked": "blt", "approval": "pb", "knapsack": "pb", "points": "pb",
                          "yesno": "csv"}
    for kind, count in stored.items():  # the yes/no .csv too
        path = tmp_path / count.ballots_name
        path.write_bytes(count.ballots_file)
        assert wijkstem_tally(path, count.rule, count.seed) == \
            (count.result_json + "\n").encode(), kind
    a, b, c, d = (str(i) for i in made["ids"])
    results = {kind: json.loads(count.result_json) for kind, count in stored.items()}
    # IRV by hand: first choices a 5, b 4, c 3 of 12 (blank answers left out); c drops out
    # and its 3 ballots go to b: b 7 beats a 5. IRV elects one (only STV elects k).
    names = {name.rsplit("(#", 1)[1].rstrip(")"): name
             for name in results["ranked"]["scores"]}
    assert results["ranked"]["winners"] == [names[b]]
    assert stored["ranked"].n_ballots == 12 and stored["ranked"].total_ballots == 14
    # approval by hand: c 8, a 5, d 5, b 4 approvals; greedy funds c (120,000), then a and d
    # in either order (80,000 and 60,000), and b (400,000 of its own) no longer fits
    assert results["approval"]["budget"] == 300_000
    assert set(results["approval"]["winners"]) == {a, c, d}
    assert results["approval"]["remaining"] == 40_000
    assert results["yesno"] == {"rule": "majority", "yes": 7, "no": 4, "blank": 3,
                                "outcome": "yes", "adopted": True,
                                "ballots_sha256": stored["yesno"].ballots_sha256}
    assert stored["yesno"].ballots_file.decode().splitlines()[0] == "answer"
    # points by hand: a 25, d 15, b 12, c 8; fund a, d, skip b (400,000), fund c
    support = {p["project"]: p["support"] for p in results["points"]["projects"]}
    assert support == {a: 25, b: 12, c: 8, d: 15}
    assert results["points"]["winners"] == [a, d, c]
    # co-financing: only the municipal share of Speelplek counts against the budget
    speelplek = next(p for p in results["points"]["projects"] if p["project"] == b)
    assert (speelplek["cost"], speelplek["municipal_cost"]) == (500_000, 400_000)


def test_equal_shares_steps_are_shown_with_titles_in_the_visitors_language(
        app: Flask, client: FlaskClient, auth: AuthActions, world: dict[str, int]) -> None:
    made = every_kind_round(app, world)
    with Session(app.extensions[EXTENSION]) as session:
        count = session.get(QuestionCount, made["counts"]["knapsack"])
        result, round_id = json.loads(count.result_json), count.round_id
    titles = {str(i): title for i, (title, _, _) in zip(made["ids"], OPTIONS, strict=True)}
    bought = [r["elected"][0] for r in result["rounds"] if r.get("elected")]
    assert result["rule"] == "mes" and len(bought) >= 2
    auth.login("official-B")
    page = client.get(overview_url(round_id)).get_data(as_text=True).replace("\u00a0", " ")
    assert page.count("Stappen van de telling") == 1  # equal shares only, not greedy
    steps = page.split("Stappen van de telling", 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", steps)
    assert len(items) == len(bought) + 1  # each purchase, then Add1
    for item, label in zip(items, bought, strict=False):
        price = dutch_euros(next(p["municipal_cost"] for p in result["projects"]
                                 if p["project"] == label))
        assert item.startswith(f"{titles[label]} gekocht voor {price}: zijn voorstanders ("), item
    assert items[-1].startswith("Add1: het aandeel van elke kiezer is ")
    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(overview_url(round_id)).get_data(as_text=True)
    assert f"<li>{titles[bought[0]]} bought for EUR " in english


def test_stv_on_a_wijkstemdag_elects_k_from_a_blt_file() -> None:
    options = tuple(Option(i, title, cost) for i, (title, cost, _) in enumerate(OPTIONS, 11))
    setup = QuestionSetup(kind="ranked", rule="stv", round_kind="wijkstemdag", options=options,
                          budget=0, max_choices=2, title="Dag", question="Wie?")
    answers = [[11]] * 5 + [[12, 11]] * 4 + [[13, 12]] * 3 + [None, []]
    built = build_file(setup, answers)
    assert built.format == "blt" and built.data.decode().splitlines()[0] == "4 2"
    # by hand: Droop quota 12 // 3 + 1 = 5; 11 reaches it; 13 drops out and its 3 votes
    # make 12 reach 7
    result = json.loads(counting.tally_file(built, "stv", "s"))
    assert [built.labels[name] for name in result["winners"]] == [11, 12]
