"""The banner above the table: a failure that needs action, in one sentence, with the detail a click away.

Successes and news go to the status bar and fade into the next message; a failure stays here
until it is dismissed or the user moves on, so it is not missed.  The technical detail (the
exception's text, already redacted) is hidden behind *Details* and can be copied for a report.

It also says when the server has not answered for a while, with *Stop*; that notice goes by itself
when the answer comes, and never replaces a failure being shown.  A failure the user can mend in
place (a sign-in that ended) carries the button that mends it (:meth:`show_offer`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from s3browser.ui.shell import icons
from s3browser.ui.shell.colors import message_color


def banner_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(background, text): the window colour tinted towards the error colour, and the window's text."""
    window = palette.color(QPalette.ColorRole.Window)
    tint = message_color("error", palette)
    mix = 0.14
    background = QColor.fromRgbF(window.redF() * (1 - mix) + tint.redF() * mix,
                                 window.greenF() * (1 - mix) + tint.greenF() * mix,
                                 window.blueF() * (1 - mix) + tint.blueF() * mix)
    return background, palette.color(QPalette.ColorRole.WindowText)


class MessageBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.icon_label = QLabel()
        self.icon_label.setPixmap(icons.icon("error").pixmap(20, 20))
        self.icon_label.setAccessibleName("Error")
        self.text_label = QLabel()
        self.text_label.setObjectName("bannerText")
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QPushButton("Details")
        self.details_button.setObjectName("bannerDetails")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._show_details)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.setObjectName("bannerStop")
        self.stop_button.setToolTip("Stop waiting for the server")
        self.stop_button.clicked.connect(self._stop)
        self._on_stop: Callable[[], object] | None = None
        self.action_button = QPushButton()
        self.action_button.setObjectName("bannerAction")
        self.action_button.clicked.connect(self._act)
        self._on_action: Callable[[], object] | None = None
        self.waiting = False  # showing "has not answered", not a failure
        self.close_button = QToolButton()
        self.close_button.setObjectName("bannerClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.clicked.connect(self.clear)
        self.detail_edit = QPlainTextEdit()
        self.detail_edit.setObjectName("bannerDetailText")
        self.detail_edit.setReadOnly(True)
        self.detail_edit.setAccessibleName("Error details")
        self.detail_edit.setMaximumHeight(60)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.clicked.connect(self.copy_details)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.icon_label)
        top.addWidget(self.text_label, 1)
        top.addWidget(self.details_button)
        top.addWidget(self.action_button)
        top.addWidget(self.stop_button)
        top.addWidget(self.close_button)
        details = QHBoxLayout()
        details.setContentsMargins(0, 0, 0, 0)
        details.addWidget(self.detail_edit, 1)
        details.addWidget(self.copy_button)
        self.details_row = QWidget()
        self.details_row.setLayout(details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.details_row)
        self._apply_palette()
        self.clear()

    def text(self) -> str:
        return "" if self.isHidden() else self.text_label.text()

    def show_error(self, text: str, detail: str = "") -> None:
        if not text:
            self.clear()
            return
        if self._on_action is not None and self.isVisible() and text == self.text_label.text():
            return  # the same failure told again (the tree and the table both listed): the offer stays
        self._set_waiting(False, None)
        self.text_label.setText(text)
        self.detail_edit.setPlainText(detail)
        self.details_button.setVisible(bool(detail))
        self.details_button.setChecked(False)
        self.details_row.setVisible(False)
        self.setAccessibleDescription(text)
        self._apply_palette()  # the palette of now: the desktop may have turned dark since
        self.show()

    def show_offer(self, text: str, label: str, on_click: Callable[[], object]) -> None:
        """A failure with the one button that mends it (the banner goes when it is pressed)."""
        detail = self.detail_edit.toPlainText() if self.text_label.text() == text else ""
        self.show_error(text, detail)
        self.action_button.setText(label)
        self._on_action = on_click
        self.action_button.setVisible(True)

    def _act(self) -> None:
        on_action = self._on_action
        self.clear()
        if on_action is not None:
            on_action()

    def show_waiting(self, text: str, on_stop: Callable[[], object] | None) -> None:
        """The server is slow: say so with Stop, unless a failure is being shown."""
        if self.isVisible() and not self.waiting:
            return
        self.text_label.setText(text)
        self.detail_edit.clear()
        self.details_button.setVisible(False)
        self.details_row.setVisible(False)
        self._set_waiting(True, on_stop)
        self.setAccessibleDescription(text)
        self._apply_palette()
        self.show()

    def clear_waiting(self) -> None:
        """The answer came (or the wait ended): the waiting notice goes, a failure stays."""
        if self.waiting:
            self.clear()

    def _stop(self) -> None:
        on_stop = self._on_stop
        self.clear()
        if on_stop is not None:
            on_stop()

    def _set_waiting(self, waiting: bool, on_stop: Callable[[], object] | None) -> None:
        self._on_action = None
        self.action_button.setVisible(False)
        self.waiting = waiting
        self._on_stop = on_stop
        self.stop_button.setVisible(waiting and on_stop is not None)
        self.icon_label.setPixmap(icons.icon("refresh" if waiting else "error").pixmap(20, 20))
        self.icon_label.setAccessibleName("Waiting" if waiting else "Error")

    def clear(self) -> None:
        self._set_waiting(False, None)
        self.text_label.clear()
        self.detail_edit.clear()
        self.details_row.setVisible(False)
        self.hide()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.text_label.text()}\n{self.detail_edit.toPlainText()}")

    def _show_details(self, shown: bool) -> None:
        self.details_row.setVisible(shown)

    def _apply_palette(self) -> None:
        palette = QPalette(QGuiApplication.palette())
        background, text = banner_colors(palette)
        palette.setColor(QPalette.ColorRole.Window, background)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        self.setPalette(palette)
