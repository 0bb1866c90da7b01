"""Pabulib .pb files: the reference files load, exact money, round trips, broken input."""

import io
import time

import numpy as np
import pytest

from ballots.errors import FormatError
from ballots.formats.pabulib import format_pb, parse_pb, read_pb, write_pb
from ballots.profile import ApprovalProfile, RankedProfile
from tests.ballots.conftest import PB_FILES, REFDATA, same_election

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("path", PB_FILES, ids=lambda p: p.name)
def test_reference_file_matches_its_meta(path, pb_elections):
    election = pb_elections[path.name]
    assert election.profile.n_voters == int(election.meta["num_votes"])
    assert len(election.projects) == int(election.meta["num_projects"])
    assert election.profile.options == tuple(p.id for p in election.projects)
    expected = RankedProfile if election.vote_type == "ordinal" else ApprovalProfile
    assert isinstance(election.profile, expected)


@pytest.mark.parametrize("path", PB_FILES, ids=lambda p: p.name)
def test_reference_file_totals_match_its_votes_and_score_columns(path, pb_elections):
    # the files' own per-project "votes" (voters marking it) and "score"
    # columns were computed by Pabulib, independently of our parser
    election = pb_elections[path.name]
    fields = election.project_fields
    profile = election.profile
    if isinstance(profile, RankedProfile):
        marked = np.zeros(profile.n_options, np.int64)
        points = np.zeros(profile.n_options, np.int64)
        for ballot, count in profile.ballots():
            for rank, option in enumerate(ballot):
                marked[option] += count
                points[option] += count * (3 - rank)  # Kraków: 3-2-1 points
    else:
        marked, points = profile.supporters(), profile.totals()
    for i, project in enumerate(election.projects):
        assert marked[i] == int(fields[project.id]["votes"]), project.id
        if "score" in fields[project.id]:
            assert points[i] == int(fields[project.id]["score"]), project.id


def test_money_is_exact_cents(pb_elections):
    krakow = pb_elections["Poland_Krakow_2024_Swoszowice.pb"]
    assert krakow.budget == 158419652
    assert krakow.currency == "PLN"
    assert pb_elections["Poland_Warszawa_2026.pb"].budget == 24186815_00
    assert pb_elections["Netherlands_Assen_2024.pb"].budget == 100000_00
    amsterdam = pb_elections["Netherlands_Amsterdam_588.pb"]
    assert {p.id: p.cost for p in amsterdam.projects}["42190"] == 100  # the "cost 1" project


def test_project_columns_and_meta_are_kept(pb_elections):
    assen = pb_elections["Netherlands_Assen_2024.pb"]
    first = assen.projects[0]
    assert (first.id, first.name, first.cost) == ("3", "PopUp Podium", 7200_00)
    assert assen.project_fields["3"]["selected"] == "1"
    assert assen.meta["rule"] == "equalshares/add1"
    assert list(assen.meta)[:3] == ["description", "country", "unit"]
    warsaw = pb_elections["Poland_Warszawa_2026.pb"]
    assert warsaw.voter_fields == ("age", "sex", "voting_method", "neighborhood")


def test_matches_pabutools_on_the_same_file(pb_elections):
    from pabutools.election import parse_pabulib

    path = REFDATA / "pb" / "Switzerland_Zurich_D5.pb"
    instance, profile = parse_pabulib(str(path))
    ours = pb_elections[path.name].profile
    theirs = {p.name: 0 for p in instance}
    for ballot in profile:
        for project, points in ballot.items():
            theirs[project.name] += int(points)
    assert dict(zip(ours.options, ours.totals().tolist(), strict=True)) == theirs
    assert len(profile) == ours.n_voters


@pytest.mark.parametrize("path", PB_FILES, ids=lambda p: p.name)
def test_write_then_read_gives_the_same_election(path, pb_elections, tmp_path):
    election = pb_elections[path.name]
    out = tmp_path / "copy.pb"
    write_pb(election, out)
    assert same_election(read_pb(out), election)
    assert same_election(read_pb(io.BytesIO(out.read_bytes())), election)


