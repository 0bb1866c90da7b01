"""Ballot specs: every error code, with the option and limit it names."""

import re

import numpy as np
import pytest

import ballots.specs
from ballots.errors import BallotError
from ballots.specs import (
    ApprovalSpec,
    KnapsackSpec,
    PointsSpec,
    RankedSpec,
    YesNoSpec,
    wijktop3,
)

LABELS = ("speeltuin", "bankjes", "muurschildering", "lantaarns", "moestuin")
TOP3 = wijktop3(LABELS)
TOP3_FULL = wijktop3(LABELS, min_length=3)
APPROVAL = ApprovalSpec(LABELS, max_length=2, min_length=1)
KNAPSACK = KnapsackSpec(LABELS, costs=(500_000, 120_000, 300_000, 80_000, 0), limit=600_000)
POINTS = PointsSpec(LABELS, total=10)
POINTS_EXACT = PointsSpec(LABELS, total=10, exact=True, max_per_option=6)
YES_NO = YesNoSpec("Autovrij plein?")
YES_NO_BLANK = YesNoSpec("Autovrij plein?", allow_blank=True)

VALID = [
    (TOP3, [2, 0, 4]),
    (TOP3, [3]),
    (TOP3, (np.int16(1), np.int64(2))),
    (TOP3_FULL, [4, 3, 2]),
    (APPROVAL, {0, 4}),
    (APPROVAL, [3]),
    (KNAPSACK, {0, 3}),  # 580,000 <= 600,000
    (KNAPSACK, {1, 2, 3, 4}),  # exactly 500,000
    (KNAPSACK, {0, 4}),
    (POINTS, {0: 10}),
    (POINTS, {1: 3, 2: 3}),
    (POINTS_EXACT, {1: 6, 2: 4}),
    (POINTS_EXACT, {1: 6, 2: 4, 3: 0}),
    (YES_NO, "yes"),
    (YES_NO, "no"),
    (YES_NO_BLANK, None),
    (YES_NO_BLANK, ""),
]


@pytest.mark.parametrize(("spec", "ballot"), VALID)
def test_valid_ballots_pass(spec, ballot):
    assert spec.validate(ballot) is None


INVALID = [
    # spec, ballot, code, params
    (TOP3, [0, 1, 2, 3], "too_many", {"count": 4, "limit": 3}),
    (TOP3, [], "empty", {"minimum": 1}),
    (TOP3_FULL, [0, 1], "too_few", {"count": 2, "limit": 3}),
    (TOP3_FULL, [], "empty", {"minimum": 3}),
    (TOP3, [1, 3, 1], "duplicate", {"option": "bankjes"}),
    (TOP3, [0, 5], "unknown_option", {"option": "5", "n_options": 5}),
    (TOP3, [-1], "unknown_option", {"option": "-1", "n_options": 5}),
    (TOP3, ["speeltuin"], "malformed", {"kind": "ranked", "value": "'speeltuin'"}),
    (TOP3, "012", "malformed", {"kind": "ranked", "value": "'012'"}),
    (TOP3, {0, 1}, "malformed", {"kind": "ranked"}),
    (TOP3, [True], "malformed", {"kind": "ranked", "value": "True"}),
    (TOP3, [1.0], "malformed", {"kind": "ranked", "value": "1.0"}),
    (TOP3, 7, "malformed", {"kind": "ranked", "value": "7"}),
    (APPROVAL, {0, 1, 2}, "too_many", {"count": 3, "limit": 2}),
    (APPROVAL, set(), "empty", {"minimum": 1}),
    (APPROVAL, [4, 4], "duplicate", {"option": "moestuin"}),
    (APPROVAL, {9}, "unknown_option", {"option": "9"}),
    (ApprovalSpec(LABELS, min_length=2), {1}, "too_few", {"count": 1, "limit": 2}),
    (KNAPSACK, {0, 1}, "over_budget", {"total": 620_000, "limit": 600_000, "excess": 20_000}),
    (KNAPSACK, {0, 2}, "over_budget", {"total": 800_000, "limit": 600_000, "excess": 200_000}),
    (KNAPSACK, set(), "empty", {"minimum": 1}),
    (KNAPSACK, [2, 2], "duplicate", {"option": "muurschildering"}),
    (KNAPSACK, {11}, "unknown_option", {"option": "11"}),
    (POINTS, {0: 6, 1: 5}, "points_total", {"total": 11, "limit": 10, "exact": False}),
    (POINTS_EXACT, {0: 5, 1: 4}, "points_total", {"total": 9, "limit": 10, "exact": True}),
    (POINTS, {0: 12, 1: -2}, "negative_points", {"option": "bankjes", "points": -2}),
    (POINTS_EXACT, {3: 7, 1: 3}, "points_per_option",
     {"option": "lantaarns", "points": 7, "limit": 6}),
    (POINTS, {}, "empty", {"minimum": 1}),
    (POINTS, {0: 0}, "empty", {"minimum": 1}),
    (POINTS, {7: 1}, "unknown_option", {"option": "7"}),
    (POINTS, {0: 1.5}, "malformed", {"kind": "points", "value": "1.5"}),
    (POINTS, [0, 1], "malformed", {"kind": "points"}),
    (YES_NO, "maybe", "not_yes_no", {"value": "'maybe'"}),
    (YES_NO, "Yes", "not_yes_no", {"value": "'Yes'"}),
    (YES_NO, True, "not_yes_no", {"value": "True"}),
    (YES_NO, None, "empty", {"minimum": 1}),
    (YES_NO, "", "empty", {"minimum": 1}),
]


@pytest.mark.parametrize(("spec", "ballot", "code", "params"), INVALID)
def test_invalid_ballot_names_the_problem(spec, ballot, code, params):
    with pytest.raises(BallotError) as caught:
        spec.validate(ballot)
    assert caught.value.code == code
    assert caught.value.params.items() >= params.items()
    # the English message shows the option label, limit or excess it is about
    for key in ("option", "limit", "excess"):
        if key in caught.value.params:
            assert str(caught.value.params[key]) in str(caught.value)


def test_every_documented_code_is_exercised():
    documented = set(re.findall(r"^- ``(\w+)``:", ballots.specs.__doc__, re.MULTILINE))
    raised = {code for *_, code, _ in INVALID}
    assert documented == raised


def test_every_documented_param_is_raised():
    documented = {
        code: set(re.findall(r"``(\w+)``", text.split("params:")[1]))
        for code, text in re.findall(
            r"^- ``(\w+)``:(.*?)(?=^- |\Z)", ballots.specs.__doc__, re.MULTILINE | re.DOTALL
        )
    }
    for spec, ballot, code, _ in INVALID:
        with pytest.raises(BallotError) as caught:
            spec.validate(ballot)
        assert set(caught.value.params) <= documented[code] | {"kind"}, code
        assert documented[code] <= set(caught.value.params), code


@pytest.mark.parametrize(
    "make",
    [
        lambda: RankedSpec(("a", "a")),
        lambda: RankedSpec(("a", "b"), max_length=1, min_length=2),
        lambda: ApprovalSpec(("a",), min_length=-1),
        lambda: KnapsackSpec(("a", "b"), costs=(1,), limit=5),
        lambda: KnapsackSpec(("a",), costs=(-1,), limit=5),
        lambda: KnapsackSpec(("a",), costs=(1,), limit=-5),
        lambda: PointsSpec(("a",), total=0),
    ],
)
def test_inconsistent_spec_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_specs_are_frozen():
    with pytest.raises(AttributeError):
        TOP3.max_length = 5  # type: ignore[misc]
