"""The object table: one prefix's folders and objects, over compact columnar storage.

Rows are kept in parallel arrays (names, sizes, times, storage-class ids), not one dict or
QStandardItem per object.  ``_visible`` maps view rows to storage rows, so sorting and filtering
never copy the data and need no proxy model.  Pages from the worker are appended as they arrive;
a page that belongs to an older listing is dropped.
"""

from __future__ import annotations

import logging
import operator
from array import array
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal

from s3browser.core.ops.bucket_settings.details import BucketDetails, iter_bucket_details
from s3browser.core.ops.search import iter_search_pages
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import BucketInfo, ListingPage, iter_pages, list_buckets_or_remembered
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.known_buckets import describe_listing_failure, remembered_buckets
from s3browser.ui.browsing.listing_cache import ListingCache, Snapshot
from s3browser.ui.browsing.thumbnails import ThumbnailProvider
from s3browser.ui.shell import icons
from s3browser.ui.shell.flat_table import FlatTableModel
from s3browser.ui.shell.formatting import exact_size, human_size, local_time, tr_n
from s3browser.ui.shell.gc_pause import iterate_paused
from s3browser.ui.shell.tasks import POOL_LISTING, Task, TaskRunner

log = logging.getLogger(__name__)

COL_NAME, COL_SIZE, COL_MODIFIED, COL_CLASS = range(4)
HEADERS = ("Name", "Size", "Last modified", "Storage class")
# At the bucket list the same four columns say where each bucket is, when it was made, and
# whether it keeps versions (read one bucket at a time after the list arrives).
BUCKET_HEADERS = ("Name", "Region", "Created", "Versioning")
VERSIONING_LABELS = {"Enabled": "Enabled", "Suspended": "Suspended", "": "Off"}
_BUCKET_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole)
# The attributes that hold a listing's rows (what the back/forward cache keeps), and the ones
# that say whether two listings differ for the user.
_STORAGE = ("_names", "_folded", "_sizes", "_mtimes", "_class_ids", "_class_names", "_class_lookup", "_folder_count",
            "_folder_prefixes", "_is_folder", "_total_size", "_object_count")
_COMPARED = ("_names", "_sizes", "_mtimes", "_is_folder", "_class_ids", "_class_names")

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # full key (or bucket name at the root)
IS_FOLDER_ROLE = Qt.ItemDataRole.UserRole + 2
SIZE_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


