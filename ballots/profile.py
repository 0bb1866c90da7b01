"""Compact profiles: distinct ballots with multiplicities, ready for counting.

Options are integer ids ``0..n-1``; their labels (the ids or names written in
a file) live in ``options``, a separate map in the manner of pref_voting's
``cmap``. Profiles are immutable: arrays are made read-only on construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ballots.errors import BallotError

if TYPE_CHECKING:  # scipy.sparse costs 0.25 s to import; load it when first needed
    from scipy import sparse

PAD = -1


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class RankedProfile:
    """Ranked ballots as an integer array, one row per distinct ballot.

    Attributes:
        rankings: ``(n_distinct, max_rank)`` int array; row ``i`` lists option ids
            from most to least preferred, padded with ``-1``.
        counts: ``(n_distinct,)`` int64 array, how many voters cast row ``i``.
        options: label of each option id.
        withdrawn: option ids that may not win (skipped when counting).
    """

    rankings: np.ndarray
    counts: np.ndarray
    options: tuple[str, ...]
    withdrawn: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        rankings = np.ascontiguousarray(self.rankings)
        counts = np.ascontiguousarray(self.counts, dtype=np.int64)
        if rankings.ndim != 2 or counts.shape != (rankings.shape[0],):
            raise ValueError("rankings must be 2-D with one count per row")
        if rankings.size and (rankings.max() >= len(self.options) or rankings.min() < PAD):
            raise ValueError("rankings refer to an option id that does not exist")
        object.__setattr__(self, "rankings", _readonly(rankings))
        object.__setattr__(self, "counts", _readonly(counts))

    @classmethod
    def from_ballots(
        cls,
        ballots: Iterable[Sequence[int]],
        options: Sequence[str],
        *,
        weights: Iterable[int] | None = None,
        withdrawn: Iterable[int] = (),
    ) -> RankedProfile:
        """Builds a profile from ballots of option ids, merging identical ballots.

        >>> p = RankedProfile.from_ballots([[0, 1], [0, 1], [1]], ["a", "b"])
        >>> p.counts.tolist(), p.n_voters
        ([2, 1], 3)
        """
        rows = [list(b) for b in ballots]
        width = max((len(r) for r in rows), default=0)
        dtype = np.int16 if len(options) < 2**15 else np.int32
        array = np.full((len(rows), max(width, 1)), PAD, dtype=dtype)
        for i, row in enumerate(rows):
            array[i, : len(row)] = row
        w = np.ones(len(rows), np.int64) if weights is None else np.fromiter(weights, np.int64)
        return cls.from_array(array, options, weights=w, withdrawn=withdrawn)

    @classmethod
    def from_array(
        cls,
        array: np.ndarray,
        options: Sequence[str],
        *,
        weights: np.ndarray | None = None,
        withdrawn: Iterable[int] = (),
    ) -> RankedProfile:
        """Builds a profile from a padded ballots array, merging identical rows."""
        array = np.asarray(array)
        if array.ndim != 2:
            raise ValueError("rankings must be 2-D")
        if array.shape[0] == 0:
            return cls(array, np.zeros(0, np.int64), tuple(options), frozenset(withdrawn))
        if array.max() >= len(options) or array.min() < PAD:
            # checked before merging: an out-of-range id could collide with a valid key
            raise ValueError("rankings refer to an option id that does not exist")
        weights = (
            np.ones(array.shape[0], np.int64)
            if weights is None
            else np.asarray(weights, dtype=np.int64)
        )
        distinct, counts = merge_rows(array, weights)
        return cls(distinct, counts, tuple(options), frozenset(withdrawn))

    @property
    def n_options(self) -> int:
        return len(self.options)

    @property
    def n_voters(self) -> int:
        return int(self.counts.sum())

    def ballots(self) -> Iterable[tuple[tuple[int, ...], int]]:
        """Yields each distinct ballot as a tuple of option ids, with its count."""
        for row, count in zip(self.rankings, self.counts, strict=True):
            yield tuple(int(o) for o in row if o != PAD), int(count)


def merge_rows(array: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a 2-D int array in lexicographic order, with summed weights.

    Same rows as ``np.unique(array, axis=0)`` but much faster: when a row fits in
    one int64 (digits in base ``max - min + 1``) rows are sorted as scalar keys,
    otherwise with ``np.lexsort`` over the columns. Weights are summed exactly in
    int64 (``np.bincount`` would go through float64).

    >>> rows, counts = merge_rows(np.array([[1, 0], [0, 2], [1, 0]]), np.array([1, 1, 5]))
    >>> rows.tolist(), counts.tolist()
    ([[0, 2], [1, 0]], [1, 6])
    """
    n_rows, width = array.shape
    weights = np.asarray(weights, dtype=np.int64)
    if n_rows == 0:
        return array.copy(), np.zeros(0, np.int64)
    if width == 0:
        return array[:1].copy(), weights.sum(keepdims=True)
    low, high = int(array.min()), int(array.max())
    if width * np.log2(high - low + 1) < 62:
        keys = np.zeros(n_rows, np.int64)
        for column in range(width):
            keys *= high - low + 1
            keys += array[:, column].astype(np.int64) - low
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        new = sorted_keys[1:] != sorted_keys[:-1]
    else:
        order = np.lexsort(array.T[::-1])
        ordered = array[order]
        new = np.any(ordered[1:] != ordered[:-1], axis=1)
    starts = np.concatenate(([0], np.flatnonzero(new) + 1))
    distinct = np.ascontiguousarray(array[order[starts]])
    counts = np.add.reduceat(weights[order], starts).astype(np.int64)
    return distinct, counts


