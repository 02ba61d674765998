"""In-place validation for a line edit: an error icon inside the field, the reason in its tooltip.

The problem is shown while typing, where the eye already is, instead of after pressing Enter.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit

from s3browser.ui.shell import icons


class FieldCheck:
    def __init__(self, edit: QLineEdit, problem: Callable[[str], str | None], hint: str = "") -> None:
        self.edit = edit
        self._problem = problem
        self._hint = hint or edit.toolTip()
        self._marker = edit.addAction(icons.icon("error"), QLineEdit.ActionPosition.TrailingPosition)
        self._marker.setVisible(False)
        self._marker.triggered.connect(lambda: edit.setToolTip(self.problem or self._hint))
        edit.textChanged.connect(self.check)
        self.problem: str | None = None

    def check(self, text: str | None = None) -> str | None:
        """The current text's problem (None when fine); updates the marker, tooltip and description."""
        self.problem = self._problem(self.edit.text() if text is None else text)
        self._marker.setVisible(self.problem is not None)
        self._marker.setToolTip(self.problem or "")
        self.edit.setToolTip(self.problem or self._hint)
        self.edit.setAccessibleDescription(self.problem or "")
        return self.problem
