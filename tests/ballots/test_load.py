"""formats.load dispatches on the extension and reports unreadable files as FormatError."""

import shutil
import subprocess
import sys

import pytest

from ballots.election import PBElection, RankedElection
from ballots.errors import FormatError
from ballots.formats import load
from tests.ballots.conftest import REFDATA


def test_pb_and_blt_by_extension():
    assert isinstance(load(REFDATA / "pb" / "Netherlands_Assen_2024.pb"), PBElection)
    election = load(str(REFDATA / "ranked" / "portland_2024_district1.blt"))
    assert isinstance(election, RankedElection)
    assert election.profile.n_voters == 42871


def test_ranked_csv(tmp_path):
    path = tmp_path / "stembureau.CSV"
    path.write_text("rank_1,rank_2,rank_3\nb,a,\na,,\n", encoding="utf-8")
    election = load(path)
    assert isinstance(election, RankedElection)
    assert election.profile.n_voters == 2


def test_pb_file_with_another_name_is_read_by_its_extension(tmp_path):
    copy = tmp_path / "ballots.blt"
    shutil.copy(REFDATA / "pb" / "Netherlands_Assen_2024.pb", copy)
    with pytest.raises(FormatError) as caught:
        load(copy)
    assert caught.value.line == 1


@pytest.mark.parametrize("name", ["ballots.txt", "ballots", "ballots.pb.gz"])
def test_unknown_extension(tmp_path, name):
    (tmp_path / name).write_text("x")
    with pytest.raises(FormatError, match="unknown file type"):
        load(tmp_path / name)


@pytest.mark.parametrize("name", ["missing.pb", "missing.blt", "missing.csv"])
def test_missing_file(tmp_path, name):
    with pytest.raises(FormatError, match="cannot read"):
        load(tmp_path / name)


def test_directory_is_unreadable(tmp_path):
    (tmp_path / "dir.pb").mkdir()
    with pytest.raises(FormatError, match="cannot read"):
        load(tmp_path / "dir.pb")


def test_ballots_imports_no_web_framework():
    code = (
        "import sys, ballots, ballots.formats, ballots.specs\n"
        "bad = {'flask', 'sqlmodel', 'sqlalchemy', 'wtforms', 'app'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
