"""A small editable table of names and values (tags, user metadata) with Add and Remove, checked as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def remove_selected_rows(table: QTableWidget) -> int:
    """Remove the selected rows of ``table`` (or the current row when none is selected); how many went."""
    rows = sorted({index.row() for index in table.selectionModel().selectedRows()}, reverse=True)
    if not rows and table.currentRow() >= 0:
        rows = [table.currentRow()]
    for row in rows:
        table.removeRow(row)
    return len(rows)


class _EnterEditsTable(QTableWidget):
    """Enter ends or starts editing a cell and goes no further: in a dialog it would otherwise reach
    the default button and save (or close) the whole form with a half-typed row."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.state() != QAbstractItemView.State.EditingState:
                current = self.currentItem()
                if current is not None:
                    self.editItem(current)
            event.accept()
            return
        super().keyPressEvent(event)


class KeyValueTable(QWidget):
    """Rows of (name, value); ``problem`` says in one sentence why the current rows would be refused."""

    changed = Signal()

    def __init__(self, name_label: str, problem: Callable[[dict[str, str]], str | None],
                 parent: QWidget | None = None, show_problem: bool = True) -> None:
        super().__init__(parent)
        self._problem = problem
        self.table = _EnterEditsTable(0, 2)
        self.table.setHorizontalHeaderLabels([name_label, "Value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName(f"{name_label}s")
        self.table.itemChanged.connect(self._on_changed)
        self.add_button = QPushButton("&Add")
        self.remove_button = QPushButton("Re&move")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self._show_problem = show_problem  # False: the owner shows check()'s sentence itself
        self.problem_label.hide()
        if show_problem:
            keep_room(self.problem_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.problem_label)
        self.edited = False  # the user changed something since set_values

    def set_values(self, values: dict[str, str]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for name, value in sorted(values.items()):
            self._append(name, value)
        self.table.blockSignals(False)
        self.edited = False
        self.check()

    def _append(self, name: str, value: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))
        return row

    def add_row(self, name: str = "", value: str = "") -> None:
        row = self._append(name, value)
        self.edited = True
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if not name and item is not None:
            self.table.editItem(item)
        self._on_changed()

    def remove_selected(self) -> None:
        if remove_selected_rows(self.table):
            self.edited = True
            self._on_changed()

    def rows(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            name, value = self.table.item(row, 0), self.table.item(row, 1)
            out.append(((name.text() if name else "").strip(), value.text() if value else ""))
        return out

    def values(self) -> dict[str, str]:
        return {name: value for name, value in self.rows() if name}

    def check(self) -> str | None:
        """The current rows' problem (None when fine), also shown under the table."""
        rows = self.rows()
        names = [name for name, _ in rows]
        problem = None
        if any(not name for name, value in rows if value):
            problem = "Every value needs a name."
        elif len(set(names)) != len(names):
            problem = "Each name may appear only once."
        else:
            problem = self._problem(self.values())
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem) and self._show_problem)
        return problem

    def _on_changed(self, *_args: object) -> None:
        self.edited = True
        self.check()
        self.changed.emit()


def keep_room(widget: QWidget) -> None:
    """Keep a widget's room while it is hidden, so the layout does not move under the pointer when it shows."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)
