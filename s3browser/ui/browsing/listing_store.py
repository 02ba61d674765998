"""One listing's rows in compact columnar storage, with the order and filter the table shows; no Qt.

Rows are kept in parallel arrays (names, sizes, times, storage-class ids), not one dict or
QStandardItem per object.  ``visible`` maps view rows to storage rows, so sorting and filtering
never copy the data and need no proxy model; visible folders always come first.  The table's
model (:mod:`object_table`) wraps this with Qt's begin/end calls and roles.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable
from itertools import compress, repeat
from typing import Any

from s3browser.core.ops.bucket_settings.details import BucketDetails
from s3browser.core.s3.listing import ListingPage

COL_NAME, COL_SIZE, COL_MODIFIED, COL_CLASS = range(4)
VERSIONING_LABELS = {"Enabled": "Enabled", "Suspended": "Suspended", "": "Off"}
# The attributes that hold a listing's rows (what the back/forward cache keeps), and the ones
# that say whether two listings differ for the user.
STORAGE = ("names", "folded", "sizes", "mtimes", "class_ids", "class_names", "class_lookup", "folder_count",
           "folder_prefixes", "is_folder", "total_size", "object_count")
COMPARED = ("names", "sizes", "mtimes", "is_folder", "class_ids", "class_names")
Snapshot = dict[str, Any]


class ListingStore:
    def __init__(self, bucket_details: dict[str, BucketDetails]) -> None:
        self.bucket_details = bucket_details  # at the bucket list: sorted by region and versioning too
        self.at_bucket_list = True
        self.sort_column = COL_NAME
        self.descending = False
        self.filter = ""
        self.clear()

    def clear(self) -> None:
        self.names: list[str] = []  # display name; folders keep their trailing "/"
        self.folded: list[str] = []  # each name casefolded (the same string when already folded)
        self.sizes = array("q")
        self.mtimes = array("d")
        self.class_ids = array("B")
        self.class_names: list[str] = [""]
        self.class_lookup: dict[str, int] = {"": 0}
        self.folder_count = 0  # storage rows that are folders (any position)
        self.folder_prefixes: list[str] = []  # as listed, for the tree
        self.is_folder = bytearray()
        self.visible = array("q")
        self.visible_folders = 0  # visible folders always come first
        # The unfiltered order while a filter is on, so clearing or retyping it needs no sort.
        self.unfiltered: tuple[array, int] | None = None
        self.total_size = 0
        self.object_count = 0

    # ---------------------------------------------------------------- the back/forward cache
    def snapshot(self) -> Snapshot:
        return {name: getattr(self, name) for name in STORAGE}

    def restore(self, snapshot: Snapshot) -> None:
        for name, value in snapshot.items():
            setattr(self, name, value)
        self.unfiltered = None

    @staticmethod
    def same_rows(a: Snapshot, b: Snapshot) -> bool:
        return all(a[name] == b[name] for name in COMPARED)

    # ---------------------------------------------------------------- appending
    def _class_id(self, name: str) -> int:
        found = self.class_lookup.get(name)
        if found is None:
            found = len(self.class_names) if len(self.class_names) < 255 else 0
            if found:
                self.class_names.append(name)
                self.class_lookup[name] = found
        return found

    def append(self, page: ListingPage, folder_mtimes: list[float] | None = None) -> tuple[list[int], list[int]]:
        """Store a page's rows; the storage rows of its folders and of its files that the filter shows."""
        start = len(self.names)
        cut = len(page.prefix)
        names = self.names
        self.unfiltered = None
        for i, folder in enumerate(page.folders):
            names.append(folder[cut:])
            self.sizes.append(0)
            self.mtimes.append(folder_mtimes[i] if folder_mtimes else 0.0)
            self.class_ids.append(0)
            self.is_folder.append(1)
        self.folder_count += len(page.folders)
        self.folder_prefixes.extend(page.folders)
        if page.keys:
            names.extend(key[cut:] for key in page.keys)
            self.sizes.extend(page.sizes)
            self.mtimes.extend(page.mtimes)
            lookup = self.class_lookup
            known = [lookup.get(c) for c in page.storage_classes]
            ids = [i for i in known if i is not None]
            if len(ids) != len(known):  # a class not seen yet: give it an id
                ids = [self._class_id(c) for c in page.storage_classes]
            self.class_ids.extend(ids)
            self.is_folder.extend(bytes(len(page.keys)))
            self.object_count += len(page.keys)
            self.total_size += sum(page.sizes)
        end = len(names)
        self.folded.extend(_casefolded(names[start:end]))
        folder_end = start + len(page.folders)  # a page's folders come first in storage
        if self.filter:
            return self.matching(range(start, folder_end)).tolist(), self.matching(range(folder_end, end)).tolist()
        return list(range(start, folder_end)), list(range(folder_end, end))

    def order_new_rows(self, new_folders: list[int], new_files: list[int]) -> bool:
        """Sort new rows in place by the current order; whether they can simply go after the rows shown."""
        key = self.sort_key_function()
        descending = self.descending
        new_folders.sort(key=key, reverse=descending)
        new_files.sort(key=key, reverse=descending)

        def in_order(existing_last: int | None, first_new: int | None) -> bool:
            if existing_last is None or first_new is None:
                return True
            a, b = key(existing_last), key(first_new)
            return a >= b if descending else a <= b

        last_folder = self.visible[self.visible_folders - 1] if self.visible_folders else None
        last_file = self.visible[-1] if len(self.visible) > self.visible_folders else None
        return (in_order(last_folder, new_folders[0] if new_folders else None)
                and in_order(last_file, new_files[0] if new_files else None))

    # ---------------------------------------------------------------- filter
    def matching(self, rows: Any, text: str | None = None) -> array:
        """The storage ``rows`` (in their order) whose name holds the filter text, or ``text``.

        Each test runs in C (``text in folded[row]`` through map and compress): a keystroke at a
        million rows costs tens of milliseconds, not a Python call per row.
        """
        text = self.filter if text is None else text
        folded = self.folded
        return array("q", compress(rows, map(operator.contains, map(folded.__getitem__, rows), repeat(text))))

    def _show_matching(self, order: array, split: int) -> None:
        """Show the rows of ``order`` (folders up to ``split``) that match, in that order."""
        folders = self.matching(order[:split])
        self.visible = folders + self.matching(order[split:])
        self.visible_folders = len(folders)

    def set_filter(self, text: str) -> bool:
        """Show only rows whose name contains ``text`` (case-insensitive); whether anything changed.

        The current order is kept, so filtering never sorts: a longer text narrows the rows shown,
        any other starts from the unfiltered order (kept aside while a filter is on).
        """
        text = text.casefold()
        if text == self.filter:
            return False
        previous = self.filter
        self.filter = text
        if not previous:
            self.unfiltered = (self.visible, self.visible_folders)
        if previous and text and previous in text:  # narrowing: only the rows shown can still match
            self._show_matching(self.visible, self.visible_folders)
        elif self.unfiltered is None:  # rows arrived or the order changed under the filter
            self.rebuild_visible()
        elif not text:
            self.visible, self.visible_folders = self.unfiltered
            self.unfiltered = None
        else:
            self._show_matching(*self.unfiltered)
        return True

    # ---------------------------------------------------------------- sort
    def sort_key_function(self) -> Callable[[int], Any]:
        """Key of one storage row for the current column.

        Storage order is S3's key order, so a stable sort on the column alone leaves equal
        sizes, dates and classes in name order without building tuples (1M rows sort in < 1 s).
        """
        column = self.sort_column
        if self.at_bucket_list and column in (COL_SIZE, COL_CLASS):
            return self._bucket_sort_key(column)
        if column == COL_SIZE:
            return self.sizes.__getitem__
        if column == COL_MODIFIED:
            return self.mtimes.__getitem__
        if column == COL_CLASS:
            classes, class_names = self.class_ids, self.class_names
            return lambda i: class_names[classes[i]]
        return self.folded.__getitem__

    def _bucket_sort_key(self, column: int) -> Callable[[int], Any]:
        names, details = self.names, self.bucket_details

        def key(row: int) -> str:
            found = details.get(names[row][:-1])
            if found is None:
                return ""
            return found.region if column == COL_SIZE else VERSIONING_LABELS.get(found.versioning or "", "")
        return key

    def _sorted_groups(self, folders: Any, files: Any) -> tuple[list[int], list[int]]:
        """Each group in the current order; ties stay in storage (S3 key) order."""
        key = self.sort_key_function()
        return ([*sorted(sorted(folders), key=key, reverse=self.descending)],
                [*sorted(sorted(files), key=key, reverse=self.descending)])

    def rebuild_visible(self) -> None:
        is_folder = self.is_folder
        rows: array | range
        self.unfiltered = None
        rows = self.matching(range(len(self.names))) if self.filter else range(len(self.names))
        folders, files = self._sorted_groups([i for i in rows if is_folder[i]], [i for i in rows if not is_folder[i]])
        self.visible = array("q", folders)
        self.visible.extend(files)
        self.visible_folders = len(folders)

    def resort(self) -> None:
        """Put the rows shown in the current order (folders first)."""
        self.unfiltered = None
        split = self.visible_folders
        folders, files = self._sorted_groups(self.visible[:split], self.visible[split:])
        self.visible = array("q", folders)
        self.visible.extend(files)

    # ---------------------------------------------------------------- rows shown
    def row_of_name(self, name: str) -> int:
        """The storage row of ``name`` (-1 when not listed)."""
        return next((row for row in range(len(self.names)) if self.names[row] == name), -1)


def _casefolded(names: list[str]) -> list[str]:
    """Each name casefolded, sharing the string itself when folding leaves it as it is (the usual
    case, tested for the whole page at once), so the folded column costs a pointer per row."""
    joined = "\0".join(names)
    if joined.casefold() == joined:
        return names
    return [name if folded == name else folded for name, folded in zip(names, map(str.casefold, names), strict=True)]
