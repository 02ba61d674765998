"""The transfer queue's model: a thin Qt table over the core queue's list of items.

The queue (:class:`~s3browser.core.transfers.queue.TransferQueue`, no Qt) owns the items, their
states and their order; it tells this model before and after rows come and go, and when one
changes.  Workers only bump byte counters; the controller's timer calls :meth:`refresh_progress`,
one ``dataChanged`` per refresh, so a thousand running transfers cost no signal storm.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer

from s3browser.core.transfers.queue_items import State, TransferItem
from s3browser.ui.shell.flat_table import FlatTableModel
from s3browser.ui.shell.formatting import exact_size, human_size

_Index = QModelIndex | QPersistentModelIndex

COL_NAME, COL_DIRECTION, COL_SIZE, COL_PROGRESS, COL_SPEED, COL_ETA, COL_STATE, COL_ERROR, COL_ROUTE = range(9)
HEADERS = ("Name", "Direction", "Size", "Progress", "Speed", "ETA", "State", "Details", "From → To")
# Changed rows are repainted at most this often: ten times a second reads as live, and each repaint of
# the rows on screen (the view follows the running ones) asks the model for every cell's roles again.
REPAINT_MS = 100
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 20
_ANSWERED_ROLES = frozenset(int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole, PROGRESS_ROLE))


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds + 0.5)
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}:{seconds % 60:02d}"


class TransferQueueModel(FlatTableModel):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[TransferItem] = []
        self._source: Any = None  # the queue whose ``items`` this shows
        # Rows changed since the views were last told: one dataChanged over their span, at most
        # :data:`REPAINT_MS` apart (thousands of small files change state thousands of times a second).
        self._changed: tuple[int, int] | None = None
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(REPAINT_MS)
        self._repaint.timeout.connect(self.tell_changes)

    def show(self, queue: Any) -> None:
        """Show ``queue``'s items (anything with an ``items`` list and ``states_present()``)."""
        self.beginResetModel()
        self._source = queue
        self.endResetModel()

    @property
    def items(self) -> list[TransferItem]:
        return self._source.items if self._source is not None else self._items

    def states_present(self) -> set[State]:
        return self._source.states_present() if self._source is not None else set()

    # ---------------------------------------------------------------- told by the queue
    def inserting(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)

    def inserted(self) -> None:
        self.endInsertRows()

    def resetting(self) -> None:
        self._changed = None  # the reset repaints everything
        self.beginResetModel()

    def reset_done(self) -> None:
        self.endResetModel()

    def item_changed(self, item: TransferItem) -> None:
        row = item.row
        items = self.items
        if 0 <= row < len(items) and items[row] is item:  # else cleared from the queue meanwhile
            changed = self._changed
            if changed is None:
                self._changed = (row, row)
                self._repaint.start()  # the first change since the views were told: they are told soon
            elif not changed[0] <= row <= changed[1]:
                self._changed = (min(changed[0], row), max(changed[1], row))

    def tell_changes(self) -> None:
        """Tell the views about the rows changed since last time (now, not at the next beat)."""
        changed, self._changed = self._changed, None
        self._repaint.stop()
        if changed is not None and changed[1] < len(self.items):
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[1], len(HEADERS) - 1))

    def refresh_progress(self) -> None:
        """Repaint progress, speed and ETA of every row (one signal, no walk)."""
        if self.items:
            self.dataChanged.emit(self.index(0, COL_PROGRESS), self.index(len(self.items) - 1, COL_ETA),
                                  [Qt.ItemDataRole.DisplayRole, PROGRESS_ROLE])

    # ---------------------------------------------------------------- Qt model API
    def _row_count(self) -> int:
        return len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A painted cell is asked for eight roles, and the view follows the running rows (it repaints
        # several times a second while thousands of small files go up): the others end here.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        items = self.items
        row = index.row()
        if row >= len(items):
            return None
        item = items[row]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return item.name
            if column == COL_DIRECTION:
                return item.direction.label
            if column == COL_SIZE:
                return human_size(item.size)
            if column == COL_PROGRESS:
                return f"{item.fraction * 100:.0f}%"
            if column == COL_SPEED:
                return f"{human_size(int(item.speed))}/s" if item.state == State.RUNNING and item.speed else ""
            if column == COL_ETA:
                return format_eta(item.eta_seconds)
            if column == COL_STATE:
                return item.state.label
            if column == COL_ERROR:
                return item.error or item.note
            if column == COL_ROUTE:
                source, target = item.route()
                return f"{source} → {target}" if target else source
            return None
        if role == PROGRESS_ROLE and column == COL_PROGRESS:
            return item.fraction
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SIZE:
                return exact_size(item.size)
            if column == COL_ERROR and item.error and item.error_detail:
                return f"{item.error}\n\nDetails: {item.error_detail}"
            if column == COL_ERROR and (item.error or item.note):
                return item.error or item.note
            resumed = f"\nResumed: {human_size(item.resumed_bytes)} were already uploaded" if item.resumed_bytes else ""
            source, target = item.route()
            where = f"From: {source}\nTo: {target}" if target else f"{item.direction.label}: {source}"
            return f"{where}{resumed}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_SIZE, COL_SPEED, COL_ETA):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
