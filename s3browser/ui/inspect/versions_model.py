"""The versions view's model: under one prefix, folders and keys, each key with its versions and
delete markers as children (newest first), over columnar storage like the object table.

Top-level rows are kept in arrival order (S3's key order within a page); a key whose versions run
on into the next page gains children instead of a second row.  A child's ``internalId`` is its
parent's row + 1, a top-level row's is 0, so indexes need no Python object per version.
"""

from __future__ import annotations

from array import array
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.ops.versions import VersionPage, iter_version_pages, versioning_status
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.ui.shell import icons
from s3browser.ui.shell.formatting import exact_size, human_size, local_time, tr_n
from s3browser.ui.shell.paged_load import PagedLoad
from s3browser.ui.shell.tasks import TaskRunner

COL_NAME, COL_SIZE, COL_MODIFIED, COL_VERSION, COL_STATE = range(5)
HEADERS = ("Name", "Size", "Last modified", "Version id", "State")
_Index = QModelIndex | QPersistentModelIndex
FOLDER, KEY = 0, 1


class VersionsModel(QAbstractItemModel):
    loading_changed = Signal(bool)
    load_failed = Signal(str, str, str)  # the message, the technical detail, the kind
    page_arrived = Signal(int)
    versioning_known = Signal(str)  # the bucket's versioning: "Enabled", "Suspended", "" (never), or unknown

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.versioning: str | None = None  # the shown bucket's, once known
        self._connection: Connection | None = None
        self._location = Location()
        self._loader = PagedLoad(runner, self, self.append_page, self._on_error, lambda: None,
                                 self.loading_changed.emit)
        self.load_error = ""
        self._versioning_of = ""
        self._clear()

    def _clear(self) -> None:
        # top-level rows
        self._kind = bytearray()
        self._name: list[str] = []  # full key, or full folder prefix
        self._first = array("q")  # first version of a key's rows
        self._count = array("q")  # its number of versions and markers
        self._row_of_key: dict[str, int] = {}  # only the last key can grow; kept small by design
        # versions, in key order then newest first
        self._version_ids: list[str] = []
        self._sizes = array("q")
        self._mtimes = array("d")
        self._classes: list[str] = []
        self._latest = bytearray()
        self._markers = bytearray()

    # ---------------------------------------------------------------- loading
    def set_connection(self, connection: Connection | None) -> None:
        self.cancel()
        self._connection = connection
        self.versioning, self._versioning_of = None, ""

    @property
    def location(self) -> Location:
        return self._location

    @property
    def is_loading(self) -> bool:
        return self._loader.is_loading

    def load(self, location: Location) -> None:
        self.cancel()
        self._loader.next()
        self.beginResetModel()
        self._location = location
        self.load_error = ""
        self._clear()
        self.endResetModel()
        if self._connection is None or not location.bucket:
            return
        if self.versioning is None or location.bucket != self._versioning_of:
            self.versioning = None
            self._versioning_of = location.bucket
            self.versioning_known.emit("unknown")
            self._runner.run(f"versioning of {location.bucket}", versioning_status, self._connection,
                             location.bucket, on_result=partial(self._versioning_answered, location.bucket),
                             on_error=lambda _exc: None, owner=self)
        self._loader.pages(f"versions of {location.uri()}", iter_version_pages, self._connection, location.bucket,
                           location.prefix)

    def _versioning_answered(self, bucket: str, status: str) -> None:
        if bucket == self._location.bucket:
            self.versioning = status
            self.versioning_known.emit(status)

    def refresh(self) -> None:
        self.versioning = None  # asked again: it may have been turned on meanwhile
        self.load(self._location)

    def cancel(self) -> None:
        self._loader.cancel()

    def _on_error(self, exc: BaseException) -> None:
        error = describe(exc, bucket=self._location.bucket)
        self.load_error = error.message
        self.load_failed.emit(error.message, error.detail, error.kind)

    def append_page(self, page: VersionPage) -> None:
        """Add a page: its folders, then its keys' versions (continuing the last key if it ran on)."""
        if page.folders:
            start = len(self._kind)
            self.beginInsertRows(QModelIndex(), start, start + len(page.folders) - 1)
            for folder in page.folders:
                self._kind.append(FOLDER)
                self._name.append(folder)
                self._first.append(0)
                self._count.append(0)
            self.endInsertRows()
        i, total = 0, len(page.keys)
        while i < total:
            key = page.keys[i]
            end = i
            while end < total and page.keys[end] == key:
                end += 1
            row = self._row_of_key.get(key)
            if row is not None and row == len(self._kind) - 1:  # ran on from the last page
                parent = self.index(row, 0)
                old = self._count[row]
                self.beginInsertRows(parent, old, old + end - i - 1)
                self._store_versions(page, i, end)
                self._count[row] += end - i
                self.endInsertRows()
            else:
                row = len(self._kind)
                self.beginInsertRows(QModelIndex(), row, row)
                self._kind.append(KEY)
                self._name.append(key)
                self._first.append(len(self._version_ids))
                self._count.append(end - i)
                self._store_versions(page, i, end)
                self._row_of_key = {key: row}
                self.endInsertRows()
            i = end
        self.page_arrived.emit(len(page))

    def _store_versions(self, page: VersionPage, start: int, end: int) -> None:
        self._version_ids.extend(page.version_ids[start:end])
        self._sizes.extend(page.sizes[start:end])
        self._mtimes.extend(page.mtimes[start:end])
        self._classes.extend(page.storage_classes[start:end])
        self._latest.extend(page.latest[start:end])
        self._markers.extend(page.delete_markers[start:end])

    # ---------------------------------------------------------------- what a row is
    def is_folder(self, index: _Index) -> bool:
        return index.isValid() and not index.internalId() and self._kind[index.row()] == FOLDER

    def is_version(self, index: _Index) -> bool:
        return index.isValid() and bool(index.internalId())

    def key(self, index: _Index) -> str:
        """The key (or folder prefix) of a row, or of a version's parent."""
        if not index.isValid():
            return ""
        row = index.internalId() - 1 if index.internalId() else index.row()
        return self._name[row]

    def _version(self, index: _Index) -> int:
        """Storage position of a version row; of the newest entry for a key row."""
        if index.internalId():
            return self._first[index.internalId() - 1] + index.row()
        return self._first[index.row()]

    def version_id(self, index: _Index) -> str:
        return self._version_ids[self._version(index)] if self.is_version(index) else ""

    def version_size(self, index: _Index) -> int:
        return int(self._sizes[self._version(index)]) if index.isValid() and not self.is_folder(index) else 0

    def is_delete_marker(self, index: _Index) -> bool:
        return index.isValid() and not self.is_folder(index) and bool(self._markers[self._version(index)])

    def is_latest(self, index: _Index) -> bool:
        return self.is_version(index) and bool(self._latest[self._version(index)])

    def is_deleted(self, index: _Index) -> bool:
        """A key row whose latest entry is a delete marker (undelete brings it back)."""
        if not index.isValid() or index.internalId() or self._kind[index.row()] != KEY:
            return False
        first = self._first[index.row()]
        return bool(self._markers[first] and self._latest[first])

    def location_for(self, index: _Index) -> Location:
        return Location(self._location.bucket, self.key(index))

    # ---------------------------------------------------------------- Qt model API
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self._kind) else QModelIndex()
        if parent.internalId() or self._kind[parent.row()] != KEY or row >= self._count[parent.row()]:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or not index.internalId():
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._kind)
        if parent.column() != 0 or parent.internalId() or self._kind[parent.row()] != KEY:
            return 0
        return self._count[parent.row()]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if not index.internalId() and self._kind[index.row()] == FOLDER:
            return self._folder_data(index, column, role)
        version = self._version(index)
        marker = bool(self._markers[version])
        is_child = bool(index.internalId())
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                if is_child:
                    return "Delete marker" if marker else ("Latest version" if self._latest[version] else "Version")
                return self.key(index)[len(self._location.prefix):]
            if column == COL_SIZE:
                return "" if marker else human_size(self._sizes[version])
            if column == COL_MODIFIED:
                return local_time(self._mtimes[version])
            if column == COL_VERSION:
                return self._version_ids[version] if is_child else ""
            if column == COL_STATE:
                if is_child:
                    return ", ".join(word for word, on in (("latest", self._latest[version]),
                                                           ("delete marker", marker)) if on)
                count = self._count[index.row()]
                text = tr_n("%n version(s)", count)
                return f"deleted · {text}" if self.is_deleted(index) else text
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_NAME:
            if is_child:
                return icons.icon("delete" if marker else "versions")
            return icons.icon(icons.kind_for_name(self.key(index)))
        if role == Qt.ItemDataRole.FontRole and not is_child and self.is_deleted(index):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE and not marker:
                return exact_size(self._sizes[version])
            if column == COL_NAME:
                return f"s3://{self._location.bucket}/{self.key(index)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _folder_data(self, index: _Index, column: int, role: int) -> Any:
        trash = self._name[index.row()] == TRASH_PREFIX  # the trash's copies: named as the table names them
        if role == Qt.ItemDataRole.DisplayRole and column == COL_NAME:
            return "Trash" if trash else self._name[index.row()][len(self._location.prefix):].rstrip("/")
        if role == Qt.ItemDataRole.DecorationRole and column == COL_NAME:
            return icons.icon("trash" if trash else "folder")
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return f"s3://{self._location.bucket}/{self._name[index.row()]}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
