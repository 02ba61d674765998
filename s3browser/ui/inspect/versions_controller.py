"""Show versions: the table's place taken by every version and delete marker under the current prefix,
and what can be done with one: download, open, preview, restore it as the latest, delete it, undelete.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, Signal, SignalInstance
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMenu

from s3browser.core.local.paths import local_target, split_extension
from s3browser.core.ops.edit_in_place import open_copy_path
from s3browser.core.ops.versions import delete_version, download_version, restore_version
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.jobs import CallJob
from s3browser.core.transfers.queue_items import Direction, State
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.inspect.undelete_dialog import UndeleteDialog
from s3browser.ui.inspect.versions_model import VersionsModel
from s3browser.ui.shell import interaction
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.desktop import open_path
from s3browser.ui.shell.formatting import count_of


class VersionsController(QObject):
    shown_changed = Signal(bool)  # versions are shown instead of the table
    folder_opened = Signal(object)  # a Location chosen in the versions view
    preview_requested = Signal(str, str, int, str)  # bucket, key, size, version id
    properties_requested = Signal(str, str, int, str)

    def __init__(self, ctx: AppContext, listing: ListingController, model: VersionsModel,
                 view: QAbstractItemView, note: QLabel | None = None) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.model = model
        self.view = view
        self.note = note or QLabel()
        model.versioning_known.connect(self._show_versioning)
        self.dialog: UndeleteDialog | None = None
        self.menu: QMenu | None = None
        self.opener: Callable[[Path], bool] = open_path  # tests replace it
        self.toggle_action = make_action(self, "Show &versions", lambda: None, icon="versions",
                                         shortcut="Ctrl+Shift+V",
                                         tooltip="List every version and delete marker here (Ctrl+Shift+V)")
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self.set_shown)
        self.undelete_action = make_action(self, "&Undelete…", self.undelete_selected,
                                           tooltip="Bring back deleted objects by removing their delete markers")
        self._opening: dict[int, Path] = {}  # queue batch -> the downloaded version to open
        self._restoring: set[int] = set()  # queue batches restoring a version: list again when done
        ctx.connection_changed.connect(model.set_connection)
        model.load_failed.connect(ctx.show_error)
        ctx.transfers.batch_done.connect(self._on_batch_done)
        view.activated.connect(self._activated)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_menu)

    @property
    def shown(self) -> bool:
        return self.toggle_action.isChecked()

    def set_shown(self, shown: bool) -> None:
        if self.toggle_action.isChecked() != shown:
            self.toggle_action.setChecked(shown)  # comes back here through toggled
            return
        if shown and not self.listing.location.bucket:
            self.ctx.show_message("Open a bucket to see its versions.")
        if shown:
            self.model.load(self.listing.location)
        else:
            self.model.cancel()
        self.shown_changed.emit(shown)

    def follow(self, location: Location) -> None:
        """The window moved to ``location``: list its versions if they are shown."""
        if self.shown:
            self.model.load(location)

    def _show_versioning(self, status: str) -> None:
        """Say above the view when the bucket keeps no versions (or no longer keeps new ones)."""
        text = {"": "Versioning is off for this bucket: each object has only its current version, and "
                    "deleted or overwritten objects cannot be brought back here. Bucket settings… turns it on.",
                "Suspended": "Versioning is suspended for this bucket: the versions listed were kept while it was "
                             "on; new changes keep no older version."}.get(status, "")
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _activated(self, index: QModelIndex) -> None:
        if self.model.is_folder(index):
            self.folder_opened.emit(self.model.location_for(index))
        elif self.model.is_version(index) and not self.model.is_delete_marker(index):
            self.open_version(index)

    def selected(self) -> list[QModelIndex]:
        selection = self.view.selectionModel()
        return [i for i in selection.selectedRows()] if selection is not None else []

    # ---------------------------------------------------------------- menu
    def show_menu(self, pos: QPoint) -> QMenu | None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return None
        index = index.siblingAtColumn(0)
        model = self.model
        menu = QMenu(self.ctx.dialog_parent)
        if model.is_folder(index):
            menu.addAction("&Open", lambda: self.folder_opened.emit(model.location_for(index)))
            menu.addAction("&Undelete everything deleted in it…", lambda: self.undelete([], [model.key(index)]))
        elif model.is_version(index) and not model.is_delete_marker(index):
            menu.addAction("&Open this version", lambda: self.open_version(index))
            menu.addAction("&Preview", lambda: self._emit_version(self.preview_requested, index))
            menu.addAction("&Download this version…", lambda: self.download_version(index))
            menu.addAction("P&roperties…", lambda: self._emit_version(self.properties_requested, index))
            menu.addSeparator()
            restore = menu.addAction("&Restore this version", lambda: self.restore_version(index))
            restore.setEnabled(not model.is_latest(index))
            menu.addAction("De&lete this version…", lambda: self.delete_version(index))
        elif model.is_version(index):
            menu.addAction("&Undelete (remove this delete marker)…" if model.is_latest(index)
                           else "De&lete this delete marker…", lambda: self.delete_version(index))
        else:
            if model.is_deleted(index):
                menu.addAction("&Undelete…", lambda: self.undelete([model.key(index)], []))
        menu.addSeparator()
        menu.addAction(self.toggle_action)
        self.menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))
        return menu

    def _emit_version(self, signal: SignalInstance, index: QModelIndex) -> None:
        signal.emit(self.model.location.bucket, self.model.key(index), self.model.version_size(index),
                    self.model.version_id(index))

    # ---------------------------------------------------------------- acting on a version
    def _queue(self, title: str, direction: Direction, key: str, function: Callable[..., object], args: tuple,
               size: int = 0) -> int:
        """One queue row running ``function(connection, *args)`` where the transfers run."""
        batch = self.ctx.transfers.add_jobs([(CallJob(title, function, args), direction, self.model.location.bucket,
                                              key, None, size)])
        self.ctx.reveal_transfers()
        return batch

    def restore_version(self, index: QModelIndex) -> int | None:
        connection, bucket = self.ctx.connection, self.model.location.bucket
        if connection is None:
            return None
        key, version = self.model.key(index), self.model.version_id(index)
        batch = self._queue("Restore version", Direction.RESTORE_VERSION, key,
                            restore_version, (bucket, key, version), self.model.version_size(index))
        self._restoring.add(batch)
        self.ctx.show_message(f"Restoring an older version of {key.rpartition('/')[2]}…")
        return batch

    def download_version(self, index: QModelIndex, folder: Path | None = None) -> int | None:
        connection, bucket = self.ctx.connection, self.model.location.bucket
        folder = folder or interaction.choose_folder(self.ctx.dialog_parent, "Download this version to folder")
        if connection is None or folder is None:
            return None
        key, version = self.model.key(index), self.model.version_id(index)
        target = local_target(Path(folder), key.rpartition("/")[2])
        if target.path is None:
            self.ctx.show_error(f"This name cannot be saved safely here: {target.note}.")
            return None
        return self._queue("Download version", Direction.DOWNLOAD, key,
                           download_version, (bucket, key, version, target.path, Path(folder)),
                           self.model.version_size(index))

    def open_version(self, index: QModelIndex) -> int | None:
        connection, bucket = self.ctx.connection, self.model.location.bucket
        if connection is None:
            return None
        key, version = self.model.key(index), self.model.version_id(index)
        path = open_copy_path(bucket, f"{key}\0{version}")
        stem, suffix = split_extension(path.name)  # "report (version 1a2b3c4d).tar.gz"
        path = path.with_name(f"{stem} (version {version[:8]}){suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        batch = self._queue("Open version", Direction.DOWNLOAD, key,
                            download_version, (bucket, key, version, path, path.parent),
                            self.model.version_size(index))
        self._opening[batch] = path
        return batch

    def _on_batch_done(self, batch: int) -> None:
        if batch in self._restoring:
            self._restoring.discard(batch)
            self._changed("Restored the version: it is the latest now.")
            return
        path = self._opening.pop(batch, None)
        items = self.ctx.transfers.batch_items(batch)
        if path is None or not items or items[0].state != State.DONE:
            return
        if self.opener(path):
            self.ctx.show_message(f"Opened {path.name} (a read-only look at an older version).")

    def delete_version(self, index: QModelIndex) -> None:
        connection, bucket = self.ctx.connection, self.model.location.bucket
        if connection is None:
            return
        key, version = self.model.key(index), self.model.version_id(index)
        marker = self.model.is_delete_marker(index)
        name = key.rpartition("/")[2]
        if marker and self.model.is_latest(index):
            question = f"Remove the delete marker of {name}? The object comes back as it was before the delete."
        elif marker:
            question = f"Remove this older delete marker of {name}? Nothing visible changes."
        else:
            question = (f"Delete this version of {name} permanently? It cannot be brought back"
                        + (", and the next older version becomes the latest." if self.model.is_latest(index) else "."))
        if not interaction.confirm(self.ctx.dialog_parent, "Delete version", question):
            return
        self.ctx.runner.run("delete version", delete_version, connection, bucket, key, version,
                            on_result=lambda _r: self._changed("Removed the delete marker." if marker
                                                               else "Deleted the version."),
                            on_error=lambda exc: self.ctx.report(exc, bucket=bucket, key=key), owner=self)

    def _changed(self, message: str) -> None:
        self.ctx.show_message(message)
        self.model.refresh()
        self.ctx.announce_changes(self.model.location)

    # ---------------------------------------------------------------- undelete
    def undelete_selected(self) -> UndeleteDialog | None:
        model = self.model
        keys = [model.key(i) for i in self.selected() if not model.is_folder(i) and not model.is_version(i)]
        folders = [model.key(i) for i in self.selected() if model.is_folder(i)]
        if not keys and not folders:
            self.ctx.show_error("Select deleted objects or folders in the versions view to undelete them.")
            return None
        return self.undelete(keys, folders)

    def undelete(self, keys: list[str], folders: list[str]) -> UndeleteDialog | None:
        connection = self.ctx.connection
        if connection is None:
            return None
        dialog = UndeleteDialog(self.ctx, connection, self.model.location.bucket, keys, folders)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_undeleting.connect(
            lambda restored, _failed: self._changed(f"Brought back {count_of(restored, 'object')}."))
        self.dialog = dialog
        dialog.show()
        return dialog