class CsrArrays(NamedTuple):
    """A CSR matrix as plain NumPy arrays, the way SciPy's ``csr_matrix`` takes them."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


class _LazyMatrix:
    """``ApprovalProfile.matrix``: the SciPy CSR matrix, built from the arrays on first use.

    Reading a .pb file and counting it need only the arrays; building the matrix
    is what pulls in ``scipy.sparse`` (0.15 s), so callers who never look at
    ``matrix`` never pay for it.
    """

    def __set__(self, profile: ApprovalProfile, value: Any) -> None:
        # the dataclass __init__ stores the constructor argument here
        profile.__dict__["_given"] = value

    def __get__(self, profile: ApprovalProfile | None, owner: type) -> Any:
        if profile is None:
            return self
        cached = profile.__dict__.get("_matrix")
        if cached is None:
            from scipy import sparse

            arrays = profile._arrays
            matrix = sparse.csr_matrix(
                (arrays.data, arrays.indices, arrays.indptr), shape=arrays.shape)
            cached = sparse.csr_matrix(matrix, dtype=np.int64)
            profile.__dict__["_matrix"] = cached
        return cached


@dataclass(frozen=True, eq=False)
class ApprovalProfile:
    """Approval, knapsack or points ballots as a sparse voters x options matrix.

    Attributes:
        matrix: ``(n_distinct, n_options)`` CSR matrix; an entry is 1 for an
            approval and the number of points for cumulative ballots. The
            constructor takes a SciPy sparse matrix or a ``CsrArrays``; from
            arrays the SciPy matrix is built only when ``matrix`` is first read.
        counts: ``(n_distinct,)`` int64, how many voters cast row ``i``.
        options: label of each option id.
    """

    matrix: sparse.csr_matrix
    counts: np.ndarray
    options: tuple[str, ...]

    def __post_init__(self) -> None:
        given = self.__dict__.pop("_given")
        counts = np.ascontiguousarray(self.counts, dtype=np.int64)
        if isinstance(given, CsrArrays):
            n_rows, n_columns = given.shape
            indptr = np.asarray(given.indptr)
            indices = np.asarray(given.indices)
            data = np.asarray(given.data)
            if (indptr.shape != (n_rows + 1,) or len(indices) != len(data)
                    or len(indices) != int(indptr[-1])):
                raise ValueError("CSR arrays do not fit together")
            if len(indices) and (indices.min() < 0 or indices.max() >= n_columns):
                raise ValueError("column index out of bounds")
            arrays = CsrArrays(data, indices, indptr, (int(n_rows), int(n_columns)))
        else:
            from scipy import sparse

            matrix = sparse.csr_matrix(given, dtype=np.int64)
            self.__dict__["_matrix"] = matrix
            arrays = CsrArrays(matrix.data, matrix.indices, matrix.indptr, matrix.shape)
        if arrays.shape[1] != len(self.options) or counts.shape != (arrays.shape[0],):
            raise ValueError("matrix must have one column per option and one count per row")
        object.__setattr__(self, "_arrays", arrays)
        object.__setattr__(self, "counts", _readonly(counts))

    @classmethod
    def from_arrays(
        cls,
        indptr: np.ndarray,
        indices: np.ndarray,
        data: np.ndarray,
        counts: np.ndarray,
        options: Sequence[str],
    ) -> ApprovalProfile:
        """Builds a profile from CSR arrays (row ``i`` marks ``indices[indptr[i]:indptr[i+1]]``).

        >>> p = ApprovalProfile.from_arrays([0, 2, 3], [0, 1, 1], [1, 1, 1], [1, 2], ["a", "b"])
        >>> p.totals().tolist()
        [1, 3]
        """
        indptr = np.asarray(indptr, dtype=np.int64)
        arrays = CsrArrays(np.asarray(data, dtype=np.int64), np.asarray(indices, dtype=np.int32),
                           indptr, (len(indptr) - 1, len(options)))
        return cls(arrays, counts, tuple(options))  # type: ignore[arg-type]

    @classmethod
    def from_ballots(
        cls,
        ballots: Iterable[Iterable[int] | dict[int, int]],
        options: Sequence[str],
        *,
        weights: Iterable[int] | None = None,
    ) -> ApprovalProfile:
        """Builds a profile from sets of option ids (or ``{option: points}`` maps).

        >>> p = ApprovalProfile.from_ballots([{0, 1}, {1}], ["a", "b"])
        >>> p.totals().tolist()
        [1, 2]
        """
        indptr, indices, data = [0], [], []
        for ballot in ballots:
            marks = ballot if isinstance(ballot, dict) else dict.fromkeys(ballot, 1)
            for option, value in sorted(marks.items()):
                indices.append(option)
                data.append(value)
            indptr.append(len(indices))
        n = len(indptr) - 1
        arrays = CsrArrays(np.array(data, np.int64), np.array(indices, np.int64),
                           np.array(indptr, np.int64), (n, len(options)))
        counts = np.ones(n, np.int64) if weights is None else np.fromiter(weights, np.int64)
        return cls(arrays, counts, tuple(options))  # type: ignore[arg-type]

    @property
    def arrays(self) -> CsrArrays:
        """The matrix as CSR arrays (``data``, ``indices``, ``indptr``, ``shape``), no SciPy."""
        return self._arrays  # type: ignore[attr-defined, no-any-return]

    @property
    def n_options(self) -> int:
        return len(self.options)

    @property
    def n_voters(self) -> int:
        return int(self.counts.sum())

    def row_counts(self) -> np.ndarray:
        """``counts`` repeated once per stored entry of the matrix (its row's voters)."""
        return np.repeat(self.counts, np.diff(self.arrays.indptr))

    def totals(self) -> np.ndarray:
        """Approvals (or points) per option, counting each row ``counts`` times."""
        totals = np.zeros(self.n_options, np.int64)
        np.add.at(totals, self.arrays.indices, self.arrays.data * self.row_counts())
        return totals

    def supporters(self) -> np.ndarray:
        """Number of voters who marked each option at all (points ignored)."""
        supporters = np.zeros(self.n_options, np.int64)
        np.add.at(supporters, self.arrays.indices, self.row_counts())
        return supporters


# Assigned after the dataclass is made, so that the field keeps no default.
ApprovalProfile.matrix = _LazyMatrix()  # type: ignore[assignment]


def check_option(option: int, n_options: int) -> None:
    """Raises BallotError when ``option`` is not an id of the profile."""
    if not 0 <= option < n_options:
        raise BallotError("unknown_option", f"unknown option {option}", option=option)
