"""One listing's rows in compact columnar storage, with the order and filter the table shows; no Qt.

Rows are kept in typed, chunked columns (:mod:`packed_rows`): names as UTF-8 bytes with offsets,
sizes, times and storage-class ids as numbers, about 50 bytes a row, with no Python object per
row.  ``order`` holds every storage row in the current sort (folders and files apart: folders
always come first) and ``shown`` the ones the filter lets through (the same columns when there
is no filter), so sorting and filtering never copy the data and need no proxy model.  The
heavy work is :func:`row_order.compute_order`, which the table's model (:mod:`object_table`)
runs inline for a small listing and on a worker for a big one, then installs here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from s3browser.core.ops.bucket_settings.details import BucketDetails
from s3browser.core.s3.packed_pages import ENCODING, ERRORS, NameGroup, PackedPage
from s3browser.ui.browsing.packed_rows import ChunkedArray, PackedNames
from s3browser.ui.browsing.row_order import OrderInput, OrderOutput, compute_order, rows_containing

COL_NAME, COL_SIZE, COL_MODIFIED, COL_CLASS = range(4)
VERSIONING_LABELS = {"Enabled": "Enabled", "Suspended": "Suspended", "": "Off"}
# The attributes that hold a listing's rows (what the back/forward cache keeps).
STORAGE = ("names", "sizes", "mtimes", "class_ids", "class_names", "class_lookup", "folder_count",
           "folder_prefixes", "is_folder", "total_size", "object_count", "in_name_order", "last_folded")
Snapshot = dict[str, Any]
FOLDERS, FILES = 0, 1


class ListingStore:
    def __init__(self, bucket_details: dict[str, BucketDetails]) -> None:
        self.bucket_details = bucket_details  # at the bucket list: sorted by region and versioning too
        self.at_bucket_list = True
        self.sort_column = COL_NAME
        self.descending = False
        self.filter = ""
        self.clear()

    def clear(self) -> None:
        self.names = PackedNames()  # display name; folders keep their trailing "/"
        self.sizes = ChunkedArray(np.int64)
        self.mtimes = ChunkedArray(np.float64)
        self.class_ids = ChunkedArray(np.uint8)
        self.class_names: list[str] = [""]
        self.class_lookup: dict[str, int] = {"": 0}
        self.folder_count = 0  # storage rows that are folders (any position)
        self.folder_prefixes: list[str] = []  # as listed, for the tree
        self.is_folder = ChunkedArray(np.uint8)
        self.total_size = 0
        self.object_count = 0
        # Per group (folders, files): whether storage order is casefolded-name order, and the last
        # casefolded name; S3 lists in code point order, so sorting by name is then free.
        self.in_name_order = [True, True]
        self.last_folded: list[str | None] = [None, None]
        self._new_order()

    def _new_order(self) -> None:
        self.order = (ChunkedArray(np.int64), ChunkedArray(np.int64))  # every row, in the current sort
        self.shown = self.order  # the rows the filter shows (the same columns with no filter)
        self.order_stale = False  # rows were added out of order: the sort is due again

    def __len__(self) -> int:
        return len(self.names)

    # ---------------------------------------------------------------- the back/forward cache
    def snapshot(self) -> Snapshot:
        return {name: getattr(self, name) for name in STORAGE}

    def restore(self, snapshot: Snapshot) -> None:
        for name, value in snapshot.items():
            setattr(self, name, value)
        self._new_order()
        self.order_stale = True

    @staticmethod
    def same_rows(a: Snapshot, b: Snapshot) -> bool:
        """Whether two listings hold the same rows for the user (names, sizes, dates, classes)."""
        if len(a["names"]) != len(b["names"]) or a["class_names"] != b["class_names"]:
            return False
        joined_a, joined_b = a["names"].snapshot().joined(), b["names"].snapshot().joined()
        return (all(np.array_equal(x, y) for x, y in zip(joined_a, joined_b, strict=True))
                and all(np.array_equal(a[name].array(), b[name].array())
                        for name in ("sizes", "mtimes", "is_folder", "class_ids")))

    # ---------------------------------------------------------------- rows shown
    @property
    def visible_folders(self) -> int:
        return len(self.shown[FOLDERS])

    @property
    def visible_count(self) -> int:
        return len(self.shown[FOLDERS]) + len(self.shown[FILES])

    def shown_snapshot(self) -> tuple[Any, Any]:
        return self.shown[FOLDERS].snapshot(), self.shown[FILES].snapshot()

    def storage_row(self, view_row: int) -> int:
        folders = self.shown[FOLDERS]
        if view_row < folders.n:
            return int(folders.at(view_row))
        return int(self.shown[FILES].at(view_row - folders.n))

    def name(self, row: int) -> str:
        return self.names.name(row)

    def row_of_name(self, name: str) -> int:
        """The storage row of ``name`` (-1 when not listed)."""
        return self.names.find(name)

    # ---------------------------------------------------------------- appending
    def _class_id(self, name: str) -> int:
        found = self.class_lookup.get(name)
        if found is None:
            found = len(self.class_names) if len(self.class_names) < 255 else 0
            if found:
                self.class_names.append(name)
                self.class_lookup[name] = found
        return found

    def append(self, page: PackedPage) -> list[tuple[np.ndarray, np.ndarray]]:
        """Store a page's rows; per group (folders, files) the new rows in the current order and
        those of them the filter shows, for :meth:`add_rows` (which the model wraps in Qt's calls)."""
        start = len(self.names)
        folders, files = len(page.folders), len(page.files)
        self.names.append(page.folders)
        self.names.append(page.files)
        if folders:
            self.sizes.extend(np.zeros(folders, dtype=np.int64))
            self.mtimes.extend(page.folder_mtimes)
            self.class_ids.extend(np.zeros(folders, dtype=np.uint8))
            self.is_folder.extend(np.ones(folders, dtype=np.uint8))
            self.folder_count += folders
            self.folder_prefixes.extend(page.folder_prefixes)
        if files:
            self.sizes.extend(page.sizes)
            self.mtimes.extend(page.mtimes)
            ids = np.array([self._class_id(name) for name in page.class_names], dtype=np.uint8)
            self.class_ids.extend(ids[np.frombuffer(page.class_codes, dtype=np.uint8)])
            self.is_folder.extend(np.zeros(files, dtype=np.uint8))
            self.object_count += files
            self.total_size += sum(page.sizes)
        groups = []
        for group, names, first in ((FOLDERS, page.folders, start), (FILES, page.files, start + folders)):
            self._note_name_order(group, names)
            rows = self._page_order(group, np.arange(first, first + len(names), dtype=np.int64), names)
            groups.append((rows, rows[self.matching(rows, first)] if self.filter else rows))
        return groups

    def _note_name_order(self, group: int, names: NameGroup) -> None:
        if not len(names) or not self.in_name_order[group]:
            return
        last = self.last_folded[group]
        self.in_name_order[group] = (last is None or last <= names.first_folded) and names.in_order
        self.last_folded[group] = names.last_folded

    def _page_order(self, group: int, rows: np.ndarray, names: NameGroup) -> np.ndarray:
        """A page's new rows of one group in the current order; notes when they cannot simply go
        after the rows already there (the whole group is then sorted again)."""
        if not len(rows):
            return rows
        keys = self._keys(rows, names)
        if isinstance(keys, np.ndarray):
            rows = rows[np.argsort(-keys if self.descending else keys, kind="stable")] if len(rows) > 1 else rows
            first_key = keys[int(rows[0] - rows.min())]
        elif keys is None:  # by name, and the page's names are in order already
            first_key = names.first_folded
        else:
            ranked = sorted(range(len(rows)), key=keys.__getitem__, reverse=self.descending)
            rows, first_key = rows[ranked], keys[ranked[0]]
        order = self.order[group]
        if order.n and not self.order_stale:
            last_key = self._key_of(int(order.at(order.n - 1)))
            if (last_key < first_key) if self.descending else (last_key > first_key):
                self.order_stale = True
        return rows

    def _keys(self, rows: np.ndarray, names: NameGroup) -> Any:
        """The sort keys of a page's contiguous storage ``rows``: numbers, casefolded names, or None
        when sorting ascending by name and the page is in that order already."""
        column = self.sort_column
        if self.at_bucket_list and column in (COL_SIZE, COL_CLASS):
            key = self._bucket_sort_key(column)
            return [key(int(row)) for row in rows]
        first = int(rows.min())
        if column == COL_SIZE:
            return self.sizes.tail(first)[:len(rows)]
        if column == COL_MODIFIED:
            return self.mtimes.tail(first)[:len(rows)]
        if column == COL_CLASS:
            return self._class_ranks()[self.class_ids.tail(first)[:len(rows)]]
        if names.in_order and not self.descending:
            return None
        return names.folded_names()

    def _key_of(self, row: int) -> Any:
        """One storage row's sort key, comparable with those of :meth:`_keys`."""
        column = self.sort_column
        if self.at_bucket_list and column in (COL_SIZE, COL_CLASS):
            return self._bucket_sort_key(column)(row)
        if column == COL_SIZE:
            return self.sizes.at(row)
        if column == COL_MODIFIED:
            return self.mtimes.at(row)
        if column == COL_CLASS:
            return self._class_ranks()[self.class_ids.at(row)]
        return self.names.folded.raw(row).decode(ENCODING, ERRORS)

    def _class_ranks(self) -> np.ndarray:
        names = self.class_names
        ranks = np.empty(len(names), dtype=np.int64)
        ranks[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
        return ranks

    def add_rows(self, group: int, rows: np.ndarray, shown: np.ndarray) -> None:
        """Put a page's rows of one group (from :meth:`append`) after the rows already there."""
        self.order[group].extend(rows)
        if self.shown is not self.order:
            self.shown[group].extend(shown)

    # ---------------------------------------------------------------- filter
    def matching(self, rows: np.ndarray, first: int) -> np.ndarray:
        """For storage ``rows`` (all at or after ``first``), whether the filter shows each."""
        flags = rows_containing(self.names.folded.snapshot(), self.filter.encode("utf-8", "surrogatepass"),
                                len(self.names), first=first)
        return flags[rows - first]

    def set_filter(self, text: str) -> bool:
        """Filter by ``text`` from now on (case-insensitive); whether it changed.  The rows shown
        change when an order computed with it is installed."""
        text = text.casefold()
        if text == self.filter:
            return False
        self.filter = text
        return True

    # ---------------------------------------------------------------- sort
    def order_request(self, track: tuple[int, ...] = ()) -> OrderInput:
        """What ordering the rows needs, as it is now (views and snapshots: cheap on the GUI thread)."""
        keys: Any = None
        key_map = None
        column = self.sort_column
        if self.at_bucket_list and column in (COL_SIZE, COL_CLASS):
            key = self._bucket_sort_key(column)
            texts = [key(row) for row in range(len(self.names))]
            ranks = {text: rank for rank, text in enumerate(sorted(set(texts)))}
            keys = np.array([ranks[text] for text in texts], dtype=np.int64)
        elif column == COL_SIZE:
            keys = self.sizes.snapshot()
        elif column == COL_MODIFIED:
            keys = self.mtimes.snapshot()
        elif column == COL_CLASS:
            keys, key_map = self.class_ids.snapshot(), self._class_ranks()
        order = None if self.order_stale else (self.order[FOLDERS].snapshot(), self.order[FILES].snapshot())
        return OrderInput(len(self.names), self.is_folder.snapshot(), self.names.folded.snapshot(), self.descending,
                          keys, key_map, (self.in_name_order[FOLDERS], self.in_name_order[FILES]),
                          self.filter.encode("utf-8", "surrogatepass"), order, track)

    def install(self, result: OrderOutput) -> None:
        """Show an order computed from :meth:`order_request`; rows added since it was asked for
        go after it (and the sort is due again if they do not belong there)."""
        order, shown = [], []
        for group in (FOLDERS, FILES):
            old = self.order[group]
            if result.resorted:
                covered = len(result.order[group])  # every row of the group when it was asked for
                tail = old.tail(covered) if old.n > covered else np.empty(0, dtype=np.int64)
                column = ChunkedArray.wrap(result.order[group])
                column.extend(tail)
            else:
                column = old
                tail = old.tail(len(result.order[group]))
            order.append(column)
            if not self.filter:
                shown.append(column)
                continue
            visible = ChunkedArray.wrap(result.shown[group])
            if len(tail):
                visible.extend(tail[self.matching(tail, result.rows)])
            shown.append(visible)
        if result.resorted:
            self.order_stale = False
        self.order = (order[FOLDERS], order[FILES])
        self.shown = (shown[FOLDERS], shown[FILES]) if self.filter else self.order

    def reorder_now(self) -> None:
        """Sort and filter at once (a small listing, inside a model reset)."""
        self.install(compute_order(self.order_request()))

    def _bucket_sort_key(self, column: int) -> Callable[[int], str]:
        names, details = self.names, self.bucket_details

        def key(row: int) -> str:
            found = details.get(names.name(row)[:-1])
            if found is None:
                return ""
            return found.region if column == COL_SIZE else VERSIONING_LABELS.get(found.versioning or "", "")
        return key
