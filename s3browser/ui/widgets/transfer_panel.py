"""The transfer queue dock: the queue table with progress bars and per-item / all-item actions."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from s3browser.ui.models.transfer_queue import (
    COL_NAME,
    COL_PROGRESS,
    PROGRESS_ROLE,
    TransferItem,
)
from s3browser.ui.transfer_runner import TransferController


class ProgressDelegate(QStyledItemDelegate):
    """Paints the progress column as a horizontal progress bar filling left to right.

    Qt 6 dropped ``QStyleOptionProgressBar.orientation``: a bar is horizontal only when its state
    carries ``State_Horizontal``; without it styles fill the bar from the bottom up.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        fraction = index.data(PROGRESS_ROLE)
        if fraction is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(fraction * 1000)
        bar.text = f"{fraction * 100:.0f}%"
        bar.textVisible = True
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


class TransferPanel(QDockWidget):
    def __init__(self, controller: TransferController, parent: QWidget | None = None) -> None:
        super().__init__("Transfers", parent)
        self.setObjectName("transferDock")
        self.controller = controller
        self.view = QTableView()
        self.view.setObjectName("transferTable")
        self.view.setModel(controller.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.view))
        self.view.setShowGrid(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 240)
        header.resizeSection(COL_PROGRESS, 140)
        header.setStretchLastSection(True)

        self.pause_button = QPushButton("&Pause")
        self.resume_button = QPushButton("Res&ume")
        self.cancel_button = QPushButton("&Cancel")
        self.retry_button = QPushButton("&Retry")
        self.cancel_all_button = QPushButton("Cancel all")
        self.retry_failed_button = QPushButton("Retry failed")
        self.clear_button = QPushButton("Clear finished")
        self.pause_button.clicked.connect(lambda: controller.pause(self.selected_items()))
        self.resume_button.clicked.connect(lambda: controller.resume(self.selected_items()))
        self.cancel_button.clicked.connect(lambda: controller.cancel(self.selected_items()))
        self.retry_button.clicked.connect(lambda: controller.retry(self.selected_items()))
        self.cancel_all_button.clicked.connect(controller.cancel_all)
        self.retry_failed_button.clicked.connect(controller.retry_failed)
        self.clear_button.clicked.connect(controller.clear_finished)
        buttons = QHBoxLayout()
        for button in (self.pause_button, self.resume_button, self.cancel_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.cancel_all_button, self.retry_failed_button, self.clear_button):
            buttons.addWidget(button)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self.setWidget(body)

    def selected_items(self) -> list[TransferItem]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.controller.model.items[row] for row in rows]
