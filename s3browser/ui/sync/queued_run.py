"""A confirmed sync plan carried out through the transfer queue: one queue row per item.

Each row is a core :class:`~s3browser.core.sync.jobs.SyncItemJob`, which the queue sends to the
transfer worker like any transfer (checked against the plan just before it runs, baseline row
written and run-log line appended as it ends), so the queue's pause, cancel and retry apply to sync
items as to any transfer.  When the batch ends the log gets its end line and the pair its *last run*.
"""

from __future__ import annotations

import time
from pathlib import Path

from s3browser.core.s3.connection import Connection
from s3browser.core.sync.apply import ApplyReport, Outcome, SyncTarget
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.jobs import SyncItemJob, SyncTargetSpec
from s3browser.core.sync.pairs import LastRun, SyncPair
from s3browser.core.sync.plan import Action
from s3browser.core.sync.run import PreparedRun
from s3browser.core.sync.runlog import RunLog
from s3browser.core.transfers.queue_items import Direction, State, TransferItem

DIRECTIONS = {Action.UPLOAD: Direction.UPLOAD, Action.DOWNLOAD: Direction.DOWNLOAD,
              Action.DELETE_REMOTE: Direction.DELETE_REMOTE, Action.DELETE_LOCAL: Direction.DELETE_LOCAL,
              Action.CONFLICT: Direction.CONFLICT}


class QueuedSyncRun:
    """One confirmed run of a pair: its target (connection, baseline), its log, its queue batch."""

    def __init__(self, run: PreparedRun, target: SyncTarget) -> None:
        self.pair: SyncPair = run.pair
        self.prepared = run
        self.target = target
        self.title = f"Sync “{run.pair.name}”"
        self.log = RunLog(run.pair.id, run.pair.local, run.pair.uri, run.plan)
        self.items = run.plan.selected()

    def jobs(self) -> list[tuple[SyncItemJob, Direction, str, str, Path | None, int]]:
        target = self.target
        spec = SyncTargetSpec(target.bucket, target.prefix, str(target.root), self.pair.id, target.soft_delete,
                              str(self.log.path))
        return [(SyncItemJob(self.title, spec, item), DIRECTIONS[item.effective_action], target.bucket,
                 target.key(item.remote_path), target.local_path(item.local_path), item.size) for item in self.items]

    def finish(self, rows: list[TransferItem]) -> LastRun:
        """Close the log's account of the run and say what it did (rows: this run's queue rows)."""
        report = ApplyReport()
        for row in rows:
            if not isinstance(row.job, SyncItemJob):
                continue
            status = {State.DONE: "done", State.SKIPPED: "skipped"}.get(row.state, "failed")
            if row.state == State.CANCELLED:
                report.cancelled = True
                continue
            report.outcomes.append(Outcome(row.job.item, status, row.error))
        self.log.finish(report)
        parts = [f"{report.done:,} done"]
        if report.skipped:
            parts.append(f"{report.skipped:,} skipped")
        if report.failed:
            parts.append(f"{report.failed:,} failed")
        if report.cancelled:
            parts.append("cancelled")
        return LastRun(time.time(), report.done, report.skipped, report.failed, ", ".join(parts))

    def close(self) -> None:
        self.target.baseline.close()


def open_target(run: PreparedRun, conn: Connection, soft_delete: bool) -> SyncTarget:
    """Where the run is carried out, with the pair's baseline opened for it (closed by ``close``)."""
    pair = run.pair
    return SyncTarget(conn, pair.bucket, pair.prefix, run.local.root, Baseline(pair.id),  # the folder the plan saw
                      soft_delete)
