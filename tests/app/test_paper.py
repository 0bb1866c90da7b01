"""Paper ballots: one at a time and as CSV batches, corrections, reconciliation, audit,
hostile input."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlmodel import Session, select

from app.db import EXTENSION
from app.forms.vote import answers
from app.models import AuditEvent, Ballot, Question, QuestionCount, Round, Stembureau, utcnow
from app.services import paper
from app.services.ballots import ballot_questions
from app.services.errors import ServiceError
from tests.app.conftest import AuthActions, csrf_token, page_text, snapshot
from tests.app.vote_world import open_round, set_round

CSRF_NL = "Het formulier is verlopen of niet vanaf deze site verstuurd."


@pytest.fixture
def voting(app: Flask, world: dict[str, int]) -> dict[str, Any]:
    """Round A2 voting with every kind of question and one stembureau; official-A logged in."""
    setup = open_round(app, world, every_kind=True)
    with Session(app.extensions[EXTENSION]) as session:
        station = Stembureau(round_id=setup["round_id"], name="Buurthuis De Linde",
                             address="Lindeplein 1")
        session.add(station)
        session.commit()
        setup["stembureau_id"] = station.id
    setup["page"] = f"/official/stembureaus/{station.id}/papier"
    return setup


def login(client: FlaskClient, auth: AuthActions, who: str = "official-A") -> None:
    """Logs in through the form."""
    assert auth.login(who).status_code == 302


def post(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):
    """POST with a valid CSRF token (read from the home page)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/")}, **kwargs)


def full_ballot(v: dict[str, Any]) -> dict[str, Any]:
    """A valid ballot for every question of the voting round (form fields)."""
    q, i = v["questions"], v["initiatives"]
    return {f"q{q['ranked']}_1": i["Bankjes"], f"q{q['ranked']}_2": i["Speeltuin"],
            f"q{q['approval']}": [i["Lantaarns"]],
            f"q{q['knapsack']}": [i["Speeltuin"], i["Lantaarns"]],
            f"q{q['points']}_{i['Bankjes']}": "7", f"q{q['points']}_{i['Lantaarns']}": "3",
            f"q{q['yesno']}": "no"}


def paper_ballots(app: Flask, round_id: int) -> list[Ballot]:
    """The round's paper ballots."""
    with Session(app.extensions[EXTENSION]) as session:
        return list(session.exec(select(Ballot).where(Ballot.round_id == round_id,
                                                      Ballot.channel == "paper")))


def events(app: Flask, action: str) -> list[AuditEvent]:
    """Audit events with this action."""
    with Session(app.extensions[EXTENSION]) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def upload(client: FlaskClient, v: dict[str, Any], kind: str, data: bytes):
    """Uploads a CSV file for the question of ``kind``."""
    return post(client, v["page"] + "/bestand", {
        "question": str(v["questions"][kind]), "file": (io.BytesIO(data), "b.csv")},
        content_type="multipart/form-data")


def raw_upload(client: FlaskClient, v: dict[str, Any], data: bytes):
    """Uploads a large file for the yes/no question as a hand-made multipart body.

    (The test client would spool a large body to a temporary file that it never closes.)
    """
    parts = [(b'name="csrf_token"', csrf_token(client, "/").encode()),
             (b'name="question"', str(v["questions"]["yesno"]).encode()),
             (b'name="file"; filename="b.csv"\r\nContent-Type: text/csv', data)]
    body = b"".join(b"--XyZ\r\nContent-Disposition: form-data; " + head + b"\r\n\r\n" + value
                    + b"\r\n" for head, value in parts) + b"--XyZ--\r\n"
    return client.post(v["page"] + "/bestand", data=body,
                       content_type="multipart/form-data; boundary=XyZ")


def test_one_paper_ballot_is_stored_with_its_stembureau(app, client, auth, voting) -> None:
    login(client, auth)
    response = post(client, voting["page"] + "/stembiljet", full_ballot(voting))
    assert response.status_code == 302
    (ballot,) = paper_ballots(app, voting["round_id"])
    q, i = voting["questions"], voting["initiatives"]
    assert ballot.stembureau_id == voting["stembureau_id"]
    assert json.loads(ballot.answers) == {
        str(q["ranked"]): [i["Bankjes"], i["Speeltuin"]], str(q["approval"]): [i["Lantaarns"]],
        str(q["knapsack"]): sorted([i["Speeltuin"], i["Lantaarns"]]),
        str(q["points"]): {str(i["Bankjes"]): 7, str(i["Lantaarns"]): 3},
        str(q["yesno"]): "no"}
    (event,) = events(app, "paper.recorded")
    assert event.details == {"stembureau": voting["stembureau_id"], "ballots": 1}
    assert "Het papieren stembiljet is vastgelegd." in page_text(client.get(voting["page"]))


