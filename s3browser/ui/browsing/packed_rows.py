"""Append-only typed columns and packed names: a listing's rows without a Python object per row.

Ten million rows kept as Python strings and ints cost over 120 bytes each; here a row costs its
name's UTF-8 bytes plus a few fixed-size numbers.  Columns only grow at their end, and a
:meth:`GrowingArray.view` taken for a worker stays valid while more rows are appended (growth
copies into a new buffer; the view keeps the old one alive), so sorting and filtering can run on
a worker over a snapshot while pages keep arriving.  No Qt here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from s3browser.core.s3.packed_pages import ENCODING, ERRORS, NameBytes, NameGroup

CHUNK_BITS = 16
CHUNK = 1 << CHUNK_BITS  # rows per chunk: appending never copies more than one chunk
_MASK = CHUNK - 1


class ChunkedArray:
    """An append-only typed column kept in chunks of :data:`CHUNK` items.

    Growing one contiguous array means copying all of it now and then, which at ten million
    rows stalls the window for a second; chunks never move once full.  :meth:`snapshot` is what
    a worker may read while more rows are appended: the chunks it lists keep their filled part.
    """

    __slots__ = ("dtype", "chunks", "n")

    def __init__(self, dtype: Any, values: Any = None) -> None:
        self.dtype = np.dtype(dtype)
        self.chunks: list[np.ndarray] = []
        self.n = 0
        if values is not None:
            self.extend(values)

    @classmethod
    def wrap(cls, array: np.ndarray) -> ChunkedArray:
        """A column over ``array`` without copying it (its chunks are views of it)."""
        column = cls(array.dtype)
        column.chunks = [array[first:first + CHUNK] for first in range(0, len(array), CHUNK)]
        column.n = len(array)
        return column

    def __len__(self) -> int:
        return self.n

    def extend(self, values: Any) -> None:
        values = np.asarray(values, dtype=self.dtype)
        done, count = 0, len(values)
        while done < count:
            used = self.n & _MASK
            if used == 0 and self.n == len(self.chunks) * CHUNK:
                self.chunks.append(np.empty(CHUNK, dtype=self.dtype))
            last = self.chunks[-1]
            if len(last) < CHUNK:  # a view's short last chunk: give it a whole chunk's room
                last = self.chunks[-1] = np.concatenate((last, np.empty(CHUNK - len(last), dtype=self.dtype)))
            take = min(CHUNK - used, count - done)
            last[used:used + take] = values[done:done + take]
            done += take
            self.n += take

    def at(self, i: int) -> Any:
        """One item (fast enough to call per painted cell)."""
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.chunks[i >> CHUNK_BITS][i & _MASK]

    def snapshot(self) -> Frozen:
        return Frozen(tuple(self.chunks), self.n, self.dtype)

    def array(self) -> np.ndarray:
        return self.snapshot().array()

    def tail(self, start: int) -> np.ndarray:
        """Items ``start`` to the end, as one array (a copy)."""
        if start >= self.n:
            return np.empty(0, dtype=self.dtype)
        first = start >> CHUNK_BITS
        parts = [self.chunks[first][start & _MASK:], *self.chunks[first + 1:]]
        return np.concatenate(parts)[:self.n - start]


class Frozen:
    """A column as it was: its chunks and length; :meth:`array` joins them (on a worker)."""

    __slots__ = ("chunks", "n", "dtype")

    def __init__(self, chunks: tuple[np.ndarray, ...], n: int, dtype: np.dtype) -> None:
        self.chunks = chunks
        self.n = n
        self.dtype = dtype

    def array(self) -> np.ndarray:
        if not self.chunks:
            return np.empty(0, dtype=self.dtype)
        return np.concatenate(self.chunks)[:self.n]


class PackedNames:
    """Names as UTF-8 bytes, one buffer per chunk of rows with 32-bit offsets into it.

    ``folded`` is the casefolded twin that filtering and sorting by name compare: the same
    object while no name changes under casefolding (the usual bucket), its own buffers after.
    """

    __slots__ = ("texts", "offsets", "n", "_folded")

    def __init__(self) -> None:
        self.texts: list[bytearray] = []
        self.offsets: list[np.ndarray] = []  # per chunk: CHUNK + 1 offsets into its text
        self.n = 0
        self._folded: PackedNames | None = None

    def __len__(self) -> int:
        return self.n

    @property
    def folded(self) -> PackedNames:
        return self if self._folded is None else self._folded

    def append(self, group: NameGroup) -> None:
        """Add a page's packed names at the end (copies of its buffers: no Python object per name)."""
        if not len(group):
            return
        if self._folded is None and group.folded is not None:  # the first name that folds differently
            self._folded = self.copy()
        if self._folded is not None:
            self._folded._add(group.folded or group.names)
        self._add(group.names)

    def append_names(self, names: list[str]) -> None:
        self.append(NameGroup.of(names))

    def copy(self) -> PackedNames:
        twin = PackedNames()
        twin.texts = [bytearray(text) for text in self.texts]
        twin.offsets = [offsets.copy() for offsets in self.offsets]
        twin.n = self.n
        return twin

    def _add(self, names: NameBytes) -> None:
        ends = np.cumsum(names.lengths)
        done, count = 0, len(names)
        while done < count:
            used = self.n & _MASK
            if used == 0:
                self.texts.append(bytearray())
                self.offsets.append(np.zeros(CHUNK + 1, dtype=np.int32))
            take = min(CHUNK - used, count - done)
            first_byte = int(ends[done - 1]) if done else 0
            text, offsets = self.texts[-1], self.offsets[-1]
            offsets[used + 1:used + 1 + take] = ends[done:done + take] - first_byte + len(text)
            text += names.text[first_byte:int(ends[done + take - 1])]
            done += take
            self.n += take

    def raw(self, i: int) -> bytes:
        chunk, j = i >> CHUNK_BITS, i & _MASK
        offsets = self.offsets[chunk]
        return bytes(self.texts[chunk][offsets[j]:offsets[j + 1]])

    def name(self, i: int) -> str:
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.raw(i).decode(ENCODING, ERRORS)

    def snapshot(self) -> FrozenNames:
        """The names as they are now, for a worker: each chunk's bytes and offsets (no copy of
        full chunks; the chunk being filled is copied, as appending may move its buffer)."""
        texts = [np.frombuffer(bytes(text), dtype=np.uint8) for text in self.texts[-1:]]
        full = [np.frombuffer(memoryview(text).toreadonly(), dtype=np.uint8) for text in self.texts[:-1]]
        return FrozenNames(tuple(full + texts), tuple(self.offsets), self.n)

    def find(self, name: str) -> int:
        """The first row named ``name``, or -1."""
        return next((i for i in range(self.n) if self.raw(i) == name.encode(ENCODING, ERRORS)), -1)


