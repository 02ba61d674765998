"""The sync preview: a plan's items grouped by action, each with a checkbox, over the plan itself.

The plan's items are already sorted by action, so a group is a range of that list and no row is
copied: the model stays cheap at 100,000 items.  Each group keeps its count and bytes of ticked
items, so ticking a box or a whole group updates the totals and the start button without a walk
of the plan (conflicts, usually few, are counted afresh since their resolution decides what they do).

Top-level rows are the groups (internal id 0); a child's internal id is its group's row + 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from s3browser.core.sync.plan import Action, Resolution, SyncItem, SyncPlan
from s3browser.ui.formatting import count_of, exact_size, human_size, local_time

_Index = QModelIndex | QPersistentModelIndex

COL_PATH, COL_ACTION, COL_SIZE, COL_LOCAL_TIME, COL_S3_TIME, COL_REASON = range(6)
HEADERS = ("Path", "Action", "Size", "Local modified", "S3 modified", "Reason")
ACTION_ROLE = Qt.ItemDataRole.UserRole + 30  # the group's or item's Action
RESOLUTION_LABELS = {Resolution.KEEP_BOTH: "keep both", Resolution.LOCAL: "use local", Resolution.S3: "use S3",
                     Resolution.SKIP: "skip"}
_DELETIONS = (Action.DELETE_REMOTE, Action.DELETE_LOCAL)


def deletion_color() -> QColor:
    """Red that reads on the current palette (about 4.5:1 on both light and dark bases)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor("#ff8a80") if base.lightness() < 128 else QColor("#b00020")


@dataclass
class _Group:
    action: Action
    start: int  # its items are plan.items[start:end]
    end: int
    ticked: int = 0
    ticked_bytes: int = 0

    @property
    def size(self) -> int:
        return self.end - self.start


