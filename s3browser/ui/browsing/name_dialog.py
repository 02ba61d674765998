"""A one-line name dialog (new folder, rename) that checks the name as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from s3browser.ui.shell.colors import color_style


def name_stem_length(name: str) -> int:
    """Length of ``name`` without its extension ("report.pdf" -> 6; ".bashrc" and "notes" whole)."""
    dot = name.rfind(".")
    return dot if dot > 0 else len(name)


class NameDialog(QDialog):
    def __init__(self, title: str, prompt: str, text: str, problem: Callable[[str], str | None],
                 parent: QWidget | None = None, select_stem: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._problem = problem
        self.name_edit = QLineEdit(text)
        self.name_edit.setAccessibleName("Name")
        stem = name_stem_length(text) if select_stem else len(text)
        self.name_edit.setSelection(0, stem)  # renaming "report.pdf" starts with "report" selected
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(color_style("error"))
        # Room for two lines from the start, so a reason never appears clipped.
        self.problem_label.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        layout.addWidget(self.name_edit)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._check)
        self._check(text)

    @property
    def name(self) -> str:
        return self.name_edit.text()

    def _check(self, text: str) -> None:
        problem = self._problem(text)
        self.problem_label.setText(problem or "")
        self.ok_button.setEnabled(problem is None)

    def accept(self) -> None:
        if self._problem(self.name) is None:
            super().accept()
