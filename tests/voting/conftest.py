"""Named ranked profiles and the real election files, shared by the ranked-rule tests."""

from __future__ import annotations

import numpy as np
import pytest

from ballots.formats.blt import read_blt
from ballots.profile import RankedProfile
from tests.refdata import RANKED


def profile_of(spec: list[tuple[int, str]], withdrawn: str = "") -> RankedProfile:
    """Builds a profile from ``[(voters, "abc"), ...]``; options are single letters."""
    options = sorted({c for _, order in spec for c in order} | set(withdrawn))
    index = {c: i for i, c in enumerate(options)}
    return RankedProfile.from_ballots(
        [[index[c] for c in order] for _, order in spec], options,
        weights=[n for n, _ in spec], withdrawn=[index[c] for c in withdrawn],
    )


@pytest.fixture(scope="session")
def ballina() -> RankedProfile:
    """NSW Legislative Assembly 2015, Ballina: optional preferential, one seat."""
    return read_blt(RANKED / "nswla_ballina_2015.blt").profile


@pytest.fixture(scope="session")
def portland() -> tuple[RankedProfile, int]:
    """Portland City Council 2024, District 1: ranked up to 6, three seats."""
    election = read_blt(RANKED / "portland_2024_district1.blt")
    return election.profile, election.seats


@pytest.fixture
def condorcet_cycle() -> RankedProfile:
    """a > b > c > a, each pairwise contest won 2 to 1: no Condorcet winner."""
    return profile_of([(1, "abc"), (1, "bca"), (1, "cab")])


@pytest.fixture
def majority_winner() -> RankedProfile:
    """b is first on 6 of 11 ballots."""
    return profile_of([(6, "bac"), (3, "abc"), (2, "cab")])


@pytest.fixture
def condorcet_not_plurality() -> RankedProfile:
    """c beats a and b pairwise but has the fewest first preferences; IRV elects b.

    First preferences a 8, b 9, c 5; c is eliminated, 2 go to a and 3 to b,
    so b wins 12 of 22. Pairwise c beats a 14 to 8 and b 13 to 9.
    """
    return profile_of([(8, "acb"), (9, "bca"), (2, "cab"), (3, "cba")])


@pytest.fixture
def truncated_three_way() -> RankedProfile:
    """Bullet votes exhaust: a 5 (bullet), b 4 > c, c 3 > b; c out, b wins 7 of 12."""
    return profile_of([(5, "a"), (4, "bc"), (3, "cb")])


@pytest.fixture
def with_withdrawn() -> RankedProfile:
    """a is withdrawn; its 5 first preferences go to c, who then wins everywhere."""
    return profile_of([(5, "acb"), (4, "bc"), (3, "cb")], withdrawn="a")


@pytest.fixture
def empty_profile() -> RankedProfile:
    """Three options and no ballots at all."""
    return RankedProfile.from_ballots([], ["a", "b", "c"])


def random_profile(seed: int, *, voters: int, options: int, truncate: bool,
                   withdrawn: tuple[int, ...] = ()) -> RankedProfile:
    """Random rankings from a seeded numpy RNG; truncated ones keep 1..n marks."""
    rng = np.random.default_rng(seed)
    rows = np.argsort(rng.random((voters, options)), axis=1)
    if truncate:
        lengths = rng.integers(1, options + 1, voters)
        rows[np.arange(options)[None, :] >= lengths[:, None]] = -1
    return RankedProfile.from_array(rows, [f"c{i}" for i in range(options)], withdrawn=withdrawn)


def to_pref_voting(profile: RankedProfile, *, extended: bool = True):
    """The same ballots as a pref_voting Profile (complete) or ProfileWithTies (truncated).

    Candidates are the option ids. With ``extended`` a ProfileWithTies uses
    extended strict preference, so a ranked candidate beats an unranked one, as
    in Wijkstem (pairwise counts only; slow on big files, and STV needs none).
    """
    from pref_voting.profiles import Profile
    from pref_voting.profiles_with_ties import ProfileWithTies

    ballots = list(profile.ballots())
    rows, counts = [list(b) for b, _ in ballots], [c for _, c in ballots]
    if all(len(r) == profile.n_options for r in rows):
        return Profile(rows, rcounts=counts)
    result = ProfileWithTies([{c: i + 1 for i, c in enumerate(r)} for r in rows], rcounts=counts,
                             candidates=list(range(profile.n_options)))
    if extended:
        result.use_extended_strict_preference()
    return result
