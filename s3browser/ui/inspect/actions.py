"""Looking inside objects and folders: Properties (view and edit), archive restore, Calculate size.

Property edits run in the transfer queue, one row per object, so several hundred objects can be
changed with progress, failures shown per object, and retry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog

from s3browser.core.ops.properties import (
    ObjectProperties,
    PropertyChanges,
    apply_changes,
    fetch_properties,
    request_restore,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.jobs import CallJob
from s3browser.core.transfers.queue_items import Direction
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.inspect.folder_size_dialog import FolderSizeDialog
from s3browser.ui.inspect.properties_dialog import PropertiesDialog
from s3browser.ui.inspect.restore_dialog import RestoreDialog
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of


class InspectActions(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.dialog: QDialog | None = None  # the last dialog opened (tests drive it)
        # At the bucket list, Properties (Alt+Enter) opens the chosen bucket's settings instead.
        self.open_bucket_settings: Callable[[], QDialog | None] | None = None
        self._saving: dict[int, tuple[str, list[str]]] = {}  # queue batch -> the objects it changes
        ctx.transfers.batch_done.connect(self._after_save)
        self.properties_action = make_action(self, "P&roperties…", self.open_properties, icon="properties",
                                             shortcut="Alt+Return",
                                             tooltip="Show and edit the selected objects' properties (Alt+Enter)")
        self.size_action = make_action(self, "Calculate si&ze…", self.calculate_size,
                                       tooltip="Count the objects and bytes under the selected folder or bucket")

    # ---------------------------------------------------------------- properties
    def open_properties(self) -> QDialog | None:
        if not self.listing.location.bucket and self.open_bucket_settings is not None:
            return self.open_bucket_settings()
        selection = self.listing.selection()
        connection = self.ctx.connection
        if selection is None or connection is None or not selection.keys:
            self.ctx.show_error("Select one or more objects to see their properties "
                                "(for a folder, use Calculate size).")
            return None
        return self.show_properties(connection, selection.bucket, dict(selection.keys))

    def show_properties(self, connection: Connection, bucket: str, keys: dict[str, int],
                        version_id: str = "") -> PropertiesDialog:
        fetch = partial(fetch_properties, version_id=version_id) if version_id else fetch_properties
        dialog = PropertiesDialog(self.ctx, connection, bucket, keys, fetch)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.save_requested.connect(lambda changes, names: self.queue_changes(connection, bucket, changes, names))
        dialog.restore_requested.connect(lambda props: self.open_restore(connection, props))
        if version_id:
            dialog.save_button.setEnabled(False)
            dialog.tabs.setTabEnabled(1, False)
            dialog.tabs.setTabEnabled(2, False)
        self._open(dialog)
        return dialog

    def queue_changes(self, connection: Connection, bucket: str, changes: PropertyChanges,
                      objects: dict[str, int]) -> int:
        """One queue row per object (key -> size); the copy in place (or the tag change) runs where the
        transfers run (the worker process), with the queue's connection."""
        keys = list(objects)
        title = "Properties"
        jobs = [(CallJob(title, apply_changes, (bucket, key, changes)),
                 Direction.PROPERTIES, bucket, key, None, objects[key] if changes.needs_copy else 0) for key in keys]
        batch = self.ctx.transfers.add_jobs(jobs)
        self.ctx.reveal_transfers()
        self.ctx.show_message(f"Saving the properties of {count_of(len(keys), 'object')}…")
        self._saving[batch] = (bucket, keys)
        return batch

    def _after_save(self, batch: int) -> None:
        if batch not in self._saving:
            return
        bucket, keys = self._saving.pop(batch)
        location = self.listing.location
        if location.bucket == bucket and any(k.startswith(location.prefix) for k in keys):
            self.listing.refresh()  # storage class, size and date may have changed

    def open_restore(self, connection: Connection, props: ObjectProperties) -> RestoreDialog:
        dialog = RestoreDialog(props, self.ctx.dialog_parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._restore(connection, props, dialog.days, dialog.tier))
        self._open(dialog)
        return dialog

    def _restore(self, connection: Connection, props: ObjectProperties, days: int, tier: str) -> None:
        self.ctx.runner.run("restore archived", request_restore, connection, props.bucket, props.key, days, tier,
                            props.storage_class, on_result=self.ctx.show_message,
                            on_error=lambda exc: self.ctx.report(exc, bucket=props.bucket, key=props.key),
                            owner=self)

    # ---------------------------------------------------------------- size
    def calculate_size(self, location: Location | None = None) -> FolderSizeDialog | None:
        """The size of ``location``, or of the one folder or bucket selected, or of where the table is."""
        connection = self.ctx.connection
        if connection is None:
            self.ctx.show_error("Connect first.")
            return None
        if location is None:
            location = self._selected_container()
        if location is None or not location.bucket:
            self.ctx.show_error("Select one folder or bucket (or open one) to calculate its size.")
            return None
        dialog = FolderSizeDialog(self.ctx, connection, location.bucket, location.prefix)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._open(dialog)
        return dialog

    def _selected_container(self) -> Location | None:
        model = self.listing.model
        rows = self.listing.selected_rows()
        folders = [r for r in rows if model.is_folder_at(r)]
        if len(rows) == 1 and folders:
            return model.location_for_row(folders[0])
        return self.listing.location if not rows or not self.listing.location.bucket else None

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.show()
