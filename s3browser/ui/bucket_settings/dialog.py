"""Bucket settings: one tab per setting, each read when first shown and applied on its own."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QTabWidget, QVBoxLayout

from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.cors_tab import CorsTab
from s3browser.ui.bucket_settings.encryption_tab import EncryptionTab
from s3browser.ui.bucket_settings.general_tab import GeneralTab
from s3browser.ui.bucket_settings.lifecycle_tab import LifecycleTab
from s3browser.ui.bucket_settings.policy_tab import PolicyTab
from s3browser.ui.bucket_settings.public_access_tab import PublicAccessTab
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.bucket_settings.tags_tab import TagsTab
from s3browser.ui.bucket_settings.versioning_tab import VersioningTab
from s3browser.ui.shell import interaction
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.remembering import RememberingDialog


class BucketSettingsDialog(RememberingDialog):
    setting_applied = Signal(str, str)  # bucket, the tab's title

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, created: float = 0.0) -> None:
        super().__init__("bucket_settings", ctx.dialog_parent)
        self.setObjectName("bucketSettingsDialog")
        self.setWindowTitle(f"Settings of bucket {bucket}")
        self.resize(760, 560)
        self.bucket = bucket
        self.general = GeneralTab(ctx, connection, bucket, created)
        self.versioning = VersioningTab(ctx, connection, bucket)
        self.encryption = EncryptionTab(ctx, connection, bucket)
        self.tags = TagsTab(ctx, connection, bucket)
        self.cors = CorsTab(ctx, connection, bucket)
        self.policy = PolicyTab(ctx, connection, bucket)
        self.lifecycle = LifecycleTab(ctx, connection, bucket)
        self.public_access = PublicAccessTab(ctx, connection, bucket)
        self.tabs = QTabWidget()
        for tab in self.all_tabs():
            self.tabs.addTab(tab, tab.title)
            tab.applied.connect(lambda _sentence, title=tab.title: self.setting_applied.emit(bucket, title))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.tabs.currentChanged.connect(self._load_current)
        self._load_current()

    def all_tabs(self) -> list[SettingsTab]:
        return [self.general, self.versioning, self.encryption, self.tags, self.cors, self.policy, self.lifecycle,
                self.public_access]

    def show_tab(self, tab: SettingsTab) -> None:
        self.tabs.setCurrentWidget(tab)

    def _load_current(self, *_args: object) -> None:
        tab = self.tabs.currentWidget()
        if isinstance(tab, SettingsTab):
            tab.ensure_loaded()

    def unapplied(self) -> list[str]:
        return [tab.title for tab in self.all_tabs() if tab.dirty]

    def reject(self) -> None:
        """Esc, Close and the title bar's close (QDialog routes it here): unapplied edits are only dropped
        after a yes."""
        pending = self.unapplied()
        if pending and not interaction.confirm(self, "Discard changes",
                                               f"Discard the changes not applied on {', '.join(pending)}?"):
            return
        super().reject()

