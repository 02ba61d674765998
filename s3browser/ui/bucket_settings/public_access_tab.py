"""Public access block: the four switches, each with its meaning in one line, and "Block all"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel

from s3browser.core.ops.bucket_settings.public_access import (
    SWITCHES,
    PublicAccessBlock,
    get_public_access_block,
    set_public_access_block,
)
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell import interaction
from s3browser.ui.shell.context import AppContext

TITLES = {
    "block_public_acls": "Block public &ACLs",
    "ignore_public_acls": "&Ignore public ACLs",
    "block_public_policy": "Block public &policies",
    "restrict_public_buckets": "&Restrict public buckets",
}


class PublicAccessTab(SettingsTab):
    title = "Public access"
    what = "the public access block"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        intro = QLabel("These switches override any ACL or policy that would make the bucket or its objects "
                       "public. Keep all four on unless the bucket serves public content.")
        intro.setWordWrap(True)
        self.all_check = QCheckBox("Block &all public access")
        self.all_check.setTristate(True)
        self.all_check.clicked.connect(self._set_all)
        self.body_layout.addWidget(intro)
        self.body_layout.addWidget(self.all_check)
        self.checks: dict[str, QCheckBox] = {}
        for name, (_s3_name, meaning) in SWITCHES.items():
            check = QCheckBox(TITLES[name])
            check.toggled.connect(self._follow)
            check.toggled.connect(self.edited)
            label = QLabel(meaning)
            label.setWordWrap(True)
            label.setIndent(24)
            self.checks[name] = check
            self.body_layout.addWidget(check)
            self.body_layout.addWidget(label)
        self.body_layout.addStretch()

    def _set_all(self, *_args: object) -> None:
        on = self.all_check.checkState() != Qt.CheckState.Unchecked
        for check in self.checks.values():
            check.setChecked(on)
        self._follow()

    def _follow(self, *_args: object) -> None:
        states = [check.isChecked() for check in self.checks.values()]
        state = (Qt.CheckState.Checked if all(states) else
                 Qt.CheckState.Unchecked if not any(states) else Qt.CheckState.PartiallyChecked)
        self.all_check.setCheckState(state)

    def fetch(self, connection: Connection, bucket: str) -> PublicAccessBlock:
        return get_public_access_block(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_public_access_block(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        block: PublicAccessBlock = value
        for name, check in self.checks.items():
            check.setChecked(getattr(block, name))
        self._follow()

    def current_value(self) -> PublicAccessBlock:
        return PublicAccessBlock(**{name: check.isChecked() for name, check in self.checks.items()})

    def confirm_apply(self, value: Any) -> bool:
        old: PublicAccessBlock | None = self.value
        turned_off = [TITLES[name].replace("&", "") for name in SWITCHES
                      if old is not None and getattr(old, name) and not getattr(value, name)]
        if not turned_off:
            return True
        return interaction.confirm(
            self, "Allow public access?",
            f"Turning off {', '.join(turned_off)} lets ACLs or a policy make bucket “{self.bucket}” or its "
            "objects public. Apply?")