class SyncPreviewModel(QAbstractItemModel):
    selection_changed = Signal()  # a box was ticked or a conflict's resolution changed

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: SyncPlan | None = None
        self.groups: list[_Group] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # ---------------------------------------------------------------- the plan
    def set_plan(self, plan: SyncPlan) -> None:
        self.beginResetModel()
        self.plan = plan
        self.groups = []
        items = plan.items
        start = 0
        while start < len(items):
            action = items[start].action
            end = start
            ticked = ticked_bytes = 0
            while end < len(items) and items[end].action == action:
                if items[end].selected:
                    ticked += 1
                    ticked_bytes += items[end].size
                end += 1
            self.groups.append(_Group(action, start, end, ticked, ticked_bytes))
            start = end
        self.endResetModel()
        self.selection_changed.emit()

    def item_at(self, index: _Index) -> SyncItem | None:
        if self.plan is None or not index.isValid() or index.internalId() == 0:
            return None
        group = self.groups[index.internalId() - 1]
        return self.plan.items[group.start + index.row()]

    def group_row(self, action: Action) -> int:
        return next((row for row, g in enumerate(self.groups) if g.action == action), -1)

    def totals(self) -> dict[Action, tuple[int, int]]:
        """Per action: ticked (count, bytes); conflicts set to *skip* do not count."""
        totals = {action: (0, 0) for action in Action}
        for group in self.groups:
            if group.action == Action.CONFLICT:
                chosen = [i for i in self._items(group) if i.selected and i.resolution != Resolution.SKIP]
                totals[group.action] = (len(chosen), sum(i.size for i in chosen))
            else:
                totals[group.action] = (group.ticked, group.ticked_bytes)
        return totals

    def deletions(self) -> tuple[int, int]:
        """(local, remote) deletions the ticked items would make, conflicts resolved by deleting included."""
        totals = self.totals()
        local, remote = totals[Action.DELETE_LOCAL][0], totals[Action.DELETE_REMOTE][0]
        for group in self.groups:
            if group.action == Action.CONFLICT:
                for item in self._items(group):
                    if item.selected:
                        local += item.action == Action.CONFLICT and item.deletes_local
                        remote += item.action == Action.CONFLICT and item.deletes_remote
        return local, remote

    def _items(self, group: _Group) -> list[SyncItem]:
        assert self.plan is not None
        return self.plan.items[group.start:group.end]

    def set_group_checked(self, row: int, checked: bool) -> None:
        group = self.groups[row]
        assert self.plan is not None
        for item in self._items(group):
            item.selected = checked
        group.ticked = group.size if checked else 0
        group.ticked_bytes = sum(i.size for i in self._items(group)) if checked else 0
        parent = self.index(row, 0)
        if group.size:
            self.dataChanged.emit(self.index(0, COL_PATH, parent), self.index(group.size - 1, COL_PATH, parent),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.dataChanged.emit(parent, self.index(row, COL_PATH), [Qt.ItemDataRole.CheckStateRole,
                                                                   Qt.ItemDataRole.DisplayRole])
        self.selection_changed.emit()

    def set_all_checked(self, checked: bool) -> None:
        for row in range(len(self.groups)):
            self.set_group_checked(row, checked)

    # ---------------------------------------------------------------- structure
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if row < len(self.groups) else QModelIndex()
        if parent.internalId() != 0 or parent.column() != 0 or parent.row() >= len(self.groups):
            return QModelIndex()
        if row >= self.groups[parent.row()].size:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0 and parent.row() < len(self.groups):
            return self.groups[parent.row()].size
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return len(HEADERS)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_PATH:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item = self.item_at(index)
        if item is None:
            return flags
        flags |= Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == COL_ACTION and item.action == Action.CONFLICT:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # ---------------------------------------------------------------- data
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.plan is None:
            return None
        if index.internalId() == 0:
            return self._group_data(self.groups[index.row()], index.column(), role)
        item = self.item_at(index)
        assert item is not None
        return self._item_data(item, index.column(), role)

    def _group_data(self, group: _Group, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_PATH:
                return f"{group.action.label} ({count_of(group.size, 'item')})"
            if column == COL_SIZE:
                return human_size(group.ticked_bytes)  # of the ticked items: what will move or go
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_PATH:
            if group.ticked == 0:
                return Qt.CheckState.Unchecked
            return Qt.CheckState.Checked if group.ticked == group.size else Qt.CheckState.PartiallyChecked
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and group.action in _DELETIONS:
            return deletion_color()
        if role == ACTION_ROLE:
            return group.action
        return None

    def _item_data(self, item: SyncItem, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COL_PATH:
                return item.path
            if column == COL_ACTION:
                if item.action == Action.CONFLICT:
                    resolution = item.resolution or Resolution.KEEP_BOTH
                    return resolution.value if role == Qt.ItemDataRole.EditRole else \
                        f"Conflict: {RESOLUTION_LABELS[resolution]}"
                return item.action.label
            if column == COL_SIZE:
                return human_size(item.size)
            if column == COL_LOCAL_TIME:
                return local_time(item.local.mtime_ns / 1e9) if item.local is not None else "—"
            if column == COL_S3_TIME:
                return local_time(item.remote.mtime) if item.remote is not None else "—"
            if column == COL_REASON:
                return item.reason
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_PATH:
            return Qt.CheckState.Checked if item.selected else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and (item.deletes_local or item.deletes_remote):
            return deletion_color()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE:
                return exact_size(item.size)
            if column == COL_ACTION and item.action == Action.CONFLICT:
                return "Double-click to choose: keep both, use local, use S3 or skip."
            return item.path if column == COL_PATH else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ACTION_ROLE:
            return item.action
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.plan is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == COL_PATH:
            checked = Qt.CheckState(value) != Qt.CheckState.Unchecked
            if index.internalId() == 0:
                self.set_group_checked(index.row(), checked)
                return True
            item = self.item_at(index)
            assert item is not None
            if item.selected != checked:
                group = self.groups[index.internalId() - 1]
                item.selected = checked
                group.ticked += 1 if checked else -1
                group.ticked_bytes += item.size if checked else -item.size
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
                group_index = self.index(index.internalId() - 1, 0)
                self.dataChanged.emit(group_index, self.index(group_index.row(), COL_SIZE),
                                      [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole])
                self.selection_changed.emit()
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == COL_ACTION:
            item = self.item_at(index)
            if item is None or item.action != Action.CONFLICT:
                return False
            try:
                item.resolution = Resolution(value)
            except ValueError:
                return False
            self.dataChanged.emit(self.index(index.row(), COL_PATH, index.parent()),
                                  self.index(index.row(), COL_REASON, index.parent()))
            self.selection_changed.emit()
            return True
        return False


def start_label(totals: dict[Action, tuple[int, int]]) -> str:
    """What the start button says it will do: "Upload 12, delete 3 on S3"."""
    parts = []
    for action, verb in ((Action.UPLOAD, "upload {n}"), (Action.DOWNLOAD, "download {n}"),
                         (Action.DELETE_REMOTE, "delete {n} on S3"), (Action.DELETE_LOCAL, "delete {n} locally"),
                         (Action.CONFLICT, "resolve {n} conflict{s}")):
        count = totals[action][0]
        if count:
            parts.append(verb.format(n=f"{count:,}", s="" if count == 1 else "s"))
    if not parts:
        return "Nothing to do"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]
