"""Any text or bytes fed to a reader gives a result or a FormatError, nothing else."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.errors import FormatError
from ballots.formats.ballot_csv import read_ballot_csv
from ballots.formats.blt import read_blt
from ballots.formats.pabulib import read_pb

PB_SAMPLE = (
    "META\nkey;value\nvote_type;cumulative\nbudget;100.50\nmax_sum_points;5\nnum_votes;2\n"
    "PROJECTS\nproject_id;cost;name\n1;10;\"a;b\"\n2;20.5;c\n"
    "VOTES\nvoter_id;vote;points\n1;1,2;2,3\n2;2;5\n"
)
BLT_SAMPLE = '3 1\n-2\n4 1 3 0\n2 2 0\n0\n"A"\n"B"\n"C"\n"Title"\n'
CSV_SAMPLE = "rank_1,rank_2,rank_3\na,b,\nc,,\n"

READERS = {
    "pb": (read_pb, PB_SAMPLE),
    "blt": (read_blt, BLT_SAMPLE),
    "csv-ranked": (lambda f: read_ballot_csv(f, kind="ranked"), CSV_SAMPLE),
    "csv-points": (lambda f: read_ballot_csv(f, kind="points"), "a,b\n1,2\n"),
    "csv-yes-no": (lambda f: read_ballot_csv(f, kind="yes_no"), "answer\nyes\n"),
}
ALPHABET = st.sampled_from(list('0123456789-=.,;"\n\r #abcxyz') + ["META", "PROJECTS",
                                                                  "VOTES", "rank_1"])


def mutations(sample: str) -> st.SearchStrategy[str]:
    """The valid sample with a slice replaced by random tokens (near-valid input)."""
    return st.tuples(
        st.integers(0, len(sample)), st.integers(0, 20), st.lists(ALPHABET, max_size=12)
    ).map(lambda t: sample[: t[0]] + "".join(t[2]) + sample[t[0] + t[1]:])


def outcome(reader, data):
    try:
        reader(data)
    except FormatError:
        pass


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", READERS)
@FUZZ
@given(data=st.data())
def test_random_text_gives_result_or_format_error(name, data):
    reader, sample = READERS[name]
    text = data.draw(st.one_of(st.text(max_size=200), mutations(sample)))
    outcome(reader, io.StringIO(text))


@pytest.mark.parametrize("name", READERS)
@FUZZ
@given(data=st.data())
def test_random_bytes_give_result_or_format_error(name, data):
    reader, sample = READERS[name]
    raw = data.draw(st.one_of(
        st.binary(max_size=200),
        mutations(sample).map(str.encode),
        st.tuples(st.integers(0, len(sample)), st.binary(min_size=1, max_size=4)).map(
            lambda t: sample.encode()[: t[0]] + t[1] + sample.encode()[t[0]:]
        ),
    ))
    outcome(reader, io.BytesIO(raw))


@pytest.mark.parametrize("name", READERS)
def test_the_fuzz_samples_are_valid(name):
    reader, sample = READERS[name]
    assert reader(io.StringIO(sample)) is not None
