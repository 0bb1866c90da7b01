"""CSV of paper ballots: every kind reads, validates against its spec and round-trips."""

import io

import pytest

from ballots.errors import BallotError, FormatError
from ballots.formats.ballot_csv import read_ballot_csv, write_ballot_csv
from ballots.profile import ApprovalProfile, RankedProfile
from ballots.specs import ApprovalSpec, KnapsackSpec, PointsSpec, YesNoSpec, wijktop3
from tests.ballots.conftest import same_profile

LABELS = ("Speeltuin", "Bankjes", "Moestuin", "Lantaarns")


def read(text: str, **kwargs):
    return read_ballot_csv(io.StringIO(text), **kwargs)


def test_ranked_ballots_with_options_from_the_caller():
    text = "rank_1,rank_2,rank_3\nMoestuin,Speeltuin,\nBankjes,,\nMoestuin,Speeltuin,\n"
    profile = read(text, spec=wijktop3(LABELS))
    assert isinstance(profile, RankedProfile)
    assert profile.options == LABELS
    assert sorted(profile.ballots()) == [((1,), 1), ((2, 0), 2)]


def test_ranked_options_default_to_the_sorted_labels_in_the_file():
    profile = read("rank_1,rank_2\nb,a\nc,\n")
    assert profile.options == ("a", "b", "c")


def test_spec_failure_reports_line_and_keeps_the_ballot_error():
    text = "rank_1,rank_2,rank_3\nMoestuin,,\n,,\n"
    with pytest.raises(FormatError) as caught:
        read(text, spec=wijktop3(LABELS))
    assert caught.value.line == 3
    assert isinstance(caught.value.__cause__, BallotError)
    assert caught.value.__cause__.code == "empty"


def test_spec_minimum_is_checked_per_row():
    text = "rank_1,rank_2,rank_3\nMoestuin,Bankjes,Speeltuin\nMoestuin,Bankjes,\n"
    with pytest.raises(FormatError) as caught:
        read(text, spec=wijktop3(LABELS, min_length=3))
    assert (caught.value.line, caught.value.__cause__.code) == (3, "too_few")


def test_approval_marks():
    text = "Speeltuin,Bankjes,Moestuin,Lantaarns\nx,,X,\n1,0,,\nx,,x,\n"
    profile = read(text, kind="approval")
    assert isinstance(profile, ApprovalProfile)
    assert profile.options == LABELS
    assert profile.totals().tolist() == [3, 0, 2, 0]
    assert profile.counts.tolist() == [1, 2]


def test_knapsack_spec_rejects_over_budget_row():
    spec = KnapsackSpec(LABELS, costs=(500, 300, 200, 100), limit=600)
    text = "Speeltuin,Bankjes,Moestuin,Lantaarns\n,x,x,x\nx,x,,\n"
    with pytest.raises(FormatError) as caught:
        read(text, spec=spec)
    assert caught.value.line == 3
    assert caught.value.__cause__.params == {"total": 800, "limit": 600, "excess": 200}


def test_points_and_their_spec():
    spec = PointsSpec(LABELS, total=5, exact=True)
    text = "Bankjes,Speeltuin,Moestuin,Lantaarns\n3,2,,\n,,5,0\n"
    profile = read(text, spec=spec)
    assert profile.totals().tolist() == [2, 3, 5, 0]
    with pytest.raises(FormatError) as caught:
        read(text + "1,1,,\n", spec=spec)
    assert (caught.value.line, caught.value.__cause__.code) == (4, "points_total")


def test_yes_no_answers_and_blanks():
    profile = read("answer\nyes\nno\nblank\nyes\n", kind="yes_no")
    assert profile.options == ("yes", "no")
    assert profile.totals().tolist() == [2, 1]
    assert profile.n_voters == 4
    with pytest.raises(FormatError) as caught:
        read("answer\nyes\nblank\n", spec=YesNoSpec("Autovrij?"))
    assert (caught.value.line, caught.value.__cause__.code) == (3, "empty")


@pytest.mark.parametrize(
    ("text", "kind", "spec"),
    [
        ("rank_1,rank_2,rank_3\nMoestuin,Speeltuin,\nBankjes,,\n,,\n", "ranked", None),
        ("a,b,c\nx,,x\n,,\nx,,x\n", "approval", None),
        ("a,b,c\n3,,1\n,4,\n", "points", None),
        ("answer\nyes\nno\nblank\n", "yes_no", None),
        ("Speeltuin,Bankjes,Moestuin,Lantaarns\nx,,,x\n", None, ApprovalSpec(LABELS)),
    ],
)
def test_write_then_read_gives_the_same_profile(text, kind, spec):
    options = {} if spec else {"kind": kind}
    profile = read(text, spec=spec, **options)
    out = io.StringIO()
    write_ballot_csv(profile, out, kind=kind if kind == "yes_no" else None)
    copy = read(out.getvalue(), spec=spec, **options)
    assert same_profile(copy, profile)


BROKEN = [
    ("", "ranked", 1, "empty file"),
    ("first,second\na,b\n", "ranked", 1, "rank_1"),
    ("rank_1,rank_2\na,b,c\n", "ranked", 2, "3 cells"),
    ("rank_1,rank_2,rank_3\na,,b\n", "ranked", 2, "rank_2 is empty"),
    ("rank_1,rank_2\na,b\nb,b\n", "ranked", 3, "'b' is ranked more than once"),
    ("rank_1,rank_2\nSpeeltuin,Kerk\n", "ranked", 2, "unknown option 'Kerk'"),
    ("Speeltuin,Kerk\nx,\n", "approval", 1, "'Kerk' is not an option"),
    ("Speeltuin,Speeltuin\nx,\n", "approval", 1, "appears twice"),
    ("Speeltuin,Bankjes\nx,\nyes,\n", "approval", 3, "1 or x"),
    ("Speeltuin,Bankjes\nx\n", "approval", 2, "1 cells"),
    ("Speeltuin,Bankjes\n3,-1\n", "points", 2, "whole number >= 0"),
    ("Speeltuin,Bankjes\n3,1.5\n", "points", 2, "whole number >= 0"),
    ("answer\nyes\nja\n", "yes_no", 3, "'yes', 'no' or 'blank'"),
    ("vote\nyes\n", "yes_no", 1, "answer"),
    ('rank_1,rank_2\n"a\n', "ranked", 2, ""),
]


@pytest.mark.parametrize(("text", "kind", "line", "reason"), BROKEN)
def test_broken_file_names_line_and_reason(text, kind, line, reason):
    options = LABELS if "Speeltuin" in text else None
    with pytest.raises(FormatError) as caught:
        read(text, kind=kind, options=options)
    assert caught.value.line == line, caught.value
    assert reason in caught.value.reason


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown ballot kind"):
        read("a\n", kind="stv")
