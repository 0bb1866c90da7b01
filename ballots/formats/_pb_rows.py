"""The VOTES rows of a .pb file split with NumPy, for the common plain case.

Reading hundreds of thousands of rows with the ``csv`` module makes a Python
list and several strings per row; here the bytes of the section are cut with
array operations and the votes come out as project indices directly. Only
plain rows are taken: no quotes, no NUL, no lone ``\\r``, no blank line, the
header's number of ``;`` on every line, every vote token exactly a project id
and no voter_id twice. For anything else ``vote_rows`` returns None and the
caller reads the section with ``csv``, which also reports errors with their
line; so this module never decides that a file is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

_NL, _CR, _SEMICOLON, _COMMA = 10, 13, 59, 44
_LONGEST_VOTER_ID = 256  # bytes; longer ids are left to the csv reader
_LOW_BYTES = np.array([(1 << 8 * n) - 1 for n in range(9)], np.uint64)  # masks of n bytes
_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd constant that spreads bits
_MULTIPLIERS = tuple(map(np.uint64, (0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
                                     0x9E3779B97F4A7C15, 0xFF51AFD7ED558CCD)))


def vote_rows(
    data: bytes,
    start: int,
    width: int,
    vote_at: int,
    voter_at: int | None,
    project_ids: Sequence[str],
) -> tuple[np.ndarray, np.ndarray] | None:
    """Project indices of every vote in the VOTES rows ``data[start:]``, or None if unusual.

    Args:
        data: UTF-8 bytes whose part from ``start`` on is the rows after the VOTES header.
        start: offset of the first row in ``data``.
        width: number of columns in the header.
        vote_at: index of the ``vote`` column.
        voter_at: index of the ``voter_id`` column, if any.
        project_ids: the ids of the PROJECTS section (index = project index).

    Returns:
        ``(ids, lengths)``: the int32 project indices of all votes in row and
        file order, and the number of projects of each row; None when a row
        is not plain (see the module docstring).

    Example:
        >>> ids, lengths = vote_rows(b"1;a,b\\r\\n2;\\n3;b\\n", 0, 2, 1, 0, ["a", "b"])
        >>> ids.tolist(), lengths.tolist()
        ([0, 1, 1], [2, 0, 1])
    """
    end = len(data)
    while end > start and data[end - 1] in (_NL, _CR):  # trailing blank lines are no rows
        end -= 1
    if end <= start or data.find(b'"', start, end) >= 0 or data.find(b"\0", start, end) >= 0:
        return None
    labels = [label.encode("utf-8", "surrogatepass") for label in project_ids]
    if not labels or b"" in labels or any(b"\0" in label for label in labels):
        return None
    buf = np.frombuffer(data, np.uint8, count=end - start, offset=start)
    # every ; , and \n in one array: each comma's cell is the number of ; and \n before it
    marks = buf == _NL
    marks |= buf == _SEMICOLON  # in place: one byte per byte of the file at a time
    marks |= buf == _COMMA
    cuts = np.flatnonzero(marks)
    del marks
    kinds = buf[cuts]
    lines = _lines(buf, cuts[kinds == _NL], data.find(b"\r", start, end) >= 0)
    if lines is None:
        return None
    fields = _fields(cuts[kinds == _SEMICOLON], *lines, width)
    if fields is None:
        return None
    # padding lets every cell be read in whole uint64 words, even at the end
    longest = max(_LONGEST_VOTER_ID, *map(len, labels))
    padded = np.concatenate([buf, np.zeros(longest + 8, np.uint8)])
    if voter_at is not None and _repeats(padded, *fields(voter_at)):
        return None
    is_comma = kinds == _COMMA
    cells = np.cumsum(~is_comma)[is_comma]
    in_votes = cells % width == vote_at
    commas, rows = cuts[is_comma][in_votes], cells[in_votes] // width
    return _votes(padded, *fields(vote_at), commas, rows, labels)


def _lines(
    buf: np.ndarray, newlines: np.ndarray, has_returns: bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and end (exclusive, before ``\\r\\n`` or ``\\n``) of every line, None if blank."""
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(buf)]))
    if has_returns:
        returns = np.flatnonzero(buf == _CR)
        after = returns + 1
        # a lone \r ends a line for csv too; only \r\n is taken here
        if after[-1] >= len(buf) or (buf[after] != _NL).any():
            return None
        ends[np.searchsorted(ends, returns)] -= 1
    if (ends <= starts).any():
        return None
    return starts, ends


