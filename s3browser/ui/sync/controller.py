"""Guided sync in the window: pairs in the Sync panel, the preview, and runs through the queue.

*Sync with local folder…* (on a bucket or folder) makes a pair and opens its preview; *Sync
now…* plans a pair on a worker and shows the preview; a confirmed plan is queued as one batch
of sync items (see :mod:`s3browser.ui.sync.queued_run`), and its end is written to the run log and to
the pair's *last run*.  *Forget sync state…* clears a pair's baseline after a confirmation.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.core.sync.apply import adopt_in_step, make_folders
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import PairStore, SyncPair, normalise_prefix
from s3browser.core.sync.run import PreparedRun
from s3browser.core.sync.runlog import latest_run_log
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.shell import interaction
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.desktop import open_path
from s3browser.ui.shell.formatting import count_of
from s3browser.ui.sync.pair_dialog import SyncPairDialog
from s3browser.ui.sync.panel import SyncPanel
from s3browser.ui.sync.preview_dialog import SyncPreviewDialog
from s3browser.ui.sync.queued_run import QueuedSyncRun, open_target

log = logging.getLogger(__name__)


def _forget_baseline(pair_id: str) -> None:
    with Baseline(pair_id) as baseline:
        baseline.reset()


def _prepare(run: PreparedRun, conn: Connection, soft_delete: bool) -> QueuedSyncRun:
    """On a worker: open the run's baseline and log (a database open, and its integrity check, never on
    the GUI thread), record paths already in step, make folder markers, before the items are queued."""
    queued = QueuedSyncRun(run, open_target(run, conn, soft_delete))
    try:
        adopt_in_step(queued.target, run.plan)
        make_folders(queued.target, run.plan)
    except BaseException as exc:
        queued.log.note(f"not started: {describe(exc).message}")
        queued.close()
        raise
    return queued


class SyncController(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController, panel: SyncPanel,
                 store: PairStore | None = None) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.panel = panel
        self.store = store or PairStore()
        self.runs: dict[int, QueuedSyncRun] = {}  # queue batch -> its run
        self.pair_dialog: SyncPairDialog | None = None  # the last ones opened (tests drive them)
        self.preview: SyncPreviewDialog | None = None
        self.sync_here_action = make_action(self, "S&ync with local folder…", self.sync_here,
                                            tooltip="Keep a local folder and this bucket or folder in step")
        self.new_pair_action = make_action(self, "New sync &pair…", lambda: self.new_pair())
        panel.new_requested.connect(lambda: self.new_pair())
        panel.sync_requested.connect(self.sync_pair)
        panel.edit_requested.connect(self.edit_pair)
        panel.log_requested.connect(self.open_log)
        panel.forget_requested.connect(self.forget_state)
        panel.remove_requested.connect(self.remove_pair)
        ctx.connection_changed.connect(lambda _conn: self.reload())
        ctx.transfers.batch_done.connect(self._on_batch_done)

    # ---------------------------------------------------------------- pairs
    @property
    def profile_name(self) -> str:
        return self.ctx.connection.profile.name if self.ctx.connection is not None else ""

    def reload(self) -> None:
        pairs = self.store.pairs(self.profile_name) if self.profile_name else []
        self.panel.set_pairs(pairs)
        if self.store.problem:
            self.ctx.show_error(self.store.problem)

    def sync_here(self, location: Location | None = None) -> SyncPairDialog | None:
        """A new pair for ``location`` (default: the selected folder or bucket, else the one shown)."""
        if location is None:
            location = self._selected_location()
        if not location.bucket:
            self.ctx.show_error("Choose a bucket or a folder to sync with a local folder.")
            return None
        existing = self.pair_for(location)
        if existing is not None:  # its own settings and baseline, never a blank pair that would replace it
            return self._open_pair_dialog(SyncPairDialog(self.ctx.dialog_parent, existing.profile, pair=existing),
                                          existing, True)
        return self.new_pair(location.uri(), then_sync=True)

    def pair_for(self, location: Location) -> SyncPair | None:
        """The pair of this profile already made for ``location`` (the one run last, if several)."""
        prefix = normalise_prefix(location.prefix)
        pairs = [p for p in self.store.pairs(self.profile_name) if p.bucket == location.bucket and p.prefix == prefix]
        return max(pairs, key=lambda p: p.last_run.finished_at) if pairs else None

    def _selected_location(self) -> Location:
        here = self.listing.location
        if not here.bucket:
            buckets = self.listing.selected_buckets()
            return Location(buckets[0]) if len(buckets) == 1 else here
        _keys, folders = self.listing.selected_keys_and_folders()
        return Location(here.bucket, folders[0]) if len(folders) == 1 else here

    def new_pair(self, uri: str = "", then_sync: bool = False) -> SyncPairDialog | None:
        if self.ctx.connection is None:
            self.ctx.show_error("Connect first: a sync pair belongs to a connection.")
            return None
        if not uri and self.listing.location.bucket:
            uri = self.listing.location.uri()
        return self._open_pair_dialog(SyncPairDialog(self.ctx.dialog_parent, self.profile_name, uri=uri), None,
                                      then_sync)

    def edit_pair(self, pair: SyncPair) -> SyncPairDialog:
        return self._open_pair_dialog(SyncPairDialog(self.ctx.dialog_parent, pair.profile, pair=pair), pair, False)

    def _open_pair_dialog(self, dialog: SyncPairDialog, old: SyncPair | None, then_sync: bool) -> SyncPairDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._pair_saved(dialog.pair(), old, then_sync))
        dialog.open()
        self.pair_dialog = dialog
        return dialog

    def _pair_saved(self, pair: SyncPair, old: SyncPair | None, then_sync: bool) -> None:
        if not self.store.save(pair, old):
            self.ctx.show_error(self.store.problem)
            return
        self.reload()
        self.panel.select_pair(pair.id)
        self.panel.show()
        if then_sync:
            self.sync_pair(pair)

    def remove_pair(self, pair: SyncPair) -> None:
        if not interaction.confirm(self.ctx.dialog_parent, "Remove sync pair",
                                   f"Remove the pair “{pair.name}” and forget its sync state? No file or object "
                                   "is touched; its run logs are kept."):
            return
        self.store.delete(pair)
        self.ctx.runner.run("forget sync state", _forget_baseline, pair.id, owner=self,
                            on_error=lambda exc: self.ctx.report(exc))
        self.reload()
        self.ctx.show_message(f"Removed the sync pair “{pair.name}”.")

    def forget_state(self, pair: SyncPair) -> None:
        if not interaction.confirm(
                self.ctx.dialog_parent, "Forget sync state",
                f"Forget what the last syncs of “{pair.name}” recorded? No file or object is touched. The next "
                "run compares both sides afresh: a two-way run then carries no deletions, and files that differ "
                "become conflicts for you to resolve."):
            return
        self.ctx.runner.run("forget sync state", _forget_baseline, pair.id, owner=self,
                            on_result=lambda _r: self.ctx.show_message(f"Forgot the sync state of “{pair.name}”."),
                            on_error=lambda exc: self.ctx.report(exc))

    def open_log(self, pair: SyncPair) -> None:
        path = latest_run_log(pair.id)
        if path is None:
            self.ctx.show_message(f"“{pair.name}” has not been synced yet: there is no log.")
            return
        self.ctx.show_message(f"Log of the last run: {path}")
        open_path(path)

    # ---------------------------------------------------------------- runs
    def sync_pair(self, pair: SyncPair) -> SyncPreviewDialog | None:
        """Plan ``pair`` and show the preview; nothing changes until its start button is pressed."""
        conn = self.ctx.connection
        if conn is None or conn.profile.name != pair.profile:
            self.ctx.show_error(f"Connect to “{pair.profile}” first: the pair “{pair.name}” belongs to it.")
            return None
        dialog = SyncPreviewDialog(self.ctx, conn, pair)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.start_requested.connect(self.start_run)
        dialog.open()
        dialog.start_planning()
        self.preview = dialog
        return dialog

    def start_run(self, run: PreparedRun) -> None:
        """Carry out a confirmed plan: in-step paths recorded, then the items queued as one batch."""
        conn = self.ctx.connection
        if conn is None or conn.profile.name != run.pair.profile:
            self.ctx.show_error("The connection changed before the sync started; nothing was changed.")
            return
        self.ctx.show_message(f"Starting sync of “{run.pair.name}”…")
        self.ctx.runner.run("prepare sync", _prepare, run, conn, conn.profile.soft_delete, on_result=self._queue,
                            on_error=lambda exc: self.ctx.report(exc, bucket=run.pair.bucket))

    def _queue(self, queued: QueuedSyncRun) -> None:
        jobs = queued.jobs()
        if not jobs:
            self._record(queued, [])
            self.ctx.show_message(f"“{queued.pair.name}” is in step; nothing to do.")
            queued.close()
            return
        batch = self.ctx.transfers.add_jobs(jobs)
        self.runs[batch] = queued
        self.ctx.reveal_transfers()
        self.ctx.show_message(f"Syncing “{queued.pair.name}”: {count_of(len(jobs), 'item')} queued.")

    def _on_batch_done(self, batch: int) -> None:
        queued = self.runs.get(batch)
        if queued is not None:
            self._record(queued, self.ctx.transfers.batch_items(batch))

    def _record(self, queued: QueuedSyncRun, rows: list) -> None:
        last = queued.finish(rows)
        saved = next((p for p in self.store.pairs(queued.pair.profile) if p.id == queued.pair.id), None)
        if saved is not None:
            queued.pair = self.store.record_run(saved, last)
            self.reload()