@pytest.mark.parametrize(
    "name",
    ["Netherlands_Assen_2024.pb", "Poland_Krakow_2024_Swoszowice.pb",
     "Poland_Czestochowa_2020_Grabowka.pb", "Netherlands_Amsterdam_643.pb"],
)
def test_pabutools_reads_what_we_write(name, pb_elections, tmp_path):
    from fractions import Fraction

    from pabutools.election import parse_pabulib

    election = pb_elections[name]
    out = tmp_path / name
    write_pb(election, out)
    instance, profile = parse_pabulib(str(out))
    assert instance.budget_limit == Fraction(election.budget, 100)
    assert {p.name: p.cost for p in instance} == {
        p.id: Fraction(p.cost, 100) for p in election.projects
    }
    assert len(profile) == election.profile.n_voters


def test_warsaw_loads_fast():
    # measured ~0.18 s on the 2-core dev box (pabutools: ~22 s); a loose
    # bound so that a loaded CI machine does not fail it
    path = REFDATA / "pb" / "Poland_Warszawa_2026.pb"
    start = time.perf_counter()
    election = read_pb(path)
    assert time.perf_counter() - start < 1.5
    assert election.profile.n_voters == 61668


def test_identical_ballots_are_merged_whatever_the_order():
    election = parse_pb(
        "META\nkey;value\nvote_type;approval\nbudget;10\n"
        "PROJECTS\nproject_id;cost\na;4\nb;5\n"
        "VOTES\nvoter_id;vote\n1;a,b\n2;b,a\n3; b , a\n4;a\n"
    )
    assert election.profile.counts.tolist() == [1, 3]
    assert election.profile.totals().tolist() == [4, 3]


def test_quoted_descriptions_with_semicolons_are_read_whole():
    election = parse_pb(
        'META\nkey;value\nvote_type;approval\n'
        'PROJECTS\nproject_id;cost;name\n1;10.5;"Bankjes; ""groen"" en\nmooi"\n'
        "VOTES\nvoter_id;vote\n7;1\n"
    )
    assert election.projects[0].name == 'Bankjes; "groen" en\nmooi'
    assert election.projects[0].cost == 1050
    assert election.budget is None
    copy = parse_pb(format_pb(election))
    # the writer adds the counts Pabulib expects in META
    assert dict(copy.meta) == {"vote_type": "approval", "num_projects": "1", "num_votes": "1"}
    assert copy.projects == election.projects
    assert same_election(parse_pb(format_pb(copy)), copy)


def test_cofinancing_column_round_trips():
    election = parse_pb(
        "META\nkey;value\nvote_type;approval\nbudget;100\n"
        "PROJECTS\nproject_id;cost;cofinancing\n1;80;60\n2;30;\n"
        "VOTES\nvoter_id;vote\n1;1,2\n"
    )
    assert [p.municipal_cost for p in election.projects] == [2000, 3000]
    copy = parse_pb(format_pb(election))
    assert copy.projects == election.projects
    assert same_election(parse_pb(format_pb(copy)), copy)


HEAD = "META\nkey;value\nvote_type;{vt}\nbudget;100\n{meta}PROJECTS\nproject_id;cost\n1;10\n2;20\n"
APPROVAL = HEAD.format(vt="approval", meta="")
VOTES = "VOTES\nvoter_id;vote\n"


def head(meta: str, vote_type: str = "approval") -> str:
    """The META and PROJECTS sections of a small approval file, with extra META rows."""
    return HEAD.format(vt=vote_type, meta=meta)


CUMULATIVE = HEAD.format(vt="cumulative", meta="max_sum_points;10\n")

