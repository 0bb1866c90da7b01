""".pb VOTES rows: the NumPy reading of plain rows gives exactly what the csv reading gives."""

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ballots.formats.pabulib as pabulib
from ballots.errors import FormatError
from tests.ballots.conftest import PB_FILES, same_election


def read_both_ways(monkeypatch, read, *args):
    """(result with the fast path allowed, whether it was taken, result with csv only)."""
    taken = []
    fast_reader = pabulib.vote_rows

    def spy(*spy_args):
        found = fast_reader(*spy_args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(pabulib, "vote_rows", spy)
    fast = outcome(read, *args)
    monkeypatch.setattr(pabulib, "vote_rows", lambda *_: None)
    slow = outcome(read, *args)
    monkeypatch.setattr(pabulib, "vote_rows", fast_reader)
    return fast, any(taken), slow


def outcome(read, *args):
    """The election, or the line and reason of the FormatError."""
    try:
        return read(*args)
    except FormatError as error:
        return error.line, error.reason


def same_outcome(a, b) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return same_election(a, b)


@pytest.mark.parametrize("path", PB_FILES, ids=lambda p: p.name)
def test_reference_files_read_the_same_both_ways(path, monkeypatch):
    fast, taken, slow = read_both_ways(monkeypatch, pabulib.read_pb, path)
    assert same_election(fast, slow)
    # only the cumulative files (with a points column) are not plain
    assert taken == (fast.vote_type != "cumulative")
    text = path.read_bytes().decode("utf-8")
    fast, _, slow = read_both_ways(monkeypatch, pabulib.parse_pb, text)
    assert same_election(fast, slow)


HEAD = (
    "META\nkey;value\nvote_type;{vote_type}\nbudget;100\n{meta}"
    "PROJECTS\nproject_id;cost\n1;10\n22;20\nBO.D10.12/24;30\nŁąki kwietne ü;40\n"
    "project-with-a-rather-long-id;1\n"
)

BODIES = [
    "voter_id;vote\r\n1;1,22\r\n2;BO.D10.12/24\r\n",
    "voter_id;vote\n1;1,22\n\n2;22\n",
    "voter_id;vote\n1;1,22\n2;22\n\n\r\n",
    "voter_id;vote\n1; 1 , 22\n2;22\n",
    'voter_id;vote\n1;"1,22"\n2;22\n',
    "voter_id;vote\n1;1,22\r2;22\n",
    "vote;voter_id;age\n1,Łąki kwietne ü;a;3\n;b;\n22,1;c;x,y\n",
    "vote\n1\n22,1\nproject-with-a-rather-long-id\n",
    "voter_id;vote\n1;1,22\n1;22\n",
    "voter_id;vote\n1;1,2\n",
    "voter_id;vote\n1;1,,22\n",
    "voter_id;vote\n1;1,22,\n",
    "voter_id;vote\n1;22,22\n",
    "voter_id;vote\n1;1;22\n",
    "voter_id;vote\n1;1\nVOTES\n",
    "voter_id;vote\n" + "".join(f"{i};{i % 7 or ''},BO.D10.12/24\n" for i in range(300)),
]


@pytest.mark.parametrize("vote_type", ["approval", "choose-1", "ordinal"])
@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_unusual_rows_read_the_same_both_ways(body, vote_type, bom, tmp_path, monkeypatch):
    text = HEAD.format(vote_type=vote_type, meta="") + "VOTES\n" + body
    path = tmp_path / "x.pb"
    path.write_bytes(bom + text.encode("utf-8"))
    fast, _, slow = read_both_ways(monkeypatch, pabulib.read_pb, path)
    assert same_outcome(fast, slow), (fast, slow)
    fast, _, slow = read_both_ways(monkeypatch, pabulib.parse_pb, text)
    assert same_outcome(fast, slow), (fast, slow)


ROW = ["1", "22", "BO.D10.12/24", "Łąki kwietne ü", "7", "", " 1", "1 ", ",", '"', "\r", "\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(
    vote_type=st.sampled_from(["approval", "choose-1", "ordinal"]),
    max_length=st.sampled_from(["", "max_length;2\n", "min_length;1\n"]),
    rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c", ""]),
                            st.lists(st.sampled_from(ROW), max_size=4)), max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_random_votes_read_the_same_both_ways(vote_type, max_length, rows, newline, monkeypatch):
    body = "".join(f"{voter};{','.join(vote)}{newline}" for voter, vote in rows)
    text = HEAD.format(vote_type=vote_type, meta=max_length) + "VOTES\nvoter_id;vote\n" + body
    fast, _, slow = read_both_ways(monkeypatch, pabulib._parse, text, "x.pb", text.encode())
    assert same_outcome(fast, slow), (fast, slow)


@pytest.mark.parametrize(("bad_row", "reason"), [
    ("9999;1,99", "project '99'"),
    ("17;1", "voter_id '17' appears twice"),
    ("9999;1;22", "3 fields"),
    ("9999;1,1", "'1' appears twice"),
    ("9999;1,22,BO.D10.12/24", "at most 2"),
])
def test_a_bad_row_in_a_large_plain_file_is_reported_at_its_line(bad_row, reason):
    rows = [f"{i};{'1,22' if i % 3 else '22'}" for i in range(2000)]
    rows[1500] = bad_row
    head = HEAD.format(vote_type="approval", meta="max_length;2\n")
    text = head + "VOTES\nvoter_id;vote\n" + "\n".join(rows) + "\n"
    with pytest.raises(FormatError) as caught:
        pabulib.parse_pb(text)
    assert caught.value.line == head.count("\n") + 2 + 1501
    assert reason in caught.value.reason
