"""Bucket settings: opens the settings dialog for the bucket chosen at the bucket list, the bucket
being browsed, or one named by a context menu; keeps the bucket list's versioning badge current."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from s3browser.core.ops.bucket_settings.versioning import ENABLED, SUSPENDED
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.bucket_settings.dialog import BucketSettingsDialog
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext


class BucketSettingsController(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.dialog: BucketSettingsDialog | None = None  # the last one opened (tests drive it)
        self.settings_action = make_action(
            self, "Bucket &settings…", self.open_settings, icon="properties",
            tooltip="Versioning, encryption, tags, CORS, policy, lifecycle and public access of the bucket")

    def chosen_bucket(self) -> str | None:
        """The one bucket selected at the bucket list, or the bucket being browsed."""
        if self.listing.location.bucket:
            return self.listing.location.bucket
        buckets = self.listing.selected_buckets()
        return buckets[0] if len(buckets) == 1 else None

    def open_settings(self, bucket: str | None = None) -> BucketSettingsDialog | None:
        connection = self.ctx.connection
        bucket = bucket or self.chosen_bucket()
        if connection is None or not bucket:
            self.ctx.show_error("Select one bucket to see its settings.")
            return None
        dialog = BucketSettingsDialog(self.ctx, connection, bucket, self.listing.model.bucket_created(bucket))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.versioning.applied.connect(lambda _sentence: self._versioning_changed(dialog))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _versioning_changed(self, dialog: BucketSettingsDialog) -> None:
        enabled = dialog.versioning.current_value()
        if enabled is not None:
            self.listing.model.set_bucket_versioning(dialog.bucket, ENABLED if enabled else SUSPENDED)
