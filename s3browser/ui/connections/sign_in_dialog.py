"""Signing in to IAM Identity Center from the window: the device code shown, the browser opened.

The requests run on workers (:class:`~s3browser.core.settings.sso_login.SsoLogin`): the code is
asked for, the approval page opens in the default browser, and the dialog waits, responsive, until
the user approves it there, the code expires, or Cancel (or Esc) stops the wait.  The code can be
copied and the page opened again.  Accepted means the token is in the AWS CLI's cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from s3browser.core.s3.errors import describe
from s3browser.core.settings.sso_access import SsoTarget
from s3browser.core.settings.sso_login import DeviceCode
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import format_clock


def open_web_page(url: str) -> bool:
    """Open ``url`` in the desktop's browser; False when the desktop refused (the link is shown anyway)."""
    return QDesktopServices.openUrl(QUrl(url))


class SignInDialog(QDialog):
    """One sign-in; ``signed_in_until`` holds when the new token ends once it is accepted."""

    def __init__(self, ctx: AppContext, target: SsoTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.dialog_parent)
        self.setWindowTitle("Sign in to IAM Identity Center")
        self.setMinimumWidth(520)
        self._runner = ctx.runner
        self._target = target
        self._stop = threading.Event()
        self._code: DeviceCode | None = None
        self.signed_in_until: datetime | None = None

        self.intro_label = QLabel(f"Signing in at {target.start_url} ({target.region}).")
        self.intro_label.setWordWrap(True)
        self.page_label = QLabel()
        self.page_label.setObjectName("signInPage")
        self.page_label.setWordWrap(True)
        self.page_label.setOpenExternalLinks(True)
        self.page_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.code_label = QLabel("…")
        self.code_label.setObjectName("signInCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAccessibleName("Sign-in code")
        font = QFont(self.code_label.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.code_label.setFont(font)
        self.status_label = QLabel("Asking IAM Identity Center for a code…")
        self.status_label.setObjectName("signInStatus")
        self.status_label.setWordWrap(True)

        self.copy_button = QPushButton("&Copy code")
        self.copy_button.clicked.connect(self.copy_code)
        self.open_button = QPushButton("&Open the page again")
        self.open_button.clicked.connect(self._open_page)
        self.again_button = QPushButton("&Try again")
        self.again_button.clicked.connect(self._start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.copy_button, self.open_button, self.again_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter is not a button here: nothing happens by a stray key
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.page_label)
        layout.addWidget(self.code_label)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self._start()

    # ---------------------------------------------------------------- the flow
    def _start(self) -> None:
        self._stop = threading.Event()
        self._code = None
        self.code_label.setText("…")
        self.page_label.clear()
        self._show_status("Asking IAM Identity Center for a code…", "")
        self._set_waiting(True)
        self._runner.run("start signing in", lambda: self._target.login().start(), owner=self,
                         on_result=self._show_code, on_error=self._failed)

    def _show_code(self, code: DeviceCode) -> None:
        self._code = code
        self.code_label.setText(code.user_code)
        self.page_label.setText(f"Approve the sign-in in your browser. If no page opened, go to "
                                f"<a href=\"{code.verification_uri}\">{code.verification_uri}</a> and enter "
                                "this code:")
        self._show_status(f"Waiting for your approval (the code works until {format_clock(code.expires_at)})…", "")
        self.copy_button.setEnabled(True)
        self.open_button.setEnabled(True)
        self._open_page()
        stop = self._stop
        self._runner.run("wait for the sign-in", lambda: self._target.login().wait_for_token(code, stop.is_set),
                         owner=self, on_result=self._signed_in, on_error=self._failed)

    def _signed_in(self, until: datetime) -> None:
        self.signed_in_until = until
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        error = describe(exc)
        if error.kind == "stopped":
            return
        self._set_waiting(False)
        self._show_status(error.message, "error")

    # ---------------------------------------------------------------- buttons
    def copy_code(self) -> None:
        if self._code is not None:
            QGuiApplication.clipboard().setText(self._code.user_code)
            self._show_status("The code is on the clipboard. " + self.status_label.text(), "")

    def _open_page(self) -> None:
        if self._code is not None and not open_web_page(self._code.verification_uri_complete):
            self._show_status("No browser could be opened here: open the address above yourself.", "warning")

    def _set_waiting(self, waiting: bool) -> None:
        self.copy_button.setEnabled(waiting and self._code is not None)
        self.open_button.setEnabled(waiting and self._code is not None)
        self.again_button.setVisible(not waiting)

    def _show_status(self, text: str, role: str) -> None:
        self.status_label.setStyleSheet(color_style(role) if role else "")
        self.status_label.setText(text)

    def done(self, result: int) -> None:
        self._stop.set()  # the wait ends at its next poll; its late answer is dropped with its owner
        super().done(result)


def sign_in(ctx: AppContext, target: SsoTarget, parent: QWidget | None,
            then: Callable[[datetime], None]) -> SignInDialog:
    """Open the sign-in dialog (window-modal, not blocking the event loop); ``then(until)`` once signed in."""
    dialog = SignInDialog(ctx, target, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: then(dialog.signed_in_until) if dialog.signed_in_until else None)
    dialog.open()
    return dialog
