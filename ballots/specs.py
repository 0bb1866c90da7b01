"""Ballot kinds and the specs that validate one ballot.

A spec is a frozen dataclass describing what a valid ballot of one kind looks
like; ``spec.validate(ballot)`` returns None or raises ``BallotError`` naming
exactly what is wrong. Options are integer ids ``0..n-1``; ``spec.labels[i]`` is
the label of option ``i`` and is what messages and params show.

Ballot shapes per kind:

==========  =====================================  =====================================
kind        spec                                   ballot
==========  =====================================  =====================================
ranked      ``RankedSpec(labels, max_length=3)``   sequence of option ids, best first
approval    ``ApprovalSpec(labels, max_length)``   collection of option ids
knapsack    ``KnapsackSpec(labels, costs, limit)``  collection of option ids
points      ``PointsSpec(labels, total=10)``       mapping option id -> points (int)
yes/no      ``YesNoSpec(question)``                ``"yes"``, ``"no"`` (or None: blank)
==========  =====================================  =====================================

Error codes (``BallotError.code``) and their ``params``; the web app translates
them, e.g. ``too_many`` -> "kies maximaal {limit}", ``over_budget`` ->
"te duur: EUR {excess} boven het budget" (money params are integer cents):

- ``malformed``: the ballot is not of the expected shape (a string where a list
  belongs, a non-integer option id). params: ``kind`` (the spec's kind),
  ``value`` (repr of what was given).
- ``empty``: nothing chosen but the spec requires a choice (or a blank yes/no
  ballot where blank is not allowed). params: ``minimum`` (least number of
  choices; 1 for yes/no).
- ``too_few``: fewer choices than the minimum. params: ``count``, ``limit``.
- ``too_many``: more choices than the maximum. params: ``count``, ``limit``.
- ``duplicate``: an option appears twice. params: ``option`` (label).
- ``unknown_option``: an id that is not ``0..n-1``. params: ``option`` (the
  value given, as its repr), ``n_options``.
- ``over_budget``: a knapsack ballot costs more than the limit. params:
  ``total``, ``limit``, ``excess`` (``total - limit``), all cents.
- ``points_total``: points do not add up as required. params: ``total`` (given),
  ``limit``, ``exact`` (True: must equal ``limit``; False: at most ``limit``).
- ``negative_points``: an option has fewer than 0 points. params: ``option``
  (label), ``points``.
- ``points_per_option``: an option has more points than one option may get.
  params: ``option`` (label), ``points``, ``limit``.
- ``not_yes_no``: a yes/no answer that is neither. params: ``value`` (repr).
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballots.errors import BallotError

YES, NO = "yes", "no"


def _check_labels(labels: tuple[str, ...]) -> None:
    if len(set(labels)) != len(labels):
        raise ValueError("option labels must be distinct")


def _check_bounds(minimum: int, maximum: int | None) -> None:
    if minimum < 0 or (maximum is not None and not minimum <= maximum):
        raise ValueError(f"need 0 <= min_length <= max_length, got {minimum}, {maximum}")


def _option_id(value: Any, labels: tuple[str, ...], kind: str) -> int:
    """The option id ``value`` as an int, or BallotError (malformed/unknown_option)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        option = operator.index(value)
    except TypeError:
        raise BallotError(
            "malformed", f"{value!r} is not an option id", kind=kind, value=repr(value)
        ) from None
    if not 0 <= option < len(labels):
        raise BallotError(
            "unknown_option",
            f"there is no option {value!r} (options are 0..{len(labels) - 1})",
            option=repr(value),
            n_options=len(labels),
        )
    return option


def _distinct_options(ballot: Any, labels: tuple[str, ...], kind: str) -> list[int]:
    """Option ids of a list-like ballot, in order; rejects duplicates and strings."""
    if isinstance(ballot, (str, bytes, Mapping)) or not isinstance(ballot, Collection):
        raise BallotError(
            "malformed", f"a {kind} ballot is a list of option ids, not {ballot!r}",
            kind=kind, value=repr(ballot),
        )
    seen: set[int] = set()
    options = []
    for value in ballot:
        option = _option_id(value, labels, kind)
        if option in seen:
            raise BallotError(
                "duplicate", f"'{labels[option]}' is chosen more than once", option=labels[option]
            )
        seen.add(option)
        options.append(option)
    return options


