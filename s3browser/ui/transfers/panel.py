"""The transfer queue dock: the queue table with progress bars, per-item / all-item actions, a context
menu, and *Details* for what went wrong with a row (its sentence, and the technical detail behind it)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.transfers.queue_items import State, TransferItem
from s3browser.ui.shell.elided_tooltips import show_whole_text_in_tooltips
from s3browser.ui.shell.transfer_queue import TransferController
from s3browser.ui.shell.transfer_queue_model import COL_ERROR, COL_NAME, COL_PROGRESS, PROGRESS_ROLE


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
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.palette = option.palette
        bar.fontMetrics = option.fontMetrics
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


def queue_button_states(selected: Iterable[State], queue: Iterable[State]) -> dict[str, bool]:
    """Which queue buttons can do something: each per-item button needs a selected row it applies to."""
    chosen = set(selected)
    present = set(queue)
    return {
        "pause": bool(chosen & {State.QUEUED, State.RUNNING}),
        "resume": State.PAUSED in chosen,
        "cancel": bool(chosen & {State.QUEUED, State.RUNNING, State.PAUSED}),
        "retry": bool(chosen & {State.FAILED, State.CANCELLED}),
        "details": bool(chosen & {State.FAILED, State.SKIPPED}),
        "cancel_all": bool(present & {State.QUEUED, State.RUNNING, State.PAUSED}),
        "retry_failed": State.FAILED in present,
        "clear": any(state.finished for state in present),
    }


FOLLOW_SCAN = 20_000  # rows looked at per refresh for the running one
FOLLOW_MS = 250  # how often, at most, the view follows the running row


class TransferPanel(QDockWidget):
    def __init__(self, controller: TransferController, parent: QWidget | None = None) -> None:
        super().__init__("Transfers", parent)
        self.setObjectName("transferDock")
        self.controller = controller
        self.view = QTableView()
        self.view.setObjectName("transferTable")
        self.view.setAccessibleName("Transfer queue")
        self.view.setModel(controller.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.show_menu)
        show_whole_text_in_tooltips(self.view)
        self.view.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.view))
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # paths keep their start and their name
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 240)
        header.resizeSection(COL_PROGRESS, 140)
        header.setStretchLastSection(True)
        header.resizeSection(COL_ERROR, 220)

        self.pause_button = QPushButton("&Pause")
        self.resume_button = QPushButton("Res&ume")
        self.cancel_button = QPushButton("&Cancel")
        self.retry_button = QPushButton("&Retry")
        self.cancel_all_button = QPushButton("Cancel all")
        self.retry_failed_button = QPushButton("Retry failed")
        self.clear_button = QPushButton("Clear finished")
        self.details_button = QPushButton("&Details…")
        self.details_button.setToolTip("What went wrong with the selected transfer, with the technical detail")
        self.details_button.clicked.connect(self.show_details)
        self.details_box: QMessageBox | None = None
        self.pause_button.clicked.connect(lambda: controller.pause(self.selected_items()))
        self.resume_button.clicked.connect(lambda: controller.resume(self.selected_items()))
        self.cancel_button.clicked.connect(lambda: controller.cancel(self.selected_items()))
        self.retry_button.clicked.connect(lambda: controller.retry(self.selected_items()))
        self.cancel_all_button.clicked.connect(controller.cancel_all)
        self.retry_failed_button.clicked.connect(controller.retry_failed)
        self.clear_button.clicked.connect(controller.clear_finished)
        self._buttons = {"pause": self.pause_button, "resume": self.resume_button, "cancel": self.cancel_button,
                         "retry": self.retry_button, "cancel_all": self.cancel_all_button,
                         "retry_failed": self.retry_failed_button, "clear": self.clear_button,
                         "details": self.details_button}
        # Rows change state in bursts (thousands of small files finishing): the buttons are
        # recomputed once after each burst, not once per row.
        self._buttons_timer = QTimer(self)
        self._buttons_timer.setSingleShot(True)
        self._buttons_timer.setInterval(0)
        self._buttons_timer.timeout.connect(self.update_buttons)
        # Following the running row scrolls and repaints the view: a few times a second is enough to
        # read, where once per burst cost the window seconds of CPU over 5,000 small files.
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self.follow_running)
        self._follow_from = 0  # where the last running row was: items start roughly in queue order
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        model = controller.model
        for signal in (model.dataChanged, model.rowsInserted, model.modelReset, controller.totals_changed):
            signal.connect(lambda *_args: self._changed())
        buttons = QHBoxLayout()
        for button in (self.pause_button, self.resume_button, self.cancel_button, self.retry_button,
                       self.details_button):
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
        self.update_buttons()

    def update_buttons(self, *_args: object) -> None:
        states = queue_button_states((item.state for item in self.selected_items()),
                                     self.controller.model.states_present())
        for name, enabled in states.items():
            self._buttons[name].setEnabled(enabled)

    def _changed(self) -> None:
        self._buttons_timer.start()
        if not self._follow_timer.isActive():  # not restarted by each change: it fires FOLLOW_MS after the first
            self._follow_timer.start()

    def follow_running(self) -> None:
        """Keep the first running transfer in view, unless the user has rows selected or the pointer
        is over the queue (then they are reading it, and the rows stay put)."""
        if not self.isVisible() or self.view.selectionModel().hasSelection() or self.view.underMouse():
            return
        items = self.controller.model.items
        row = self._first_running(items)
        if row < 0:
            return
        self._follow_from = row
        index = self.controller.model.index(row, COL_NAME)
        if not self.view.viewport().rect().contains(self.view.visualRect(index)):
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    def _first_running(self, items: list[TransferItem]) -> int:
        """The first running row, looking on from the last one found (bounded work per call)."""
        start = min(self._follow_from, len(items))
        for row in range(start, min(len(items), start + FOLLOW_SCAN)):
            if items[row].state == State.RUNNING:
                return row
        for row in range(0, min(start, FOLLOW_SCAN)):
            if items[row].state == State.RUNNING:
                return row
        return -1

    def selected_items(self) -> list[TransferItem]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.controller.model.items[row] for row in rows]

    # ---------------------------------------------------------------- what went wrong
    def _problem_row(self) -> TransferItem | None:
        """The selected row with something to say (failed or skipped), the first if several."""
        return next((i for i in self.selected_items() if i.error and i.state in (State.FAILED, State.SKIPPED)), None)

    def show_details(self) -> QMessageBox | None:
        """The selected row's sentence, where it went, and the technical detail (selectable, copyable)."""
        item = self._problem_row()
        if item is None:
            return None
        source, target = item.route()
        icon = QMessageBox.Icon.Warning if item.state == State.FAILED else QMessageBox.Icon.Information
        box = QMessageBox(icon, f"{item.direction.label} {item.state.label.lower()}", item.error,
                          QMessageBox.StandardButton.Close, self)
        box.setInformativeText(f"From: {source}\nTo: {target}" if target else source)
        box.setDetailedText(item.error_detail or "No more detail: the sentence above is all that is known.")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setDefaultButton(QMessageBox.StandardButton.Close)  # Enter closes it (else it toggles the detail)
        box.setEscapeButton(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: setattr(self, "details_box", None))
        self.details_box = box
        box.open()
        return box

    def copy_details(self) -> None:
        item = self._problem_row()
        if item is not None:
            text = item.error + (f"\n{item.error_detail}" if item.error_detail else "")
            QApplication.clipboard().setText(text)

    def show_menu(self, pos: QPoint) -> QMenu | None:
        if not self.view.indexAt(pos).isValid():
            return None
        states = queue_button_states((item.state for item in self.selected_items()), ())
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for name, text in (("pause", "&Pause"), ("resume", "Res&ume"), ("cancel", "&Cancel"), ("retry", "&Retry")):
            action = menu.addAction(text, self._buttons[name].click)
            action.setEnabled(states[name])
        menu.addSeparator()
        details = menu.addAction("&Details…", self.show_details)
        copy = menu.addAction("Cop&y details", self.copy_details)
        details.setEnabled(states["details"])
        copy.setEnabled(states["details"])
        menu.popup(self.view.viewport().mapToGlobal(pos))
        return menu
