"""Asking for an MFA code in the window, for a worker thread that needs one.

botocore asks for the code while it fetches credentials, on whatever thread made the request.
:class:`MfaPrompter` is what it calls: it hands the question to the GUI thread, which shows a small
dialog naming the device, and waits for the answer.  Requests that need the code at the same
moment share one dialog.  Cancel (Esc) answers no one, and the requests fail with one sentence
(and the window offers *Sign in again*).  The GUI thread itself is never made to wait.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QRegularExpression, QThread, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from s3browser.core.base.errors import S3BrowserError

NO_CODE = "No MFA code was entered; nothing was sent. Sign in again when you have the device at hand."


class MfaCodeDialog(QDialog):
    """One code from one device: OK (Enter) once six digits are typed, Cancel (Esc) gives none."""

    def __init__(self, parent: QWidget | None, serial: str, connection_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("MFA code")
        self.setMinimumWidth(460)
        where = f" to connect with “{connection_name}”" if connection_name else ""
        self.intro_label = QLabel(f"Enter the code your MFA device shows now{where}.")
        self.intro_label.setWordWrap(True)
        self.device_label = QLabel(f"Device: {serial}")
        self.device_label.setObjectName("mfaDevice")
        self.device_label.setWordWrap(True)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("mfaCode")
        self.code_edit.setAccessibleName("MFA code")
        self.code_edit.setPlaceholderText("six digits")
        self.code_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self.code_edit))
        self.code_edit.textChanged.connect(self._check)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.device_label)
        layout.addWidget(self.code_edit)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(len(self.code_edit.text()) == 6)

    def accept(self) -> None:
        if len(self.code_edit.text()) == 6:
            super().accept()

    @property
    def code(self) -> str:
        return self.code_edit.text()


class MfaPrompter(QObject):
    """Callable from any thread but the GUI thread: ``prompter(serial)`` -> the code the user typed."""

    _asked = Signal(str, object)  # the device, and (event, answer box) of the thread that waits
    asked = Signal(object)  # the dialog just shown (tests answer it)

    def __init__(self, parent: QObject, dialog_parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialog_parent = dialog_parent
        self.connection_name = ""  # said in the dialog
        self._waiting: list[tuple[threading.Event, list[str | None]]] = []
        self._dialog: MfaCodeDialog | None = None
        self._closed = False
        self._asked.connect(self._ask)

    def __call__(self, serial: str) -> str:
        if QThread.currentThread() is self.thread():
            raise S3BrowserError("An MFA code cannot be asked for here; sign in again to go on.", kind="signin")
        answered, box = threading.Event(), list[str | None]()
        self._asked.emit(serial, (answered, box))
        answered.wait()
        code = box[0] if box else None
        if not code:
            raise S3BrowserError(NO_CODE, kind="signin")
        return code

    def _ask(self, serial: str, waiting: tuple[threading.Event, list[str | None]]) -> None:
        if self._closed:
            waiting[1].append(None)
            waiting[0].set()
            return
        self._waiting.append(waiting)
        if self._dialog is not None:
            return  # the dialog on show answers this request too
        dialog = MfaCodeDialog(self.dialog_parent, serial, self.connection_name)
        dialog.finished.connect(lambda result: self._answer(dialog.code if result else None))
        self._dialog = dialog
        dialog.open()
        self.asked.emit(dialog)

    def _answer(self, code: str | None) -> None:
        dialog, self._dialog = self._dialog, None
        waiting, self._waiting = self._waiting, []
        for answered, box in waiting:
            box.append(code)
            answered.set()
        if dialog is not None:
            dialog.deleteLater()

    def close(self) -> None:
        """The app is quitting: whoever waits gets no code, and no dialog opens again."""
        self._closed = True
        if self._dialog is not None:
            self._dialog.reject()
        self._answer(None)
