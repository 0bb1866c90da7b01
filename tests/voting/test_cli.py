"""The offline tally command reproduces official outcomes and fails cleanly on bad input."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.refdata import PB, RANKED
from voting.cli import main


def run_json(capsys, *args: str) -> dict:
    assert main(["tally", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def selected(path: Path) -> set[str]:
    """Project ids marked selected=1 in a .pb file's PROJECTS section (read independently)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start, end = lines.index("PROJECTS") + 1, lines.index("VOTES")
    header = lines[start].split(";")
    rows = [line.split(";") for line in lines[start + 1 : end]]
    return {row[0] for row in rows if row[header.index("selected")] == "1"}


def test_assen_2024_with_mes_matches_official_outcome(capsys):
    path = PB / "Netherlands_Assen_2024.pb"
    result = run_json(capsys, str(path), "--rule", "mes")
    assert set(result["winners"]) == selected(path)
    assert result["remaining"] == 23_300_00


@pytest.mark.parametrize("rule", ["points", "greedy"])
def test_krakow_2024_swoszowice_matches_official_outcome(capsys, rule):
    path = PB / "Poland_Krakow_2024_Swoszowice.pb"
    result = run_json(capsys, str(path), "--rule", rule)
    assert set(result["winners"]) == selected(path)


def test_ballina_2015_with_irv_elects_smith(capsys):
    result = run_json(capsys, str(RANKED / "nswla_ballina_2015.blt"), "--rule", "irv")
    assert result["winners"] == ["SMITH Tamara"]
    assert result["rule"] == "irv" and result["ranking"][0] == "SMITH Tamara"


def test_portland_2024_district1_with_stv_elects_three_from_the_file(capsys):
    result = run_json(capsys, str(RANKED / "portland_2024_district1.blt"), "--rule", "stv")
    assert set(result["winners"]) == {"Candace Avalos", "Loretta Smith", "Jamie Dunphy"}


def test_json_is_byte_identical_when_recomputed(tmp_path):
    source = PB / "Netherlands_Amsterdam_588.pb"
    copy = tmp_path / "copy.pb"
    shutil.copy(source, copy)
    outputs = [
        subprocess.run([sys.executable, "-m", "voting.cli", "tally", str(p), "--rule", "mes",
                        "--json", "--seed", "42"], capture_output=True, check=True).stdout
        for p in (source, copy)
    ]
    assert outputs[0] == outputs[1]
    assert b"." not in json.dumps(json.loads(outputs[0])["spent"]).encode()


def test_budget_option_overrides_the_file(capsys):
    path = PB / "Poland_Krakow_2024_Swoszowice.pb"
    result = run_json(capsys, str(path), "--rule", "greedy", "--budget", "10000.50")
    assert result["budget"] == 1_000_050
    assert result["spent"] <= 1_000_050


