"""Default encryption: SSE-S3, or SSE-KMS with a key id or alias and the bucket key."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit

from s3browser.core.ops.bucket_settings.encryption import (
    ALGORITHM_LABELS,
    DefaultEncryption,
    get_encryption,
    kms_key_problem,
    set_encryption,
)
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.field_check import FieldCheck

EXPLANATION = ("Applies to objects uploaded from now on without their own encryption setting; objects already "
               "stored keep theirs. On AWS, a bucket with none set still encrypts new objects with SSE-S3.")


class EncryptionTab(SettingsTab):
    title = "Encryption"
    what = "default encryption"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.algorithm_combo = QComboBox()
        for algorithm, label in ALGORITHM_LABELS.items():
            self.algorithm_combo.addItem(label, algorithm)
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText("empty: the AWS managed key (aws/s3)")
        self.key_edit.setToolTip("A KMS key id, an alias such as alias/my-key, or a key ARN")
        self.key_check = FieldCheck(self.key_edit, kms_key_problem)
        self.bucket_key_check = QCheckBox("Use an S3 &bucket key (fewer KMS requests, lower KMS cost)")
        form = QFormLayout()
        form.addRow("&Encryption:", self.algorithm_combo)
        form.addRow("&KMS key:", self.key_edit)
        form.addRow("", self.bucket_key_check)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.body_layout.addLayout(form)
        self.body_layout.addWidget(explanation)
        self.body_layout.addStretch()
        self.algorithm_combo.currentIndexChanged.connect(self._follow_algorithm)
        self.algorithm_combo.currentIndexChanged.connect(self.edited)
        self.key_edit.textChanged.connect(self.edited)
        self.bucket_key_check.toggled.connect(self.edited)
        self._follow_algorithm()

    def _follow_algorithm(self, *_args: object) -> None:
        kms = self.current_value().uses_kms
        self.key_edit.setEnabled(kms)
        self.bucket_key_check.setEnabled(kms)

    def fetch(self, connection: Connection, bucket: str) -> DefaultEncryption:
        return get_encryption(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_encryption(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        encryption: DefaultEncryption = value
        index = self.algorithm_combo.findData(encryption.algorithm)
        if index < 0:  # an algorithm this version does not know: show it rather than hide it
            self.algorithm_combo.addItem(encryption.algorithm, encryption.algorithm)
            index = self.algorithm_combo.count() - 1
        self.algorithm_combo.setCurrentIndex(index)
        self.key_edit.setText(encryption.kms_key)
        self.bucket_key_check.setChecked(encryption.bucket_key)

    def current_value(self) -> DefaultEncryption:
        algorithm = str(self.algorithm_combo.currentData() or "")
        return DefaultEncryption(algorithm, self.key_edit.text().strip(), self.bucket_key_check.isChecked())

    def problem(self) -> str | None:
        value = self.current_value()
        return kms_key_problem(value.kms_key) if value.uses_kms else None