def _check_count(count: int, minimum: int, maximum: int | None, noun: str) -> None:
    if count == 0 and minimum > 0:
        raise BallotError("empty", f"no {noun} chosen (choose at least {minimum})", minimum=minimum)
    if count < minimum:
        raise BallotError(
            "too_few", f"{count} {noun} chosen, at least {minimum} required",
            count=count, limit=minimum,
        )
    if maximum is not None and count > maximum:
        raise BallotError(
            "too_many", f"{count} {noun} chosen, at most {maximum} allowed",
            count=count, limit=maximum,
        )


@dataclass(frozen=True)
class RankedSpec:
    """An ordered list of distinct options, best first (Wijktop-3: max_length=3).

    Args:
        labels: label of each option id.
        max_length: most options a ballot may rank (None: all).
        min_length: fewest options a ballot must rank.

    Example:
        >>> spec = RankedSpec(("park", "bench", "mural", "lights"), max_length=3)
        >>> spec.validate([2, 0])
        >>> spec.validate([2, 0, 1, 3])
        Traceback (most recent call last):
        ...
        ballots.errors.BallotError: 4 options chosen, at most 3 allowed
    """

    labels: tuple[str, ...]
    max_length: int | None = None
    min_length: int = 1
    kind = "ranked"

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        _check_labels(self.labels)
        _check_bounds(self.min_length, self.max_length)

    def validate(self, ballot: Sequence[int]) -> None:
        """Raises BallotError unless ``ballot`` is a valid ranking."""
        if isinstance(ballot, (set, frozenset)):
            raise BallotError(
                "malformed", "a ranking must be ordered, not a set", kind=self.kind,
                value=repr(ballot),
            )
        options = _distinct_options(ballot, self.labels, self.kind)
        _check_count(len(options), self.min_length, self.max_length, "options")


def wijktop3(labels: Sequence[str], *, min_length: int = 1) -> RankedSpec:
    """The Wijktop-3 ballot: rank up to three initiatives.

    >>> wijktop3(["a", "b", "c", "d"]).max_length
    3
    """
    return RankedSpec(tuple(labels), max_length=3, min_length=min_length)


@dataclass(frozen=True)
class ApprovalSpec:
    """A set of approved options, between ``min_length`` and ``max_length`` of them.

    Example:
        >>> spec = ApprovalSpec(("park", "bench", "mural"), max_length=2)
        >>> spec.validate({0, 2})
        >>> spec.validate([0, 0])
        Traceback (most recent call last):
        ...
        ballots.errors.BallotError: 'park' is chosen more than once
    """

    labels: tuple[str, ...]
    max_length: int | None = None
    min_length: int = 1
    kind = "approval"

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        _check_labels(self.labels)
        _check_bounds(self.min_length, self.max_length)

    def validate(self, ballot: Collection[int]) -> None:
        """Raises BallotError unless ``ballot`` is a valid approval set."""
        options = _distinct_options(ballot, self.labels, self.kind)
        _check_count(len(options), self.min_length, self.max_length, "options")


@dataclass(frozen=True)
class KnapsackSpec:
    """A set of projects whose total (municipal) cost in cents fits ``limit``.

    Args:
        labels: label of each project id.
        costs: cost of each project in cents, what counts against the limit
            (for co-financed projects: the municipal share).
        limit: the budget in cents.
        min_length: fewest projects a ballot must choose.

    Example:
        >>> spec = KnapsackSpec(("park", "bench"), costs=(800_00, 500_00), limit=1000_00)
        >>> spec.validate({1})
        >>> spec.validate({0, 1})
        Traceback (most recent call last):
        ...
        ballots.errors.BallotError: the projects cost 130000 cents, 30000 over the limit of 100000
    """

    labels: tuple[str, ...]
    costs: tuple[int, ...]
    limit: int
    min_length: int = 1
    kind = "knapsack"

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "costs", tuple(int(c) for c in self.costs))
        _check_labels(self.labels)
        _check_bounds(self.min_length, None)
        if len(self.costs) != len(self.labels) or min(self.costs, default=0) < 0:
            raise ValueError("need one non-negative cost per project")
        if self.limit < 0:
            raise ValueError("the limit must be non-negative")

    def validate(self, ballot: Collection[int]) -> None:
        """Raises BallotError unless ``ballot`` is a set of projects within the limit."""
        options = _distinct_options(ballot, self.labels, self.kind)
        _check_count(len(options), self.min_length, None, "projects")
        total = sum(self.costs[o] for o in options)
        if total > self.limit:
            raise BallotError(
                "over_budget",
                f"the projects cost {total} cents, {total - self.limit} over the limit"
                f" of {self.limit}",
                total=total, limit=self.limit, excess=total - self.limit,
            )


