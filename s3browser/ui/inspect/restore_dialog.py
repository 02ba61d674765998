"""Restore an archived (Glacier or Deep Archive) object: how many days to keep the copy, which tier."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from s3browser.core.ops.properties import RESTORE_TIERS, ObjectProperties, restore_time


class RestoreDialog(QDialog):
    def __init__(self, props: ObjectProperties, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore archived object")
        self.props = props
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 30000)
        self.days_spin.setValue(7)
        self.days_spin.setSuffix(" days")
        self.days_spin.setAccessibleName("Days to keep the restored copy")
        self.tier_combo = QComboBox()
        self.tier_combo.setAccessibleName("Retrieval tier")
        for tier in RESTORE_TIERS:
            when = restore_time(props.storage_class, tier)
            if when:
                self.tier_combo.addItem(f"{tier} (about {when})", tier)
        self.tier_combo.setCurrentIndex(max(0, self.tier_combo.findData("Standard")))
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{props.key}</b> is stored in {props.storage_class}. A temporary copy must be "
                           "restored before it can be downloaded; faster tiers cost more."))
        form.addRow("Keep the copy for:", self.days_spin)
        form.addRow("Tier:", self.tier_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Restore")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def days(self) -> int:
        return self.days_spin.value()

    @property
    def tier(self) -> str:
        return str(self.tier_combo.currentData())
