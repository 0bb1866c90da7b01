"""Fresh stemcodes for the demo Wijktop-3 round: ``python -m app.demo_codes [N]``.

Codes are stored only as keyed hashes, so they can be shown only when they are
made: ``./scripts/run`` prints five when it seeds the demo, and this command
issues N more (5 by default) for the same database and secret key, e.g.
``.venv/bin/python -m app.demo_codes 3``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sqlmodel import Session, select

from app.models import Account, Round, Wijk
from app.services import demo, stemcodes

DEFAULT_COUNT = 5
MAX_COUNT = 100
COMMAND = ".venv/bin/python -m app.demo_codes"


def demo_round(session: Session) -> Round | None:
    """The demo's Wijktop-3 round (in the demo wijk Lindenhof), newest first."""
    code = demo.WIJKEN[0][1]
    return session.exec(select(Round).join(Wijk, Wijk.id == Round.wijk_id)
                        .where(Wijk.code == code, Round.kind == "wijktop3")
                        .order_by(Round.id.desc())).first()


def issue_demo_codes(session: Session, n: int = DEFAULT_COUNT) -> list[str]:
    """Issues ``n`` unused codes for the demo Wijktop-3 round, in the demo official's name.

    Args:
        session: a session inside an app context (the codes are keyed with its secret).
        n: how many, 1 to ``MAX_COUNT``.

    Returns:
        The codes, e.g. ``["K7MR-9XWQ-H3TD", ...]``; empty when there is no demo round.

    Raises:
        ServiceError: ``stemcodes_closed`` when the demo round has finished voting.
    """
    round_ = demo_round(session)
    if round_ is None:
        return []
    official = session.exec(select(Account).where(
        Account.username == demo.DEMO_LOGINS[1][0])).first()
    return stemcodes.issue_stemcodes(session, round_, n,
                                     official.id if official is not None else None)


def describe(codes: Sequence[str], base_url: str) -> str:
    """The lines that show demo codes to a newcomer and how to get more."""
    if not codes:
        return f"Fresh demo voting codes: {COMMAND} {DEFAULT_COUNT}"
    vote_url = f"{base_url.rstrip('/')}/stemmen"
    return "\n".join([f"Demo voting codes (Wijktop-3 Lindenhof, each usable once): type one "
                      f"at {vote_url}, or open its link (as printed on a letter):"]
                     + [f"  {code}   {vote_url}?code={code}" for code in codes]
                     + [f"More codes: {COMMAND} {DEFAULT_COUNT}"])


def main(argv: Sequence[str] | None = None) -> int:
    """Issues N demo codes (the first argument, 5 by default) and prints them."""
    from app import create_app
    from app.db import get_session
    from app.services.errors import ServiceError, message

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or (args and not (args[0].isdigit() and 1 <= int(args[0]) <= MAX_COUNT)):
        print(f"usage: {COMMAND} [N]   (N from 1 to {MAX_COUNT}, default {DEFAULT_COUNT})",
              file=sys.stderr)
        return 2
    app = create_app()
    with app.app_context():
        try:
            codes = issue_demo_codes(get_session(), int(args[0]) if args else DEFAULT_COUNT)
        except ServiceError as error:
            print(message(error), file=sys.stderr)
            return 1
    if not codes:
        print("There is no demo Wijktop-3 round in this database (./scripts/run seeds it).",
              file=sys.stderr)
        return 1
    print(describe(codes, app.config["BASE_URL"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
