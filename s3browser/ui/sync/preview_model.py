"""The sync preview: a plan's items grouped by action, each with a checkbox, over the plan itself.

A flat table: each group is a heading row (its own box ticks the whole group) followed by its
items.  The plan's items are already sorted by action, so a group is a range of that list and no
row is copied; a row is found from its number by a bisection over the few groups.  A flat table
keeps a 100,000-item preview cheap for the view too (a tree view would lay out every expanded
child through Python calls: two seconds at 100,000).  The groups with their counts are computed
by :func:`group_plan` on the planning worker, so showing a plan costs the GUI thread nothing per item.

Each group keeps its count and bytes of ticked items, so ticking a box or a whole group updates the
totals and the start button without a walk of the plan (conflicts, usually few, are counted afresh
since their resolution decides what they do, and so are deletion groups in which some deletion was
turned into the copy the other way: "download it again" / "put it back on S3").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette

from s3browser.core.sync.plan import Action, Resolution, SyncItem, SyncPlan
from s3browser.ui.shell.colors import message_color
from s3browser.ui.shell.flat_table import FlatTableModel
from s3browser.ui.shell.formatting import exact_size, human_size, local_time, tr_n

_Index = QModelIndex | QPersistentModelIndex

COL_PATH, COL_ACTION, COL_SIZE, COL_LOCAL_TIME, COL_S3_TIME, COL_REASON = range(6)
HEADERS = ("Path", "Action", "Size", "Local modified", "S3 modified", "Reason")
HEADING_ROLE = Qt.ItemDataRole.UserRole + 31  # True on a group's heading row
RESOLUTION_LABELS = {Resolution.KEEP_BOTH: "keep both", Resolution.LOCAL: "use local", Resolution.S3: "use S3",
                     Resolution.SKIP: "skip"}
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 32  # [(value, label)] an Action cell can be set to, or None
DELETE, RESTORE = "delete", "restore"
RESTORE_LABELS = {Action.DELETE_REMOTE: "Download it again", Action.DELETE_LOCAL: "Put it back on S3"}
RESTORED_LABELS = {Action.DELETE_REMOTE: "downloaded again", Action.DELETE_LOCAL: "put back on S3"}
DELETIONS = (Action.DELETE_REMOTE, Action.DELETE_LOCAL)


def deletion_color() -> QColor:
    """Red that reads on the table's base colour in the current palette."""
    return message_color("error", background=QPalette.ColorRole.Base)


@dataclass
class Group:
    action: Action
    start: int  # its items are plan.items[start:end]
    end: int
    ticked: int = 0
    ticked_bytes: int = 0
    first_row: int = -1  # its heading's row in the table (-1: filtered out)
    restored: int = 0  # deletions turned into the copy the other way (ticked or not)

    @property
    def size(self) -> int:
        return self.end - self.start


def group_plan(plan: SyncPlan) -> list[Group]:
    """The plan's groups with their ticked counts: one walk, meant for the planning worker."""
    groups: list[Group] = []
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
        groups.append(Group(action, start, end, ticked, ticked_bytes))
        start = end
    return groups