def test_explanation_lists_funded_and_skipped_projects(capsys):
    path = str(PB / "Poland_Krakow_2024_Swoszowice.pb")
    assert main(["tally", path, "--rule", "points", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "[funded]" in out and "[does not fit]" in out and "Winners:" in out
    assert "skipped: it needs PLN" in out


def test_explanation_is_dutch_unless_english_is_asked_for(capsys):
    path = str(PB / "Poland_Krakow_2024_Swoszowice.pb")
    assert main(["tally", path, "--rule", "points"]) == 0
    dutch = capsys.readouterr().out
    assert "[gefinancierd]" in dutch and "[past niet meer]" in dutch and "Winnaars:" in dutch
    assert "overgeslagen: het kost PLN" in dutch and "Winners:" not in dutch
    assert main(["tally", path, "--rule", "points", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Winners:" in english and "Winnaars:" not in english
    winners = [line for line in dutch.splitlines() if line.startswith("Winnaars: ")]
    assert winners == [line.replace("Winners", "Winnaars") for line in english.splitlines()
                       if line.startswith("Winners: ")]


def test_the_json_is_the_same_in_either_language(capsys):
    path = str(PB / "Poland_Krakow_2024_Swoszowice.pb")
    outputs = []
    for language in ("nl", "en"):
        assert main(["tally", path, "--rule", "greedy", "--json", "--lang", language]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "skipped: it needs PLN" in outputs[0]  # the published reasons stay as they were


@pytest.mark.parametrize(
    ("content", "suffix", "args"),
    [
        ("not a pb file", ".pb", []),
        ("3 1\n1 1 2 0\n0\n\"a\"\n", ".blt", []),
        ("whatever", ".txt", []),
        (None, ".pb", ["--rule", "stv"]),
        (None, ".pb", ["--budget", "12.345"]),
        (None, ".pb", ["--rule", "points"]),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path, content, suffix, args):
    if content is None:
        path = PB / "Netherlands_Assen_2024.pb"  # approval ballots: wrong for stv and points
    else:
        path = tmp_path / f"bad{suffix}"
        path.write_text(content, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "voting.cli", "tally", str(path), *args],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("wijkstem: error:")


def test_missing_file_exits_2(tmp_path):
    run = subprocess.run([sys.executable, "-m", "voting.cli", "tally", str(tmp_path / "no.pb")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_console_script_is_installed():
    exe = shutil.which("wijkstem", path=str(Path(sys.executable).parent))
    assert exe, "pip install -e . must provide the wijkstem command"
    run = subprocess.run([exe, "tally", str(RANKED / "nswla_ballina_2015.blt")],
                         capture_output=True, text=True, check=True)
    assert "SMITH Tamara" in run.stdout


def test_add1_uses_the_cores_only_on_big_elections(monkeypatch):
    from ballots.formats import load
    from voting import cli

    small = load(PB / "Netherlands_Assen_2024.pb")  # 84 voters: starting processes costs more
    assert cli.add1_workers(small) == 1
    monkeypatch.setattr(cli, "PARALLEL_FROM_VOTERS", small.profile.n_voters)
    monkeypatch.setattr(cli.os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert cli.add1_workers(small) == 3


def children_of(pid: int) -> set[int]:
    """Process ids of the direct children of ``pid`` (Linux /proc)."""
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_sigterm_stops_the_add1_workers_too():
    # Warsaw has enough voters for Add1 to start worker processes; `kill` or `timeout`
    # on the command must not leave them running.
    command = shutil.which("wijkstem") or str(Path(sys.executable).parent / "wijkstem")
    tally = subprocess.Popen([command, "tally", str(PB / "Poland_Warszawa_2026.pb"),
                              "--rule", "mes", "--json"], stdout=subprocess.DEVNULL)
    deadline, workers = time.monotonic() + 60, set()
    while not workers and time.monotonic() < deadline and tally.poll() is None:
        time.sleep(0.1)
        workers = children_of(tally.pid)
    assert workers, "Add1 started no worker processes"
    tally.terminate()
    assert tally.wait(timeout=30) == -15
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def test_yes_no_files_are_counted_by_majority(tmp_path, capsys):
    path = tmp_path / "referendum.csv"
    path.write_bytes(b"answer\nyes\nno\nyes\nblank\nyes\nno\n")
    result = run_json(capsys, str(path))
    assert {k: result[k] for k in ("rule", "yes", "no", "blank", "outcome", "adopted")} == {
        "rule": "majority", "yes": 3, "no": 2, "blank": 1, "outcome": "yes", "adopted": True}
    assert main(["tally", str(path), "--lang", "en"]) == 0
    assert "Outcome: adopted" in capsys.readouterr().out
    assert main(["tally", str(path)]) == 0
    assert "Uitslag: aangenomen" in capsys.readouterr().out
    assert main(["tally", str(path), "--rule", "irv"]) == 2
    assert "counted by 'majority'" in capsys.readouterr().err
    path.write_bytes(b"answer\nyes\nmaybe\n")
    assert main(["tally", str(path)]) == 2
    assert "line 3" in capsys.readouterr().err  # the bad answer's line
    assert main(["tally", str(PB / "Netherlands_Assen_2024.pb"), "--rule", "majority"]) == 2