@dataclass(frozen=True)
class PointsSpec:
    """Distribute ``total`` points (at most, or exactly) over the options.

    Args:
        labels: label of each option id.
        total: the number of points a voter has.
        exact: True when all points must be used.
        max_per_option: most points one option may get (None: up to ``total``).

    Example:
        >>> spec = PointsSpec(("park", "bench", "mural"), total=10)
        >>> spec.validate({0: 6, 2: 4})
        >>> spec.validate({0: 6, 2: 5})
        Traceback (most recent call last):
        ...
        ballots.errors.BallotError: 11 points given, at most 10 allowed
    """

    labels: tuple[str, ...]
    total: int
    exact: bool = False
    max_per_option: int | None = None
    kind = "points"

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", tuple(self.labels))
        _check_labels(self.labels)
        if self.total < 1 or (self.max_per_option is not None and self.max_per_option < 1):
            raise ValueError("total and max_per_option must be positive")

    def validate(self, ballot: Mapping[int, int]) -> None:
        """Raises BallotError unless ``ballot`` maps options to a valid points split."""
        if not isinstance(ballot, Mapping):
            raise BallotError(
                "malformed", f"a points ballot maps option ids to points, not {ballot!r}",
                kind=self.kind, value=repr(ballot),
            )
        given = 0
        for value, points in ballot.items():
            label = self.labels[_option_id(value, self.labels, self.kind)]
            if isinstance(points, bool) or not isinstance(points, int):
                try:
                    points = operator.index(points)
                except TypeError:
                    raise BallotError(
                        "malformed", f"points for '{label}' must be a whole number, not {points!r}",
                        kind=self.kind, value=repr(points),
                    ) from None
            if points < 0:
                raise BallotError(
                    "negative_points", f"'{label}' has {points} points; points cannot be negative",
                    option=label, points=points,
                )
            limit = self.max_per_option
            if limit is not None and points > limit:
                raise BallotError(
                    "points_per_option",
                    f"'{label}' has {points} points, at most {limit} per option",
                    option=label, points=points, limit=limit,
                )
            given += points
        if self.exact and given != self.total:
            raise BallotError(
                "points_total", f"{given} points given, exactly {self.total} required",
                total=given, limit=self.total, exact=True,
            )
        if given > self.total:
            raise BallotError(
                "points_total", f"{given} points given, at most {self.total} allowed",
                total=given, limit=self.total, exact=False,
            )
        if given == 0:
            raise BallotError("empty", "no points given", minimum=1)


@dataclass(frozen=True)
class YesNoSpec:
    """A yes/no question (a referendum line on a wijkstemdag ballot).

    ``labels`` are the option labels of a tally: id 0 is yes, id 1 is no.

    Example:
        >>> spec = YesNoSpec("Mag het plein autovrij worden?")
        >>> spec.validate("yes")
        >>> spec.validate("maybe")
        Traceback (most recent call last):
        ...
        ballots.errors.BallotError: the answer must be 'yes' or 'no', not 'maybe'
    """

    question: str = ""
    allow_blank: bool = False
    labels: tuple[str, ...] = (YES, NO)
    kind = "yes_no"

    def validate(self, ballot: str | None) -> None:
        """Raises BallotError unless ``ballot`` is "yes", "no" (or blank, when allowed)."""
        if ballot is None or ballot == "":
            if not self.allow_blank:
                raise BallotError("empty", "no answer given (choose yes or no)", minimum=1)
            return
        if ballot not in (YES, NO):
            raise BallotError(
                "not_yes_no", f"the answer must be 'yes' or 'no', not {ballot!r}",
                value=repr(ballot),
            )


BallotSpec = RankedSpec | ApprovalSpec | KnapsackSpec | PointsSpec | YesNoSpec
