"""The path bar: shows ``s3://bucket/prefix/`` and accepts a typed location."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from s3browser.core.s3.locations import Location, location_problem, parse_location
from s3browser.ui.shell.field_check import FieldCheck


class PathBar(QLineEdit):
    """Enter navigates to the typed path; Escape restores the current one."""

    location_entered = Signal(object)
    problem_entered = Signal(str)  # Enter on a path that cannot be browsed: the reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathBar")
        self.setPlaceholderText("s3://bucket/prefix/")
        self.setClearButtonEnabled(False)
        self.setAccessibleName("Path")
        self.setToolTip("The bucket and folder shown; type a path and press Enter to go there (Ctrl+L)")
        self._location = Location()
        self.field_check = FieldCheck(self, location_problem)
        self.returnPressed.connect(self._on_return)

    def set_location(self, location: Location) -> None:
        self._location = location
        self.setText(location.uri())

    def _on_return(self) -> None:
        problem = self.field_check.check()
        if problem:
            self.problem_entered.emit(problem)
            return
        self.location_entered.emit(parse_location(self.text()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.set_location(self._location)
            self.clearFocus()
            return
        super().keyPressEvent(event)
