"""Yes/no questions (a referendum on a wijkstemdag ballot): a simple majority.

The proposal is adopted when more voters answer yes than no; blank ballots are
counted and published but do not decide. An equal number of yes and no is a
tie, and a tie does not adopt the proposal (no lottery: a lottery would turn
a question of consent into chance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from ballots.profile import ApprovalProfile
from ballots.specs import NO, YES
from voting.result import plain

RULE = "majority"


@dataclass(frozen=True)
class YesNoResult:
    """Outcome of a yes/no question.

    Attributes:
        rule: always ``"majority"``.
        yes: voters who answered yes.
        no: voters who answered no.
        blank: voters who answered neither.
        outcome: ``"yes"``, ``"no"`` or ``"tie"``.
        adopted: True when yes has a strict majority of the yes and no votes.
    """

    rule: str
    yes: int
    no: int
    blank: int
    outcome: str
    adopted: bool

    @property
    def valid(self) -> int:
        """Yes and no together (the votes that decide)."""
        return self.yes + self.no

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields, as the other results give them."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}


def yes_no(ballots: ApprovalProfile | Mapping[str, int]) -> YesNoResult:
    """Counts a yes/no question by simple majority.

    Args:
        ballots: a profile with the options ``("yes", "no")`` as the ballot CSV
            reader gives it (a row marking neither is a blank ballot), or the
            counts ``{"yes": n, "no": m, "blank": b}`` (missing keys are 0).

    Returns:
        The result; a tie is not adopted.

    Example:
        >>> r = yes_no({"yes": 120, "no": 80, "blank": 5})
        >>> r.outcome, r.adopted, r.valid
        ('yes', True, 200)
        >>> yes_no({"yes": 3, "no": 3}).outcome
        'tie'
    """
    if isinstance(ballots, ApprovalProfile):
        counts = _profile_counts(ballots)
    else:
        counts = {key: int(ballots.get(key, 0)) for key in (YES, NO, "blank")}
        unknown = set(ballots) - {YES, NO, "blank"}
        if unknown:
            raise ValueError(f"unknown answers {sorted(unknown)}; expected yes, no, blank")
    if min(counts.values()) < 0:
        raise ValueError("counts cannot be negative")
    yes, no = counts[YES], counts[NO]
    outcome = YES if yes > no else NO if no > yes else "tie"
    return YesNoResult(RULE, yes, no, counts["blank"], outcome, yes > no)


def _profile_counts(profile: ApprovalProfile) -> dict[str, int]:
    """Yes, no and blank voters of a yes/no profile."""
    if tuple(profile.options) != (YES, NO):
        raise ValueError(f"a yes/no profile has the options ('yes', 'no'), not {profile.options}")
    marks = profile.matrix.toarray()
    if (marks.sum(axis=1) > 1).any():
        raise ValueError("a ballot cannot answer both yes and no")
    counts = profile.counts
    yes = int(counts[marks[:, 0] > 0].sum())
    no = int(counts[marks[:, 1] > 0].sum())
    return {YES: yes, NO: no, "blank": profile.n_voters - yes - no}