class ObjectTableModel(FlatTableModel):
    """Folders first, then objects; sortable and filterable in place."""

    headers = HEADERS

    loading_changed = Signal(bool)
    stats_changed = Signal()
    load_failed = Signal(str, str)  # the message, the technical detail
    page_arrived = Signal(int)  # rows in the page; lets tests and the status bar follow progress
    # A listing ran to its end: the location, its folder prefixes (bucket names + "/" at the
    # bucket list) and whether it holds anything; the tree merges it so both agree.
    listing_complete = Signal(object, list, bool)
    notice = Signal(str)  # news about the listing for the status bar
    rows_about_to_be_replaced = Signal()  # a background refresh found changes: the selection is saved
    rows_replaced = Signal()  # ... and may be restored by name

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._connection: Connection | None = None
        self.load_error = ""  # why the last listing failed, for the empty table's message
        self._location = Location()
        self._task: Task | None = None
        self._generation = 0
        self._sort_column = COL_NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._filter = ""
        self._clear_storage()
        self._cache = ListingCache()
        self._pending_pages: list[tuple[ListingPage, list[float] | None]] | None = None
        self._bulk = False  # append_page fills storage only (building a listing aside)
        self.search_pattern = ""  # the rows are the matches of a search below the location
        self.thumbnails: ThumbnailProvider | None = None  # pictures for image rows (View → Thumbnails)
        self.scanned = 0  # keys read by the search so far
        self._bucket_details: dict[str, BucketDetails] = {}  # bucket -> region and versioning, once read
        self._details_task: Task | None = None
        self.stopped = False  # the user stopped the listing (or search) before its end
        # Set by the window: rows -> the QMimeData of a drag out to the file manager (None: no drag).
        self.drag_data_factory: Callable[[list[int]], QMimeData | None] | None = None

    # ---------------------------------------------------------------- storage
    def _clear_storage(self) -> None:
        self._names: list[str] = []  # display name; folders keep their trailing "/"
        self._folded: list[str] = []  # each name casefolded (the same string when already folded)
        self._sizes = array("q")
        self._mtimes = array("d")
        self._class_ids = array("B")
        self._class_names: list[str] = [""]
        self._class_lookup: dict[str, int] = {"": 0}
        self._folder_count = 0  # storage rows that are folders (any position)
        self._folder_prefixes: list[str] = []  # as listed, for the tree
        self._is_folder = bytearray()
        self._visible = array("q")
        self._visible_folders = 0  # visible folders always come first
        # The unfiltered order while a filter is on, so clearing or retyping it needs no sort.
        self._unfiltered: tuple[array, int] | None = None
        self._total_size = 0
        self._object_count = 0

    def _class_id(self, name: str) -> int:
        found = self._class_lookup.get(name)
        if found is None:
            found = len(self._class_names) if len(self._class_names) < 255 else 0
            if found:
                self._class_names.append(name)
                self._class_lookup[name] = found
        return found

    # ---------------------------------------------------------------- loading
    def set_connection(self, connection: Connection | None) -> None:
        """Use ``connection`` for the next :meth:`load`; the current rows stay until then."""
        self._cancel_task()
        self._cancel_details()
        self._connection = connection
        self._cache.clear()
        self._bucket_details.clear()

    @property
    def location(self) -> Location:
        return self._location

    @property
    def is_loading(self) -> bool:
        return self._task is not None

    def load(self, location: Location, from_cache: bool = False, search: str = "") -> None:
        """Show ``location``: cancel the current listing, clear, and start listing anew.

        With ``from_cache`` (Back and Forward) a recent complete listing of it is shown at once
        while it is listed again in the background; the rows are replaced only if they changed.
        With ``search`` the rows are instead every key below ``location`` whose name matches,
        named by their path below it, streamed in as the recursive listing goes.
        """
        self._cancel_task()
        self._cancel_details()
        self._generation += 1
        generation = self._generation
        was_bucket_list = not self._location.bucket
        self.search_pattern = search if location.bucket else ""
        self.scanned = 0
        self.stopped = False
        cached = self._cache.get(location) if from_cache and not search else None
        self.beginResetModel()
        self._location = location
        self.load_error = ""
        if cached is not None:
            self._restore(cached)
            self._rebuild_visible()
        else:
            self._clear_storage()
        self.endResetModel()
        if was_bucket_list != (not location.bucket):
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        self._pending_pages = [] if cached is not None else None
        self.stats_changed.emit()
        if self._connection is None:
            return
        conn = self._connection
        if self.search_pattern:
            self._task = self._runner.run_pages(
                f"search {location.uri()}", iter_search_pages, conn, location.bucket, location.prefix,
                self.search_pattern, on_page=lambda page: self._on_page(generation, page),
                on_error=lambda exc: self._on_error(generation, exc),
                on_finished=lambda: self._on_finished(generation), owner=self)
        elif not location.bucket:
            self._task = self._runner.run(
                "list buckets", list_buckets_or_remembered, conn, remembered_buckets(conn.profile.name),
                pool=POOL_LISTING,
                on_result=lambda buckets: self._on_buckets(generation, buckets),
                on_error=lambda exc: self._on_error(generation, exc),
                on_finished=lambda: self._on_finished(generation), owner=self)
        else:
            self._task = self._runner.run_pages(
                f"list {location.uri()}", _listing_pages, conn, location.bucket, location.prefix,
                on_page=lambda page: self._on_page(generation, page),
                on_error=lambda exc: self._on_error(generation, exc),
                on_finished=lambda: self._on_finished(generation), owner=self)
        self.loading_changed.emit(True)

    def empty_state(self) -> tuple[str, str] | None:
        """(icon name, sentence) for the table to draw when it shows no rows, or None when it has rows."""
        if self.rowCount() > 0:
            return None
        location = self._location
        if self._connection is None:
            return "connect", "Not connected. Choose a connection with File → Connections…"
        if self.load_error:
            return "error", self.load_error
        if self.is_loading:
            return "refresh", "Loading…"
        if self._names:
            return "filter", f"No names match “{self.filter_text}”."
        if self.search_pattern:
            return "filter", f"Nothing under {location.uri()} matches “{self.search_pattern}”."
        if not location.bucket:
            return "bucket", "No buckets yet. Create one with Bucket → New bucket…"
        if not location.prefix:
            return "upload", "This bucket is empty. Drop files here to upload them."
        return "folder", (f"No folder {location.uri()} (nothing is stored under this prefix). "
                          "Drop files here to create it.")

    def refresh(self) -> None:
        if not self._location.bucket:
            self._bucket_details.clear()  # a refresh of the bucket list reads them again
        self.load(self._location, search=self.search_pattern)

    def cancel(self) -> None:
        """Stop the current listing, keeping what has arrived."""
        if self._cancel_task():
            self.stopped = True
            self.loading_changed.emit(False)

    def _cancel_task(self) -> bool:
        if self._task is None:
            return False
        self._task.cancel()
        self._task = None
        return True

    def _on_buckets(self, generation: int, buckets: list[BucketInfo]) -> None:
        if generation != self._generation:
            return
        page = ListingPage(bucket="", prefix="", folders=[b.name + "/" for b in buckets], is_last=True)
        self._take_page(page, [b.created for b in buckets])
        self._read_details([b.name for b in buckets if b.name not in self._bucket_details])
        if any(b.remembered for b in buckets):
            self.notice.emit(tr_n("These keys may not list buckets; showing the %n bucket(s) you opened before. "
                                  "Type another in the path bar (Ctrl+L).", len(buckets)))

    def _on_page(self, generation: int, page: ListingPage) -> None:
        if generation != self._generation:
            log.debug("dropped a late page of an older listing")
            return
        self.scanned += page.scanned
        self._take_page(page, None)

    def _take_page(self, page: ListingPage, folder_mtimes: list[float] | None) -> None:
        if self._pending_pages is not None:  # refreshing a listing shown from the cache
            self._pending_pages.append((page, folder_mtimes))
        else:
            self.append_page(page, folder_mtimes)

    def _on_error(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        error = describe_listing_failure(exc, self._location)
        self.load_error = error.message
        self.load_failed.emit(error.message, error.detail)

    def _on_finished(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._task = None
        if self._pending_pages is not None and not self.load_error:
            self._replace_if_changed(self._pending_pages)
        self._pending_pages = None
        self.loading_changed.emit(False)
        if not self.load_error and not self.search_pattern:  # search results are not the folder's contents
            self._cache.put(self._location, self._snapshot(), len(self._names))
            self.listing_complete.emit(self._location, list(self._folder_prefixes), bool(self._names))

    # ---------------------------------------------------------------- bucket list details
    def _read_details(self, names: list[str]) -> None:
        if not names or self._connection is None:
            return
        self._details_task = self._runner.run_pages(
            "bucket regions and versioning", iter_bucket_details, self._connection, names,
            on_page=self._on_details, on_finished=self._details_finished, owner=self)

    def _cancel_details(self) -> None:
        if self._details_task is not None:
            self._details_task.cancel()
            self._details_task = None

    def _details_finished(self) -> None:
        self._details_task = None

    def _on_details(self, batch: list[BucketDetails]) -> None:
        for details in batch:
            self._bucket_details[details.name] = details
        self._bucket_rows_changed({details.name for details in batch})

    def set_bucket_versioning(self, bucket: str, status: str) -> None:
        """A bucket's versioning changed here (the settings dialog): update its badge and column."""
        old = self._bucket_details.get(bucket, BucketDetails(bucket))
        self._bucket_details[bucket] = BucketDetails(bucket, old.region, status)
        self._bucket_rows_changed({bucket})

    def bucket_details(self, bucket: str) -> BucketDetails | None:
        return self._bucket_details.get(bucket)

    def bucket_created(self, bucket: str) -> float:
        """The creation date the bucket list showed for ``bucket`` (0 when not at the bucket list)."""
        if self._location.bucket:
            return 0.0
        name = bucket + "/"
        return next((self._mtimes[row] for row in range(len(self._names)) if self._names[row] == name), 0.0)

    def _bucket_rows_changed(self, names: set[str]) -> None:
        if self._location.bucket or not self._visible:
            return
        rows = [row for row in range(len(self._visible)) if self._names[self._visible[row]][:-1] in names]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(HEADERS) - 1))

    # ---------------------------------------------------------------- back/forward cache
    def _snapshot(self) -> Snapshot:
        return {name: getattr(self, name) for name in _STORAGE}

    def _restore(self, snapshot: Snapshot) -> None:
        for name, value in snapshot.items():
            setattr(self, name, value)
        self._unfiltered = None

    def _replace_if_changed(self, pages: list[tuple[ListingPage, list[float] | None]]) -> None:
        """The background listing of a cached folder ended: swap its rows in if they differ."""
        shown = self._snapshot()
        visible, visible_folders = self._visible, self._visible_folders
        self._clear_storage()  # built aside, with no signal, then compared
        self._bulk = True
        try:
            for page, mtimes in pages:
                self.append_page(page, mtimes)
        finally:
            self._bulk = False
        fresh = self._snapshot()
        self._restore(shown)
        self._visible, self._visible_folders = visible, visible_folders  # the rows the views know
        if all(fresh[name] == shown[name] for name in _COMPARED):
            return
        self.rows_about_to_be_replaced.emit()
        self.beginResetModel()
        self._restore(fresh)
        self._rebuild_visible()
        self.endResetModel()
        self.rows_replaced.emit()
        self.stats_changed.emit()

    # ---------------------------------------------------------------- appending
    def append_page(self, page: ListingPage, folder_mtimes: list[float] | None = None) -> None:
        """Add a page's rows: appended in place when order allows, else appended then re-sorted."""
        start = len(self._names)
        cut = len(page.prefix)
        names = self._names
        self._unfiltered = None
        for i, folder in enumerate(page.folders):
            names.append(folder[cut:])
            self._sizes.append(0)
            self._mtimes.append(folder_mtimes[i] if folder_mtimes else 0.0)
            self._class_ids.append(0)
            self._is_folder.append(1)
        self._folder_count += len(page.folders)
        self._folder_prefixes.extend(page.folders)
        if page.keys:
            names.extend(key[cut:] for key in page.keys)
            self._sizes.extend(page.sizes)
            self._mtimes.extend(page.mtimes)
            lookup = self._class_lookup
            known = [lookup.get(c) for c in page.storage_classes]
            ids = [i for i in known if i is not None]
            if len(ids) != len(known):  # a class not seen yet: give it an id
                ids = [self._class_id(c) for c in page.storage_classes]
            self._class_ids.extend(ids)
            self._is_folder.extend(bytes(len(page.keys)))
            self._object_count += len(page.keys)
            self._total_size += sum(page.sizes)
        end = len(names)
        self._folded.extend(_casefolded(names[start:end]))
        folder_end = start + len(page.folders)  # a page's folders come first in storage
        if self._filter:
            new_folders = self._matching(range(start, folder_end)).tolist()
            new_files = self._matching(range(folder_end, end)).tolist()
        else:
            new_folders = list(range(start, folder_end))
            new_files = list(range(folder_end, end))
        if self._bulk:
            return
        if new_folders or new_files:
            self._insert_rows(new_folders, new_files)
        self.stats_changed.emit()
        self.page_arrived.emit(len(page))

    def _insert_rows(self, new_folders: list[int], new_files: list[int]) -> None:
        key = self._sort_key_function()
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        new_folders.sort(key=key, reverse=descending)
        new_files.sort(key=key, reverse=descending)

        def in_order(existing_last: int | None, first_new: int | None) -> bool:
            if existing_last is None or first_new is None:
                return True
            a, b = key(existing_last), key(first_new)
            return a >= b if descending else a <= b

        last_folder = self._visible[self._visible_folders - 1] if self._visible_folders else None
        last_file = self._visible[-1] if len(self._visible) > self._visible_folders else None
        fits = (in_order(last_folder, new_folders[0] if new_folders else None)
                and in_order(last_file, new_files[0] if new_files else None))
        if new_folders:
            at = self._visible_folders
            self.beginInsertRows(QModelIndex(), at, at + len(new_folders) - 1)
            self._visible[at:at] = array("q", new_folders)
            self._visible_folders += len(new_folders)
            self.endInsertRows()
        if new_files:
            at = len(self._visible)
            self.beginInsertRows(QModelIndex(), at, at + len(new_files) - 1)
            self._visible.extend(new_files)
            self.endInsertRows()
        if not fits:
            self._resort()

    # ---------------------------------------------------------------- filter & sort
    def _matching(self, rows: Any, text: str | None = None) -> array:
        """The storage ``rows`` (in their order) whose name holds the filter text, or ``text``.

        Each test runs in C (``text in folded[row]`` through map and compress): a keystroke at a
        million rows costs tens of milliseconds, not a Python call per row.
        """
        text = self._filter if text is None else text
        folded = self._folded
        return array("q", compress(rows, map(operator.contains, map(folded.__getitem__, rows), repeat(text))))

    def _show_matching(self, order: array, split: int) -> None:
        """Show the rows of ``order`` (folders up to ``split``) that match, in that order."""
        folders = self._matching(order[:split])
        self._visible = folders + self._matching(order[split:])
        self._visible_folders = len(folders)

    def set_filter(self, text: str) -> None:
        """Show only rows whose name contains ``text`` (case-insensitive).

        The current order is kept, so filtering never sorts: a longer text narrows the rows shown,
        any other starts from the unfiltered order (kept aside while a filter is on).
        """
        text = text.casefold()
        if text == self._filter:
            return
        previous = self._filter
        self.beginResetModel()
        self._filter = text
        if not previous:
            self._unfiltered = (self._visible, self._visible_folders)
        if previous and text and previous in text:  # narrowing: only the rows shown can still match
            self._show_matching(self._visible, self._visible_folders)
        elif self._unfiltered is None:  # rows arrived or the order changed under the filter
            self._rebuild_visible()
        elif not text:
            self._visible, self._visible_folders = self._unfiltered
            self._unfiltered = None
        else:
            self._show_matching(*self._unfiltered)
        self.endResetModel()
        self.stats_changed.emit()

    @property
    def filter_text(self) -> str:
        return self._filter

    def _sort_key_function(self) -> Callable[[int], Any]:
        """Key of one storage row for the current column.

        Storage order is S3's key order, so a stable sort on the column alone leaves equal
        sizes, dates and classes in name order without building tuples (1M rows sort in < 1 s).
        """
        column = self._sort_column
        if not self._location.bucket and column in (COL_SIZE, COL_CLASS):
            return self._bucket_sort_key(column)
        if column == COL_SIZE:
            return self._sizes.__getitem__
        if column == COL_MODIFIED:
            return self._mtimes.__getitem__
        if column == COL_CLASS:
            classes, class_names = self._class_ids, self._class_names
            return lambda i: class_names[classes[i]]
        return self._folded.__getitem__

    def _bucket_sort_key(self, column: int) -> Callable[[int], Any]:
        names, details = self._names, self._bucket_details

        def key(row: int) -> str:
            found = details.get(names[row][:-1])
            if found is None:
                return ""
            return found.region if column == COL_SIZE else VERSIONING_LABELS.get(found.versioning or "", "")
        return key

    def _sorted_groups(self, folders: Any, files: Any) -> tuple[list[int], list[int]]:
        """Each group in the current order; ties stay in storage (S3 key) order."""
        key = self._sort_key_function()
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return ([*sorted(sorted(folders), key=key, reverse=descending)],
                [*sorted(sorted(files), key=key, reverse=descending)])

    def _rebuild_visible(self) -> None:
        is_folder = self._is_folder
        rows: array | range
        self._unfiltered = None
        if self._filter:
            rows = self._matching(range(len(self._names)))
        else:
            rows = range(len(self._names))
        folders, files = self._sorted_groups([i for i in rows if is_folder[i]],
                                             [i for i in rows if not is_folder[i]])
        self._visible = array("q", folders)
        self._visible.extend(files)
        self._visible_folders = len(folders)

    def _resort(self) -> None:
        self._unfiltered = None
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_storage = [self._visible[p.row()] for p in persistent]
        split = self._visible_folders
        folders, files = self._sorted_groups(self._visible[:split], self._visible[split:])
        self._visible = array("q", folders)
        self._visible.extend(files)
        if persistent:
            wanted = set(old_storage)
            position = {s: row for row, s in enumerate(self._visible) if s in wanted}
            self.changePersistentIndexList(
                persistent, [self.index(position[s], p.column()) for p, s in zip(persistent, old_storage, strict=True)])
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(HEADERS):
            return
        if (column, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = column, order
        self._resort()

    # ---------------------------------------------------------------- stats
    @property
    def object_count(self) -> int:
        """Objects listed so far (folders excluded), whatever the filter."""
        return self._object_count

    @property
    def folder_count(self) -> int:
        return self._folder_count

    @property
    def total_size(self) -> int:
        return self._total_size

    def key_at(self, row: int) -> str:
        name = self._names[self._visible[row]]
        return self._location.prefix + name if self._location.bucket else name.rstrip("/")

    def size_at(self, row: int) -> int:
        return int(self._sizes[self._visible[row]])

    def is_folder_at(self, row: int) -> bool:
        return bool(self._is_folder[self._visible[row]])

    # ---------------------------------------------------------------- dragging out
    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._location.bucket:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]
        """None (no drag) when nothing draggable is selected: Qt takes a null QMimeData, its stubs do not."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        if not rows or self.drag_data_factory is None:
            return None
        return self.drag_data_factory(rows)

    def location_for_row(self, row: int) -> Location:
        """Where double-clicking a folder row goes."""
        if not self._location.bucket:
            return Location(self.key_at(row), "")
        return Location(self._location.bucket, self.key_at(row))

    def set_thumbnails(self, provider: ThumbnailProvider | None) -> None:
        """Show thumbnails of image rows (fetched as the view paints them), or stop."""
        if self.thumbnails is not None:
            self.thumbnails.ready.disconnect(self._thumbnail_ready)
        self.thumbnails = provider
        if provider is not None:
            provider.ready.connect(self._thumbnail_ready)
        self._thumbnail_ready("")

    def _thumbnail_ready(self, _key: str) -> None:
        if self._visible:  # the view repaints only the rows it shows
            self.dataChanged.emit(self.index(0, COL_NAME), self.index(len(self._visible) - 1, COL_NAME),
                                  [Qt.ItemDataRole.DecorationRole])

    # ---------------------------------------------------------------- Qt model API
    def _row_count(self) -> int:
        return len(self._visible)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (not self._location.bucket and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(BUCKET_HEADERS)):
            return BUCKET_HEADERS[section]
        return super().headerData(section, orientation, role)

    def _bucket_data(self, row: int, column: int, role: int) -> Any:
        """What the bucket list shows beyond the name and date: region, versioning and its badge."""
        details = self._bucket_details.get(self._names[row][:-1])
        if role == Qt.ItemDataRole.DisplayRole:
            if details is None:
                return ""
            if column == COL_SIZE:
                return details.region
            return "" if details.versioning is None else VERSIONING_LABELS.get(details.versioning, details.versioning)
        if role == Qt.ItemDataRole.DecorationRole:
            if column != COL_NAME:
                return None
            versioned = details is not None and details.versioning == "Enabled"
            return icons.icon("bucket-versioned" if versioned else "bucket")
        if role == Qt.ItemDataRole.ToolTipRole and details is not None and details.versioning == "Enabled":
            return f"{self._names[row][:-1]}: versioning enabled (deleted and overwritten objects can be brought back)"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        row = self._visible[index.row()]
        column = index.column()
        folder = self._is_folder[row]
        if not self._location.bucket and role in _BUCKET_ROLES and (
                column in (COL_SIZE, COL_CLASS) or (column == COL_NAME and role != Qt.ItemDataRole.DisplayRole)):
            found = self._bucket_data(row, column, role)
            if found is not None or role != Qt.ItemDataRole.ToolTipRole:
                return found
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return self._names[row].rstrip("/") if folder else self._names[row]
            if column == COL_SIZE:
                return "" if folder else human_size(self._sizes[row])
            if column == COL_MODIFIED:
                mtime = self._mtimes[row]
                return local_time(mtime) if mtime else ""
            if column == COL_CLASS:
                return self._class_names[self._class_ids[row]]
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_NAME:
            if folder:
                return icons.icon("bucket" if not self._location.bucket else "folder")
            kind = icons.kind_for_name(self._names[row])
            if self.thumbnails is not None and kind == "file-image":
                thumbnail = self.thumbnails.icon(self._location.bucket, self.key_at(index.row()), self._sizes[row],
                                                 self._mtimes[row])
                if thumbnail is not None:
                    return thumbnail
            return icons.icon(kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE and not folder:
                return exact_size(self._sizes[row])
            if column == COL_NAME:
                return self.key_at(index.row())
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE and self._location.bucket:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return self.key_at(index.row())
        if role == IS_FOLDER_ROLE:
            return bool(folder)
        if role == SIZE_ROLE:
            return self._sizes[row]
        return None


def _casefolded(names: list[str]) -> list[str]:
    """Each name casefolded, sharing the string itself when folding leaves it as it is (the usual
    case, tested for the whole page at once), so the folded column costs a pointer per row."""
    joined = "\0".join(names)
    if joined.casefold() == joined:
        return names
    return [name if folded == name else folded for name, folded in zip(names, map(str.casefold, names), strict=True)]


def _listing_pages(conn: Connection, bucket: str, prefix: str, should_stop: Callable[[], bool]) -> Any:
    """The folder's pages on the worker, with garbage collection off until they end (see gc_pause)."""
    return iterate_paused(iter_pages(conn, bucket, prefix, should_stop=should_stop))