def test_invalid_paper_ballot_says_why_in_dutch_and_stores_nothing(app, client, auth,
                                                                     voting) -> None:
    login(client, auth)
    before = snapshot(app)
    q, i = voting["questions"], voting["initiatives"]
    data = {**full_ballot(voting), f"q{q['approval']}": [i["Lantaarns"], i["Bankjes"],
                                                         i["Speeltuin"]],
            f"q{q['knapsack']}": [i["Speeltuin"], i["Muurschildering"]]}
    response = post(client, voting["page"] + "/stembiljet", data)
    text = page_text(response)
    assert response.status_code == 400
    assert "Kies maximaal 2 (u koos er 3)." in text
    # Speeltuin 3.000 + Muurschildering 3.200 (municipal share) = 6.200 > budget 5.000
    assert "Te duur: € 1.200,00 boven het budget van € 5.000,00." in text
    assert snapshot(app) == before


RANKED_CSV = ("rank_1,rank_2,rank_3\nBankjes,Speeltuin,\nLantaarns,,\n\n"
              "Speeltuin,Bankjes,Lantaarns\n")


def test_csv_batch_stores_every_row_and_logs_only_the_count(app, client, auth, voting) -> None:
    login(client, auth)
    response = upload(client, voting, "ranked", RANKED_CSV.encode())
    assert response.status_code == 302
    i, qid = voting["initiatives"], str(voting["questions"]["ranked"])
    stored = sorted(json.loads(b.answers)[qid] for b in paper_ballots(app, voting["round_id"]))
    assert stored == sorted([[i["Bankjes"], i["Speeltuin"]], [i["Lantaarns"]],
                             [i["Speeltuin"], i["Bankjes"], i["Lantaarns"]]])
    (event,) = events(app, "paper.batch")
    assert event.details == {"stembureau": voting["stembureau_id"],
                             "question": voting["questions"]["ranked"], "ballots": 3}
    assert "Er zijn 3 papieren stembiljetten vastgelegd." in page_text(client.get(voting["page"]))


def test_csv_batch_reports_every_bad_line_and_stores_nothing(app, client, auth, voting) -> None:
    login(client, auth)
    before = snapshot(app)
    data = ("rank_1,rank_2,rank_3\n"
            "Bankjes,Speeltuin,\n"          # 2: good
            "Schommel,,\n"                 # 3: not an option
            "Bankjes,,Speeltuin\n"         # 4: gap
            "Bankjes,Bankjes,\n"           # 5: twice
            ",,\n"                         # 6: blank ballot
            "Bankjes,Speeltuin\n")         # 7: too few cells
    response = upload(client, voting, "ranked", data.encode())
    text = page_text(response)
    assert response.status_code == 400
    assert "Er is niets vastgelegd." in text
    assert "Regel 3: Schommel is geen keuzemogelijkheid van deze vraag." in text
    assert "Regel 4: rank_2 is leeg, maar een latere plaats is ingevuld." in text
    assert "Regel 5: Bankjes is meer dan eens gekozen." in text
    assert "Regel 6: Kies ten minste 1." in text
    assert "Regel 7: Deze regel heeft 2 cellen; de eerste regel heeft er 3." in text
    assert "Regel 2" not in text
    assert snapshot(app) == before


def test_csv_batch_of_other_kinds_is_checked_by_their_specs(app, client, auth, voting) -> None:
    login(client, auth)
    before = snapshot(app)
    # Knapsack: Speeltuin 3.000 + Muurschildering 3.200 > 5.000; approval k = 2; points <= 10.
    cases = {
        "knapsack": ("Speeltuin;Bankjes;Muurschildering;Lantaarns\nx;;x;\n;x;;1\n",
                     "Regel 2: Te duur: € 1.200,00 boven het budget van € 5.000,00."),
        "approval": ("Speeltuin,Bankjes,Lantaarns\nx,x,x\nx,ja,\n",
                     "Regel 2: Kies maximaal 2 (u koos er 3)."),
        "points": ("Speeltuin,Bankjes\n6,5\n-1,\n",
                   "Regel 3: Het aantal punten voor Speeltuin moet een geheel getal"),
        "yesno": ("answer\nyes\nmaybe\n", "Regel 3: Het antwoord moet yes (ja) of no (nee)"),
    }
    for kind, (data, expected) in cases.items():
        response = upload(client, voting, kind, data.encode())
        assert response.status_code == 400, kind
        assert expected in page_text(response), kind
    assert "Regel 3: De cel voor Bankjes moet x of 1" in page_text(
        upload(client, voting, "approval", cases["approval"][0].encode()))
    assert snapshot(app) == before


