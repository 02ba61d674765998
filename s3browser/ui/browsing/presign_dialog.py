"""A presigned download link for one object: expiry chosen (up to 7 days), copied to the clipboard."""

from __future__ import annotations

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

from s3browser.core.ops.links import MAX_PRESIGN_SECONDS, presigned_url
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext

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
        self.amount_spin.valueChanged.connect(self._check)
        self.unit_combo.currentIndexChanged.connect(self._check)
        self._check()

    @property
    def seconds(self) -> int:
        return self.amount_spin.value() * UNITS[self.unit_combo.currentIndex()][1]

    def _check(self) -> None:
        too_long = self.seconds > MAX_PRESIGN_SECONDS
        self.status_label.setText("A link can be valid for at most 7 days (a SigV4 limit)." if too_long else "")
        self.copy_button.setEnabled(not too_long)

    def _create(self) -> None:
        seconds = self.seconds
        self.copy_button.setEnabled(False)
        self._runner.run("presign", presigned_url, self._connection, self.bucket, self.key, seconds,
                         on_result=lambda url: self._show(url, seconds), on_error=self._failed, owner=self)

    def _show(self, url: str, seconds: int) -> None:
        self.link_edit.setText(url)
        QGuiApplication.clipboard().setText(url)
        amount, unit = self.amount_spin.value(), self.unit_combo.currentText()
        unit = unit.rstrip("s") if amount == 1 else unit
        self.status_label.setText(f"Copied to the clipboard; valid for {amount} {unit}.")
        self.copy_button.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(describe(error, bucket=self.bucket, key=self.key).message)
        self.copy_button.setEnabled(True)
