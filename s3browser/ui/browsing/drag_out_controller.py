"""Dragging objects out of the table to a file manager: the objects download only on the drop.

The drag carries a :class:`~s3browser.ui.browsing.drag_out.DeferredDownloadMime`; when the file manager
asks for the files, one :class:`~s3browser.ui.browsing.drag_out.DropFetch` plans and queues their download
into a staging folder and hands back the top-level paths once that batch is done.  A drop inside
the window carries the selection instead (copied or moved server-side).
"""

from __future__ import annotations

import shutil

from PySide6.QtCore import QMimeData, QObject

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.plans import DownloadPlan, plan_downloads
from s3browser.ui.browsing.drag_out import DeferredDownloadMime, DropFetch, new_staging_folder
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import human_size


class DragOutController(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing

    def mime_for_rows(self, rows: list[int]) -> QMimeData | None:
        """The data of a drag out of the table; the objects download only when it is dropped."""
        location = self.listing.location
        if self.ctx.connection is None or not location.bucket:
            return None
        keys, folders = self.listing.keys_and_folders(rows)
        mime = DeferredDownloadMime(lambda: self.start_fetch(location, keys, folders))
        mime.selection = self.listing.selection()  # what a drop inside the window copies or moves
        return mime

    def drag_ended(self, mime: QMimeData, dropped: bool) -> None:
        if not dropped and isinstance(mime, DeferredDownloadMime):
            mime.cancel()

    def start_fetch(self, location: Location, keys: list[str], folders: list[str]) -> DropFetch:
        """Plan and queue the download of a drag's selection into a staging folder; the fetch
        completes with the top-level files and folders once its batch is done."""
        ctx, transfers = self.ctx, self.ctx.transfers
        fetch = DropFetch(new_staging_folder(), on_cancel=self._cancel_fetch)
        ctx.show_message("Downloading the dragged objects for the drop…")
        plans: dict[str, DownloadPlan] = {}

        def planned(plan: DownloadPlan) -> None:
            if fetch.cancelled:
                return
            plans["plan"] = plan
            if not plan.files:
                ctx.show_error("Nothing to drop: the dragged objects are no longer in the bucket"
                               + (" or cannot be saved under their names." if plan.refused else "."))
                fetch.complete([])
                return
            fetch.batch = transfers.add_downloads(plan)
            ctx.reveal_transfers()

        def failed(exc: BaseException) -> None:
            ctx.report(exc, bucket=location.bucket)
            fetch.complete([])

        def progress() -> None:
            if fetch.batch is not None and not fetch.done:
                done, total = transfers.batch_totals(fetch.batch)
                ctx.show_message(f"Downloading the dragged objects for the drop: {human_size(done)} of "
                                 f"{human_size(total)}…")

        def batch_done(batch: int) -> None:
            if batch != fetch.batch:
                return
            stop_listening()
            if fetch.cancelled:
                shutil.rmtree(fetch.staging, ignore_errors=True)  # anything written after the cancel
                return
            staging = fetch.staging
            tops = {staging / f.target.path.relative_to(staging).parts[0] for f in plans["plan"].files
                    if f.target.path is not None}
            fetch.complete(sorted(path for path in tops if path.exists()))

        def stop_listening() -> None:
            if listening:
                listening.clear()
                transfers.batch_done.disconnect(batch_done)
                transfers.totals_changed.disconnect(progress)

        def finished_without_batch() -> None:
            if fetch.batch is None:  # planning failed, nothing to drop, or cancelled before planning
                stop_listening()

        listening = [True]
        transfers.batch_done.connect(batch_done)
        transfers.totals_changed.connect(progress)
        fetch.finished.connect(finished_without_batch)
        ctx.runner.run("plan drag-out", plan_downloads, ctx.connection, location.bucket, keys, folders,
                       location.prefix, fetch.staging, on_result=planned, on_error=failed, owner=self)
        return fetch

    def _cancel_fetch(self, fetch: DropFetch) -> None:
        if fetch.batch is not None:
            self.ctx.transfers.cancel_batch(fetch.batch)
        self.ctx.show_message("Drag cancelled; nothing was saved.")
