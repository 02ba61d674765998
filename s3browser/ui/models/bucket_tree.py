"""The bucket tree: connection → buckets → prefixes, each level listed lazily on expand.

``fetchMore`` asks the task runner for the children; they are inserted on the GUI thread as
pages arrive.  A failed node (say, access denied on one bucket) shows its error and can be
retried; its siblings keep working.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import BucketInfo, ListingPage, iter_pages, list_buckets
from s3browser.core.s3.locations import Location
from s3browser.ui import icons
from s3browser.ui.tasks import POOL_LISTING, Task, TaskRunner

log = logging.getLogger(__name__)

LOCATION_ROLE = Qt.ItemDataRole.UserRole + 10

UNLOADED, LOADING, LOADED, FAILED = range(4)
KIND_ROOT, KIND_CONNECTION, KIND_BUCKET, KIND_FOLDER = range(4)

_Index = QModelIndex | QPersistentModelIndex


class _Node:
    __slots__ = ("kind", "label", "location", "parent", "children", "row", "state", "error", "task")

    def __init__(self, kind: int, label: str, location: Location, parent: _Node | None, row: int) -> None:
        self.kind = kind
        self.label = label
        self.location = location
        self.parent = parent
        self.children: list[_Node] = []
        self.row = row
        self.state = UNLOADED
        self.error = ""
        self.task: Task | None = None


class BucketTreeModel(QAbstractItemModel):
    error_occurred = Signal(str)

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._connection: Connection | None = None
        self._root = _Node(KIND_ROOT, "", Location(), None, 0)
        self._root.state = LOADED

    def set_connection(self, connection: Connection | None, label: str = "") -> None:
        self._cancel_all(self._root)
        self.beginResetModel()
        self._connection = connection
        self._root.children = []
        if connection is not None:
            self._root.children.append(_Node(KIND_CONNECTION, label or connection.profile.display_name,
                                             Location(), self._root, 0))
        self.endResetModel()

    def _cancel_all(self, node: _Node) -> None:
        if node.task is not None:
            node.task.cancel()
            node.task = None
        for child in node.children:
            self._cancel_all(child)

    def connection_index(self) -> QModelIndex:
        return self.index(0, 0) if self._root.children else QModelIndex()

    def refresh(self, index: _Index) -> None:
        """Forget and re-list the children of ``index``; a listing still running is cancelled and
        started again, since it may predate the change the caller wants to see."""
        node = self._node(index)
        if node is self._root:
            return
        self._cancel_all(node)
        if node.children:
            self.beginRemoveRows(self._index_of(node), 0, len(node.children) - 1)
            node.children = []
            self.endRemoveRows()
        node.state, node.error = UNLOADED, ""
        self.fetchMore(self._index_of(node))

    def find_child(self, parent: _Index, label: str) -> QModelIndex:
        node = self._node(parent)
        for child in node.children:
            if child.label == label:
                return self.createIndex(child.row, 0, child)
        return QModelIndex()

    # ---------------------------------------------------------------- helpers
    def _node(self, index: _Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def _index_of(self, node: _Node) -> QModelIndex:
        if node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def node_error(self, index: _Index) -> str:
        return self._node(index).error

    # ---------------------------------------------------------------- lazy loading
    def canFetchMore(self, parent: _Index) -> bool:
        node = self._node(parent)
        return node.kind != KIND_ROOT and node.state == UNLOADED and self._connection is not None

    def fetchMore(self, parent: _Index) -> None:
        node = self._node(parent)
        if not self.canFetchMore(parent):
            return
        node.state = LOADING
        conn = self._connection
        if node.kind == KIND_CONNECTION:
            node.task = self._runner.run(
                "tree: buckets", list_buckets, conn, pool=POOL_LISTING,
                on_result=partial(self._add_buckets, node), on_error=partial(self._failed, node),
                on_finished=partial(self._finished, node), owner=self)
        else:
            loc = node.location
            node.task = self._runner.run_pages(
                f"tree: {loc.uri()}", iter_pages, conn, loc.bucket, loc.prefix,
                on_page=partial(self._add_folders, node), on_error=partial(self._failed, node),
                on_finished=partial(self._finished, node), owner=self)
        self._changed(node)

    def _append_children(self, node: _Node, children: list[tuple[int, str, Location]]) -> None:
        if not children:
            return
        start = len(node.children)
        self.beginInsertRows(self._index_of(node), start, start + len(children) - 1)
        for offset, (kind, label, location) in enumerate(children):
            node.children.append(_Node(kind, label, location, node, start + offset))
        self.endInsertRows()

    def _add_buckets(self, node: _Node, buckets: list[BucketInfo]) -> None:
        self._append_children(node, [(KIND_BUCKET, b.name, Location(b.name, "")) for b in buckets])

    def _add_folders(self, node: _Node, page: ListingPage) -> None:
        cut = len(page.prefix)
        self._append_children(node, [(KIND_FOLDER, folder[cut:].rstrip("/"), Location(page.bucket, folder))
                                     for folder in page.folders])

    def _failed(self, node: _Node, exc: BaseException) -> None:
        node.state = FAILED
        node.error = describe(exc, bucket=node.location.bucket or None).message
        self._changed(node)
        self.error_occurred.emit(node.error)

    def _finished(self, node: _Node) -> None:
        node.task = None
        if node.state == LOADING:
            node.state = LOADED
            self._changed(node)

    def _changed(self, node: _Node) -> None:
        if node is self._root:
            return
        index = self._index_of(node)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                                             Qt.ItemDataRole.DisplayRole])

    # ---------------------------------------------------------------- Qt model API
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        node = self._node(parent)
        if parent.isValid() and parent.column() != 0:
            return False
        if node.state == UNLOADED and node.kind != KIND_ROOT:
            return True
        return bool(node.children)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if section == 0 and orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Buckets"
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label + (" (loading…)" if node.state == LOADING else "")
        if role == Qt.ItemDataRole.DecorationRole:
            if node.state == FAILED:
                return icons.icon("error")
            return icons.icon({KIND_CONNECTION: "connection", KIND_BUCKET: "bucket"}.get(node.kind, "folder"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.error or (node.location.uri() if node.kind != KIND_CONNECTION else node.label)
        if role == LOCATION_ROLE:
            return node.location
        return None
