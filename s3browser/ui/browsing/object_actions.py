"""The everyday operations on the selection: delete, new folder, rename, cut/copy/paste, links, buckets.

Every destructive or slow step runs on a worker or in the transfer queue; dialogs are opened
non-modally and returned, so callers (and tests) can drive them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from s3browser.core.ops.copy import (
    CopyPlan,
    create_folder,
    object_name_problem,
    plan_copy,
    plan_rename,
)
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.bucket_dialogs import CreateBucketDialog, DeleteBucketDialog
from s3browser.ui.browsing.delete_dialog import DeleteDialog
from s3browser.ui.browsing.listing import ListingController, Selection
from s3browser.ui.browsing.name_dialog import NameDialog
from s3browser.ui.browsing.presign_dialog import PresignDialog
from s3browser.ui.browsing.trash_dialog import TrashDialog
from s3browser.ui.shell import interaction
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import agree, already_exist, count_of, tr_n


class ObjectActions(QObject):
    clipboard_changed = Signal()

    def __init__(self, ctx: AppContext, listing: ListingController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.clipboard: Selection | None = None
        self.clipboard_cut = False
        self.dialog: QDialog | None = None  # the last dialog opened (tests drive it)
        self.delete_action = make_action(self, "&Delete…", self.delete_selected, icon="delete",
                                         shortcut=QKeySequence.StandardKey.Delete, widget_only=True,
                                         tooltip="Delete the selection (Del), after a confirmation")
        self.rename_action = make_action(self, "&Rename…", self.rename_selected, shortcut="F2", widget_only=True)
        self.cut_action = make_action(self, "Cu&t", lambda: self.copy_selection(cut=True),
                                      shortcut=QKeySequence.StandardKey.Cut, widget_only=True)
        self.copy_action = make_action(self, "&Copy", self.copy_selection, shortcut=QKeySequence.StandardKey.Copy,
                                       widget_only=True)
        self.paste_action = make_action(self, "&Paste", self.paste, shortcut=QKeySequence.StandardKey.Paste,
                                        widget_only=True)
        self.new_folder_action = make_action(self, "New &folder…", self.new_folder, icon="folder-new",
                                             shortcut="Ctrl+Shift+N", tooltip="Create a folder here (Ctrl+Shift+N)")
        self.presign_action = make_action(self, "Copy download &link…", self.open_presign_dialog,
                                          shortcut="Ctrl+Shift+L")
        self.create_bucket_action = make_action(self, "New &bucket…", self.open_create_bucket_dialog)
        self.delete_bucket_action = make_action(self, "Delete bucket…", self.open_delete_bucket_dialog)
        self.trash_action = make_action(self, "&Trash…", self.open_trash_dialog)
        self.clipboard_changed.connect(self._show_cut_rows)

    @property
    def table_actions(self) -> list[QAction]:
        """Actions whose shortcuts act on the table only."""
        return [self.delete_action, self.rename_action, self.cut_action, self.copy_action, self.paste_action]

    @property
    def window_actions(self) -> list[QAction]:
        """Actions whose shortcuts work anywhere in the window."""
        return [self.new_folder_action, self.presign_action, self.create_bucket_action, self.delete_bucket_action,
                self.trash_action]

    def selection(self) -> Selection | None:
        return self.listing.selection()

    def _nothing_to(self, sentence: str) -> None:
        """Say why nothing happened: the trash alone was selected, or nothing was."""
        if self.listing.trash_selected():
            self.ctx.show_error("The trash is not moved, copied, renamed or deleted like a folder: "
                                "open it to restore or empty it.")
        else:
            self.ctx.show_error(sentence)

    # ---------------------------------------------------------------- delete
    def delete_selected(self) -> QDialog | None:
        """Open the delete confirmation for the selection (or the delete-bucket dialog at the top)."""
        if not self.listing.location.bucket:
            return self.open_delete_bucket_dialog()
        selection = self.selection()
        connection = self.ctx.connection
        if selection is None or connection is None:
            self._nothing_to("Select objects or folders to delete.")
            return None
        soft = connection.profile.soft_delete
        dialog = DeleteDialog(self.ctx, connection, selection.bucket, dict(selection.keys),
                              list(selection.folders), soft=soft)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_deleting.connect(self._after_delete)
        self._open(dialog)
        return dialog

    def _after_delete(self, deleted: int, failed: int) -> None:
        soft = self.ctx.connection is not None and self.ctx.connection.profile.soft_delete
        text = f"{'Moved to the trash' if soft else 'Deleted'} {count_of(deleted, 'object')}."
        if failed:
            text += f" {failed:,} could not be deleted (see the dialog)."
        self.ctx.show_message(text)
        self.listing.refresh()

    # ---------------------------------------------------------------- new folder, rename
    def new_folder(self) -> NameDialog | None:
        location = self.listing.location
        if self.ctx.connection is None or not location.bucket:
            self.ctx.show_error("Open a bucket to create a folder in it.")
            return None
        dialog = NameDialog("New folder", f"Name of the new folder in s3://{location.bucket}/{location.prefix}:",
                            "", object_name_problem, self.ctx.dialog_parent)
        dialog.accepted.connect(lambda: self._create_folder(location, dialog.name))
        self._open(dialog)
        return dialog

    def _create_folder(self, location: Location, name: str) -> None:
        ctx = self.ctx
        ctx.runner.run("new folder", create_folder, ctx.connection, location.bucket, location.prefix, name,
                       on_result=lambda key: self._done(f"Created folder {name}."),
                       on_error=lambda exc: ctx.report(exc, bucket=location.bucket),
                       owner=self)

    def rename_selected(self) -> NameDialog | None:
        selection = self.selection()
        if selection is None or selection.count != 1:
            self._nothing_to("Select one object or folder to rename.")
            return None
        is_folder = bool(selection.folders)
        key = selection.folders[0] if is_folder else next(iter(selection.keys))
        size = 0 if is_folder else selection.keys[key]
        old_name = key.rstrip("/").rpartition("/")[2]
        dialog = NameDialog("Rename", f"New name for “{old_name}”:", old_name, object_name_problem,
                            self.ctx.dialog_parent, select_stem=not is_folder)
        dialog.accepted.connect(lambda: self._rename(selection.bucket, key, dialog.name, is_folder, size))
        self._open(dialog)
        return dialog

    def _rename(self, bucket: str, key: str, name: str, is_folder: bool, size: int) -> None:
        ctx = self.ctx
        ctx.show_message(f"Renaming {key.rstrip('/').rpartition('/')[2]}…")
        ctx.runner.run("plan rename", plan_rename, ctx.connection, bucket, key, name, is_folder, size,
                       on_result=self._queue_copies,
                       on_error=lambda exc: ctx.report(exc, bucket=bucket),
                       owner=self)

    # ---------------------------------------------------------------- cut, copy, paste, drops
    def copy_selection(self, cut: bool = False) -> None:
        selection = self.selection()
        if selection is None:
            self._nothing_to("Select objects or folders to copy.")
            return
        self.clipboard, self.clipboard_cut = selection, cut
        self.clipboard_changed.emit()
        verb = "Cut" if cut else "Copied"
        self.ctx.show_message(f"{verb} {count_of(selection.count, 'item')}; "
                                 "paste with Ctrl+V in another folder or bucket.")

    def _show_cut_rows(self) -> None:
        """Rows cut to the clipboard look cut in the table until they are pasted or replaced."""
        clip = self.clipboard if self.clipboard_cut else None
        self.listing.model.set_cut(clip.bucket if clip else "", [*clip.keys, *clip.folders] if clip else [])

    def paste(self) -> None:
        location = self.listing.location
        if self.clipboard is None:
            self.ctx.show_error("Nothing to paste: cut or copy objects first.")
            return
        if not location.bucket:
            self.ctx.show_error("Open a bucket or folder to paste into.")
            return
        move = self.clipboard_cut
        self.transfer(self.clipboard, location, move)
        if move:
            self.clipboard = None  # a cut is pasted once
            self.clipboard_changed.emit()

    def drop_selection(self, selection: Selection, location: Location, move: bool) -> None:
        self.transfer(selection, location, move)

    def transfer(self, selection: Selection, location: Location, move: bool) -> None:
        """Plan a server-side copy or move of ``selection`` into ``location`` and queue it."""
        ctx = self.ctx
        ctx.show_message(tr_n("Preparing to move %n item(s)…" if move else "Preparing to copy %n item(s)…",
                              selection.count))
        ctx.runner.run("plan copy", plan_copy, ctx.connection, selection.bucket, selection.base_prefix,
                       dict(selection.keys), list(selection.folders), location.bucket, location.prefix, move,
                       on_result=self._confirm_and_queue,
                       on_error=lambda exc: ctx.report(exc, bucket=location.bucket),
                       owner=self)

    def _confirm_and_queue(self, plan: CopyPlan) -> None:
        if not plan.items:
            self.ctx.show_error("Nothing to copy: the selection is empty or gone.")
            return
        if plan.existing and not interaction.confirm(
                self.ctx.dialog_parent, "Replace existing objects?",
                f"{already_exist(len(plan.existing), len(plan.items), 'object')} at the destination"
                f"{agree(len(plan.existing), ': ', ', for example ')}{plan.existing[0]}. "
                f"Replace {agree(len(plan.existing), 'it', 'them')}?"):
            self.ctx.show_message("Nothing was copied.")
            return
        self._queue_copies(plan)

    def _queue_copies(self, plan: CopyPlan) -> None:
        self.ctx.transfers.add_copies(plan)
        self.ctx.reveal_transfers()
        verb = "Moving" if plan.move else "Copying"
        self.ctx.show_message(f"{verb} {count_of(len(plan.items), 'object')} to s3://{plan.bucket}/…")

    # ---------------------------------------------------------------- links, buckets
    def open_presign_dialog(self) -> PresignDialog | None:
        selection = self.selection()
        connection = self.ctx.connection
        if selection is None or connection is None or len(selection.keys) != 1 or selection.folders:
            self.ctx.show_error("Select one object to make a download link for.")
            return None
        dialog = PresignDialog(self.ctx, connection, selection.bucket,
                               next(iter(selection.keys)))
        self._open(dialog)
        return dialog

    def open_create_bucket_dialog(self) -> CreateBucketDialog | None:
        if self.ctx.connection is None:
            self.ctx.show_error("Connect first.")
            return None
        dialog = CreateBucketDialog(self.ctx, self.ctx.connection)
        dialog.created.connect(lambda name: self._bucket_list_changed(f"Created bucket {name}."))
        self._open(dialog)
        return dialog

    def open_delete_bucket_dialog(self, bucket: str | None = None) -> DeleteBucketDialog | None:
        """Delete ``bucket``: by default the one selected at the bucket list, or the one shown."""
        shown = self.listing.location.bucket
        buckets = [bucket] if bucket else ([shown] if shown else self.listing.selected_buckets())
        if self.ctx.connection is None or len(buckets) != 1:
            self.ctx.show_error("Select one bucket to delete.")
            return None
        dialog = DeleteBucketDialog(self.ctx, self.ctx.connection, buckets[0])
        dialog.deleted.connect(lambda name: self._bucket_list_changed(f"Deleted bucket {name}."))
        self._open(dialog)
        return dialog

    def open_trash_dialog(self) -> TrashDialog | None:
        bucket = self.listing.location.bucket
        if self.ctx.connection is None or not bucket:
            self.ctx.show_error("Open a bucket to see its trash.")
            return None
        dialog = TrashDialog(self.ctx, self.ctx.connection, bucket)
        dialog.finished.connect(lambda _result: self.listing.refresh())
        dialog.restored.connect(self.listing.refresh)
        self._open(dialog)
        return dialog

    def _bucket_list_changed(self, message: str) -> None:
        self.ctx.show_message(message)
        if not self.listing.location.bucket:
            self.listing.refresh()
        self.ctx.announce_changes(Location())  # after: a bucket list being listed is not listed twice

    def _done(self, message: str) -> None:
        self.ctx.show_message(message)
        self.listing.refresh()

    def _open(self, dialog) -> None:  # noqa: ANN001
        self.dialog = dialog
        dialog.show()
