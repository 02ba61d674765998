"""The table's packed columns and whole-array sort and filter, against plain Python (no Qt)."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest

from s3browser.ui.browsing.packed_rows import CHUNK, ChunkedArray, PackedNames
from s3browser.ui.browsing.row_order import OrderInput, Stopped, argsort_byte_strings, compute_order, rows_containing

ALPHABET = "aAbB/._-0129ßŞéx日本\u0130 "


def random_names(rng: random.Random, count: int) -> list[str]:
    names = ["".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 3, 7, 8, 9, 15, 16, 17, 30])))
             for _ in range(count)]
    return names + [name + "x" for name in names[:5]] + names[:3]  # shared prefixes and exact ties


def packed(names: list[str], page: int = 7) -> PackedNames:
    store = PackedNames()
    for first in range(0, len(names), page):
        store.append_names(names[first:first + page])
    return store


@pytest.mark.parametrize("seed", range(40))
def test_names_round_trip_and_sort_and_filter_like_python(seed: int) -> None:
    rng = random.Random(seed)
    names = random_names(rng, rng.randint(0, 60))
    store = packed(names)
    assert [store.name(i) for i in range(len(names))] == names
    folded = store.folded.snapshot()
    text, offsets = folded.joined()
    assert list(argsort_byte_strings(text, offsets[:-1], offsets[1:])) == sorted(
        range(len(names)), key=lambda i: names[i].casefold())
    for needle in ("a", "ab", "ss", "x", "ß", "日本", "0129", "b a", ""):
        flags = rows_containing(folded, needle.casefold().encode(), len(names))
        assert list(flags) == [needle.casefold() in name.casefold() for name in names], needle


@pytest.mark.parametrize("seed", range(20))
def test_order_puts_folders_first_sorts_stably_both_ways_and_filters(seed: int) -> None:
    rng = random.Random(seed)
    names = random_names(rng, rng.randint(1, 80))
    is_folder = [rng.random() < 0.3 for _ in names]
    sizes = [rng.randint(0, 3) for _ in names]  # many ties: they stay in storage order
    store = packed(names)
    groups = ([i for i, f in enumerate(is_folder) if f], [i for i, f in enumerate(is_folder) if not f])
    for descending in (False, True):
        for keys, key in ((ChunkedArray(np.int64, sizes).snapshot(), sizes.__getitem__),
                          (None, lambda i: names[i].casefold())):
            result = compute_order(OrderInput(len(names), ChunkedArray(np.uint8, is_folder).snapshot(),
                                              store.folded.snapshot(), descending, keys, needle=b"a"))
            for group, rows in enumerate(groups):
                expected = sorted(rows, key=key, reverse=descending)
                assert list(result.order[group]) == expected
                assert list(result.shown[group]) == [i for i in expected if "a" in names[i].casefold()]


def test_a_match_never_runs_across_two_names() -> None:
    store = packed(["ab", "cd", "abc", "d", "xbcx"])
    flags = rows_containing(store.folded.snapshot(), b"bc", 5)
    assert list(flags) == [False, False, True, False, True]


def test_many_chunks_sort_and_filter_across_their_edges() -> None:
    count = 2 * CHUNK + 1234
    rng = random.Random(7)
    names = [f"{rng.randrange(10**6):06d}-{i}" for i in range(count)]
    store = packed(names, page=1000)
    text, offsets = store.folded.snapshot().joined()
    assert list(argsort_byte_strings(text, offsets[:-1], offsets[1:])) == sorted(range(count), key=names.__getitem__)
    flags = rows_containing(store.folded.snapshot(), b"99", count, first=CHUNK - 5)
    assert list(flags) == ["99" in name for name in names[CHUNK - 5:]]


def test_a_stopped_order_stops() -> None:
    store = packed([f"n{i}" for i in range(100)])
    with pytest.raises(Stopped):
        compute_order(OrderInput(100, ChunkedArray(np.uint8, np.zeros(100)).snapshot(), store.folded.snapshot(),
                                 needle=b"1"), should_stop=lambda: True)


def test_a_row_costs_its_bytes_not_a_python_object() -> None:
    """A hundred thousand 19-character names and their sizes take about 31 bytes each (name, offset,
    size); as Python strings in a list they would take over 75."""
    names = [f"object-{i:08d}.dat" for i in range(100_000)]
    tracemalloc.start()
    try:
        store = PackedNames()
        sizes = ChunkedArray(np.int64)
        for first in range(0, len(names), 1000):
            store.append_names(names[first:first + 1000])
            sizes.extend(range(first, first + 1000))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held / len(names) < 40
    assert store.name(54_321) == "object-00054321.dat" and sizes.at(54_321) == 54_321


def test_a_snapshot_stays_as_it_was_while_rows_are_added() -> None:
    store = PackedNames()
    column = ChunkedArray(np.int64)
    store.append_names(["b", "a"])
    column.extend([2, 1])
    names, numbers = store.snapshot(), column.snapshot()
    for first in range(0, 3 * CHUNK, 5000):
        store.append_names([f"z{i}" for i in range(first, first + 5000)])
        column.extend(range(first, first + 5000))
    assert names.n == 2 and list(numbers.array()) == [2, 1]
    text, offsets = names.joined()
    assert text.tobytes() == b"ba" and list(offsets) == [0, 1, 2]


def test_positions_are_found_chunk_by_chunk_in_a_frozen_column_as_in_the_joined_one() -> None:
    """The window looks up untracked rows in the shown columns a chunk at a time (joining them was a
    stall at a million rows): the answer is the one the joined column gives, chunk ends included."""
    from s3browser.ui.browsing.row_order import positions_of

    rng = np.random.default_rng(7)
    folders, files = ChunkedArray(np.int64), ChunkedArray(np.int64)
    folder_rows = rng.permutation(np.arange(3 * CHUNK, 3 * CHUNK + 10, dtype=np.int64))
    file_rows = rng.permutation(np.arange(2 * CHUNK + 17, dtype=np.int64))
    folders.extend(folder_rows)
    files.extend(file_rows)
    shown = (folders.snapshot(), files.snapshot())
    joined = np.concatenate([folder_rows, file_rows])
    wanted = np.array([joined[0], joined[9], joined[10], joined[10 + CHUNK - 1], joined[10 + CHUNK],
                       joined[-1], 10 ** 9], dtype=np.int64)
    expected = {int(row): int(np.flatnonzero(joined == row)[0]) for row in wanted if row in joined}
    assert positions_of(wanted, shown) == expected
    assert len(expected) == 6
