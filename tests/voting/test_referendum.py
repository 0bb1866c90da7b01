"""Yes/no questions: simple majority, ties not adopted, blanks counted apart."""

from __future__ import annotations

import io

import pytest

from ballots.formats.ballot_csv import read_ballot_csv, write_ballot_csv
from voting.referendum import yes_no
from voting.result import canonical_json


def profile_from_answers(answers: list[str]):
    """A yes/no profile read from a ballot CSV with one answer per row."""
    text = "answer\n" + "".join(f"{a}\n" for a in answers)
    return read_ballot_csv(io.StringIO(text), kind="yes_no")


def test_counts_a_csv_of_answers_by_hand() -> None:
    answers = ["yes"] * 7 + ["no"] * 4 + ["blank"] * 2
    result = yes_no(profile_from_answers(answers))
    assert (result.yes, result.no, result.blank) == (7, 4, 2)
    assert result.outcome == "yes" and result.adopted


def test_a_majority_of_no_rejects() -> None:
    result = yes_no(profile_from_answers(["no", "no", "yes", "blank", "blank", "blank"]))
    assert result.outcome == "no" and not result.adopted
    # blanks outnumber both but do not decide
    assert result.blank == 3


def test_a_tie_is_not_adopted() -> None:
    result = yes_no({"yes": 5, "no": 5, "blank": 1})
    assert result.outcome == "tie" and not result.adopted


def test_profile_and_counts_agree_and_survive_a_csv_round_trip() -> None:
    profile = profile_from_answers(["no", "yes", "yes", "blank", "yes"])
    out = io.StringIO()
    write_ballot_csv(profile, out, kind="yes_no")
    again = read_ballot_csv(io.StringIO(out.getvalue()), kind="yes_no")
    assert yes_no(again) == yes_no(profile) == yes_no({"yes": 3, "no": 1, "blank": 1})


def test_no_ballots_is_a_tie() -> None:
    result = yes_no(profile_from_answers([]))
    assert (result.yes, result.no, result.blank, result.outcome) == (0, 0, 0, "tie")


def test_serialises_canonically_without_floats() -> None:
    text = canonical_json(yes_no({"yes": 2, "no": 1}).to_dict())
    assert text == '{"adopted":true,"blank":0,"no":1,"outcome":"yes","rule":"majority","yes":2}'


@pytest.mark.parametrize("bad", [{"yes": -1}, {"maybe": 3}])
def test_refuses_bad_counts(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        yes_no(bad)
