"""BLT files: the reference elections load with their official totals, round trips, errors."""

import io

import numpy as np
import pytest

from ballots.election import RankedElection
from ballots.errors import FormatError
from ballots.formats.blt import format_blt, parse_blt, read_blt, write_blt
from ballots.profile import RankedProfile
from tests.ballots.conftest import BLT_FILES, REFDATA, same_profile


def first_preferences(profile: RankedProfile) -> dict[str, int]:
    firsts = np.zeros(profile.n_options, np.int64)
    np.add.at(firsts, profile.rankings[:, 0], profile.counts)
    return dict(zip(profile.options, firsts.tolist(), strict=True))


def test_ballina_totals():
    election = read_blt(REFDATA / "ranked" / "nswla_ballina_2015.blt")
    assert election.profile.n_voters == 47458
    assert election.seats == 1
    assert election.title == "NSW Legislative Assembly Ballina 2015"
    assert election.profile.options[4] == "SMITH Tamara"
    firsts = first_preferences(election.profile)
    assert max(firsts, key=firsts.get) == "BEAVIS Kris"  # the official first-preference leader


def test_portland_totals():
    election = read_blt(REFDATA / "ranked" / "portland_2024_district1.blt")
    profile = election.profile
    assert profile.n_voters == 42871
    assert (profile.n_options, election.seats) == (17, 3)
    assert profile.options[-1] == "Uncertified Write In"
    assert profile.rankings.shape[1] == 6  # ranked up to 6
    assert profile.withdrawn == frozenset()


@pytest.mark.parametrize("path", BLT_FILES, ids=lambda p: p.name)
def test_write_then_read_gives_the_same_election(path, tmp_path):
    election = read_blt(path)
    write_blt(election, tmp_path / "copy.blt")
    copy = read_blt(tmp_path / "copy.blt")
    assert same_profile(copy.profile, election.profile)
    assert (copy.seats, copy.title) == (election.seats, election.title)


def test_withdrawn_and_empty_ballots_round_trip():
    text = '4 2\n-2 -4\n3 1 3 0\n2 0\n1 2 1 4 3 0\n0\n"A"\n"B"\n"C"\n"D"\n"Wijkraad"\n'
    election = parse_blt(text)
    assert election.profile.withdrawn == frozenset({1, 3})
    assert sorted(election.profile.ballots()) == [((), 2), ((0, 2), 3), ((1, 0, 3, 2), 1)]
    assert parse_blt(format_blt(election)).profile.withdrawn == frozenset({1, 3})
    assert same_profile(parse_blt(format_blt(election)).profile, election.profile)


def test_comments_blank_lines_and_missing_title_are_tolerated():
    election = parse_blt('# a comment\n2 1\n\n5 2 0\n0\n"A"\n"B"\n')
    assert (election.title, election.profile.n_voters) == ("", 5)


def test_names_with_quotes_cannot_be_written():
    profile = RankedProfile.from_ballots([[0]], ['Say "hi"'])
    with pytest.raises(ValueError):
        format_blt(RankedElection(profile))


NAMES = '"A"\n"B"\n"C"\n"T"\n'
BROKEN = [
    ("", 1, "empty file"),
    ("3\n", 1, "candidates seats"),
    ("3 x\n", 1, "candidates seats"),
    ("3 4\n", 1, "seats"),
    ("0 1\n", 1, "at least 1 candidate"),
    ("3 1\n-4\n0\n" + NAMES, 2, "withdrawn"),
    ("3 1\n-1 x\n0\n" + NAMES, 2, "withdrawn"),
    ("3 1\n2 1 2 0\n1 2=3 0\n0\n" + NAMES, 3, "equal rankings ('2=3') are not supported"),
    ("3 1\n2 1 2\n0\n" + NAMES, 2, "ends with 0"),
    ("3 1\n0 1 2 0\n0\n" + NAMES, 2, "weight"),
    ("3 1\n1.5 1 2 0\n0\n" + NAMES, 2, "weight"),
    ("3 1\n2 1 4 0\n0\n" + NAMES, 2, "candidate '4'"),
    ("3 1\n2 1 0 2 0\n0\n" + NAMES, 2, "candidate '0'"),
    ("3 1\n2 1 2 1 0\n0\n" + NAMES, 2, "candidate 1 appears twice"),
    ("3 1\n2 1 2 0\n", 2, "ends before the line '0'"),
    ('3 1\n2 1 0\n0\n"A"\n"B"\n', 5, "expected 3 candidate names, found 2"),
    ('3 1\n2 1 0\n0\n"A"\nB\n"C"\n', 5, "in quotes"),
    ('3 1\n2 1 0\n0\n"A"\n"B"\n"A"\n', 6, "appears twice"),
    ('3 1\n2 1 0\n0\n"A"\n"B"\n"C"\nTitle\n', 7, "title in quotes"),
    ('3 1\n2 1 0\n0\n"A"\n"B"\n"C"\n"T"\n"more"\n', 8, "after the title"),
]


@pytest.mark.parametrize(("text", "line", "reason"), BROKEN)
def test_broken_file_names_line_and_reason(text, line, reason):
    with pytest.raises(FormatError) as caught:
        read_blt(io.StringIO(text))
    assert caught.value.line == line, caught.value
    assert reason in caught.value.reason
