"""The table's sort and filter as whole-array work over a snapshot of the columns; no Qt.

:func:`compute_order` runs on a worker for a big listing (and inline for a small one): numpy
sorts and compares in C with the interpreter lock released, so the window keeps painting while
ten million rows are ordered.  Nothing here builds a Python object per row.  ``should_stop`` is
asked between steps, so a filter made stale by the next keystroke stops early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from s3browser.ui.browsing.packed_rows import CHUNK, FrozenNames

Stop = Callable[[], bool]
BLOCK_ROWS = 1 << 20  # rows per step of building name keys


class Stopped(Exception):
    """The work was asked to stop (a newer sort or filter replaced it)."""


@dataclass(frozen=True)
class OrderInput:
    """A snapshot of what ordering needs, taken on the GUI thread (views: no copy)."""

    rows: int  # storage rows [0, rows) are ordered
    is_folder: Any  # a flag per storage row (an array, or a Frozen column made one on the worker)
    names: FrozenNames  # casefolded
    descending: bool = False
    keys: Any = None  # a number per storage row to sort by (array or Frozen); None: by name
    key_map: np.ndarray | None = None  # keys are ids into this table of ranks (storage classes)
    names_in_order: tuple[bool, bool] = (False, False)  # (folders, files): storage order is name order
    needle: bytes = b""  # the casefolded filter text
    order: tuple[Any, Any] | None = None  # every row already in this order (arrays or Frozen): only filter
    track: tuple[int, ...] = ()  # storage rows to find in the result (the selection and current row)


@dataclass(frozen=True)
class OrderOutput:
    rows: int
    order: tuple[np.ndarray, np.ndarray]  # every row: folders, then files, in the sort order
    shown: tuple[np.ndarray, np.ndarray]  # those the filter shows (the same arrays with no filter)
    resorted: bool  # False: ``order`` is the order given
    tracked: dict[int, int]  # each tracked storage row -> its row in ``shown`` (folders then files), if shown
    track: tuple[int, ...] = ()  # the rows asked about (those missing from ``tracked`` are hidden)


def compute_order(request: OrderInput, should_stop: Stop = lambda: False) -> OrderOutput:
    """Order (when ``request.order`` is None) and filter the rows; raises :class:`Stopped`."""
    n = request.rows
    if request.order is None:
        folder = _array(request.is_folder)[:n].view(bool)
        folders = np.flatnonzero(folder)
        files = np.flatnonzero(~folder)
        keys = None if request.keys is None else _array(request.keys)
        if keys is not None and request.key_map is not None:
            keys = request.key_map[keys[:n]]
        text_offsets = request.names.joined() if keys is None and not all(request.names_in_order) else None
        order = (_sorted(request, folders, keys, text_offsets, request.names_in_order[0], should_stop),
                 _sorted(request, files, keys, text_offsets, request.names_in_order[1], should_stop))
    else:
        order = (_array(request.order[0]), _array(request.order[1]))
    shown = order
    if request.needle:
        mask = rows_containing(request.names, request.needle, n, should_stop)
        shown = (order[0][mask[order[0]]], order[1][mask[order[1]]])
    tracked = positions_of(np.array(request.track, dtype=np.int64), shown) if request.track else {}
    return OrderOutput(n, order, shown, request.order is None, tracked, request.track)


def positions_of(rows: np.ndarray, shown: tuple[Any, Any]) -> dict[int, int]:
    """Where each storage row of ``rows`` is in ``shown`` (folders, then files); hidden rows are left out.

    A chunk at a time, never the whole column joined: the window calls this for the few rows a
    finished order did not track (a header saves an index of its own when the layout changes), and
    joining a million rows there first was a 50 ms stall."""
    found: dict[int, int] = {}
    offset = 0
    for group in shown:
        for start, part in _pieces(group):
            at = np.flatnonzero(np.isin(part, rows))
            if len(at):
                found.update(zip(part[at].tolist(), (at + offset + start).tolist(), strict=True))
        offset += len(group) if isinstance(group, np.ndarray) else group.n
    return found


def _pieces(column: Any) -> Iterator[tuple[int, np.ndarray]]:
    """A column's values chunk by chunk, each with the position of its first value."""
    if isinstance(column, np.ndarray):
        yield 0, column
        return
    start = 0
    for chunk in column.chunks:
        part = chunk[:max(0, column.n - start)]
        if len(part):
            yield start, part
        start += len(chunk)


def _check(should_stop: Stop) -> None:
    if should_stop():
        raise Stopped


def _array(column: Any) -> np.ndarray:
    return column if isinstance(column, np.ndarray) else column.array()


