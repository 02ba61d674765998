"""The connection form's rows for *Assume a role*: a role taken on top of another connection.

The base is any connection that is not itself a role of this app (keys, an AWS-config profile,
an IAM Identity Center sign-in); the role's ARN, and AssumeRole's optional external ID, session
name, duration and MFA device.  Only names are kept (in the profile); the base keeps its secret.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from s3browser.core.settings.profiles import Profile

MINUTE = 60


class RoleFields:
    def __init__(self) -> None:
        self.base_combo = QComboBox()
        self.base_combo.setObjectName("roleBase")
        self.base_combo.setToolTip("The connection whose credentials assume the role")
        self.base_combo.setPlaceholderText("no connection to assume it with yet: add one first")
        self.arn_edit = QLineEdit()
        self.arn_edit.setObjectName("roleArn")
        self.arn_edit.setPlaceholderText("arn:aws:iam::123456789012:role/NAME")
        self.external_id_edit = QLineEdit()
        self.external_id_edit.setObjectName("roleExternalId")
        self.external_id_edit.setPlaceholderText("only when the role's owner asks for one")
        self.session_edit = QLineEdit()
        self.session_edit.setObjectName("roleSessionName")
        self.session_edit.setPlaceholderText("empty: s3browser-<time>")
        self.duration_spin = QSpinBox()
        self.duration_spin.setObjectName("roleDuration")
        self.duration_spin.setRange(0, 720)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSpecialValueText("the role's default (1 hour)")
        self.duration_spin.setSuffix(" minutes")
        self.mfa_edit = QLineEdit()
        self.mfa_edit.setObjectName("roleMfaSerial")
        self.mfa_edit.setPlaceholderText("arn:aws:iam::123456789012:mfa/NAME, when the role needs MFA")
        self.rows: list[QWidget] = [self.base_combo, self.arn_edit, self.external_id_edit, self.session_edit,
                                    self.duration_spin, self.mfa_edit]

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("&Based on:", self.base_combo)
        form.addRow("Role &ARN:", self.arn_edit)
        form.addRow("E&xternal ID:", self.external_id_edit)
        form.addRow("Session na&me:", self.session_edit)
        form.addRow("&Duration:", self.duration_spin)
        form.addRow("MFA de&vice:", self.mfa_edit)

    def offer_bases(self, profiles: list[Profile], own_name: str) -> None:
        """Every connection that may assume a role (not a role itself, not this one)."""
        chosen = self.base_combo.currentText()
        self.base_combo.clear()
        for profile in profiles:
            if not profile.assumes_role and profile.name != own_name:
                self.base_combo.addItem(profile.display_name, profile.name)
        index = self.base_combo.findText(chosen)
        # With a placeholder Qt chooses nothing by itself: keep the choice made, else the first base.
        self.base_combo.setCurrentIndex(index if index >= 0 else 0 if self.base_combo.count() else -1)

    def show(self, profile: Profile) -> None:
        index = self.base_combo.findData(profile.role_base)
        self.base_combo.setCurrentIndex(max(index, 0) if profile.role_base else self.base_combo.currentIndex())
        self.arn_edit.setText(profile.role_arn)
        self.external_id_edit.setText(profile.external_id)
        self.session_edit.setText(profile.role_session_name)
        self.duration_spin.setValue(profile.duration_seconds // MINUTE)
        self.mfa_edit.setText(profile.mfa_serial)

    def read_into(self, profile: Profile) -> Profile:
        return replace(profile, role_base=str(self.base_combo.currentData() or ""),
                       role_arn=self.arn_edit.text().strip(), external_id=self.external_id_edit.text().strip(),
                       role_session_name=self.session_edit.text().strip(),
                       duration_seconds=self.duration_spin.value() * MINUTE, mfa_serial=self.mfa_edit.text().strip())
