"""Open and Edit: an object downloaded (verified, through the queue) to a private copy and handed to
the desktop's default application; an edited copy is watched and its saves offered for upload.

The offer is a non-blocking box, so editing never freezes the window.  The upload refuses to
replace an object that changed on S3 since it was opened and offers to keep both instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from s3browser.core.local.paths import LocalFile, LocalTarget
from s3browser.core.ops.edit_in_place import (
    ChangedOnServer,
    OpenedCopy,
    check_unchanged,
    file_state,
    keep_both_key,
    open_copy_path,
)
from s3browser.core.ops.properties import ObjectProperties, fetch_properties, put_tags
from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.plans import DownloadPlan, RemoteFile, UploadPlan
from s3browser.core.transfers.queue_items import State
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.desktop import open_path

log = logging.getLogger(__name__)
SAVE_SETTLE_MS = 400  # editors write in steps (truncate, write, rename): wait for them to finish


def _restore_tags_and_read(conn: Connection, bucket: str, key: str, tags: dict[str, str] | None) -> ObjectProperties:
    """On a worker: an upload replaces the object without its tags; they are put back, then the new
    ETag is read (the next save is checked against it)."""
    if tags:
        put_tags(conn, bucket, key, tags)
    return fetch_properties(conn, bucket, key)


class OpenEditController(QObject):
    opened = Signal(object)  # the OpenedCopy handed to the desktop
    uploaded = Signal(object, str)  # the OpenedCopy, the key its edit was uploaded to

    def __init__(self, ctx: AppContext, listing: ListingController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.open_action = make_action(self, "&Open", self.open_selected,
                                       tooltip="Open with the desktop's application (double-click, Enter)")
        self.edit_action = make_action(self, "&Edit", lambda: self.open_selected(edit=True), shortcut="Ctrl+E",
                                       tooltip="Open for editing: saves are offered for upload (Ctrl+E)")
        self.opener: Callable[[Path], bool] = open_path  # tests replace it
        self.copies: dict[Path, OpenedCopy] = {}
        self.prompt: QMessageBox | None = None  # the last offer shown (tests answer it)
        self._downloads: dict[int, tuple[RemoteFile, bool]] = {}  # queue batch -> what it opens
        # queue batch -> (the copy, the key it goes to, the file state uploaded, the tags to put back)
        self._uploads: dict[int, tuple[OpenedCopy, str, tuple[int, int], dict[str, str] | None]] = {}
        self._asking: set[Path] = set()
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_file_event)
        self._watcher.directoryChanged.connect(self._on_file_event)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SAVE_SETTLE_MS)
        self._settle.timeout.connect(self._check_edits)
        ctx.transfers.batch_done.connect(self._on_batch_done)

    # ---------------------------------------------------------------- opening
    def open_selected(self, edit: bool = False) -> None:
        selection = self.listing.selection()
        if selection is None or len(selection.keys) != 1 or selection.folders:
            self.ctx.show_error("Select one object to open." if not edit else "Select one object to edit.")
            return
        self.open_object(selection.bucket, next(iter(selection.keys)), edit)

    def open_object(self, bucket: str, key: str, edit: bool = False) -> None:
        """Download ``key`` to its private copy (unless that copy holds unsent edits) and open it."""
        connection = self.ctx.connection
        if connection is None:
            return
        path = open_copy_path(bucket, key)
        copy = self.copies.get(path)
        if copy is not None and copy.locally_changed():
            copy.editing = copy.editing or edit
            self._watch(copy)
            self._hand_to_desktop(copy, "Opened your edited copy of {name}; its changes are not uploaded yet.")
            return
        self.ctx.show_message(f"Opening {key.rpartition('/')[2]}…")
        self.ctx.runner.run("plan open", fetch_properties, connection, bucket, key,
                            on_result=lambda props: self._queue_download(props, path, edit),
                            on_error=lambda exc: self.ctx.report(exc, bucket=bucket, key=key), owner=self)

    def _queue_download(self, props: ObjectProperties, path: Path, edit: bool) -> None:
        if props.is_archived and not props.restore_status.startswith("Restored"):
            self.ctx.show_error(f"{props.key.rpartition('/')[2]} is archived ({props.storage_class}); "
                                "restore it first (Properties → Restore…).")
            return
        remote = RemoteFile(props.key, props.size, props.last_modified, props.etag,
                            LocalTarget(props.key, path))
        plan = DownloadPlan(props.bucket, path.parent, [remote])
        path.parent.mkdir(parents=True, exist_ok=True)
        batch = self.ctx.transfers.add_downloads(plan)
        self._downloads[batch] = (remote, edit)

    def _on_batch_done(self, batch: int) -> None:
        if batch in self._downloads:
            self._download_done(batch, *self._downloads.pop(batch))
        elif batch in self._uploads:
            self._upload_done(batch, *self._uploads.pop(batch))

    def _download_done(self, batch: int, remote: RemoteFile, edit: bool) -> None:
        items = self.ctx.transfers.batch_items(batch)
        if not items or items[0].state != State.DONE or remote.target.path is None:
            if items and items[0].state == State.FAILED:
                self.ctx.show_error(f"Could not open {remote.key.rpartition('/')[2]}: {items[0].error}")
            return
        path = remote.target.path
        copy = OpenedCopy(items[0].bucket, remote.key, path, remote.etag, file_state(path), editing=edit)
        self.copies[path] = copy
        if edit:
            self._watch(copy)
            self._hand_to_desktop(copy, "Editing {name}: when you save it, s3browser offers to upload the change.")
        else:
            self._hand_to_desktop(copy, "Opened {name} (a private copy; use Edit to send changes back).")

    def _hand_to_desktop(self, copy: OpenedCopy, message: str) -> None:
        name = copy.path.name
        if self.opener(copy.path):
            self.ctx.show_message(message.format(name=name))
            self.opened.emit(copy)
        else:
            self.ctx.show_error(f"No application is set up to open {name}. It was saved as {copy.path}.")

    # ---------------------------------------------------------------- watching edits
    def _watch(self, copy: OpenedCopy) -> None:
        paths = [str(copy.path), str(copy.path.parent)]  # the folder too: many editors save by renaming
        missing = [p for p in paths if p not in self._watcher.files() + self._watcher.directories()]
        if missing:
            self._watcher.addPaths(missing)

    def _on_file_event(self, _path: str) -> None:
        self._settle.start()

    def _check_edits(self) -> None:
        for copy in list(self.copies.values()):
            if copy.editing and copy.path not in self._asking and copy.locally_changed():
                self._watch(copy)  # re-added: a rename replaced the watched file
                self._offer_upload(copy)

    def _offer_upload(self, copy: OpenedCopy) -> None:
        self._asking.add(copy.path)
        box = QMessageBox(QMessageBox.Icon.Question, "Upload the change?",
                          f"{copy.path.name} was saved. Upload it to {copy.uri}?", parent=self.ctx.dialog_parent)
        upload = box.addButton("&Upload", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(upload)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered() -> None:
            self._forget_prompt(box)
            self._asking.discard(copy.path)
            if box.clickedButton() is upload:
                self.upload_edit(copy)
            else:
                copy.state = file_state(copy.path)  # asked again at the next save
        box.finished.connect(lambda _result: answered())
        self.prompt = box
        box.show()

    def _forget_prompt(self, box: QMessageBox) -> None:
        if self.prompt is box:
            self.prompt = None  # it deletes itself on close

    # ---------------------------------------------------------------- uploading edits
    def upload_edit(self, copy: OpenedCopy) -> None:
        """Check on a worker that the object is the one opened, then queue the upload over it."""
        connection = self.ctx.connection
        if connection is None:
            return
        self.ctx.runner.run("check before upload", check_unchanged, connection, copy,
                            on_result=lambda props: self._queue_upload(copy, copy.key, props),
                            on_error=lambda exc: self._upload_refused(copy, exc), owner=self)

    def _upload_refused(self, copy: OpenedCopy, exc: BaseException) -> None:
        if not isinstance(exc, ChangedOnServer):
            self.ctx.report(exc, bucket=copy.bucket, key=copy.key)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Changed on S3",
                          f"{exc.message} Keep both: upload yours beside it as “{copy.path.stem} (edited)…”?",
                          parent=self.ctx.dialog_parent)
        keep = box.addButton("&Keep both", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        def answered() -> None:
            self._forget_prompt(box)
            if box.clickedButton() is keep:
                self._keep_both(copy)
        box.finished.connect(lambda _result: answered())
        self.prompt = box
        box.show()

    def _keep_both(self, copy: OpenedCopy) -> None:
        connection = self.ctx.connection
        if connection is None:
            return
        self.ctx.runner.run("free name", keep_both_key, connection, copy.bucket, copy.key,
                            on_result=lambda key: self._queue_upload(copy, key, None),
                            on_error=lambda exc: self.ctx.report(exc, bucket=copy.bucket, key=copy.key), owner=self)

    def _queue_upload(self, copy: OpenedCopy, key: str, props: ObjectProperties | None) -> None:
        state = file_state(copy.path)
        options = UploadOptions(overwrite=Overwrite.OVERWRITE if props is not None else Overwrite.SKIP)
        if props is not None:  # the edit keeps the object's content type, metadata and storage class
            options.content_type = props.headers.get("ContentType", "")
            options.metadata = dict(props.metadata)
            options.storage_class = props.storage_class if props.storage_class != "STANDARD" else ""
        parent = key.rpartition("/")[0]
        plan = UploadPlan(copy.bucket, parent + "/" if parent else "",
                          [LocalFile(copy.path, key, state[0], state[1] / 1e9)], [], {})
        # Over the object it came from: only if that is still the one opened (If-Match its ETag, or a
        # check just before on a server that ignores the header), so another writer's save in
        # between is never overwritten.
        expect = {key: copy.etag} if props is not None else None
        batch = self.ctx.transfers.add_uploads(plan, options, expect)
        self._uploads[batch] = (copy, key, state, props.tags if props is not None else None)
        self.ctx.show_message(f"Uploading your edit of {copy.path.name} to s3://{copy.bucket}/{key}…")

    def _upload_done(self, batch: int, copy: OpenedCopy, key: str, state: tuple[int, int],
                     tags: dict[str, str] | None) -> None:
        items = self.ctx.transfers.batch_items(batch)
        if items and items[0].state == State.SKIPPED and items[0].error_kind == "changed":
            self._upload_refused(copy, ChangedOnServer(copy.uri))  # changed on S3 after the check: keep both?
            return
        if not items or items[0].state != State.DONE:
            return  # the queue shows why; the copy stays changed, so the next save offers again
        if key != copy.key:
            self.ctx.show_message(f"Your edit was uploaded as s3://{copy.bucket}/{key}; "
                                  f"{copy.uri} was left as it is on S3.")
            self.uploaded.emit(copy, key)
            return
        connection = self.ctx.connection
        copy.state = state

        def refreshed(props: ObjectProperties) -> None:
            copy.etag = props.etag  # the next save is checked against what we uploaded
            self.ctx.show_message(f"Uploaded your edit of {copy.path.name}.")
            self.uploaded.emit(copy, key)
        self.ctx.runner.run("after the edit's upload", _restore_tags_and_read, connection, copy.bucket, key, tags,
                            on_result=refreshed,
                            on_error=lambda exc: self.ctx.report(exc, bucket=copy.bucket, key=key), owner=self)
