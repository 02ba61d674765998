"""A presigned download link for one object: expiry chosen (up to 7 days), copied to the clipboard.

Once a link is shown, changing its validity makes a new one (a moment after the last change),
so the link on screen and on the clipboard is always valid for what the dialog says."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from s3browser.core.ops.links import MAX_PRESIGN_SECONDS, PresignedLink, presigned_link
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import format_clock

UNITS = (("minutes", 60), ("hours", 3600), ("days", 86400))


class PresignDialog(QDialog):
    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, key: str) -> None:
        super().__init__(ctx.dialog_parent)
        self.setWindowTitle("Download link")
        self.setMinimumWidth(560)
        self._runner = ctx.runner
        self._connection = connection
        self.bucket, self.key = bucket, key
        self.amount_spin = QSpinBox()
        self.amount_spin.setRange(1, 10080)
        self.amount_spin.setValue(1)
        self.unit_combo = QComboBox()
        for label, _seconds in UNITS:
            self.unit_combo.addItem(label)
        self.unit_combo.setCurrentText("hours")
        self.link_edit = QLineEdit()
        self.link_edit.setReadOnly(True)
        self.link_edit.setPlaceholderText("The link appears here and on the clipboard")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        # Room for two lines from the start: a longer sentence (the link cut short by the credentials)
        # must not squeeze the link field or run out of the dialog.
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().lineSpacing() * 2 + 4)
        self.copy_button = QPushButton("Create and copy link")
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self._create)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        expiry = QHBoxLayout()
        expiry.addWidget(QLabel("Valid for"))
        expiry.addWidget(self.amount_spin)
        expiry.addWidget(self.unit_combo)
        expiry.addStretch()
        expiry.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Anyone with the link can download <b>s3://{bucket}/{key}</b> until it expires."))
        layout.addLayout(expiry)
        layout.addWidget(self.link_edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._asked = False  # a link was asked for: a new validity makes a new one
        self._remake = QTimer(self)
        self._remake.setSingleShot(True)
        self._remake.setInterval(400)
        self._remake.timeout.connect(self._create)
        self.amount_spin.valueChanged.connect(self._validity_changed)
        self.unit_combo.currentIndexChanged.connect(self._validity_changed)
        self._check()

    def _validity_changed(self) -> None:
        """A link made for another validity is not shown as this one's: it is made again."""
        self._check()
        if not self._asked:
            return
        self.link_edit.clear()
        if self.seconds <= MAX_PRESIGN_SECONDS:
            self.status_label.setText("Making a new link for the new validity…")
            self._remake.start()

    @property
    def seconds(self) -> int:
        return self.amount_spin.value() * UNITS[self.unit_combo.currentIndex()][1]

    def _check(self) -> None:
        too_long = self.seconds > MAX_PRESIGN_SECONDS
        self.status_label.setText("A link can be valid for at most 7 days (a SigV4 limit)." if too_long else "")
        self.copy_button.setEnabled(not too_long)

    def _create(self) -> None:
        self._remake.stop()
        if self.seconds > MAX_PRESIGN_SECONDS:
            return
        seconds = self.seconds
        self._asked = True
        self.copy_button.setEnabled(False)
        self._runner.run("presign", presigned_link, self._connection, self.bucket, self.key, seconds,
                         on_result=lambda link: self._show(link, seconds), on_error=self._failed, owner=self)

    def _show(self, link: PresignedLink, seconds: int) -> None:
        if seconds != self.seconds:
            return  # made for a validity since changed; the new one is on its way
        self.link_edit.setText(link.url)
        QGuiApplication.clipboard().setText(link.url)
        if link.credentials_end is not None:
            self.status_label.setStyleSheet(color_style("warning"))
            self.status_label.setText(
                f"Copied to the clipboard; valid only until {format_clock(link.credentials_end.timestamp())}, "
                "when the temporary credentials that signed it end (a link cannot outlive them).")
        else:
            amount, unit = self.amount_spin.value(), self.unit_combo.currentText()
            unit = unit.rstrip("s") if amount == 1 else unit
            self.status_label.setStyleSheet("")
            self.status_label.setText(f"Copied to the clipboard; valid for {amount} {unit}.")
        self.copy_button.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(describe(error, bucket=self.bucket, key=self.key).message)
        self.copy_button.setEnabled(True)
