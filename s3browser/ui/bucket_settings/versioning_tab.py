"""Versioning: enable or suspend, with what each means for the objects already stored; MFA delete shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton

from s3browser.core.ops.bucket_settings.versioning import ENABLED, SUSPENDED, Versioning, get_versioning, set_versioning
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext

ENABLE_MEANS = ("Every overwrite and delete keeps the previous version, so objects can be brought back "
                "(View → Show versions, Undelete). Objects already stored become versions with the id “null”. "
                "Old versions are billed like any object until deleted.")
SUSPEND_MEANS = ("New uploads replace the “null” version instead of keeping the old one. Versions kept so far "
                 "stay, and are billed, until you delete them.")
NEVER_BACK = "Once enabled, versioning can be suspended but never turned off completely."


def _explanation(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setIndent(24)
    return label


class VersioningTab(SettingsTab):
    title = "Versioning"
    what = "versioning"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.status_label = QLabel()
        self.status_label.setObjectName("versioningStatus")
        self.enable_radio = QRadioButton("&Enabled")
        self.suspend_radio = QRadioButton("&Suspended")
        self.group = QButtonGroup(self)
        self.group.addButton(self.enable_radio)
        self.group.addButton(self.suspend_radio)
        self.group.buttonToggled.connect(self.edited)
        self.mfa_label = QLabel()
        self.mfa_label.setObjectName("mfaDelete")
        self.mfa_label.setWordWrap(True)
        note = QLabel(NEVER_BACK)
        note.setWordWrap(True)
        for widget in (self.status_label, self.enable_radio, _explanation(ENABLE_MEANS), self.suspend_radio,
                       _explanation(SUSPEND_MEANS), note, self.mfa_label):
            self.body_layout.addWidget(widget)
        self.body_layout.addStretch()

    def fetch(self, connection: Connection, bucket: str) -> Versioning:
        return get_versioning(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_versioning(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        versioning: Versioning = value
        self.status_label.setText(f"Now: {versioning.label}")
        self.group.setExclusive(False)  # lets a never-versioned bucket show neither choice
        self.enable_radio.setChecked(versioning.status == ENABLED)
        self.suspend_radio.setChecked(versioning.status == SUSPENDED)
        self.group.setExclusive(True)
        self.mfa_label.setText(f"MFA delete: {'enabled' if versioning.mfa_delete else 'disabled'}. Only the "
                               "bucket owner's root account can change it, with its MFA device (not from here).")

    def current_value(self) -> bool | None:
        if self.enable_radio.isChecked():
            return True
        return False if self.suspend_radio.isChecked() else None

    def problem(self) -> str | None:
        chosen = self.current_value()
        if chosen is None:
            return "Choose Enabled or Suspended."
        if chosen is False and self.value is not None and self.value.status == "":
            return "Versioning was never enabled on this bucket, so there is nothing to suspend."
        return None
