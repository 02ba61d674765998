"""The object table's model: one prefix's folders and objects (or the bucket list, or search results).

A thin Qt model over :class:`~s3browser.ui.browsing.listing_store.ListingStore` (the rows in
compact columnar storage, with the order and filter shown) and :class:`~s3browser.ui.shell.paged_load.PagedLoad`
(one listing at a time, late pages of an older one dropped).  Pages from the worker are appended
as they arrive; Back and Forward show a recent complete listing at once (:mod:`listing_cache`)
and replace it only if listing again finds changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from s3browser.core.ops.bucket_settings.details import BucketDetails, iter_bucket_details
from s3browser.core.ops.search import iter_search_pages
from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import BucketInfo, ListingPage, iter_pages, list_buckets_or_remembered
from s3browser.core.s3.locations import Location
from s3browser.core.s3.packed_pages import PackedPage, pack
from s3browser.ui.browsing.known_buckets import describe_listing_failure, remembered_buckets
from s3browser.ui.browsing.listing_cache import ListingCache
from s3browser.ui.browsing.listing_store import (
    COL_CLASS,
    COL_MODIFIED,
    COL_NAME,
    COL_SIZE,
    FOLDERS,
    VERSIONING_LABELS,
    ListingStore,
)
from s3browser.ui.browsing.row_order import OrderOutput, Stopped, compute_order, positions_of
from s3browser.ui.browsing.thumbnails import ThumbnailProvider
from s3browser.ui.shell import icons
from s3browser.ui.shell.flat_table import FlatTableModel
from s3browser.ui.shell.formatting import exact_size, human_size, local_time, tr_n
from s3browser.ui.shell.gc_pause import iterate_paused
from s3browser.ui.shell.paged_load import PagedLoad
from s3browser.ui.shell.tasks import POOL_ORDERING, Task, TaskRunner

log = logging.getLogger(__name__)

__all__ = ["COL_CLASS", "COL_MODIFIED", "COL_NAME", "COL_SIZE", "HEADERS", "IS_FOLDER_ROLE", "KEY_ROLE",
           "SIZE_ROLE", "ObjectTableModel"]

HEADERS = ("Name", "Size", "Last modified", "Storage class")
# At the bucket list the same four columns say where each bucket is, when it was made, and
# whether it keeps versions (read one bucket at a time after the list arrives).
BUCKET_HEADERS = ("Name", "Region", "Created", "Versioning")
_BUCKET_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # full key (or bucket name at the root)
IS_FOLDER_ROLE = Qt.ItemDataRole.UserRole + 2
SIZE_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex
PAGES_PACE_MS = 100  # a listing's pages are added to the table at most this often (after the first)
# The roles data() answers; the view asks for a dozen per cell, and the rest cost no lookup.
_ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
    KEY_ROLE, IS_FOLDER_ROLE, SIZE_ROLE))
# (bucket, prefix, should_stop) -> the folder's packed pages, or None when it cannot list now
RemoteLister = Callable[[str, str, Callable[[], bool]], Iterator[PackedPage] | None]


class ObjectTableModel(FlatTableModel):
    """Folders first, then objects; sortable and filterable in place."""

    headers = HEADERS
    # Up to this many rows are sorted and filtered at once (a few milliseconds); more on a worker.
    inline_rows = 100_000

    loading_changed = Signal(bool)
    stats_changed = Signal()
    load_failed = Signal(str, str, str)  # the message, the technical detail, the kind
    page_arrived = Signal(int)  # rows in the page; lets tests and the status bar follow progress
    # A listing ran to its end: the location, its folder prefixes (bucket names + "/" at the
    # bucket list) and whether it holds anything; the tree merges it so both agree.
    listing_complete = Signal(object, list, bool)
    notice = Signal(str)  # news about the listing for the status bar
    rows_about_to_be_replaced = Signal()  # a background refresh found changes: the selection is saved
    rows_replaced = Signal()  # ... and may be restored by name
    ordering_changed = Signal(str)  # "Sorting" or "Filtering" while a worker orders the rows, "" when done
    sort_shown = Signal(int, Qt.SortOrder)  # the column and Qt.SortOrder now in force: the header's indicator follows

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._connection: Connection | None = None
        self.load_error = ""  # why the last listing failed, for the empty table's message
        self._bucket_details: dict[str, BucketDetails] = {}  # bucket -> region and versioning, once read
        self.store = ListingStore(self._bucket_details)
        # (column, descending) of the bucket list (True) and of a bucket's contents (False)
        self._sorts: dict[bool, tuple[int, bool]] = {True: (COL_NAME, False), False: (COL_NAME, False)}
        self._location = Location()
        self._cut: tuple[str, frozenset[str]] = ("", frozenset())  # (bucket, keys) cut to the clipboard
        self._loader = PagedLoad(runner, self, self._on_page, self._on_error, self._on_finished,
                                 self.loading_changed.emit)
        self._cache = ListingCache()
        self._pending_pages: list[PackedPage] | None = None
        self._incoming: list[PackedPage] = []  # pages that came since rows were last added
        self._paint_pace = QTimer(self)
        self._paint_pace.setSingleShot(True)
        self._paint_pace.setInterval(PAGES_PACE_MS)
        self._paint_pace.timeout.connect(self._add_incoming)
        self.search_pattern = ""  # the rows are the matches of a search below the location
        self.thumbnails: ThumbnailProvider | None = None  # pictures for image rows (View → Thumbnails)
        self.scanned = 0  # keys read by the search so far
        self._details_task: Task | None = None
        self._order_task: Task | None = None
        self._order_stop = threading.Event()
        self._ordering = ""
        self.stopped = False  # the user stopped the listing (or search) before its end
        # Set by the window: rows -> the QMimeData of a drag out to the file manager (None: no drag).
        self.drag_data_factory: Callable[[list[int]], QMimeData | None] | None = None
        # Set by the listing controller: the connection -> who lists its folders elsewhere (None: here).
        self.remote_listing: Callable[[Connection], RemoteLister | None] | None = None

    @property
    def _location(self) -> Location:
        return self.__location

    @_location.setter
    def _location(self, location: Location) -> None:
        self.__location = location
        self.store.at_bucket_list = not location.bucket

    # ---------------------------------------------------------------- loading
    def set_connection(self, connection: Connection | None) -> None:
        """Use ``connection`` for the next :meth:`load`; the current rows stay until then."""
        self._loader.next()
        self._cancel_details()
        self._connection = connection
        self._cache.clear()
        self._bucket_details.clear()

    @property
    def location(self) -> Location:
        return self._location

    @property
    def is_loading(self) -> bool:
        return self._loader.is_loading

    def load(self, location: Location, from_cache: bool = False, search: str = "") -> None:
        """Show ``location``: cancel the current listing, clear, and start listing anew.

        With ``from_cache`` (Back and Forward) a recent complete listing of it is shown at once
        while it is listed again in the background; the rows are replaced only if they changed.
        With ``search`` the rows are instead every key below ``location`` whose name matches,
        named by their path below it, streamed in as the recursive listing goes.
        """
        self._loader.next()
        self._cancel_details()
        self._cancel_ordering()
        self._incoming.clear()
        self._paint_pace.stop()
        was_bucket_list = not self._location.bucket
        self.search_pattern = search if location.bucket else ""
        self.scanned = 0
        self.stopped = False
        cached = self._cache.get(location) if from_cache and not search else None
        self.beginResetModel()
        self._location = location
        self.load_error = ""
        if cached is not None:
            self.store.restore(cached)
            self.store.reorder_now()  # a kept listing is small (see listing_cache.MAX_ROWS)
        else:
            self.store.clear()
        self.endResetModel()
        if was_bucket_list != (not location.bucket):
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
            self._switch_sort(bucket_list=not location.bucket)
        self._pending_pages = [] if cached is not None else None
        self.stats_changed.emit()
        if self._connection is None:
            return
        conn = self._connection
        if self.search_pattern:
            self._loader.pages(f"search {location.uri()}", _search_pages, conn, location.bucket, location.prefix,
                               self.search_pattern)
        elif not location.bucket:
            self._loader.one("list buckets", list_buckets_or_remembered, conn, remembered_buckets(conn.profile.name))
        else:
            lister = self.remote_listing(conn) if self.remote_listing is not None else None
            self._loader.pages(f"list {location.uri()}", _listing_pages, conn, location.bucket, location.prefix, lister)

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
        if len(self.store):
            return "filter", f"No names match “{self.filter_text}”."
        if self.search_pattern:
            return "filter", f"Nothing under {location.uri()} matches “{self.search_pattern}”."
        if not location.bucket:
            return "bucket", "No buckets yet. Create one here or with Bucket → New bucket…"
        if not location.prefix:
            return "upload", "This bucket is empty. Drop files here to upload them."
        return "folder", (f"No folder {location.uri()} (nothing is stored under this prefix). "
                          "Drop files here to create it.")

    def empty_action(self) -> str | None:
        """The button offered under the empty state: New bucket… at an empty bucket list."""
        empty = self.empty_state()
        return "New bucket…" if empty is not None and empty[0] == "bucket" else None

    def refresh(self) -> None:
        if not self._location.bucket:
            self._bucket_details.clear()  # a refresh of the bucket list reads them again
        self.load(self._location, search=self.search_pattern)

    def cancel(self) -> None:
        """Stop the current listing, keeping what has arrived."""
        if self._loader.cancel():
            self.stopped = True
            self._add_incoming()

    def _on_page(self, page: PackedPage | list[BucketInfo]) -> None:
        if isinstance(page, list):  # the bucket list, in one piece
            self._on_buckets(page)
            return
        self.scanned += page.scanned
        self._take_page(page)

    def _on_buckets(self, buckets: list[BucketInfo]) -> None:
        page = ListingPage(bucket="", prefix="", folders=[b.name + "/" for b in buckets], is_last=True)
        self._take_page(pack(page, [b.created for b in buckets]))
        self._read_details([b.name for b in buckets if b.name not in self._bucket_details])
        if any(b.remembered for b in buckets):
            self.notice.emit(tr_n("These keys may not list buckets; showing the %n bucket(s) you opened before. "
                                  "Type another in the path bar (Ctrl+L).", len(buckets)))

    def _take_page(self, page: PackedPage) -> None:
        if self._pending_pages is not None:  # refreshing a listing shown from the cache
            self._pending_pages.append(page)
            return
        self._incoming.append(page)
        if not self._paint_pace.isActive():
            self._add_incoming()

    def _add_incoming(self) -> None:
        """Add the pages that came since the last time, together: the view repaints once for them.

        The first page goes in at once; later ones at most :data:`PAGES_PACE_MS` apart, so a fast
        listing costs a few repaints a second instead of one per page (each repaint asks for a
        few hundred cells' data)."""
        pages, self._incoming = self._incoming, []
        for page in pages:
            self.append_page(page)
        if pages:
            self._paint_pace.start()

    def _on_error(self, exc: BaseException) -> None:
        error = describe_listing_failure(exc, self._location)
        self.load_error = error.message
        self.load_failed.emit(error.message, error.detail, error.kind)

    def _on_finished(self) -> None:
        self._add_incoming()
        if self._pending_pages is not None and not self.load_error:
            self._replace_if_changed(self._pending_pages)
        self._pending_pages = None
        if not self.load_error and not self.search_pattern:  # search results are not the folder's contents
            self._cache.put(self._location, self.store.snapshot(), len(self.store))
            self.listing_complete.emit(self._location, list(self.store.folder_prefixes), bool(len(self.store)))

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
        row = self.store.row_of_name(bucket + "/")
        return float(self.store.mtimes.at(row)) if row >= 0 else 0.0

    def _bucket_rows_changed(self, names: set[str]) -> None:
        store = self.store
        if self._location.bucket or not store.visible_count:
            return
        rows = [row for row in range(store.visible_count) if store.name(store.storage_row(row))[:-1] in names]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(HEADERS) - 1))

    # ---------------------------------------------------------------- back/forward cache
    def _replace_if_changed(self, pages: list[PackedPage]) -> None:
        """The background listing of a cached folder ended: swap its rows in if they differ."""
        store = self.store
        fresh = ListingStore(self._bucket_details)  # built aside, with no signal, then compared
        for page in pages:
            for group, (rows, shown) in enumerate(fresh.append(page)):
                fresh.add_rows(group, rows, shown)
        if ListingStore.same_rows(fresh.snapshot(), store.snapshot()):
            return
        self.rows_about_to_be_replaced.emit()
        self._cancel_ordering()
        self.beginResetModel()
        store.restore(fresh.snapshot())
        store.reorder_now()
        self.endResetModel()
        self.rows_replaced.emit()
        self.stats_changed.emit()

    # ---------------------------------------------------------------- appending
    def append_page(self, page: PackedPage | ListingPage) -> None:
        """Add a page's rows after those of their group; when they do not belong there, the
        group is sorted again (see :meth:`_reorder`)."""
        store = self.store
        groups = store.append(page if isinstance(page, PackedPage) else pack(page))
        for group, (rows, shown) in enumerate(groups):
            if len(shown):
                at = store.visible_folders if group == FOLDERS else store.visible_count
                self.beginInsertRows(QModelIndex(), at, at + len(shown) - 1)
                store.add_rows(group, rows, shown)
                self.endInsertRows()
            else:
                store.add_rows(group, rows, shown)
        if store.order_stale:
            self._reorder()
        self.stats_changed.emit()
        self.page_arrived.emit(len(page))

    # ---------------------------------------------------------------- filter & sort
    def set_filter(self, text: str) -> None:
        """Show only rows whose name contains ``text`` (case-insensitive)."""
        if self.store.set_filter(text):
            self._reorder("Filtering")

    @property
    def filter_text(self) -> str:
        return self.store.filter

    @property
    def ordering(self) -> str:
        """"Sorting" or "Filtering" while a worker orders the rows, else ""."""
        return self._ordering

    def _reorder(self, doing: str = "Sorting") -> None:
        """Sort and filter the rows as the store now asks: at once for a small listing, else on a
        worker over a snapshot, swapped in when done (a newer request replaces one in flight)."""
        self._stop_ordering()
        store = self.store
        request = store.order_request(tuple({store.storage_row(p.row()) for p in self.persistentIndexList()}))
        if len(store) <= self.inline_rows:
            self._install(compute_order(request))
            return
        stop = threading.Event()
        self._order_stop = stop
        self._order_task = self._runner.run(doing.lower(), compute_order, request, stop.is_set, pool=POOL_ORDERING,
                                            on_result=self._install, on_error=self._ordering_failed, owner=self)
        if not self._ordering:
            self._ordering = doing
            self.ordering_changed.emit(doing)

    def _stop_ordering(self) -> None:
        if self._order_task is not None:
            self._order_stop.set()
            self._order_task.cancel()
            self._order_task = None

    def _cancel_ordering(self) -> None:
        self._stop_ordering()
        self._ordering_done()

    def _ordering_done(self) -> None:
        if self._ordering:
            self._ordering = ""
            self.ordering_changed.emit("")

    def _ordering_failed(self, error: BaseException) -> None:
        if isinstance(error, Stopped):
            return
        self._order_task = None
        self._ordering_done()
        log.error("ordering the rows failed: %s", type(error).__name__)

    def _install(self, result: OrderOutput) -> None:
        """Swap a finished order in: the views keep their selection and current row (persistent
        indexes follow their rows; rows the filter now hides drop out) and scroll position."""
        self._order_task = None
        store = self.store
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old_rows = [store.storage_row(p.row()) for p in persistent]
        store.install(result)
        if persistent:
            found = result.tracked
            rest = {row for row in old_rows if row not in found}
            if rest:  # rows the request did not know of, and rows that arrived meanwhile: one pass for all
                found = {**found, **positions_of(np.array(sorted(rest), dtype=np.int64), store.shown_snapshot())}
            self.changePersistentIndexList(persistent, [
                self.index(found[row], p.column()) if row in found else QModelIndex()
                for p, row in zip(persistent, old_rows, strict=True)])
        self.layoutChanged.emit()
        if store.order_stale:  # rows arrived meanwhile that do not belong at the end
            self._reorder()
        else:
            self._ordering_done()
        self.stats_changed.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0 or column >= len(HEADERS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self._sorts[not self._location.bucket] = (column, descending)
        if (column, descending) == (self.store.sort_column, self.store.descending):
            return
        self.store.sort_column, self.store.descending = column, descending
        self.store.order_stale = True
        self._reorder()

    def _switch_sort(self, bucket_list: bool) -> None:
        """The bucket list and a bucket's contents keep their own sort: the same column means region
        in one and size in the other, so sorting a folder by size does not sort the buckets by region."""
        column, descending = self._sorts[bucket_list]
        if (column, descending) != (self.store.sort_column, self.store.descending):
            self.store.sort_column, self.store.descending = column, descending
            self.store.order_stale = True
            self._reorder()  # the rows of a cached listing are already here
        self.sort_shown.emit(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    # ---------------------------------------------------------------- stats
    @property
    def object_count(self) -> int:
        """Objects listed so far (folders excluded), whatever the filter."""
        return self.store.object_count

    @property
    def folder_count(self) -> int:
        return self.store.folder_count

    @property
    def total_size(self) -> int:
        return self.store.total_size

    def key_at(self, row: int) -> str:
        name = self.store.name(self.store.storage_row(row))
        return self._location.prefix + name if self._location.bucket else name.rstrip("/")

    def size_at(self, row: int) -> int:
        return int(self.store.sizes.at(self.store.storage_row(row)))

    def is_folder_at(self, row: int) -> bool:
        return bool(self.store.is_folder.at(self.store.storage_row(row)))

    def set_cut(self, bucket: str, keys: Iterable[str]) -> None:
        """Rows cut to the clipboard (``keys`` of ``bucket``: objects, and folders with their "/") are
        shown dimmed until they are pasted or the clipboard holds something else."""
        self._cut = (bucket, frozenset(keys))
        if self.store.visible_count:
            self.dataChanged.emit(self.index(0, 0), self.index(self.store.visible_count - 1, len(HEADERS) - 1),
                                  [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole])

    def is_cut_at(self, row: int) -> bool:
        bucket, keys = self._cut
        return bool(keys) and bucket == self._location.bucket and self.key_at(row) in keys

    def is_trash_at(self, row: int) -> bool:
        """The bucket's trash (soft delete's prefix, at the bucket's top): shown as the trash, opened
        as the Trash view, and never dragged, cut, renamed or deleted as a folder."""
        return (bool(self._location.bucket) and not self._location.prefix and not self.search_pattern
                and self.store.name(self.store.storage_row(row)) == TRASH_PREFIX)

    # ---------------------------------------------------------------- dragging out
    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._location.bucket and not self.is_trash_at(index.row()):
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
        visible = self.store.visible_count
        if visible:  # the view repaints only the rows it shows
            self.dataChanged.emit(self.index(0, COL_NAME), self.index(visible - 1, COL_NAME),
                                  [Qt.ItemDataRole.DecorationRole])

    # ---------------------------------------------------------------- Qt model API
    def _row_count(self) -> int:
        return self.store.visible_count

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (not self._location.bucket and orientation == Qt.Orientation.Horizontal
                and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(BUCKET_HEADERS)):
            return BUCKET_HEADERS[section]
        return super().headerData(section, orientation, role)

    def _bucket_data(self, row: int, column: int, role: int) -> Any:
        """What the bucket list shows beyond the name and date: region, versioning and its badge."""
        name = self.store.name(row)[:-1]
        details = self._bucket_details.get(name)
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
            return f"{name}: versioning enabled (deleted and overwritten objects can be brought back)"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        store = self.store
        if role not in _ANSWERED_ROLES or not index.isValid() or index.row() >= store.visible_count:
            return None
        row = store.storage_row(index.row())
        column = index.column()
        folder = store.is_folder.at(row)
        if folder and column == COL_NAME and role in _TRASH_ROLES and self.is_trash_at(index.row()):
            return _trash_data(role)
        if role in _CUT_ROLES:
            return _cut_data(role) if self.is_cut_at(index.row()) else None
        if not self._location.bucket and role in _BUCKET_ROLES and (
                column in (COL_SIZE, COL_CLASS) or (column == COL_NAME and role != Qt.ItemDataRole.DisplayRole)):
            found = self._bucket_data(row, column, role)
            if found is not None or role != Qt.ItemDataRole.ToolTipRole:
                return found
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return store.name(row).rstrip("/") if folder else store.name(row)
            if column == COL_SIZE:
                return "" if folder else human_size(int(store.sizes.at(row)))
            if column == COL_MODIFIED:
                mtime = float(store.mtimes.at(row))
                return local_time(mtime) if mtime else ""
            if column == COL_CLASS:
                return store.class_names[store.class_ids.at(row)]
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_NAME:
            if folder:
                return icons.icon("bucket" if not self._location.bucket else "folder")
            kind = icons.kind_for_name(store.name(row))
            if self.thumbnails is not None and kind == "file-image":
                thumbnail = self.thumbnails.icon(self._location.bucket, self.key_at(index.row()),
                                                 int(store.sizes.at(row)), float(store.mtimes.at(row)))
                if thumbnail is not None:
                    return thumbnail
            return icons.icon(kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE and not folder:
                return exact_size(int(store.sizes.at(row)))
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
            return int(store.sizes.at(row))
        return None


_CUT_ROLES = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole)


def _cut_data(role: int) -> Any:
    """A cut row: the disabled text colour and italics, as file managers show a cut file."""
    if role == Qt.ItemDataRole.ForegroundRole:
        return QGuiApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    font = QFont(QGuiApplication.font())
    font.setItalic(True)
    return font


_TRASH_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole)


def _trash_data(role: int) -> Any:
    if role == Qt.ItemDataRole.DisplayRole:
        return "Trash"
    if role == Qt.ItemDataRole.DecorationRole:
        return icons.icon("trash")
    return f"What soft delete moved out of the way ({TRASH_PREFIX}): open it to restore or empty it"


def _listing_pages(conn: Connection, bucket: str, prefix: str, lister: RemoteLister | None,
                   should_stop: Callable[[], bool]) -> Iterator[PackedPage]:
    """The folder's pages, packed: made by the transfer worker process when one is ready (its parsing
    then takes nothing from the window's interpreter), else here on a pool thread, with garbage
    collection off until they end (see gc_pause)."""
    remote = lister(bucket, prefix, should_stop) if lister is not None else None
    if remote is not None:
        return remote
    return iterate_paused(pack(page) for page in iter_pages(conn, bucket, prefix, should_stop=should_stop))


def _search_pages(conn: Connection, bucket: str, prefix: str, pattern: str,
                  should_stop: Callable[[], bool]) -> Iterator[PackedPage]:
    return (pack(page) for page in iter_search_pages(conn, bucket, prefix, pattern, should_stop=should_stop))
