"""One million Wijktop-3 ballots fit comfortably in memory and merge exactly."""

import tracemalloc

import numpy as np

from ballots.profile import RankedProfile, merge_rows

MB = 1_000_000


def wijktop3_ballots(n: int, n_options: int = 20, seed: int = 3) -> np.ndarray:
    """``n`` random rankings of 3 distinct options out of ``n_options`` (some shorter)."""
    rng = np.random.default_rng(seed)
    first = rng.integers(0, n_options, n)
    second = (first + rng.integers(1, n_options, n)) % n_options
    third = rng.integers(0, n_options - 2, n)
    # the third choice skips the two already taken
    low, high = np.minimum(first, second), np.maximum(first, second)
    third = third + (third >= low)
    third = third + (third >= high)
    array = np.stack([first, second, third], axis=1).astype(np.int16)
    array[::10, 2] = -1  # every tenth voter ranks only two
    return array


def test_one_million_wijktop3_ballots_fit_well_under_200_mb():
    array = wijktop3_ballots(1_000_000)
    options = [f"initiatief {i}" for i in range(20)]
    tracemalloc.start()
    try:
        profile = RankedProfile.from_array(array, options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert profile.n_voters == 1_000_000
    assert profile.rankings.nbytes + profile.counts.nbytes < 200 * MB
    assert peak < 200 * MB
    # at most 20*19*18 full ballots and 20*19 short ones remain
    assert len(profile.counts) <= 20 * 19 * 18 + 20 * 19
    assert profile.rankings.dtype == np.int16


def test_merge_matches_numpy_unique():
    array = wijktop3_ballots(50_000, n_options=7, seed=11)
    weights = np.random.default_rng(1).integers(1, 4, len(array))
    distinct, inverse = np.unique(array, axis=0, return_inverse=True)
    expected = np.bincount(inverse.ravel(), weights=weights).astype(np.int64)
    rows, counts = merge_rows(array, weights)
    assert np.array_equal(rows, distinct)
    assert np.array_equal(counts, expected)


def test_merge_of_wide_rows_uses_lexsort_and_still_matches():
    rng = np.random.default_rng(5)
    array = rng.integers(-1, 3000, (20_000, 8))  # does not fit one int64 key
    array[::2] = array[1::2]
    distinct, inverse = np.unique(array, axis=0, return_inverse=True)
    rows, counts = merge_rows(array, np.ones(len(array), np.int64))
    assert np.array_equal(rows, distinct)
    assert np.array_equal(counts, np.bincount(inverse.ravel()))