def _fields(
    semicolons: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int
) -> Callable[[int], tuple[np.ndarray, np.ndarray]] | None:
    """Gives (starts, ends) of the cells of a column; None unless every row has ``width``."""
    n_rows, gaps = len(starts), width - 1
    if len(semicolons) != n_rows * gaps:
        return None
    cuts = semicolons.reshape(n_rows, gaps)
    # sorted cuts, as many as rows x gaps: each row has exactly its share when
    # the first and last of every group fall inside that row
    if gaps and ((cuts[:, 0] < starts).any() or (cuts[:, -1] >= ends).any()):
        return None

    def column(k: int) -> tuple[np.ndarray, np.ndarray]:
        return (starts if k == 0 else cuts[:, k - 1] + 1), (ends if k == gaps else cuts[:, k])

    return column


def _cells(padded: np.ndarray, starts: np.ndarray, lengths: np.ndarray, size: int) -> np.ndarray:
    """The byte strings ``padded[start:start + length]`` as zero-filled uint64 words.

    Returns a ``(n, words)`` uint64 array; with no NUL bytes about, two rows
    are equal exactly when the byte strings are. ``padded`` must extend at
    least ``size + 8`` bytes past every start.
    """
    # a (possibly unaligned) uint64 starting at every byte: one gather per word
    words = np.ndarray((len(padded) - 7,), "<u8", padded, strides=(1,))
    n_words = -(-max(size, 1) // 8)
    cells = np.empty((len(starts), n_words), np.uint64)
    for word in range(n_words):
        kept = np.clip(lengths - 8 * word, 0, 8)
        cells[:, word] = words[starts + 8 * word] & _LOW_BYTES[kept]
    return cells


def _keys(cells: np.ndarray) -> np.ndarray:
    """One uint64 per row of ``_cells``: equal rows, equal keys (and rarely others)."""
    keys = cells[:, 0].copy()
    for word in range(1, cells.shape[1]):
        keys *= _MIX  # wraps around, as intended
        keys ^= cells[:, word]
    return keys


def _repeats(padded: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bool:
    """True when two cells may be equal, or one is too long to compare here."""
    lengths = ends - starts
    longest = int(lengths.max(initial=0))
    if longest > _LONGEST_VOTER_ID:
        return True
    keys = np.sort(_keys(_cells(padded, starts, lengths, longest)))
    return bool((keys[1:] == keys[:-1]).any())


def _votes(
    padded: np.ndarray, starts: np.ndarray, ends: np.ndarray, commas: np.ndarray,
    rows: np.ndarray, labels: list[bytes],
) -> tuple[np.ndarray, np.ndarray] | None:
    """The vote cells cut at their ``commas`` (in cell ``rows``) and mapped to project indices.

    None when a piece is not exactly a project id.
    """
    filled = ends > starts
    lengths = np.bincount(rows, minlength=len(starts)) + filled
    # tokens start at a filled cell or after a comma, and end at a comma or the
    # cell end; both lists are two sorted runs, which a stable sort merges
    token_starts = np.sort(np.concatenate((starts[filled], commas + 1)), kind="stable")
    token_ends = np.sort(np.concatenate((commas, ends[filled])), kind="stable")
    token_lengths = token_ends - token_starts
    size = max(map(len, labels))
    if (token_lengths <= 0).any() or (token_lengths > size).any():
        return None
    label_lengths = np.array(list(map(len, labels)))
    label_starts = np.cumsum(label_lengths) - label_lengths
    joined = np.frombuffer(b"".join(labels) + bytes(size + 8), np.uint8)
    table = _cells(joined, label_starts, label_lengths, size)
    tokens = _cells(padded, token_starts, token_lengths, size)
    ids = _lookup(_keys(table), _keys(tokens))
    # the keys only find a candidate; the bytes decide
    if ids is None or not (table[ids] == tokens).all():
        return None
    return ids.astype(np.int32), lengths.astype(np.int64)


def _lookup(table: np.ndarray, keys: np.ndarray) -> np.ndarray | None:
    """For each key, the index of the equal key in ``table`` if there is one (else any index).

    A perfect hash (multiply, keep the top bits) when one of a few multipliers
    gives every table key its own slot, else a binary search; None when two
    table keys are equal.
    """
    order = np.argsort(table)
    ordered = table[order]
    if (ordered[1:] == ordered[:-1]).any():
        return None
    bits = min(max(2 * len(table) ** 2, 2).bit_length(), 16)
    shift = np.uint64(64 - bits)
    for multiplier in _MULTIPLIERS:
        slots = (table * multiplier) >> shift  # wraps around, as intended
        if len(np.unique(slots)) == len(slots):
            index = np.zeros(1 << bits, np.int64)
            index[slots] = np.arange(len(table))
            return index[(keys * multiplier) >> shift]
    return order[np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)]
