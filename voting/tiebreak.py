"""Seeded lottery for ties, with every draw recorded for the result.

A draw is reproducible by hand and in any language: the ``k``-th draw among
tied options sorted by label picks index ``int(sha256(f"{seed}:{k}")) mod n``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Draw:
    """One lottery draw: which options were tied, which one was picked, and why."""

    number: int
    context: str
    tied: tuple[str, ...]
    chosen: str

    def to_dict(self) -> dict:
        return {"number": self.number, "context": self.context,
                "tied": list(self.tied), "chosen": self.chosen}


class TieBreak:
    """Breaks ties by a lottery seeded with a published seed.

    >>> tb = TieBreak(seed=7)
    >>> tb.choose([2, 0], labels=("a", "b", "c"), context="lowest score") in (0, 2)
    True
    >>> len(tb.draws)
    1
    """

    def __init__(self, seed: int | str = 0) -> None:
        self.seed = str(seed)
        self.draws: list[Draw] = []

    def choose(self, tied: Sequence[int], *, labels: Sequence[str], context: str) -> int:
        """Picks one of ``tied`` (option ids); records a draw only when there is a tie."""
        if len(tied) == 0:
            raise ValueError("nothing to choose from")
        if len(tied) == 1:
            return tied[0]
        ordered = sorted(tied, key=lambda o: (labels[o], o))
        number = len(self.draws) + 1
        digest = hashlib.sha256(f"{self.seed}:{number}".encode()).digest()
        chosen = ordered[int.from_bytes(digest, "big") % len(ordered)]
        self.draws.append(Draw(number, context, tuple(labels[o] for o in ordered), labels[chosen]))
        return chosen

    def order(self, tied: Sequence[int], *, labels: Sequence[str], context: str) -> list[int]:
        """Puts tied options in lottery order, drawing the first, then the next..."""
        remaining = list(tied)
        ordered = []
        while remaining:
            pick = self.choose(remaining, labels=labels, context=context)
            ordered.append(pick)
            remaining.remove(pick)
        return ordered
