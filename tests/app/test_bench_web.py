"""scripts/bench_web end to end, briefly: it serves, votes, audits and prints its line.

Not a timed test (the figures live in the README): a short run with few voters must
confirm ballots, find nothing lost or duplicated in the database, and end with the
machine-readable line, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"^ballots_per_s=(\d+\.\d) p99_ms=(\d+) lost=(\d+) duplicate=(\d+)$")


@pytest.mark.slow
def test_a_short_run_votes_audits_and_prints_its_line(backend: str,
                                                      empty_database_url: str) -> None:
    env = {**os.environ, "WIJKSTEM_DATABASE_URL": empty_database_url}
    command = [sys.executable, str(ROOT / "scripts" / "bench_web.py"), "--seconds", "3",
               "--voters", "20", "--codes", "3000"]
    if backend == "postgres":
        command.append("--postgres")  # on the test cluster's empty database
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"database: {'postgresql' if backend == 'postgres' else 'sqlite'}" in lines[0]
    match = LAST_LINE.match(lines[-1])
    assert match, lines[-1]
    rate, _p99, lost, duplicate = match.groups()
    assert float(rate) > 0 and (lost, duplicate) == ("0", "0")
    audit = next(line for line in lines if line.startswith("audit:"))
    found = [int(n) for n in re.findall(r"\d+", audit)]
    ballots, confirmations, used, not_used, used_unconfirmed = found
    assert ballots == confirmations == used > 0 and not_used == used_unconfirmed == 0
    assert "errors: 0" in lines
    assert any(line.startswith("other steps, p50/p99: GET /stemmen ") for line in lines)


@pytest.mark.slow
def test_voters_who_fill_in_the_ballot_are_timed_only_while_the_load_runs(tmp_path) -> None:
    command = [sys.executable, str(ROOT / "scripts" / "bench_web.py"), "--seconds", "3",
               "--voters", "20", "--codes", "3000", "--think", "0.3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert any("each filling in the ballot for 0.3 s on average" in line for line in lines)
    accepted = next(line for line in lines if line.startswith("ballots accepted:"))
    timed, seconds, rate = re.match(r"ballots accepted: (\d+) in ([\d.]+) s = ([\d.]+)",
                                    accepted).groups()
    assert float(seconds) == 3.0 and float(rate) == pytest.approx(int(timed) / 3, abs=0.06)
    audit = next(line for line in lines if line.startswith("audit:"))
    ballots = int(re.findall(r"\d+", audit)[0])
    # 20 voters at ~0.3 s per ballot: some finish after the 3 s, audited but not timed
    late = ballots - int(timed)
    assert 0 <= late <= 20 and ballots > 0
    assert (f", {late} more while the last voters finished" in accepted) == (late > 0)
    assert LAST_LINE.match(lines[-1]).groups()[2:] == ("0", "0")