def test_semicolons_and_bom_are_read_and_files_of_two_questions_share_rows(app, client, auth,
                                                                        voting) -> None:
    login(client, auth)
    data = "\ufeffSpeeltuin;Bankjes;Lantaarns\nx;;1\n;x;\n".encode()
    assert upload(client, voting, "approval", data).status_code == 302
    assert upload(client, voting, "yesno", b"answer\r\nyes\r\nno\r\nyes\r\n").status_code == 302
    i, q = voting["initiatives"], voting["questions"]
    found = [json.loads(b.answers) for b in paper_ballots(app, voting["round_id"])]
    # The yes/no file fills in the two rows of the approval file first: 3 ballot sheets.
    assert len(found) == 3
    assert sorted((row[str(q["approval"])] for row in found if str(q["approval"]) in row),
                  key=json.dumps) == sorted([[i["Bankjes"]], [i["Speeltuin"], i["Lantaarns"]]],
                                            key=json.dumps)
    assert sorted(row[str(q["yesno"])] for row in found) == ["no", "yes", "yes"]
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        (station,) = paper.reconciliation(session, voting["round_id"])
    assert station.recorded == {q["approval"]: 2, q["yesno"]: 3} and station.ballots == 3


def test_reconciliation_shows_issued_recorded_and_difference(app, client, auth,
                                                             voting) -> None:
    login(client, auth)
    assert post(client, voting["page"] + "/uitgereikt", {"issued": "5"}).status_code == 302
    assert upload(client, voting, "ranked", RANKED_CSV.encode()).status_code == 302
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        (station,) = paper.reconciliation(session, voting["round_id"])
    q = voting["questions"]
    # 3 batch rows + 1 full ballot answer the ranked question; the others only 1.
    assert station.issued == 5
    assert station.recorded == {q["ranked"]: 4, q["approval"]: 1, q["knapsack"]: 1,
                                q["points"]: 1, q["yesno"]: 1}
    assert (station.ballots, station.difference) == (4, -1)
    overview = page_text(client.get(f"/official/rounds/{voting['round_id']}/papier"))
    assert '<strong class="error">-1</strong>' in overview
    assert '<strong class="error">-4</strong>' in page_text(client.get(voting["page"]))
    (event,) = events(app, "paper.issued")
    assert event.details == {"stembureau": voting["stembureau_id"], "issued": 5}


def test_paper_ballots_only_while_voting_or_counting_and_before_a_count(app, client, auth,
                                                                         world, voting) -> None:
    login(client, auth)
    set_round(app, voting["round_id"], phase="counting")
    assert upload(client, voting, "yesno", b"answer\nyes\n").status_code == 302
    with Session(app.extensions[EXTENSION]) as session:
        session.add(QuestionCount(
            round_id=voting["round_id"], question_id=voting["questions"]["yesno"], rule="majority",
            seed="0", ballots_name="x.csv", ballots_file=b"", ballots_sha256="0" * 64,
            labels_json="{}", result_json="{}", counted_by=world["account_official-A"],
            counted_at=utcnow()))
        session.commit()
    before = snapshot(app)
    for response in (upload(client, voting, "yesno", b"answer\nyes\n"),
                     post(client, voting["page"] + "/stembiljet", full_ballot(voting))):
        assert response.status_code == 400
        assert "niet meer als er al geteld is" in page_text(response)
    assert snapshot(app) == before
    set_round(app, voting["round_id"], phase="published")
    before = snapshot(app)
    response = post(client, voting["page"] + "/uitgereikt", {"issued": "3"})
    assert response.status_code == 400 and snapshot(app) == before


def test_another_stadsdeel_cannot_record(app, client, auth, voting) -> None:
    login(client, auth, "official-B")
    before = snapshot(app)
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 403
    assert upload(client, voting, "yesno", b"answer\nyes\n").status_code == 403
    assert snapshot(app) == before


