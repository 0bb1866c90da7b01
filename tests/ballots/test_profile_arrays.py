"""An ApprovalProfile built from plain CSR arrays behaves like one built from SciPy."""

import numpy as np
import pytest
from scipy import sparse

from ballots.profile import ApprovalProfile, CsrArrays


def random_marks(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A dense points matrix with empty rows and columns, and counts per row."""
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 4, size=(int(rng.integers(0, 12)), int(rng.integers(1, 9))))
    dense[rng.random(dense.shape) < 0.5] = 0
    return dense, rng.integers(1, 50, size=dense.shape[0])


@pytest.mark.parametrize("seed", range(10))
def test_arrays_and_scipy_give_the_same_profile(seed):
    dense, counts = random_marks(seed)
    options = [f"p{i}" for i in range(dense.shape[1])]
    from_scipy = ApprovalProfile(sparse.csr_matrix(dense), counts, tuple(options))
    rows, columns = np.nonzero(dense)
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=dense.shape[0]))))
    from_arrays = ApprovalProfile.from_arrays(indptr, columns, dense[rows, columns], counts,
                                              options)
    for profile in (from_arrays, from_scipy):
        assert sparse.isspmatrix_csr(profile.matrix) and profile.matrix.dtype == np.int64
        assert (profile.matrix.toarray() == dense).all()
        assert profile.totals().tolist() == (counts @ dense).tolist()
        assert profile.supporters().tolist() == (counts @ (dense != 0)).tolist()
        assert profile.n_voters == counts.sum()
    a, b = from_arrays.matrix, from_scipy.matrix
    assert a.indptr.tolist() == b.indptr.tolist() and a.indices.tolist() == b.indices.tolist()
    assert a.data.tolist() == b.data.tolist()


def test_the_matrix_is_built_once_and_kept():
    profile = ApprovalProfile.from_ballots([{0, 2}, {1}], ["a", "b", "c"], weights=[3, 1])
    assert profile.matrix is profile.matrix
    assert profile.totals().tolist() == [3, 1, 3]


def test_arrays_that_do_not_fit_are_refused():
    with pytest.raises(ValueError):
        ApprovalProfile(CsrArrays(np.ones(2), np.array([0, 5]), np.array([0, 2]), (1, 3)),
                        np.ones(1, np.int64), ("a", "b", "c"))
    with pytest.raises(ValueError):
        ApprovalProfile.from_arrays([0, 1], [0], [1], [1, 1], ["a"])
