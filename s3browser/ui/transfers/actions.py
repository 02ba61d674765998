"""What the user asks of the transfer queue: upload here, download the selection, resume or
discard what an earlier run left, look at incomplete multipart uploads, and quit with transfers
running.

Plans are made on a worker (one listing of the destination); the queue itself is the
:class:`~s3browser.ui.shell.transfer_queue.TransferController` on the context.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.conflicts import resolve_conflicts
from s3browser.core.transfers.journal import JournalEntry
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.plans import DownloadPlan, UploadPlan, plan_downloads, plan_uploads
from s3browser.core.transfers.queue_items import Direction, State
from s3browser.core.transfers.queue_store import SavedTransfer
from s3browser.ui.browsing.listing import ListingController, Selection
from s3browser.ui.connections.controller import ConnectionController
from s3browser.ui.shell import interaction
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import agree, count_of, human_size, tr_n
from s3browser.ui.shell.interaction import Resume
from s3browser.ui.transfers.multipart_dialog import MultipartUploadsDialog
from s3browser.ui.transfers.upload_dialog import UploadDialog

log = logging.getLogger(__name__)


class TransferActions(QObject):
    progress_changed = Signal(bool, int, str)  # transfers unfinished, progress in thousandths, its label

    def __init__(self, ctx: AppContext, listing: ListingController, connections: ConnectionController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.upload_dialog: UploadDialog | None = None  # the last one opened (tests drive it)
        self.upload_action = make_action(
            self, "&Upload…", self.open_upload_dialog, icon="upload", shortcut="Ctrl+U",
            tooltip="Upload files and folders here (Ctrl+U); or drop them on the window")
        self.download_action = make_action(self, "&Download…", self.download_selected, icon="download",
                                           shortcut="Ctrl+D", tooltip="Download the selection to a folder (Ctrl+D)")
        self.multipart_action = make_action(self, "Incomplete &multipart uploads…", self.open_multipart_dialog)
        ctx.transfers.totals_changed.connect(self._on_totals_changed)
        ctx.transfers.batch_finished.connect(self._on_batch_finished)
        ctx.transfers.news.connect(ctx.show_message)
        ctx.transfers.batch_done.connect(
            lambda batch: ctx.announce_changes(*sorted(ctx.transfers.changed_folders(batch), key=Location.uri)))
        connections.connected.connect(lambda: QTimer.singleShot(0, self.offer_to_resume))

    # ---------------------------------------------------------------- uploads
    def open_upload_dialog(self, sources: list | None = None) -> UploadDialog | None:
        """The upload dialog for the current folder (non-blocking; returns it for tests)."""
        if self.ctx.connection is None:
            self.ctx.show_error("Connect first.")
            return None
        dialog = UploadDialog(self.ctx, self.listing.location, sources=sources or [])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.upload_paths(dialog.sources(), dialog.destination(), dialog.options()))
        dialog.open()
        self.upload_dialog = dialog
        return dialog

    def upload_paths(self, paths: list, location: Location | None = None,
                     options: UploadOptions | None = None) -> None:
        """Plan an upload on a worker (one listing of the destination), then queue it."""
        location = location or self.listing.location
        if self.ctx.connection is None or not location.bucket:
            self.ctx.show_error("Open a bucket first: files are uploaded into the bucket and folder shown.")
            return
        options = options or UploadOptions()
        self.ctx.show_message(f"Preparing upload to {location.uri()}…")
        self.ctx.runner.run("plan upload", plan_uploads, self.ctx.connection, list(paths), location.bucket,
                            location.prefix, on_result=lambda plan: self._queue_upload(plan, options),
                            on_error=lambda exc: self.ctx.report(exc, bucket=location.bucket),
                            owner=self)

    def _queue_upload(self, plan: UploadPlan, options: UploadOptions) -> None:
        if options.overwrite == Overwrite.ASK:
            conflicts = plan.conflicts()
            if conflicts:
                choice = interaction.choose_overwrite(self.ctx.dialog_parent, [c.key for c in conflicts],
                                                      len(plan.files))
                if choice is None:
                    self.ctx.show_message("Upload cancelled; nothing was changed.")
                    return
                options.overwrite = choice
            else:
                options.overwrite = Overwrite.OVERWRITE
        self.ctx.transfers.add_uploads(plan, options)
        self.ctx.reveal_transfers()
        self.ctx.show_message(tr_n("Uploading %n file(s) to ", len(plan.files)) + f"s3://{plan.bucket}/{plan.prefix}…")

    # ---------------------------------------------------------------- downloads
    def download_selected(self, root: Path | None = None) -> None:
        """Download the selected objects and folders (recursively) into a chosen folder."""
        location = self.listing.location
        keys, folders = self.listing.selected_keys_and_folders()
        if self.ctx.connection is None or not location.bucket or not (keys or folders):
            self.ctx.show_error("Select objects or folders to download.")
            return
        root = root or interaction.choose_folder(self.ctx.dialog_parent, "Download to folder")
        if root is None:
            return
        self.download_into(location.bucket, location.prefix, keys, folders, Path(root))

    def download_selection(self, selection: Selection, root: Path) -> None:
        """Objects dragged from the table onto a local folder (the Local files pane)."""
        if self.ctx.connection is None:
            return
        self.download_into(selection.bucket, selection.base_prefix, list(selection.keys), list(selection.folders),
                           root)

    def download_into(self, bucket: str, base_prefix: str, keys: list[str], folders: list[str], root: Path) -> None:
        """Plan on a worker, ask about files already there, then queue."""
        self.ctx.show_message(f"Preparing download to {root}…")
        self.ctx.runner.run("plan download", plan_downloads, self.ctx.connection, bucket, keys, folders,
                            base_prefix, root, on_result=self.queue_download,
                            on_error=lambda exc: self.ctx.report(exc, bucket=bucket),
                            owner=self)

    def queue_download(self, plan: DownloadPlan) -> None:
        if plan.existing:
            parent = self.ctx.dialog_parent
            if not resolve_conflicts(plan, plan.existing, lambda remote, remaining: interaction.choose_conflict(
                    parent, remote, plan.root, remaining)):
                self.ctx.show_message("Download cancelled; nothing was changed.")
                return
        self.ctx.transfers.add_downloads(plan)
        self.ctx.reveal_transfers()
        text = tr_n("Downloading %n file(s) to ", len(plan.files)) + f"{plan.root}…"
        if plan.skipped:
            text += " " + tr_n("%n file(s) skipped: already there.", len(plan.skipped))
        if plan.refused:
            text += " " + tr_n("%n key(s) cannot be saved safely (see the queue).", len(plan.refused))
        self.ctx.show_message(text)

    # ---------------------------------------------------------------- incomplete uploads
    def open_multipart_dialog(self) -> MultipartUploadsDialog | None:
        bucket = self.listing.location.bucket
        if self.ctx.connection is None or not bucket:
            self.ctx.show_error("Open a bucket to see its incomplete multipart uploads.")
            return None
        dialog = MultipartUploadsDialog(self.ctx, self.ctx.connection, bucket)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ---------------------------------------------------------------- an earlier run's transfers
    def offer_to_resume(self) -> None:
        """Transfers an earlier run left unfinished (quit, crash, network) come back, or are discarded.

        The saved queue and the upload journal are read on a worker (database files: never on the
        GUI thread); the question comes when they answer."""
        ctx = self.ctx
        if ctx.shutting_down or ctx.connection is None:
            return
        queue = ctx.transfers.queue
        ctx.runner.run("unfinished transfers", queue.load_unfinished, queue.present_saved_ids(),
                       on_result=self._ask_to_resume, owner=self)

    def _ask_to_resume(self, found: tuple[list[SavedTransfer], list[JournalEntry]]) -> None:
        ctx = self.ctx
        saved, entries = found
        if ctx.shutting_down or (not saved and not entries):
            return
        count = len(saved) + len(entries)
        total = sum(s.size for s in saved) + sum(e.size for e in entries)
        lines = [f"• {Direction.parse(s.direction).label.lower()} s3://{s.bucket}/{s.key}" for s in saved[:5]]
        lines += [f"• upload s3://{e.bucket}/{e.key}" for e in entries[:max(0, 5 - len(lines))]]
        names = "\n".join(lines) + ("\n…" if count > 5 else "")
        answer = Resume.RESUME if ctx.resume_without_asking else interaction.choose_resume(
            ctx.dialog_parent,
            f"{count_of(count, 'transfer')} {agree(count, 'was', 'were')} not finished when s3browser last closed "
            f"({human_size(total)}):\n{names}\n\nResume them? Uploads continue from the parts already "
            "uploaded and large downloads from what was already saved. Later keeps everything and asks again "
            "the next time you connect. Discard deletes the uploaded parts from the server and removes the "
            "partly downloaded files.")
        if ctx.shutting_down:
            return  # the app quit while asking: that is no answer, so everything is kept for next time
        if answer == Resume.RESUME:
            ctx.transfers.restore(saved, entries)
            ctx.reveal_transfers()
        elif answer == Resume.DISCARD:
            ctx.transfers.discard_saved(saved, entries)
            ctx.show_message(f"Discarded {count_of(count, 'unfinished transfer')}.")
        else:
            ctx.show_message(f"{count_of(count, 'unfinished transfer')} kept; you will be asked again the next "
                             "time you connect.")

    # ---------------------------------------------------------------- progress and quitting
    def _on_totals_changed(self) -> None:
        transfers = self.ctx.transfers
        done, total = transfers.totals()
        present = transfers.model.states_present()
        paused = State.PAUSED in present and not present & {State.RUNNING, State.QUEUED}
        self.progress_changed.emit(bool(transfers.active_count), int(done * 1000 / total) if total else 0,
                                   "Paused %p%" if paused else "Transfers %p%")

    def _on_batch_finished(self, summary: str) -> None:
        self.ctx.show_message(summary)
        if self.listing.location.bucket:
            self.listing.refresh()

    def may_quit(self) -> bool:
        """Whether quitting may go on: asks first while transfers run, unless the system is quitting."""
        ctx = self.ctx
        active = ctx.transfers.active_count
        if not active or ctx.shutting_down or ctx.quit_without_asking:
            return True
        return interaction.confirm(
            ctx.dialog_parent, "Transfers running",
            f"{count_of(active, 'transfer')} {agree(active, 'is', 'are')} not finished. Quit anyway? "
            "They are kept and offered to resume the next time you connect: uploads continue from "
            "their uploaded parts, large downloads from what is already saved.")
