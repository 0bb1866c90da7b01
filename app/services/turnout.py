"""Turnout while voting runs: ballots cast (online and paper) and stemcodes issued and used.

Only numbers of ballots, never what is on them: no scores or results exist for
anyone before the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Ballot, Round, Wijk
from app.services import paper, stemcodes


@dataclass(frozen=True)
class Turnout:
    """A round's turnout figures.

    ``paper_ballots`` counts ballot sheets (see ``paper.StationCount.ballots``),
    ``paper_issued`` the ballots the stembureaus reported as issued.
    """

    online: int
    paper_ballots: int
    codes_issued: int
    codes_used: int
    paper_issued: int
    inhabitants: int

    @property
    def ballots(self) -> int:
        """Ballots cast online and on paper."""
        return self.online + self.paper_ballots

    @property
    def codes_used_share(self) -> Decimal | None:
        """Codes used as a share of codes issued (None when none were issued)."""
        return share(self.codes_used, self.codes_issued)

    @property
    def inhabitants_share(self) -> Decimal | None:
        """Ballots cast as a share of the wijk's inhabitants."""
        return share(self.ballots, self.inhabitants)


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to four decimals, for showing as a percentage.

    Example:
        ``share(1, 8) == Decimal("0.1250")``; ``share(3, 0) is None``.
    """
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def round_turnout(session: Session, round_: Round) -> Turnout:
    """The turnout of a round now.

    Returns:
        e.g. ``Turnout(online=40, paper_ballots=12, codes_issued=100, codes_used=40, ...)``.
    """
    online = session.exec(select(func.count()).select_from(Ballot).where(
        Ballot.round_id == round_.id, Ballot.channel == "online")).one()
    stations = paper.reconciliation(session, round_.id)
    issued, used = stemcodes.counts(session, round_.id)
    wijk = session.get(Wijk, round_.wijk_id)
    return Turnout(online=int(online), paper_ballots=sum(s.ballots for s in stations),
                   codes_issued=int(issued), codes_used=int(used),
                   paper_issued=sum(s.issued or 0 for s in stations),
                   inhabitants=wijk.inhabitants or 0)
