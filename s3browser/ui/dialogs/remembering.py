"""A dialog base that remembers its size and position between runs."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget


class RememberingDialog(QDialog):
    def __init__(self, settings_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings_key = settings_key

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        geometry = QSettings().value(f"{self._settings_key}/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        super().showEvent(event)

    def done(self, result: int) -> None:
        QSettings().setValue(f"{self._settings_key}/geometry", self.saveGeometry())
        super().done(result)