BROKEN = [
    # (text, line, words in the reason)
    ("", 1, "ends before the META"),
    ("PROJECTS\nproject_id;cost\n", 1, "expected the line META"),
    ("META\n", 1, "no header"),
    ("META\nkey;value\nvote_type;approval\n", 3, "ends before the PROJECTS"),
    ("META\nkey;value\nvote_type;approval\nbudget;1;2\n", 4, "2 fields"),
    ("META\nkey;value\nvote_type;approval\nvote_type;ordinal\n", 4, "twice"),
    ("META\nkey;value\nnum_votes;many\n", 3, "whole number"),
    (APPROVAL, 8, "ends before the VOTES"),
    (HEAD.format(vt="approval", meta="") + "3\n", 9, "1 fields"),
    (APPROVAL.replace("2;20", "1;20") + "VOTES\nvote\n", 8, "'1' appears twice"),
    (APPROVAL.replace("2;20", "2;-20") + "VOTES\nvote\n", 8, "negative"),
    (APPROVAL.replace("2;20", "2;20.005") + "VOTES\nvote\n", 8, "more than 2 decimals"),
    (APPROVAL.replace("2;20", "2;20,5") + "VOTES\nvote\n", 8, "not an amount"),
    (APPROVAL.replace("2;20", "2;NaN") + "VOTES\nvote\n", 8, "not an amount"),
    (APPROVAL.replace("2;20", "2,3;20") + "VOTES\nvote\n", 8, "without commas"),
    (APPROVAL.replace("project_id;cost", "id;cost") + "VOTES\n", 6, "no project_id"),
    (HEAD.format(vt="approval", meta="").replace("budget;100", "budget;1.5.0")
     + "VOTES\nvote\n", 4, "budget"),
    (HEAD.format(vt="plurality", meta="") + "VOTES\nvote\n", 3, "vote_type"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\n2;1,3\n", 12, "project '3'"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\n2;1,,2\n", 12, "empty project id"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\n2;2,1,2\n", 12, "'2' appears twice"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\n\n1;2\n", 13, "voter_id '1' appears twice"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\n2;1;x\n", 12, "3 fields"),
    (APPROVAL + "VOTES\nvoter_id;vote\n1;1\nMETA\n", 12, "section"),
    (APPROVAL + "VOTES\nvoter_id\n1\n", 10, "no vote column"),
    (APPROVAL + "VOTES\n", 9, "no header"),
    (head("num_votes;3\n") + VOTES + "1;1\n", 5, "num_votes is 3"),
    (head("num_projects;3\n") + VOTES + "1;1\n", 5, "num_projects is 3"),
    (head("max_length;1\n") + VOTES + "1;1\n2;1,2\n", 13, "at most 1"),
    (head("min_length;2\n") + VOTES + "1;1\n", 12, "at least 2"),
    (HEAD.format(vt="choose-1", meta="") + "VOTES\nvoter_id;vote\n1;1,2\n", 11, "at most 1"),
    (HEAD.format(vt="approval", meta="max_sum_cost;25\n")
     + "VOTES\nvoter_id;vote\n1;1\n2;2,1\n", 13, "max_sum_cost"),
    (CUMULATIVE + "VOTES\nvoter_id;vote\n1;1\n", 11, "points column"),
    (CUMULATIVE + "VOTES\nvoter_id;vote;points\n1;1,2;5,6\n", 12, "11 points in total"),
    (CUMULATIVE + "VOTES\nvoter_id;vote;points\n1;1,2;5\n", 12, "1 points for 2 projects"),
    (CUMULATIVE + "VOTES\nvoter_id;vote;points\n1;1,2;5,-1\n", 12, "-1 points"),
    (CUMULATIVE + "VOTES\nvoter_id;vote;points\n1;1;2.5\n", 12, "whole numbers"),
    (CUMULATIVE + "VOTES\nvoter_id;vote;points\n1;1;99999999999999999999\n", 12, "whole numbers"),
    (head("", "ordinal") + VOTES + "1;1,2\n2;2,2\n", 12, "'2' appears twice"),
    (APPROVAL + 'VOTES\nvoter_id;vote\n1;"1"\n2;"1"x\n', 12, "project '1x'"),
]


@pytest.mark.parametrize(("text", "line", "reason"), BROKEN)
def test_broken_file_names_line_and_reason(text, line, reason):
    with pytest.raises(FormatError) as caught:
        parse_pb(text, path="x.pb")
    assert caught.value.line == line, caught.value
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"x.pb: line {line}: ")


def test_bad_utf8_names_the_line():
    data = "META\nkey;value\ndescription;Zo\u00eb\nvote_type;approval\n".encode()
    data = data.replace("\u00eb".encode(), b"\xeb")
    with pytest.raises(FormatError) as caught:
        read_pb(io.BytesIO(data))
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.reason


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(FormatError) as caught:
        read_pb(tmp_path / "nothing.pb")
    assert "cannot read" in caught.value.reason
