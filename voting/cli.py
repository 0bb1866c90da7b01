"""The offline tally command: ``wijkstem tally FILE [--rule NAME] ...``.

Reads a Pabulib ``.pb``, a BLT ``.blt`` or a ballot ``.csv`` file, applies a rule
and prints an explanation (in Dutch, or English with ``--lang en``), or with ``--json``
the canonical result that the web app publishes. Bad input exits with status 2 and a
one-line message.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ballots.election import PBElection, RankedElection
from ballots.errors import BallotError, FormatError
from ballots.formats import load
from ballots.formats.ballot_csv import read_ballot_csv
from voting.referendum import RULE as MAJORITY
from voting.referendum import yes_no
from voting.result import canonical_json
from voting.rules import RULES, RuleError, tally
from voting.text import LANGUAGES

# Below this many voters Add1 runs in this process: its runs are quicker than a start.
PARALLEL_FROM_VOTERS = 10_000


def parse_money(text: str) -> int:
    """Turns '1584196.52' into integer cents; raises ValueError when not exact to the cent."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    cents = amount * 100
    if not amount.is_finite() or amount < 0 or cents != cents.to_integral_value():
        raise ValueError(f"budget must be a non-negative amount with at most 2 decimals: {text!r}")
    return int(cents)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wijkstem", description="Wijkstem ballot tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    t = commands.add_parser("tally", help="tally a .pb, .blt or ballot .csv file")
    t.add_argument("file", type=Path)
    t.add_argument("--rule", choices=(*RULES, MAJORITY), default=None,
                   help="default: greedy for .pb, irv for ranked files (stv with --seats > 1), "
                        "majority for a yes/no .csv (its one column is 'answer')")
    t.add_argument("--seats", type=int, default=None, help="winners of a ranked election")
    t.add_argument("--budget", default=None, help="budget in the file's currency, e.g. 1500.50")
    t.add_argument("--seed", default="0", help="published tie-break seed (default 0)")
    t.add_argument("--json", action="store_true", help="print the canonical JSON result")
    t.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0],
                   help="language of the explanation (default nl; the JSON is the same)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _tally(args)
    except (FormatError, BallotError, RuleError, ValueError) as error:
        print(f"wijkstem: error: {error}", file=sys.stderr)
        return 2


def add1_workers(election: PBElection | RankedElection) -> int:
    """Processes for the Add1 rules: every core this process may use, on elections big
    enough that its runs take longer than starting a process (Warsaw 2026: 185 runs of
    about 50 ms each); one otherwise."""
    if election.profile.n_voters < PARALLEL_FROM_VOTERS:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def is_yes_no_file(path: Path, data: bytes) -> bool:
    """True for a yes/no ballot CSV: its header is the single column ``answer``."""
    first = data.split(b"\n", 1)[0].strip().lstrip(b"\xef\xbb\xbf")
    return path.suffix.lower() == ".csv" and first == b"answer"


def _tally_yes_no(args: argparse.Namespace, data: bytes) -> int:
    """A yes/no question: simple majority (the only rule), as the web app counts it."""
    if (args.rule or MAJORITY) != MAJORITY:
        raise RuleError(f"a yes/no ballot file is counted by {MAJORITY!r}, not {args.rule!r}")
    result = yes_no(read_ballot_csv(io.BytesIO(data), kind="yes_no"))
    if args.json:
        print(canonical_json({**result.to_dict(),
                              "ballots_sha256": hashlib.sha256(data).hexdigest()}))
        return 0
    from voting.explain import explain_yes_no

    print(explain_yes_no(result, language=args.lang))
    return 0


def _tally(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {args.file}: {error.strerror}") from None
    if is_yes_no_file(args.file, data):
        return _tally_yes_no(args, data)
    if args.rule == MAJORITY:
        raise RuleError(f"{MAJORITY!r} counts yes/no ballot files (one column 'answer')")
    election = load(args.file)
    is_pb = isinstance(election, PBElection)
    rule = args.rule or ("greedy" if is_pb else ("stv" if (args.seats or 1) > 1 else "irv"))
    budget = parse_money(args.budget) if args.budget is not None else None
    result = tally(election, rule, seed=args.seed, seats=args.seats, budget=budget,
                   workers=add1_workers(election))
    if args.json:
        payload = {**result.to_dict(), "ballots_sha256": hashlib.sha256(data).hexdigest()}
        print(canonical_json(payload))
        return 0
    from voting.explain import explain  # only the text output needs it

    labels = {p.id: p.name for p in election.projects} if is_pb else None
    currency = election.currency if is_pb else "EUR"
    print(explain(result, labels=labels, currency=currency, language=args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
