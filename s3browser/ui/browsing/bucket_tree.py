"""The bucket tree: connection → buckets → prefixes, each level listed lazily on expand.

``fetchMore`` asks the task runner for the children; they are inserted on the GUI thread as
pages arrive.  A failed node (say, access denied on one bucket) shows its error and can be
retried; its siblings keep working.

A refresh *merges*: children that still exist keep their node (so the view keeps them expanded
and selected), new ones are inserted in key order and vanished ones removed once the listing
is complete.  The object table's finished listings are merged the same way
(:meth:`BucketTreeModel.merge_listing`), so tree and table agree on what a folder holds.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import BucketInfo, ListingPage, iter_pages, list_buckets_or_remembered
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.known_buckets import describe_listing_failure, remembered_buckets
from s3browser.ui.shell import icons
from s3browser.ui.shell.tasks import POOL_LISTING, Task, TaskRunner

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


def _sort_key(location: Location) -> str:
    """Children sort as S3 lists them: buckets by name, folders by prefix (code point order is
    UTF-8 byte order)."""
    return location.prefix or location.bucket


class BucketTreeModel(QAbstractItemModel):
    error_occurred = Signal(str, str, str)  # the message, the technical detail, the kind
    children_settled = Signal(QModelIndex)  # a node's listing finished or failed

    def __init__(self, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._connection: Connection | None = None
        self._root = _Node(KIND_ROOT, "", Location(), None, 0)
        self._root.state = LOADED
        # The table's last complete listing of a folder the tree has no node for yet.
        self._pending: tuple[Location, list[Location]] | None = None

    def set_connection(self, connection: Connection | None, label: str = "") -> None:
        self._cancel_all(self._root)
        self.beginResetModel()
        self._connection = connection
        self._pending = None
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
        """List the children of ``index`` again and merge: nodes that still exist are kept with
        their own children, so the view keeps its expansion.  A listing still running is
        cancelled and started again, since it may predate the change the caller wants to see."""
        node = self._node(index)
        if node is self._root or self._connection is None:
            return
        if node.task is not None:
            node.task.cancel()
            node.task = None
        if node.state != LOADED:  # nothing worth keeping: list from scratch
            self._drop_children(node)
            node.state, node.error = UNLOADED, ""
            self.fetchMore(self._index_of(node))
            return
        node.state = LOADING
        seen: set[Location] = set()
        conn = self._connection
        if node.kind == KIND_CONNECTION:
            node.task = self._runner.run(
                "tree: buckets", list_buckets_or_remembered, conn, remembered_buckets(conn.profile.name),
                pool=POOL_LISTING,
                on_result=lambda buckets: self._merge(node, [Location(b.name, "") for b in buckets], seen),
                on_error=partial(self._failed, node), on_finished=partial(self._merged_all, node, seen),
                owner=self)
        else:
            loc = node.location
            node.task = self._runner.run_pages(
                f"tree: {loc.uri()}", iter_pages, conn, loc.bucket, loc.prefix,
                on_page=lambda page: self._merge(node, [Location(page.bucket, f) for f in page.folders], seen),
                on_error=partial(self._failed, node), on_finished=partial(self._merged_all, node, seen),
                owner=self)
        self._changed(node)

    def merge_listing(self, location: Location, folders: Iterable[str], has_content: bool) -> None:
        """A complete listing of ``location`` (from the object table): its folder prefixes, or
        bucket names at the bucket list, become the node's children.

        A node not listed yet takes these children as its listing (no second request on expand).
        A location the tree is still listing its way to keeps them until its node arrives; one
        with content but no node under a listed parent (made since) has that parent refreshed.
        """
        if self._connection is None:
            return
        if not location.bucket:
            wanted = [Location(name.rstrip("/"), "") for name in folders]
        else:
            wanted = [Location(location.bucket, folder) for folder in folders]
        node = self._find(location)
        if node is None:
            deepest = self._deepest_on_path(location)
            if deepest.state in (UNLOADED, LOADING):
                self._pending = (location, wanted)  # the tree is still listing its way there
            elif deepest.state == LOADED and has_content:
                self.refresh(self._index_of(deepest))  # made since that node was listed
            return
        self._take_listing(node, wanted)

    def _take_listing(self, node: _Node, wanted: list[Location]) -> None:
        if node.state == LOADING:
            return  # its own listing will say
        if node.state == FAILED:
            node.error = ""  # the table just listed it: whatever failed works now
        seen: set[Location] = set()
        self._merge(node, wanted, seen)
        self._drop_unseen(node, seen)
        if node.state != LOADED:
            node.state = LOADED  # no need to list it again on expand
            self._changed(node)

    def _adopt_pending(self, parent: _Node) -> None:
        """New children arrived under ``parent``: one may be the node a table listing waits for."""
        pending = self._pending
        if pending is None or pending[0].parent() != parent.location or parent.kind == KIND_ROOT:
            return
        node = self._child_at(parent, pending[0])
        if node is not None:
            self._pending = None
            self._take_listing(node, pending[1])

    def index_for(self, location: Location) -> QModelIndex:
        """The node showing ``location``, if the tree has listed that far."""
        node = self._find(location)
        return self._index_of(node) if node is not None else QModelIndex()

    def path_to(self, location: Location) -> list[Location]:
        """The locations from the bucket down to ``location`` (empty at the bucket list)."""
        if not location.bucket:
            return []
        path = [Location(location.bucket, "")]
        prefix = location.prefix
        start = 0
        while (slash := prefix.find("/", start)) != -1:
            path.append(Location(location.bucket, prefix[:slash + 1]))
            start = slash + 1
        return path

    def is_listed(self, index: _Index) -> bool:
        """Whether ``index``'s children are known (listed, or failed: nothing more will come)."""
        return self._node(index).state in (LOADED, FAILED)

    def _find(self, location: Location) -> _Node | None:
        if not self._root.children:
            return None
        node = self._root.children[0]
        for step in self.path_to(location):
            found = self._child_at(node, step)
            if found is None:
                return None
            node = found
        return node

    @staticmethod
    def _child_at(node: _Node, location: Location) -> _Node | None:
        return next((child for child in node.children if child.location == location), None)

    def _deepest_on_path(self, location: Location) -> _Node:
        """The deepest node the tree has on the way to ``location`` (the connection at least)."""
        node = self._root.children[0]
        for step in self.path_to(location):
            found = self._child_at(node, step)
            if found is None:
                break
            node = found
        return node

    def _drop_children(self, node: _Node) -> None:
        self._cancel_all(node)
        if node.children:
            self.beginRemoveRows(self._index_of(node), 0, len(node.children) - 1)
            node.children = []
            self.endRemoveRows()

    def _merge(self, node: _Node, locations: list[Location], seen: set[Location]) -> None:
        """Insert the children in ``locations`` that ``node`` lacks, each at its place in key order."""
        seen.update(locations)
        have = {child.location for child in node.children}
        new = sorted((loc for loc in set(locations) if loc not in have), key=_sort_key)
        if not new:
            return
        if not node.children or _sort_key(new[0]) > _sort_key(node.children[-1].location):
            self._append_children(node, [(self._kind_below(node), self._label(node, loc), loc) for loc in new])
            return
        keys = [_sort_key(child.location) for child in node.children]
        parent = self._index_of(node)
        for loc in new:
            row = bisect.bisect_left(keys, _sort_key(loc))
            self.beginInsertRows(parent, row, row)
            keys.insert(row, _sort_key(loc))
            node.children.insert(row, _Node(self._kind_below(node), self._label(node, loc), loc, node, row))
            self._renumber(node, row + 1)
            self.endInsertRows()
        self._adopt_pending(node)

    def _drop_unseen(self, node: _Node, seen: set[Location]) -> None:
        """Remove the children a complete listing did not return, in runs from the bottom up."""
        rows = [child.row for child in node.children if child.location not in seen]
        parent = self._index_of(node)
        while rows:
            last = rows.pop()
            first = last
            while rows and rows[-1] == first - 1:
                first = rows.pop()
            for child in node.children[first:last + 1]:
                self._cancel_all(child)
            self.beginRemoveRows(parent, first, last)
            del node.children[first:last + 1]
            self._renumber(node, first)
            self.endRemoveRows()

    @staticmethod
    def _renumber(node: _Node, start: int) -> None:
        for row in range(start, len(node.children)):
            node.children[row].row = row

    @staticmethod
    def _kind_below(node: _Node) -> int:
        return KIND_BUCKET if node.kind == KIND_CONNECTION else KIND_FOLDER

    @staticmethod
    def _label(node: _Node, location: Location) -> str:
        if node.kind == KIND_CONNECTION:
            return location.bucket
        return location.prefix[len(node.location.prefix):].rstrip("/")

    def _merged_all(self, node: _Node, seen: set[Location]) -> None:
        """A refresh's listing ended: drop what it did not see (unless it failed), mark it listed."""
        node.task = None
        if node.state == LOADING:
            self._drop_unseen(node, seen)
            node.state = LOADED
            self._changed(node)
        self.children_settled.emit(self._index_of(node))

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
        assert conn is not None  # canFetchMore said so
        if node.kind == KIND_CONNECTION:
            node.task = self._runner.run(
                "tree: buckets", list_buckets_or_remembered, conn, remembered_buckets(conn.profile.name),
                pool=POOL_LISTING, on_result=partial(self._add_buckets, node), on_error=partial(self._failed, node),
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
        self._adopt_pending(node)

    def _add_buckets(self, node: _Node, buckets: list[BucketInfo]) -> None:
        self._append_children(node, [(KIND_BUCKET, b.name, Location(b.name, "")) for b in buckets])

    def _add_folders(self, node: _Node, page: ListingPage) -> None:
        cut = len(page.prefix)
        self._append_children(node, [(KIND_FOLDER, folder[cut:].rstrip("/"), Location(page.bucket, folder))
                                     for folder in page.folders])

    def _failed(self, node: _Node, exc: BaseException) -> None:
        node.state = FAILED
        error = describe_listing_failure(exc, node.location)
        node.error = error.message
        self._changed(node)
        self.error_occurred.emit(error.message, error.detail, error.kind)

    def _finished(self, node: _Node) -> None:
        node.task = None
        if node.state == LOADING:
            node.state = LOADED
            self._changed(node)
        self.children_settled.emit(self._index_of(node))

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
        trash = node.kind not in (KIND_CONNECTION, KIND_BUCKET) and node.location.prefix == TRASH_PREFIX
        if role == Qt.ItemDataRole.DisplayRole:
            return ("Trash" if trash else node.label) + (" (loading…)" if node.state == LOADING else "")
        if role == Qt.ItemDataRole.DecorationRole:
            if node.state == FAILED:
                return icons.icon("error")
            if trash:
                return icons.icon("trash")
            return icons.icon({KIND_CONNECTION: "connection", KIND_BUCKET: "bucket"}.get(node.kind, "folder"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.error or (node.location.uri() if node.kind != KIND_CONNECTION else node.label)
        if role == LOCATION_ROLE:
            return node.location
        return None
