"""The Sync panel's list: one row per pair of the current profile, with its last run."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from s3browser.core.sync.pairs import SyncPair
from s3browser.ui.shell.flat_table import FlatTableModel
from s3browser.ui.shell.formatting import local_time

_Index = QModelIndex | QPersistentModelIndex
COL_NAME, COL_LOCAL, COL_REMOTE, COL_MODE, COL_LAST_RUN = range(5)


class SyncPairsModel(FlatTableModel):
    headers = ("Name", "Local folder", "S3 location", "Mode", "Last run")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.pairs: list[SyncPair] = []

    def set_pairs(self, pairs: list[SyncPair]) -> None:
        self.beginResetModel()
        self.pairs = sorted(pairs, key=lambda p: p.name.lower())
        self.endResetModel()

    def _row_count(self) -> int:
        return len(self.pairs)

    def row_of(self, pair_id: str) -> int:
        return next((row for row, p in enumerate(self.pairs) if p.id == pair_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.pairs):
            return None
        pair = self.pairs[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return pair.name
            if column == COL_LOCAL:
                return pair.local
            if column == COL_REMOTE:
                return pair.uri
            if column == COL_MODE:
                return pair.mode.label
            if column == COL_LAST_RUN:
                last = pair.last_run
                return f"{local_time(last.finished_at)}: {last.summary}" if last.finished_at else "Never"
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_LOCAL, COL_REMOTE, COL_LAST_RUN):
            return self.data(index)
        return None