class FrozenNames:
    """Names as they were: per chunk of :data:`CHUNK` rows, its UTF-8 bytes and offsets."""

    __slots__ = ("texts", "offsets", "n")

    def __init__(self, texts: tuple[np.ndarray, ...], offsets: tuple[np.ndarray, ...], n: int) -> None:
        self.texts = texts
        self.offsets = offsets
        self.n = n

    def chunk(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Chunk ``k``'s bytes and its rows' offsets into them (one more than its rows)."""
        rows = min(CHUNK, self.n - k * CHUNK)
        return self.texts[k], self.offsets[k][:rows + 1]

    def joined(self) -> tuple[np.ndarray, np.ndarray]:
        """All names' bytes in one buffer, with 64-bit offsets (for sorting by name)."""
        chunks = [self.chunk(k) for k in range(len(self.texts))]
        if not chunks:
            return np.empty(0, dtype=np.uint8), np.zeros(1, dtype=np.int64)
        bases = np.cumsum([0] + [int(offsets[-1]) for _text, offsets in chunks])
        text = np.concatenate([text[:int(offsets[-1])] for text, offsets in chunks])
        starts = [offsets[:-1].astype(np.int64) + base
                  for (_text, offsets), base in zip(chunks, bases[:-1], strict=True)]
        offsets = np.concatenate([*starts, bases[-1:]])
        return text, offsets
