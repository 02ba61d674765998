"""The Sync dock: the current profile's pairs, their last runs, and what can be done with one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.sync.pairs import SyncPair
from s3browser.ui.sync.pairs_model import COL_LOCAL, COL_NAME, COL_REMOTE, SyncPairsModel


class SyncPanel(QDockWidget):
    new_requested = Signal()
    sync_requested = Signal(object)  # SyncPair
    edit_requested = Signal(object)
    log_requested = Signal(object)
    forget_requested = Signal(object)
    remove_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sync", parent)
        self.setObjectName("syncDock")
        self.model = SyncPairsModel(self)
        self.view = QTableView()
        self.view.setObjectName("syncPairs")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 140)
        header.resizeSection(COL_LOCAL, 240)
        header.resizeSection(COL_REMOTE, 220)
        self.view.doubleClicked.connect(lambda _index: self._emit(self.sync_requested))
        self.empty_label = QLabel("No sync pairs yet. Choose New pair…, or right-click a bucket or folder and "
                                  "choose Sync with local folder….")
        self.empty_label.setObjectName("syncEmpty")
        self.empty_label.setWordWrap(True)

        self.new_button = self._button("New pair…", "newPair", self.new_requested.emit)
        self.sync_button = self._button("Sync now…", "syncNow", lambda: self._emit(self.sync_requested))
        self.edit_button = self._button("Edit…", "editPair", lambda: self._emit(self.edit_requested))
        self.log_button = self._button("Open log", "openLog", lambda: self._emit(self.log_requested))
        self.forget_button = self._button("Forget sync state…", "forgetState",
                                          lambda: self._emit(self.forget_requested))
        self.remove_button = self._button("Remove", "removePair", lambda: self._emit(self.remove_requested))
        self.sync_button.setDefault(True)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.sync_button, self.edit_button, self.log_button, self.forget_button,
                       self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        self.setWidget(body)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def current_pair(self) -> SyncPair | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.pairs[rows[0].row()]

    def select_pair(self, pair_id: str) -> None:
        row = self.model.row_of(pair_id)
        if row >= 0:
            self.view.selectRow(row)

    def set_pairs(self, pairs: list[SyncPair]) -> None:
        current = self.current_pair()
        self.model.set_pairs(pairs)
        if current is not None:
            self.select_pair(current.id)
        elif self.model.pairs:
            self.view.selectRow(0)
        self._update_buttons()

    def _emit(self, signal: SignalInstance) -> None:
        pair = self.current_pair()
        if pair is not None:
            signal.emit(pair)

    def _update_buttons(self) -> None:
        has = self.current_pair() is not None
        for button in (self.sync_button, self.edit_button, self.log_button, self.forget_button, self.remove_button):
            button.setEnabled(has)
        self.empty_label.setVisible(not self.model.pairs)