def _sorted(request: OrderInput, rows: np.ndarray, all_keys: np.ndarray | None,
            text_offsets: tuple[np.ndarray, np.ndarray] | None, names_in_order: bool, should_stop: Stop) -> np.ndarray:
    """``rows`` (ascending storage rows) in the requested order; ties keep storage order."""
    _check(should_stop)
    if all_keys is None:
        if names_in_order or text_offsets is None:
            return rows[::-1].copy() if request.descending else rows
        text, offsets = text_offsets
        starts, ends = offsets[rows], offsets[rows + 1]
        if request.descending:  # a stable ascending sort of the reversed rows, reversed: ties in storage order
            return rows[::-1][argsort_byte_strings(text, starts[::-1], ends[::-1], should_stop)][::-1]
        return rows[argsort_byte_strings(text, starts, ends, should_stop)]
    keys = all_keys[rows]
    if request.descending:
        return rows[::-1][np.argsort(keys[::-1], kind="stable")][::-1]
    return rows[np.argsort(keys, kind="stable")]


def _name_keys(text: np.ndarray, starts: np.ndarray, ends: np.ndarray, chunk: int) -> np.ndarray:
    """Bytes [8*chunk, 8*chunk + 8) of each name as one big-endian number (zero past its end)."""
    keys = np.zeros(len(starts), dtype=np.uint64)
    for first in range(0, len(starts), BLOCK_ROWS):
        block_starts, block_ends = starts[first:first + BLOCK_ROWS], ends[first:first + BLOCK_ROWS]
        block = keys[first:first + BLOCK_ROWS]
        for byte in range(8):
            position = block_starts + (8 * chunk + byte)
            inside = position < block_ends
            value = np.zeros(len(position), dtype=np.uint64)
            value[inside] = text[position[inside]]
            block |= value << np.uint64(56 - 8 * byte)
    return keys


def argsort_byte_strings(text: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                         should_stop: Stop = lambda: False) -> np.ndarray:
    """The stable ascending order of the byte strings ``text[starts[i]:ends[i]]``.

    Eight bytes at a time: sort every name by its first eight, then only the names still tied
    with another by their next eight, and so on, so long shared prefixes cost rounds only for
    the names that share them.  UTF-8 byte order is code point order, as Python compares str.
    """
    n = len(starts)
    lengths = ends - starts
    keys = _name_keys(text, starts, ends, 0)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = keys[1:] != keys[:-1]
    chunk = 1
    while n:
        _check(should_stop)
        group = np.cumsum(new_group.astype(np.int64)) - 1  # cast first: a cumsum that casts holds the GIL
        group_starts = np.flatnonzero(new_group)
        sizes = np.diff(np.append(group_starts, n))
        longest = np.maximum.reduceat(lengths[order], group_starts)
        unsettled = (sizes > 1) & (longest > 8 * chunk)
        positions = np.flatnonzero(unsettled[group])
        if not len(positions):
            break
        rows = order[positions]
        keys = _name_keys(text, starts[rows], ends[rows], chunk)
        groups = group[positions]
        by_key = np.argsort(keys, kind="stable")
        by_group = by_key[np.argsort(groups[by_key], kind="stable")]  # groups stay where they are
        order[positions] = rows[by_group]
        keys = keys[by_group]
        split = np.zeros(len(positions), dtype=bool)
        split[1:] = (keys[1:] != keys[:-1]) & (groups[1:] == groups[:-1])
        new_group[positions] |= split
        chunk += 1
    return order


def rows_containing(names: FrozenNames, needle: bytes, n: int, should_stop: Stop = lambda: False,
                    first: int = 0) -> np.ndarray:
    """A flag per storage row [first, n): whether its name holds ``needle`` (both casefolded UTF-8)."""
    found = np.zeros(n - first, dtype=bool)
    if not needle:
        found[:] = True
        return found
    for k in range(first // CHUNK, (n + CHUNK - 1) // CHUNK):
        _check(should_stop)
        text, offsets = names.chunk(k)
        rows = min(CHUNK, n - k * CHUNK)
        skip = max(0, first - k * CHUNK)
        flags = names_containing(text, offsets[skip:rows + 1], needle)
        found[k * CHUNK + skip - first:k * CHUNK + rows - first] = flags
    return found


def names_containing(text: np.ndarray, offsets: np.ndarray, needle: bytes) -> np.ndarray:
    """Whether each name ``text[offsets[i]:offsets[i + 1]]`` holds the non-empty ``needle``.

    Where the needle's bytes all match marks a start; a name matches if a start lies in
    ``[its start, its end - len(needle)]``, so no match runs across two names.
    """
    pattern = np.frombuffer(needle, dtype=np.uint8)
    width = len(pattern)
    starts, ends = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    if not len(starts):
        return np.zeros(0, dtype=bool)
    segment = text[:int(ends[-1])]
    hits = np.zeros(len(segment) + 1, dtype=bool)
    if len(segment) >= width:
        matched = segment[:len(segment) - width + 1] == pattern[0]
        for j in range(1, width):
            matched &= segment[j:len(segment) - width + 1 + j] == pattern[j]
        hits[:len(matched)] = matched
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2] = starts
    bounds[1::2] = np.maximum(ends - width + 1, 0)
    return np.logical_or.reduceat(hits, bounds)[0::2] & (ends - starts >= width)
