"""Benchmark of the tallying core against reference libraries, in one run.

Every measurement runs in its own child process, so each reports its own wall
time and peak memory (ru_maxrss from wait4). Inputs are generated here with a
fixed seed, or read from ../shared/refdata. Prints one line per comparison:
our time, the peer's time on the same input, and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFDATA = Path(os.environ.get("WIJKSTEM_REFDATA", ROOT.parent / "shared" / "refdata"))
WARSAW = REFDATA / "pb" / "Poland_Warszawa_2026.pb"


def run(code: str, *args: str) -> tuple[float, float, str]:
    """Runs Python ``code`` in a child; returns (seconds, peak MiB, stdout)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"benchmark child failed ({child.returncode}): {code[:80]}...")
    return seconds, usage.ru_maxrss / 1024, out.strip()


def run_command(argv: list[str]) -> tuple[float, float, str]:
    """Runs a whole command (e.g. ``wijkstem tally``); returns (seconds, peak MiB, stdout)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"command failed: {' '.join(argv)}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out.strip()


def report(name: str, ours: tuple, peer_name: str | None = None, peer: tuple | None = None,
           target: str = "") -> None:
    line = f"{name:<44} ours {ours[0]:8.3f} s {ours[1]:7.0f} MiB"
    if peer is not None:
        line += f" | {peer_name} {peer[0]:8.3f} s {peer[1]:7.0f} MiB | x{peer[0] / ours[0]:7.1f}"
    if target:
        line += f" | target {target}"
    print(line, flush=True)


# Each child generates its own input from the same seed, so all see the same ballots.
GENERATE = """
import numpy as np
def ranked_ballots(n, options, ranks, seed=2026):
    rng = np.random.default_rng(seed)
    # Plackett-Luce with Zipf-like popularity: realistic, far from uniform.
    weights = 1.0 / np.arange(1, options + 1) ** 0.8
    keys = rng.gumbel(size=(n, options)) + np.log(weights)
    order = np.argsort(-keys, axis=1)[:, :ranks].astype(np.int16)
    lengths = rng.integers(1, ranks + 1, size=n)
    order[np.arange(ranks)[None, :] >= lengths[:, None]] = -1
    return order
"""

OURS_RANKED = GENERATE + """
import sys, time
from ballots.profile import RankedProfile
from voting.tiebreak import TieBreak
from voting.instant_runoff import instant_runoff
from voting.positional import wijktop_points
n, options, ranks, rule = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
array = ranked_ballots(n, options, ranks)
start = time.perf_counter()
profile = RankedProfile.from_array(array, [f"c{i}" for i in range(options)])
built = time.perf_counter()
fn = instant_runoff if rule == "irv" else wijktop_points
result = fn(profile, tie_break=TieBreak(0))
done = time.perf_counter()
print(f"{result.winners[0]} {built - start:.4f} {done - built:.4f}")
"""

PREF_VOTING_RANKED = GENERATE + """
import sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.profiles import Profile
from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
from pref_voting.scoring_methods import scoring_rule
n, options, ranks, rule = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
array = ranked_ballots(n, options, ranks)
rows, counts = np.unique(array, axis=0, return_counts=True)
rankings = [{int(c): r for r, c in enumerate(row) if c >= 0} for row in rows]
profile = ProfileWithTies(rankings, rcounts=[int(c) for c in counts],
                          candidates=list(range(options)))
if rule == "irv":
    winners = instant_runoff_for_truncated_linear_orders(profile)
else:
    scores = {c: 0 for c in range(options)}
    for ranking, count in zip(rankings, counts):
        k = len(ranking)
        for c, r in ranking.items():
            scores[c] += (k - r) * int(count)
    best = max(scores.values()); winners = [c for c in scores if scores[c] == best]
print(f"c{winners[0]}")
"""

PYRANKVOTE_IRV = GENERATE + """
import sys
import pyrankvote
from pyrankvote import Candidate, Ballot
n, options, ranks = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
array = ranked_ballots(n, options, ranks)
cands = [Candidate(f"c{i}") for i in range(options)]
ballots = [Ballot(ranked_candidates=[cands[c] for c in row if c >= 0]) for row in array]
result = pyrankvote.instant_runoff_voting(cands, ballots)
print(result.get_winners()[0].name)
"""

PABUTOOLS_MES = """
import sys, json
from pabutools.election import parse_pabulib, Cost_Sat
from pabutools.rules import method_of_equal_shares
instance, profile = parse_pabulib(sys.argv[1])
increment = 1 if sys.argv[2] == "add1" else None
outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat,
                                 voter_budget_increment=increment)
