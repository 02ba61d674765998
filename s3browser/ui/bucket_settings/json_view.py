"""A form and its JSON side by side: a "Rules | JSON" switch over a stack, so rules can be edited in a
table or pasted as S3's JSON.  Switching back from JSON parses it; JSON that does not parse keeps the
JSON view open with the problem and its line marked, and nothing is lost."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QTabBar, QVBoxLayout, QWidget

from s3browser.core.base.errors import S3BrowserError
from s3browser.ui.shell.code_editor import CodeEditor

FORM, JSON = 0, 1
_LINE = re.compile(r"\bline (\d+)\b")


def error_line(message: str | None) -> int:
    """The line a "… at line N, column M" message points at (0 when none)."""
    match = _LINE.search(message or "")
    return int(match.group(1)) if match else 0


class FormOrJson(QWidget):
    changed = Signal()

    def __init__(self, form: QWidget, to_json: Callable[[], str], from_json: Callable[[str], None],
                 parse_problem: Callable[[str], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._to_json = to_json
        self._from_json = from_json
        self._parse_problem = parse_problem
        self.bar = QTabBar()
        self.bar.addTab("&Rules")
        self.bar.addTab("&JSON")
        self.bar.setDrawBase(False)
        self.bar.setExpanding(False)
        self.editor = CodeEditor()
        self.editor.setAccessibleName("JSON")
        self.stack = QStackedWidget()
        self.stack.addWidget(form)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.bar.currentChanged.connect(self._switch)
        self.editor.textChanged.connect(self.changed)
        self._switching = False

    @property
    def in_json(self) -> bool:
        return self.stack.currentIndex() == JSON

    def show_json(self, shown: bool) -> None:
        self.bar.setCurrentIndex(JSON if shown else FORM)

    def _switch(self, index: int) -> None:
        if self._switching or index == self.stack.currentIndex():
            return
        if index == JSON:
            self._switching = True
            self.editor.blockSignals(True)
            self.editor.setPlainText(self._to_json())
            self.editor.blockSignals(False)
            self._switching = False
            self.stack.setCurrentIndex(JSON)
            self.problem()
            return
        try:
            self._from_json(self.editor.toPlainText())
        except S3BrowserError:
            self._switching = True
            self.bar.setCurrentIndex(JSON)  # stay: the problem is shown under the editor
            self._switching = False
            self.changed.emit()
            return
        self.editor.mark_error_line(0)
        self.stack.setCurrentIndex(FORM)

    def problem(self) -> str | None:
        """The JSON's problem while it is shown (its line marked), else None."""
        if not self.in_json:
            return None
        problem = self._parse_problem(self.editor.toPlainText())
        self.editor.mark_error_line(error_line(problem))
        return problem
