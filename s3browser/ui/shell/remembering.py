"""A dialog base that remembers its size and position between runs."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from s3browser.ui.shell.settings import DIALOG_GEOMETRY


class RememberingDialog(QDialog):
    def __init__(self, settings_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._geometry = DIALOG_GEOMETRY(settings_key)

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        geometry = self._geometry.get()
        if geometry is not None:
            self.restoreGeometry(geometry)
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._geometry.set(self.saveGeometry())
        super().done(result)