class SyncPreviewModel(FlatTableModel):
    headers = HEADERS
    selection_changed = Signal()  # a box was ticked or a conflict's resolution changed

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.plan: SyncPlan | None = None
        self.groups: list[Group] = []
        self.shown: Action | None = None  # the one action shown, or None for all
        self._visible: list[Group] = []
        self._first_rows: list[int] = []
        self._rows = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # ---------------------------------------------------------------- the plan
    def set_plan(self, plan: SyncPlan, groups: list[Group] | None = None) -> None:
        """Show ``plan``; ``groups`` (from :func:`group_plan` on a worker) saves a walk of it here."""
        self.beginResetModel()
        self.plan = plan
        self.groups = groups if groups is not None else group_plan(plan)
        self._lay_out()
        self.endResetModel()
        self.selection_changed.emit()

    def show_only(self, action: Action | None) -> None:
        """Filter: the rows of one action only (None: all)."""
        self.beginResetModel()
        self.shown = action
        self._lay_out()
        self.endResetModel()

    def _lay_out(self) -> None:
        row = 0
        self._visible, self._first_rows = [], []
        for group in self.groups:
            if self.shown is not None and group.action != self.shown:
                group.first_row = -1
                continue
            group.first_row = row
            self._visible.append(group)
            self._first_rows.append(row)
            row += 1 + group.size
        self._rows = row

    def _locate(self, row: int) -> tuple[Group, int]:
        """The group of a row and the row's place in it (0: the heading, n: its n-th item)."""
        at = bisect.bisect_right(self._first_rows, row) - 1
        group = self._visible[at]
        return group, row - group.first_row

    def item_at(self, index: _Index) -> SyncItem | None:
        if self.plan is None or not index.isValid():
            return None
        group, offset = self._locate(index.row())
        return None if offset == 0 else self.plan.items[group.start + offset - 1]

    def group_row(self, action: Action) -> int:
        """The heading row of an action's group (-1 when there is none, or it is filtered out)."""
        return next((g.first_row for g in self.groups if g.action == action), -1)

    def _row_count(self) -> int:
        return self._rows

    def totals(self) -> dict[Action, tuple[int, int]]:
        """Per action: ticked (count, bytes); conflicts set to *skip* do not count."""
        totals = {action: (0, 0) for action in Action}
        for group in self.groups:
            if group.action == Action.CONFLICT:
                chosen = [i for i in self._items(group) if i.selected and i.resolution != Resolution.SKIP]
                totals[group.action] = (len(chosen), sum(i.size for i in chosen))
            elif group.restored:
                for item in self._items(group):
                    if item.selected:
                        count, size = totals[item.effective_action]
                        totals[item.effective_action] = (count + 1, size + item.size)
            else:
                count, size = totals[group.action]
                totals[group.action] = (count + group.ticked, size + group.ticked_bytes)
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

    def _items(self, group: Group) -> list[SyncItem]:
        assert self.plan is not None
        return self.plan.items[group.start:group.end]

    def set_group_checked(self, group: Group, checked: bool) -> None:
        assert self.plan is not None
        for item in self._items(group):
            item.selected = checked
        group.ticked = group.size if checked else 0
        group.ticked_bytes = sum(i.size for i in self._items(group)) if checked else 0
        if group.first_row >= 0:
            self.dataChanged.emit(self.index(group.first_row, COL_PATH),
                                  self.index(group.first_row + group.size, COL_SIZE),
                                  [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole])
        self.selection_changed.emit()

    def set_all_checked(self, checked: bool) -> None:
        for group in self.groups:
            self.set_group_checked(group, checked)

    def set_restored(self, rows: list[int], restore: bool) -> int:
        """Turn the deletions on ``rows`` into the copy the other way (or back); returns how many changed.
        A restored deletion is ticked: choosing it is asking for it."""
        changed = 0
        for row in rows:
            if row >= self._rows:
                continue
            group, offset = self._locate(row)
            if offset == 0 or group.action not in DELETIONS:
                continue
            item = self.plan.items[group.start + offset - 1] if self.plan is not None else None
            if item is None or item.restore == restore:
                continue
            item.restore = restore
            group.restored += 1 if restore else -1
            if restore and not item.selected:
                item.selected = True
                group.ticked += 1
                group.ticked_bytes += item.size
            changed += 1
            self.dataChanged.emit(self.index(row, COL_PATH), self.index(row, COL_REASON))
            self.dataChanged.emit(self.index(group.first_row, COL_PATH), self.index(group.first_row, COL_SIZE))
        if changed:
            self.selection_changed.emit()
        return changed

    # ---------------------------------------------------------------- data
    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = super().flags(index)
        if index.column() == COL_PATH:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item = self.item_at(index)
        if item is None:
            return flags
        if index.column() == COL_ACTION and (item.action == Action.CONFLICT or item.action in DELETIONS):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.plan is None or index.row() >= self._rows:
            return None
        group, offset = self._locate(index.row())
        if offset == 0:
            return self._group_data(group, index.column(), role)
        return self._item_data(self.plan.items[group.start + offset - 1], index.column(), role)

    def _group_data(self, group: Group, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_PATH:
                restored = ""
                if group.restored:
                    restored = f", {group.restored:,} {RESTORED_LABELS[group.action]} instead"
                return f"{group.action.label} ({group.ticked:,} of {group.size:,} ticked{restored})"
            if column == COL_SIZE:
                return human_size(group.ticked_bytes)  # of the ticked items: what will move or go
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_PATH:
            return self._group_data(group, column, Qt.ItemDataRole.DisplayRole)  # the whole heading, if cut short
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_PATH:
            if group.ticked == 0:
                return Qt.CheckState.Unchecked
            return Qt.CheckState.Checked if group.ticked == group.size else Qt.CheckState.PartiallyChecked
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and group.action in DELETIONS:
            return deletion_color()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == HEADING_ROLE:
            return True
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
                if item.action in DELETIONS:
                    if role == Qt.ItemDataRole.EditRole:
                        return RESTORE if item.restore else DELETE
                    return RESTORE_LABELS[item.action] if item.restore else item.action.label
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
        if role == CHOICES_ROLE and column == COL_ACTION:
            if item.action == Action.CONFLICT:
                return [(r.value, label[0].upper() + label[1:]) for r, label in RESOLUTION_LABELS.items()]
            if item.action in DELETIONS:
                return [(DELETE, item.action.label), (RESTORE, RESTORE_LABELS[item.action])]
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE:
                return exact_size(item.size)
            if column == COL_ACTION and item.action == Action.CONFLICT:
                return "Double-click to choose: keep both, use local, use S3 or skip."
            if column == COL_ACTION and item.action in DELETIONS:
                return (f"Double-click to choose: {item.action.label.lower()}, or "
                        f"{RESTORE_LABELS[item.action].lower()} so it is not proposed again.")
            return item.path if column == COL_PATH else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.plan is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == COL_PATH:
            checked = Qt.CheckState(value) != Qt.CheckState.Unchecked
            group, offset = self._locate(index.row())
            if offset == 0:
                self.set_group_checked(group, checked)
                return True
            ticked = self.plan.items[group.start + offset - 1]
            if ticked.selected != checked:
                ticked.selected = checked
                group.ticked += 1 if checked else -1
                group.ticked_bytes += ticked.size if checked else -ticked.size
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
                self.dataChanged.emit(self.index(group.first_row, COL_PATH), self.index(group.first_row, COL_SIZE),
                                      [Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.DisplayRole])
                self.selection_changed.emit()
            return True
        if role == Qt.ItemDataRole.EditRole and index.column() == COL_ACTION:
            item = self.item_at(index)
            if item is not None and item.action in DELETIONS and value in (DELETE, RESTORE):
                self.set_restored([index.row()], value == RESTORE)
                return True
            if item is None or item.action != Action.CONFLICT:
                return False
            try:
                item.resolution = Resolution(value)
            except ValueError:
                return False
            self.dataChanged.emit(self.index(index.row(), COL_PATH), self.index(index.row(), COL_REASON))
            self.selection_changed.emit()
            return True
        return False


def start_label(totals: dict[Action, tuple[int, int]]) -> str:
    """What the start button says it will do: "Upload 12, delete 3 on S3"."""
    parts = []
    for action, verb in ((Action.UPLOAD, "upload %n"), (Action.DOWNLOAD, "download %n"),
                         (Action.DELETE_REMOTE, "delete %n on S3"), (Action.DELETE_LOCAL, "delete %n locally"),
                         (Action.CONFLICT, "resolve %n conflict(s)")):
        count = totals[action][0]
        if count:
            parts.append(tr_n(verb, count))
    if not parts:
        return "Nothing to do"
    text = ", ".join(parts)
    return text[0].upper() + text[1:]