print(json.dumps(sorted(p.name for p in outcome)))
"""


def city_wide_file(path: Path, voters: int, projects: int, seed: int = 7) -> None:
    """Writes a synthetic city-wide approval .pb file like Warsaw's (up to 5 approvals)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    costs = (rng.lognormal(12.5, 0.9, size=projects) // 100 * 100 + 1000).astype(np.int64)
    budget = int(costs.sum() // 4)
    popularity = rng.dirichlet(np.full(projects, 0.6))
    lines = ["META", "key;value", "description;synthetic city-wide PB", "country;Nowhere",
             "unit;Bench", "instance;2026", f"num_projects;{projects}", f"num_votes;{voters}",
             f"budget;{budget}", "vote_type;approval", "max_length;5", "currency;PLN",
             "PROJECTS", "project_id;cost;name"]
    lines += [f"{i};{c};Project {i}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        k = int(rng.integers(1, 6))
        chosen = rng.choice(projects, size=k, replace=False, p=popularity)
        lines.append(f"{v};{','.join(str(int(c)) for c in chosen)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wijkstem_winners(path: Path, rule: str) -> tuple[float, float, list[str]]:
    exe = str(Path(sys.executable).parent / "wijkstem")
    seconds, mib, out = run_command([exe, "tally", str(path), "--rule", rule, "--json"])
    return seconds, mib, sorted(json.loads(out)["winners"])


def bench_mes(path: Path, label: str, with_peers: bool) -> None:
    ours = wijkstem_winners(path, "mes-plain")
    if with_peers:
        peer = run(PABUTOOLS_MES, str(path), "plain")
        same = ours[2] == sorted(json.loads(peer[2]))
        report(f"mes-plain {label} (whole process)", ours[:2], "pabutools", peer[:2],
               "x >= 50")
        print(f"    same winners as pabutools: {same}")
    else:
        report(f"mes-plain {label} (whole process)", ours[:2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--peer-ballots", type=int, default=200_000,
                        help="ballots for the pref_voting comparison (same input for both)")
    parser.add_argument("--pyrankvote-ballots", type=int, default=20_000)
    parser.add_argument("--city-voters", type=int, default=150_000,
                        help="voters of the synthetic city-wide file (0 to skip)")
    parser.add_argument("--skip-add1-peer", action="store_true",
                        help="do not run pabutools' Add1 on Warsaw (it takes minutes)")
    args = parser.parse_args()
    print(f"# Wijkstem tally benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    # Installed peers have their bytecode compiled by pip; ours is an editable install, so
    # compile it too (this machine may set PYTHONDONTWRITEBYTECODE, which would otherwise
    # make every run recompile our modules).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "ballots", "voting"], cwd=ROOT,
                   check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})

    for rule, target in (("irv", "< 1 s"), ("points", "< 0.2 s")):
        big = run(OURS_RANKED, str(args.ballots), "20", "5" if rule == "irv" else "3", rule)
        build, count = map(float, big[2].split()[1:])
        print(f"{rule} on {args.ballots:,} ballots: profile built in {build:.3f} s, "
              f"counted in {count:.3f} s (target {target} for the count); "
              f"process {big[0]:.2f} s, {big[1]:.0f} MiB peak")
        ranks = "5" if rule == "irv" else "3"
        ours = run(OURS_RANKED, str(args.peer_ballots), "20", ranks, rule)
        peer = run(PREF_VOTING_RANKED, str(args.peer_ballots), "20", ranks, rule)
        report(f"{rule}, {args.peer_ballots:,} ballots (whole process)", ours[:2], "pref_voting",
               peer[:2])
        print(f"    same winner: {ours[2].split()[0] == peer[2]}")
        if rule == "irv":
            small = run(OURS_RANKED, str(args.pyrankvote_ballots), "20", "5", rule)
            peer = run(PYRANKVOTE_IRV, str(args.pyrankvote_ballots), "20", "5")
            report(f"irv, {args.pyrankvote_ballots:,} ballots (whole process)", small[:2],
                   "pyrankvote", peer[:2])
            print(f"    same winner: {small[2].split()[0] == peer[2]}")

    bench_mes(WARSAW, "Warsaw 2026", with_peers=True)
    ours = wijkstem_winners(WARSAW, "mes")
    if args.skip_add1_peer:
        report("mes (Add1) Warsaw 2026 (whole process)", ours[:2], target="< 10 s")
    else:
        peer = run(PABUTOOLS_MES, str(WARSAW), "add1")
        report("mes (Add1) Warsaw 2026 (whole process)", ours[:2], "pabutools", peer[:2],
               "< 10 s")
        print(f"    same winners as pabutools: {ours[2] == sorted(json.loads(peer[2]))}")
    if args.city_voters:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "city.pb"
            city_wide_file(path, args.city_voters, 120)
            bench_mes(path, f"synthetic city {args.city_voters:,} voters", with_peers=True)


if __name__ == "__main__":
    main()
