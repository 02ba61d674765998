"""The everyday operations on the selection: delete, new folder, rename, cut/copy/paste, links, buckets.

Kept apart from the main window so that it only wires actions and menus.  Every destructive or
slow step runs on a worker or in the transfer queue; dialogs are opened non-modally and returned,
so callers (and tests) can drive them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from s3browser.core.ops.copy import (
    CopyPlan,
    create_folder,
    object_name_problem,
    plan_copy,
    plan_rename,
)
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.ui import icons, interaction
from s3browser.ui.dialogs.bucket_dialogs import CreateBucketDialog, DeleteBucketDialog
from s3browser.ui.dialogs.delete_dialog import DeleteDialog
from s3browser.ui.dialogs.name_dialog import NameDialog
from s3browser.ui.dialogs.presign_dialog import PresignDialog
from s3browser.ui.dialogs.trash_dialog import TrashDialog
from s3browser.ui.formatting import count_of

if TYPE_CHECKING:
    from s3browser.ui.main_window import MainWindow


@dataclass(frozen=True)
class Selection:
    """Objects and folders chosen in one folder of one bucket (what cut/copy and drags carry)."""

    bucket: str
    base_prefix: str
    keys: dict[str, int]  # key -> size
    folders: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.keys) + len(self.folders)


class ObjectActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.clipboard: Selection | None = None
        self.clipboard_cut = False
        self.dialog = None  # the last dialog opened (tests drive it)
        table = window.table
        self.delete_action = self._table_action("&Delete…", QKeySequence.StandardKey.Delete, self.delete_selected)
        self.delete_action.setIcon(icons.icon("delete"))
        self.rename_action = self._table_action("&Rename…", "F2", self.rename_selected)
        self.cut_action = self._table_action("Cu&t", QKeySequence.StandardKey.Cut,
                                             lambda: self.copy_selection(cut=True))
        self.copy_action = self._table_action("&Copy", QKeySequence.StandardKey.Copy, self.copy_selection)
        self.paste_action = self._table_action("&Paste", QKeySequence.StandardKey.Paste, self.paste)
        self.new_folder_action = window._action("New &folder…", "folder-new", "Ctrl+Shift+N", self.new_folder)
        self.new_folder_action.setToolTip("Create a folder here (Ctrl+Shift+N)")
        self.presign_action = window._action("Copy download &link…", None, "Ctrl+Shift+L", self.open_presign_dialog)
        self.create_bucket_action = window._action("New &bucket…", None, None, self.open_create_bucket_dialog)
        self.delete_bucket_action = window._action("Delete bucket…", None, None, self.open_delete_bucket_dialog)
        self.trash_action = window._action("&Trash…", None, None, self.open_trash_dialog)
        self.delete_action.setToolTip("Delete the selection (Del), after a confirmation")
        table.addActions([self.delete_action, self.rename_action, self.cut_action, self.copy_action,
                          self.paste_action])
        window.tree.objects_dropped.connect(self.drop_selection)

    def _table_action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str,
                      slot) -> QAction:  # noqa: ANN001
        """Shortcuts that act on the table only, so Del or Ctrl+C in a text field keep their meaning."""
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        return action

    # ---------------------------------------------------------------- selection
    def selection(self) -> Selection | None:
        window = self.window
        location = window.table_model.location
        model = window.table_model
        rows = sorted({index.row() for index in window.table.selectionModel().selectedRows()})
        if window.connection is None or not location.bucket or not rows:
            return None
        keys = {model.key_at(r): model.size_at(r) for r in rows if not model.is_folder_at(r)}
        folders = tuple(model.key_at(r) for r in rows if model.is_folder_at(r))
        return Selection(location.bucket, location.prefix, keys, folders)

    def selected_buckets(self) -> list[str]:
        window = self.window
        if window.table_model.location.bucket:
            return []
        rows = sorted({index.row() for index in window.table.selectionModel().selectedRows()})
        return [window.table_model.key_at(r) for r in rows]

    # ---------------------------------------------------------------- delete
    def delete_selected(self) -> QDialog | None:
        """Open the delete confirmation for the selection (or the delete-bucket dialog at the top)."""
        if not self.window.table_model.location.bucket:
            return self.open_delete_bucket_dialog()
        selection = self.selection()
        connection = self.window.connection
        if selection is None or connection is None:
            self.window.show_error("Select objects or folders to delete.")
            return None
        soft = connection.profile.soft_delete
        dialog = DeleteDialog(self.window.runner, connection, selection.bucket, dict(selection.keys),
                              list(selection.folders), self.window, soft=soft)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_deleting.connect(self._after_delete)
        self._open(dialog)
        return dialog

    def _after_delete(self, deleted: int, failed: int) -> None:
        soft = self.window.connection is not None and self.window.connection.profile.soft_delete
        text = f"{'Moved to the trash' if soft else 'Deleted'} {count_of(deleted, 'object')}."
        if failed:
            text += f" {failed:,} could not be deleted (see the dialog)."
        self.window.show_message(text)
        self.window.table_model.refresh()

    # ---------------------------------------------------------------- new folder, rename
    def new_folder(self) -> NameDialog | None:
        location = self.window.table_model.location
        if self.window.connection is None or not location.bucket:
            self.window.show_error("Open a bucket to create a folder in it.")
            return None
        dialog = NameDialog("New folder", f"Name of the new folder in s3://{location.bucket}/{location.prefix}:",
                            "", object_name_problem, self.window)
        dialog.accepted.connect(lambda: self._create_folder(location, dialog.name))
        self._open(dialog)
        return dialog

    def _create_folder(self, location: Location, name: str) -> None:
        window = self.window
        window.runner.run("new folder", create_folder, window.connection, location.bucket, location.prefix, name,
                          on_result=lambda key: self._done(f"Created folder {name}."),
                          on_error=lambda exc: window.show_error(describe(exc, bucket=location.bucket).message))

    def rename_selected(self) -> NameDialog | None:
        selection = self.selection()
        if selection is None or selection.count != 1:
            self.window.show_error("Select one object or folder to rename.")
            return None
        is_folder = bool(selection.folders)
        key = selection.folders[0] if is_folder else next(iter(selection.keys))
        size = 0 if is_folder else selection.keys[key]
        old_name = key.rstrip("/").rpartition("/")[2]
        dialog = NameDialog("Rename", f"New name for “{old_name}”:", old_name, object_name_problem, self.window)
        dialog.accepted.connect(lambda: self._rename(selection.bucket, key, dialog.name, is_folder, size))
        self._open(dialog)
        return dialog

    def _rename(self, bucket: str, key: str, name: str, is_folder: bool, size: int) -> None:
        window = self.window
        window.show_message(f"Renaming {key.rstrip('/').rpartition('/')[2]}…")
        window.runner.run("plan rename", plan_rename, window.connection, bucket, key, name, is_folder, size,
                          on_result=self._queue_copies,
                          on_error=lambda exc: window.show_error(describe(exc, bucket=bucket).message))

    # ---------------------------------------------------------------- cut, copy, paste, drops
    def copy_selection(self, cut: bool = False) -> None:
        selection = self.selection()
        if selection is None:
            self.window.show_error("Select objects or folders to copy.")
            return
        self.clipboard, self.clipboard_cut = selection, cut
        self.paste_action.setEnabled(True)
        verb = "Cut" if cut else "Copied"
        self.window.show_message(f"{verb} {count_of(selection.count, 'item')}; "
                                 "paste with Ctrl+V in another folder or bucket.")

    def paste(self) -> None:
        location = self.window.table_model.location
        if self.clipboard is None:
            self.window.show_error("Nothing to paste: cut or copy objects first.")
            return
        if not location.bucket:
            self.window.show_error("Open a bucket or folder to paste into.")
            return
        move = self.clipboard_cut
        self.transfer(self.clipboard, location, move)
        if move:
            self.clipboard = None  # a cut is pasted once

    def drop_selection(self, selection: Selection, location: Location, move: bool) -> None:
        self.transfer(selection, location, move)

    def transfer(self, selection: Selection, location: Location, move: bool) -> None:
        """Plan a server-side copy or move of ``selection`` into ``location`` and queue it."""
        window = self.window
        window.show_message(f"Preparing to {'move' if move else 'copy'} {selection.count} items…")
        window.runner.run("plan copy", plan_copy, window.connection, selection.bucket, selection.base_prefix,
                          dict(selection.keys), list(selection.folders), location.bucket, location.prefix, move,
                          on_result=self._confirm_and_queue,
                          on_error=lambda exc: window.show_error(describe(exc, bucket=location.bucket).message))

    def _confirm_and_queue(self, plan: CopyPlan) -> None:
        if not plan.items:
            self.window.show_error("Nothing to copy: the selection is empty or gone.")
            return
        if plan.existing and not interaction.confirm(
                self.window, "Replace existing objects?",
                f"{len(plan.existing)} of {len(plan.items)} objects already exist at the destination, for "
                f"example {plan.existing[0]}. Replace them?"):
            self.window.show_message("Nothing was copied.")
            return
        self._queue_copies(plan)

    def _queue_copies(self, plan: CopyPlan) -> None:
        self.window.transfers.add_copies(plan)
        self.window.transfer_panel.show()
        verb = "Moving" if plan.move else "Copying"
        self.window.show_message(f"{verb} {len(plan.items):,} objects to s3://{plan.bucket}/…")

    # ---------------------------------------------------------------- links, buckets
    def open_presign_dialog(self) -> PresignDialog | None:
        selection = self.selection()
        connection = self.window.connection
        if selection is None or connection is None or len(selection.keys) != 1 or selection.folders:
            self.window.show_error("Select one object to make a download link for.")
            return None
        dialog = PresignDialog(self.window.runner, connection, selection.bucket,
                               next(iter(selection.keys)), self.window)
        self._open(dialog)
        return dialog

    def open_create_bucket_dialog(self) -> CreateBucketDialog | None:
        if self.window.connection is None:
            self.window.show_error("Connect first.")
            return None
        dialog = CreateBucketDialog(self.window.runner, self.window.connection, self.window)
        dialog.created.connect(lambda name: self._bucket_list_changed(f"Created bucket {name}."))
        self._open(dialog)
        return dialog

    def open_delete_bucket_dialog(self, bucket: str | None = None) -> DeleteBucketDialog | None:
        buckets = [bucket] if bucket else self.selected_buckets()
        if self.window.connection is None or len(buckets) != 1:
            self.window.show_error("Select one bucket to delete.")
            return None
        dialog = DeleteBucketDialog(self.window.runner, self.window.connection, buckets[0], self.window)
        dialog.deleted.connect(lambda name: self._bucket_list_changed(f"Deleted bucket {name}."))
        self._open(dialog)
        return dialog

    def open_trash_dialog(self) -> TrashDialog | None:
        bucket = self.window.table_model.location.bucket
        if self.window.connection is None or not bucket:
            self.window.show_error("Open a bucket to see its trash.")
            return None
        dialog = TrashDialog(self.window.runner, self.window.connection, bucket, self.window)
        dialog.finished.connect(lambda _result: self.window.table_model.refresh())
        self._open(dialog)
        return dialog

    def _bucket_list_changed(self, message: str) -> None:
        window = self.window
        window.show_message(message)
        window.tree_model.refresh(window.tree_model.connection_index())
        if not window.table_model.location.bucket:
            window.table_model.refresh()

    def _done(self, message: str) -> None:
        self.window.show_message(message)
        self.window.table_model.refresh()

    def _open(self, dialog) -> None:  # noqa: ANN001
        self.dialog = dialog
        dialog.show()