HOSTILE: list[tuple[str, dict[str, Any], str]] = [
    ("/uitgereikt", {"issued": "abc"}, "Uitgereikte stembiljetten"),
    ("/uitgereikt", {"issued": "-1"}, "Uitgereikte stembiljetten"),
    ("/uitgereikt", {"issued": "99999999999999999999"}, "Uitgereikte stembiljetten"),
    ("/uitgereikt", {"issued": "<script>"}, "Uitgereikte stembiljetten"),
    ("/uitgereikt", {}, "Uitgereikte stembiljetten"),
    ("/stembiljet", {"q{ranked}_1": "<script>alert(1)</script>"}, "Verbeter het volgende"),
    ("/stembiljet", {"q{ranked}_1": "99999999999999999999999"}, "Verbeter het volgende"),
    ("/stembiljet", {"q{points}_1": "-5"}, "Verbeter het volgende"),
    ("/bestand", {"question": "abc"}, "Vraag"),
    ("/bestand", {"question": "999999"}, "Vraag"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("path", "data", "expected"), HOSTILE)
def test_hostile_input_is_refused_in_dutch(app, client, auth, voting, path, data,
                                           expected) -> None:
    login(client, auth)
    before = snapshot(app)
    fields = {k.format(**voting["questions"]): v for k, v in data.items()}
    response = post(client, voting["page"] + path, fields)
    assert response.status_code == 400
    assert expected in page_text(response)
    assert "<script>alert" not in page_text(response)
    assert snapshot(app) == before


@pytest.mark.sqlite_only
def test_missing_csrf_oversized_and_badly_encoded_files_change_nothing(app, client, auth,
                                                                       voting) -> None:
    login(client, auth)
    before = snapshot(app)
    for path, data in (("/uitgereikt", {"issued": "3"}), ("/stembiljet", full_ballot(voting)),
                       ("/bestand", {"question": str(voting["questions"]["yesno"]),
                                     "file": (io.BytesIO(b"answer\nyes\n"), "b.csv")})):
        response = client.post(voting["page"] + path, data=data)
        assert response.status_code == 400 and CSRF_NL in page_text(response), path
    response = raw_upload(client, voting, b"answer\n" + b"yes\n" * 300_000)  # 1.2 MB
    assert response.status_code == 400
    assert "Regel 1: Het bestand is groter dan 1024 kB." in page_text(response)
    response = raw_upload(client, voting, b"answer\n" + b"yes\n" * 600_000)  # 2.4 MB
    assert response.status_code == 413
    response = upload(client, voting, "approval", "Speeltuin\nx\n\xe9\n".encode("latin-1"))
    assert response.status_code == 400
    assert "Regel 3: Het bestand is geen leesbaar tekstbestand (CSV)." in page_text(response)
    response = upload(client, voting, "approval", b"")
    assert response.status_code == 400 and "Het bestand bevat geen stembiljetten." in \
        page_text(response)
    response = upload(client, voting, "approval", b'Speeltuin\n"x\nx\n')
    assert response.status_code == 400
    assert snapshot(app) == before


@pytest.mark.sqlite_only
def test_page_documents_the_layout_with_an_example(app, client, auth, voting) -> None:
    login(client, auth)
    text = page_text(client.get(voting["page"]))
    assert "rank_1,rank_2,rank_3\nSpeeltuin,Bankjes,Muurschildering\nLantaarns,," in text
    assert "answer\nyes\nno" in text
    with Session(app.extensions[EXTENSION]) as session:
        assert session.get(Round, voting["round_id"]).phase == "voting"
        assert session.exec(select(Question).where(
            Question.round_id == voting["round_id"])).first() is not None


@pytest.mark.sqlite_only
def test_a_file_wrong_everywhere_is_reported_up_to_a_limit(app, client, auth, voting) -> None:
    login(client, auth)
    response = upload(client, voting, "approval", b"Speeltuin,Bankjes,Lantaarns\n" +
                      b"x,x,x\n" * 250)
    text = page_text(response)
    assert response.status_code == 400
    assert text.count("Kies maximaal 2 (u koos er 3).") == 200
    assert "Regel 201: Kies maximaal" in text and "Regel 202" not in text
    assert "Regel 201: Na 200 foute regels is het controleren gestopt." in text
    assert paper_ballots(app, voting["round_id"]) == []


def test_a_batch_that_fails_while_storing_leaves_nothing(app, voting, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from app.services.errors import ServiceError

    def locked(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    before = snapshot(app)
    monkeypatch.setattr(paper.audit, "record", locked)  # fails after the ballots were added
    with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
        round_ = session.get(Round, voting["round_id"])
        station = session.get(Stembureau, voting["stembureau_id"])
        with pytest.raises(ServiceError) as refused:
            paper.record_batch(session, round_, station, voting["questions"]["ranked"],
                               RANKED_CSV.encode(), None)
    assert refused.value.code == "busy"
    assert snapshot(app) == before


def test_count_takes_every_paper_ballot_sheet(app, client, auth, world, voting) -> None:
    from app.services import counting

    login(client, auth)
    files = {"ranked": "rank_1,rank_2\nBankjes,Speeltuin\nLantaarns,\n",
             "approval": "Speeltuin,Lantaarns\nx,x\n,x\n",
             "knapsack": "Bankjes,Lantaarns\nx,x\nx,\n",
             "points": "Speeltuin,Bankjes\n4,6\n10,\n",
             "yesno": "answer\nyes\nno\n"}
    for kind, data in files.items():
        assert upload(client, voting, kind, data.encode()).status_code == 302, kind
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    set_round(app, voting["round_id"], phase="counting")
    with app.test_request_context(), Session(app.extensions[EXTENSION]) as session:
        counts = counting.run_count(session, session.get(Round, voting["round_id"]),
                                    world["account_official-A"])
        found = [(c.total_ballots, c.n_ballots) for c in counts]
    # Five files of two ballots each lie side by side on two sheets, plus one whole ballot.
    assert found == [(3, 3)] * 5


def other_ballot(v: dict[str, Any]) -> dict[str, Any]:
    """A valid ballot that differs from ``full_ballot`` in the yes/no answer only."""
    return {**full_ballot(v), f"q{v['questions']['yesno']}": "yes"}


def recorded(app: Flask, v: dict[str, Any]) -> dict[int, int]:
    """The stembureau's recorded paper answers per question."""
    with app.app_context(), Session(app.extensions[EXTENSION]) as session:
        (station,) = paper.reconciliation(session, v["round_id"])
    return station.recorded


def test_a_ballot_entered_twice_is_withdrawn_once_by_its_answers(app, client, auth,
                                                                voting) -> None:
    login(client, auth)
    for ballot in (full_ballot(voting), full_ballot(voting), other_ballot(voting)):
        assert post(client, voting["page"] + "/stembiljet", ballot).status_code == 302
    page = client.get(voting["page"] + "/intrekken")
    assert page.status_code == 200 and "Papieren stembiljet intrekken" in page_text(page)
    assert (f'href="{voting["page"]}/intrekken">Eén per vergissing vastgelegd papieren '
            "stembiljet intrekken</a>" in page_text(client.get(voting["page"])))
    response = post(client, voting["page"] + "/intrekken", full_ballot(voting))
    assert response.status_code == 302
    assert "Het papieren stembiljet is ingetrokken." in page_text(client.get(voting["page"]))
    q = voting["questions"]
    left = sorted(json.loads(b.answers)[str(q["yesno"])]
                  for b in paper_ballots(app, voting["round_id"]))
    assert left == ["no", "yes"]
    (event,) = events(app, "paper.withdrawn")
    # the log says one ballot was withdrawn, never what was on it
    assert event.details == {"stembureau": voting["stembureau_id"], "ballots": 1}


def test_withdrawing_a_ballot_never_recorded_or_invalid_changes_nothing(app, client, auth,
                                                                        voting) -> None:
    login(client, auth)
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    before = snapshot(app)
    response = post(client, voting["page"] + "/intrekken", other_ballot(voting))
    assert response.status_code == 400
    assert ("Op dit stembureau is geen papieren stembiljet met precies deze antwoorden "
            "vastgelegd. Er is niets ingetrokken." in page_text(response))
    q, i = voting["questions"], voting["initiatives"]
    invalid = {**full_ballot(voting), f"q{q['approval']}": [i["Lantaarns"], i["Bankjes"],
                                                            i["Speeltuin"]]}
    response = post(client, voting["page"] + "/intrekken", invalid)
    assert response.status_code == 400
    assert "Kies maximaal 2 (u koos er 3)." in page_text(response)
    assert snapshot(app) == before


def test_clearing_a_question_removes_its_answers_to_record_them_again(app, client, auth,
                                                                     voting) -> None:
    login(client, auth)
    q = voting["questions"]
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    assert upload(client, voting, "ranked", RANKED_CSV.encode()).status_code == 302
    assert recorded(app, voting)[q["ranked"]] == 4
    before = snapshot(app)
    unconfirmed = post(client, voting["page"] + "/wissen",
                       {"question_to_clear": str(q["ranked"])})
    assert unconfirmed.status_code == 400
    assert "Vink het vakje aan om te bevestigen." in page_text(unconfirmed)
    assert snapshot(app) == before

    response = post(client, voting["page"] + "/wissen",
                    {"question_to_clear": str(q["ranked"]), "confirm": "y"})
    assert response.status_code == 302
    assert "Verwijderde papieren antwoorden op deze vraag: 4." in page_text(
        client.get(voting["page"]))
    # The three sheets of the file held only this answer and are gone; the full ballot
    # keeps its other answers.
    (sheet,) = paper_ballots(app, voting["round_id"])
    assert str(q["ranked"]) not in json.loads(sheet.answers)
    assert recorded(app, voting) == {q["approval"]: 1, q["knapsack"]: 1, q["points"]: 1,
                                     q["yesno"]: 1}
    (event,) = events(app, "paper.cleared")
    assert event.details == {"stembureau": voting["stembureau_id"], "ballots": 4,
                             "question": q["ranked"]}
    # The corrected file fills the full ballot's sheet first, as a second file would.
    assert upload(client, voting, "ranked", RANKED_CSV.encode()).status_code == 302
    assert len(paper_ballots(app, voting["round_id"])) == 3
    assert recorded(app, voting)[q["ranked"]] == 3


def test_corrections_only_while_paper_ballots_can_be_recorded(app, client, auth, world,
                                                              voting) -> None:
    login(client, auth)
    q = voting["questions"]
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    with Session(app.extensions[EXTENSION]) as session:
        session.add(QuestionCount(
            round_id=voting["round_id"], question_id=q["yesno"], rule="majority",
            seed="0", ballots_name="x.csv", ballots_file=b"", ballots_sha256="0" * 64,
            labels_json="{}", result_json="{}", counted_by=world["account_official-A"],
            counted_at=utcnow()))
        session.commit()
    before = snapshot(app)
    for response in (post(client, voting["page"] + "/intrekken", full_ballot(voting)),
                     post(client, voting["page"] + "/wissen",
                          {"question_to_clear": str(q["ranked"]), "confirm": "y"})):
        assert response.status_code == 400
        assert "niet meer als er al geteld is" in page_text(response)
    assert snapshot(app) == before


def test_another_stadsdeel_cannot_correct(app, client, auth, voting) -> None:
    login(client, auth)
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    auth.logout()
    login(client, auth, "official-B")
    before = snapshot(app)
    assert client.get(voting["page"] + "/intrekken").status_code == 403
    assert post(client, voting["page"] + "/intrekken", full_ballot(voting)).status_code == 403
    assert post(client, voting["page"] + "/wissen", {
        "question_to_clear": str(voting["questions"]["ranked"]), "confirm": "y"}).status_code == 403
    assert snapshot(app) == before


def test_choices_are_stored_in_one_order_whatever_order_the_form_sends(app, client, auth,
                                                                       voting) -> None:
    # A ballot names its choices of an approval or knapsack question as a set: stored
    # sorted by id, so that the same ballot is always the same text (and can be withdrawn).
    login(client, auth)
    q, i = voting["questions"], voting["initiatives"]
    backwards = {**full_ballot(voting), f"q{q['knapsack']}": [i["Lantaarns"], i["Speeltuin"]],
                 f"q{q['approval']}": [i["Lantaarns"], i["Bankjes"]]}
    assert post(client, voting["page"] + "/stembiljet", backwards).status_code == 302
    (ballot,) = paper_ballots(app, voting["round_id"])
    stored = json.loads(ballot.answers)
    assert stored[str(q["knapsack"])] == sorted([i["Lantaarns"], i["Speeltuin"]])
    assert stored[str(q["approval"])] == sorted([i["Lantaarns"], i["Bankjes"]])
    forwards = {**backwards, f"q{q['knapsack']}": [i["Speeltuin"], i["Lantaarns"]],
                f"q{q['approval']}": [i["Bankjes"], i["Lantaarns"]]}
    assert post(client, voting["page"] + "/intrekken", forwards).status_code == 302
    assert paper_ballots(app, voting["round_id"]) == []


@pytest.fixture
def second_station(app: Flask, voting: dict[str, Any]) -> str:
    """Another stembureau of the same round; returns its page."""
    with Session(app.extensions[EXTENSION]) as session:
        station = Stembureau(round_id=voting["round_id"], name="School De Es",
                             address="Esweg 2")
        session.add(station)
        session.commit()
        return f"/official/stembureaus/{station.id}/papier"


def test_corrections_touch_only_their_own_stembureau(app, client, auth, voting,
                                                     second_station) -> None:
    login(client, auth)
    q = voting["questions"]
    for page in (voting["page"], second_station):
        assert post(client, page + "/stembiljet", full_ballot(voting)).status_code == 302
    other = {b.id: b.answers for b in paper_ballots(app, voting["round_id"])
             if b.stembureau_id != voting["stembureau_id"]}
    assert post(client, voting["page"] + "/intrekken", full_ballot(voting)).status_code == 302
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    assert post(client, voting["page"] + "/wissen", {
        "question_to_clear": str(q["ranked"]), "confirm": "y"}).status_code == 302
    left = {b.id: b.answers for b in paper_ballots(app, voting["round_id"])
            if b.stembureau_id != voting["stembureau_id"]}
    assert left == other


def test_clearing_a_question_with_nothing_recorded_says_so(app, client, auth, voting) -> None:
    login(client, auth)
    assert upload(client, voting, "yesno", b"answer\nyes\n").status_code == 302
    before = snapshot(app)
    response = post(client, voting["page"] + "/wissen", {
        "question_to_clear": str(voting["questions"]["ranked"]), "confirm": "y"})
    assert response.status_code == 400
    assert ("Op dit stembureau zijn geen papieren antwoorden op deze vraag vastgelegd: er is "
            "niets te verwijderen." in page_text(response))
    assert snapshot(app) == before and events(app, "paper.cleared") == []


def test_a_ballot_recorded_under_a_larger_budget_can_still_be_withdrawn(app, client, auth,
                                                                        voting) -> None:
    login(client, auth)
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    # Speeltuin 3.000 + Lantaarns 1.000 fitted in 5.000; with 3.500 a new ballot would not.
    set_round(app, voting["round_id"], budget_fixed_cents=350_000)
    refused = post(client, voting["page"] + "/stembiljet", full_ballot(voting))
    assert refused.status_code == 400 and "Te duur" in page_text(refused)
    assert post(client, voting["page"] + "/intrekken", full_ballot(voting)).status_code == 302
    assert paper_ballots(app, voting["round_id"]) == []


@pytest.mark.postgres_only
def test_two_withdrawals_of_one_ballot_at_once_remove_it_once(app, client, auth, voting,
                                                              monkeypatch) -> None:
    # The first withdrawal holds its transaction open (a slow audit write); the second,
    # meanwhile, must not delete the same row again and report success a second time.
    login(client, auth)
    assert post(client, voting["page"] + "/stembiljet", full_ballot(voting)).status_code == 302
    record, slow = paper.audit.record, threading.Event()

    def slow_record(*args: Any, **kwargs: Any) -> None:
        record(*args, **kwargs)
        if not slow.is_set():
            slow.set()
            time.sleep(0.5)

    monkeypatch.setattr(paper.audit, "record", slow_record)
    outcomes: list[str] = []

    def withdraw() -> None:
        with app.app_context(), Session(app.extensions[EXTENSION]) as session:
            round_ = session.get(Round, voting["round_id"])
            station = session.get(Stembureau, voting["stembureau_id"])
            items = ballot_questions(session, round_)
            with app.test_request_context(data=full_ballot(voting), method="POST"):
                given = answers(request.form, items)
            try:
                paper.withdraw_paper_ballot(session, round_, station, given, None)
                outcomes.append("withdrawn")
            except ServiceError as error:
                outcomes.append(error.code)

    first = threading.Thread(target=withdraw)
    first.start()
    assert slow.wait(10)
    withdraw()
    first.join(10)
    assert sorted(outcomes) == ["paper_no_match", "withdrawn"]
    assert paper_ballots(app, voting["round_id"]) == []
    assert len(events(app, "paper.withdrawn")) == 1
