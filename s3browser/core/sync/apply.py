"""Carrying out a sync plan, one item at a time, each checked against the plan just before it runs.

An item whose source or destination changed since the plan (size and mtime locally, ETag on S3)
is skipped and reported, never overwritten.  Local files a sync deletes or replaces go to the
desktop trash (send2trash), never unlinked; objects go to the profile's trash prefix when soft
delete is on, otherwise DeleteObject (a delete marker in a versioned bucket).  The baseline row of
an item is written as soon as it succeeds.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from botocore.exceptions import ClientError
from send2trash import send2trash

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.content_types import guess_content_type
from s3browser.core.local.paths import split_extension
from s3browser.core.local.writes import TargetFolder
from s3browser.core.ops.trash import move_to_trash
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe, is_missing_key, is_precondition_failed
from s3browser.core.sync.baseline import Baseline, BaselineEntry
from s3browser.core.sync.plan import Action, Resolution, SyncItem, SyncPlan
from s3browser.core.sync.scan import LocalEntry, RemoteEntry
from s3browser.core.transfers.conditional import ObjectChanged, check_key
from s3browser.core.transfers.mtime import MTIME_METADATA, format_mtime
from s3browser.core.transfers.multipart import FileChangedError
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.routes import download_file, upload_file

log = logging.getLogger(__name__)

__all__ = ["MTIME_METADATA", "ApplyReport", "ChangedSincePlan", "Outcome", "SyncTarget", "apply_item", "apply_plan",
           "adopt_in_step", "conflict_name", "make_folders"]


# One error for "not what the plan saw; skipped, nothing overwritten", whether sync or the upload
# route found it out.
ChangedSincePlan = ObjectChanged


@dataclass(frozen=True)
class Outcome:
    item: SyncItem
    status: str  # "done", "skipped" (changed since the plan) or "failed"
    message: str = ""


@dataclass
class ApplyReport:
    outcomes: list[Outcome] = field(default_factory=list)
    cancelled: bool = False
    interrupted: bool = False  # Ctrl+C: the running items finished, nothing more was started

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def done(self) -> int:
        return self.count("done")


@dataclass
class SyncTarget:
    """Where a plan is carried out."""

    conn: Connection
    bucket: str
    prefix: str
    root: Path
    baseline: Baseline
    soft_delete: bool = False

    def key(self, path: str) -> str:
        return self.prefix + path

    def local_path(self, path: str) -> Path:
        return self.root.joinpath(*path.split("/"))


# ---------------------------------------------------------------- checks against the plan
def _local_now(target: SyncTarget, path: str) -> LocalEntry | None:
    try:
        info = os.stat(target.local_path(path), follow_symlinks=False)
    except FileNotFoundError:
        return None
    return LocalEntry(info.st_size, info.st_mtime_ns)


def _check_local(target: SyncTarget, path: str, planned: LocalEntry | None) -> None:
    now = _local_now(target, path)
    if now != planned:
        raise ChangedSincePlan("changed locally since the plan was made; skipped, nothing overwritten")


def _check_remote(target: SyncTarget, path: str, planned: RemoteEntry | None) -> None:
    check_key(target.conn, target.bucket, target.key(path), None if planned is None else planned.etag)


# ---------------------------------------------------------------- steps
def _upload(target: SyncTarget, path: str, local_name: str, remote_name: str, planned_local: LocalEntry | None,
            planned_remote: RemoteEntry | None) -> None:
    """Upload the file at ``local_name`` to the key of ``remote_name``; the baseline row is ``path``'s.

    Through the one upload route, conditional on the key being what the plan saw (absent, or the
    planned ETag), and refusing a path that is no longer a regular file."""
    _check_local(target, local_name, planned_local)
    source = target.local_path(local_name)
    key = target.key(remote_name)
    try:
        mtime_ns = os.stat(source, follow_symlinks=False).st_mtime_ns
        options = UploadOptions(Overwrite.OVERWRITE, content_type=guess_content_type(local_name),
                                metadata={MTIME_METADATA: format_mtime(mtime_ns)})
        done = upload_file(target.conn, target.bucket, key, source, options,
                           expect=None if planned_remote is None else planned_remote.etag,
                           probe_prefix=target.prefix, follow_links=False)
    except ChangedSincePlan:
        raise
    except (FileChangedError, FileNotFoundError):
        raise ChangedSincePlan("changed locally while it was uploaded; skipped, nothing overwritten") from None
    except S3BrowserError as exc:
        if exc.kind == "changed":  # the file changed while it was read or sent
            raise ChangedSincePlan("changed locally while it was uploaded; run the sync again to upload the "
                                   "new version") from None
        raise
    target.baseline.record(path, BaselineEntry(done.size, done.mtime_ns, done.etag, done.size, time.time(),
                                               done.version_id))


def _download(target: SyncTarget, path: str, remote_name: str, planned_remote: RemoteEntry,
              planned_local: LocalEntry | None, local_name: str, record: bool = True) -> None:
    """Download the object at ``remote_name`` to ``local_name`` through the one download route (verified,
    below the pair's folder, If-Match the planned ETag), replacing a file only if it is still what
    the plan saw; the replaced file goes to the trash.  The baseline row is ``path``'s."""
    _check_local(target, local_name, planned_local)
    destination = target.local_path(local_name)

    def before_commit() -> None:
        if planned_local is not None:
            _check_local(target, local_name, planned_local)
            send2trash(destination)  # replaced files stay recoverable

    try:
        done = download_file(target.conn, target.bucket, target.key(remote_name), destination, root=target.root,
                             size=planned_remote.size, etag=planned_remote.etag, before_commit=before_commit)
    except ClientError as exc:
        if is_precondition_failed(exc) or is_missing_key(exc):
            raise ChangedSincePlan("changed on S3 since the plan was made; skipped") from None
        raise
    except S3BrowserError as exc:
        if exc.kind == "changed" and not isinstance(exc, ChangedSincePlan):
            raise ChangedSincePlan("changed on S3 since the plan was made; skipped") from None
        raise
    if record:
        now = _local_now(target, local_name)
        assert now is not None
        target.baseline.record(path, BaselineEntry(now.size, now.mtime_ns, planned_remote.etag,
                                                   planned_remote.size, planned_remote.mtime, done.version_id))


def _delete_local(target: SyncTarget, path: str, local_name: str, planned: LocalEntry) -> None:
    _check_local(target, local_name, planned)
    send2trash(target.local_path(local_name))
    target.baseline.forget([path])


def _delete_remote(target: SyncTarget, path: str, remote_name: str, planned: RemoteEntry) -> None:
    _check_remote(target, remote_name, planned)
    key = target.key(remote_name)
    if target.soft_delete:
        for result in move_to_trash(target.conn, target.bucket, {key: planned.size}):
            if result.failures:
                raise S3BrowserError(result.failures[0][2])
    else:
        target.conn.call(target.bucket, lambda c: c.delete_object(Bucket=target.bucket, Key=key))
    target.baseline.forget([path])


def conflict_name(path: str, when: float) -> str:
    """``docs/a.txt`` -> ``docs/a (S3 conflict 2026-11-21 0830).txt`` (local time of the S3 copy)."""
    folder, _, name = path.rpartition("/")
    stem, suffix = split_extension(name)
    stamp = datetime.fromtimestamp(when).strftime("%Y-%m-%d %H%M")
    renamed = f"{stem} (S3 conflict {stamp}){suffix}"
    return f"{folder}/{renamed}" if folder else renamed


def _keep_both(target: SyncTarget, item: SyncItem) -> str:
    if item.remote is not None and item.local is not None:
        copy = conflict_name(item.local_path, item.remote.mtime)
        if _local_now(target, copy) is not None:
            raise ChangedSincePlan(f"“{copy}” already exists; resolve this conflict by hand")
        _download(target, conflict_name(item.path, item.remote.mtime), item.remote_path, item.remote, None,
                  local_name=copy, record=False)
        _upload(target, item.path, item.local_path, item.remote_path, item.local, item.remote)
        now = _local_now(target, copy)
        _upload(target, conflict_name(item.path, item.remote.mtime), copy, copy, now, None)
        return f"the S3 version was kept as “{copy.rpartition('/')[2]}”"
    if item.local is not None:  # changed locally, deleted on S3: the changed side is kept
        _upload(target, item.path, item.local_path, item.remote_path, item.local, None)
        return "uploaded again"
    assert item.remote is not None  # changed on S3, deleted locally
    _download(target, item.path, item.remote_path, item.remote, None, item.local_path)
    return "downloaded again"


def apply_item(target: SyncTarget, item: SyncItem) -> str:
    """Carry out one item; returns a note for the log ("" when there is nothing to add)."""
    action = item.action
    if action == Action.CONFLICT:
        resolution = item.resolution or Resolution.KEEP_BOTH
        if resolution == Resolution.SKIP:
            return "skipped as chosen"
        if resolution == Resolution.KEEP_BOTH:
            return _keep_both(target, item)
        if resolution == Resolution.LOCAL:
            action = Action.UPLOAD if item.local is not None else Action.DELETE_REMOTE
        else:
            action = Action.DOWNLOAD if item.remote is not None else Action.DELETE_LOCAL
    if action == Action.UPLOAD:
        _upload(target, item.path, item.local_path, item.remote_path, item.local, item.remote)
    elif action == Action.DOWNLOAD:
        assert item.remote is not None
        _download(target, item.path, item.remote_path, item.remote, item.local, item.local_path)
    elif action == Action.DELETE_LOCAL and item.restore:  # deleted on S3, put back as chosen
        assert item.local is not None
        _upload(target, item.path, item.local_path, item.remote_path, item.local, None)
        return "put back on S3 as chosen"
    elif action == Action.DELETE_REMOTE and item.restore:  # deleted locally, downloaded again as chosen
        assert item.remote is not None
        _download(target, item.path, item.remote_path, item.remote, None, item.local_path)
        return "downloaded again as chosen"
    elif action == Action.DELETE_LOCAL:
        assert item.local is not None
        _delete_local(target, item.path, item.local_path, item.local)
    elif action == Action.DELETE_REMOTE:
        assert item.remote is not None
        _delete_remote(target, item.path, item.remote_path, item.remote)
    return ""


def adopt_in_step(target: SyncTarget, plan: SyncPlan) -> None:
    """Paths found equal on both sides (no baseline yet) and paths gone from both join the baseline."""
    target.baseline.record_many(
        (path, BaselineEntry(local.size, local.mtime_ns, remote.etag, remote.size, remote.mtime))
        for path, (local, remote) in plan.in_step.items())
    target.baseline.forget(plan.stale)


def make_folders(target: SyncTarget, plan: SyncPlan) -> None:
    for folder in plan.folders:
        try:
            with TargetFolder(target.root, target.local_path(folder + "/.keep")):
                pass  # opening it makes every folder on the way, links not followed
        except S3BrowserError as exc:
            log.warning("folder marker %s not made: %s", folder, exc)


def apply_plan(target: SyncTarget, plan: SyncPlan, workers: int = 8,
               on_outcome: Callable[[Outcome], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> ApplyReport:
    """Run the selected items of ``plan``, ``workers`` at a time; a failed item never stops the others.

    A KeyboardInterrupt while waiting is not raised: the report says ``interrupted``."""
    report = ApplyReport()
    lock = threading.Lock()
    adopt_in_step(target, plan)
    make_folders(target, plan)

    interrupted = threading.Event()

    def run(item: SyncItem) -> None:
        if interrupted.is_set():
            return
        if should_stop is not None and should_stop():
            report.cancelled = True
            return
        try:
            note = apply_item(target, item)
            outcome = Outcome(item, "done", note)
        except ChangedSincePlan as exc:
            outcome = Outcome(item, "skipped", exc.message)
        except Exception as exc:  # noqa: BLE001 - reported per item; the rest goes on
            log.info("sync item %s failed", item.path, exc_info=True)
            outcome = Outcome(item, "failed", describe(exc, bucket=target.bucket, key=target.key(item.path)).message)
        with lock:
            report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="s3b-sync")
    try:
        for future in [pool.submit(run, item) for item in plan.selected()]:
            future.result()
    except KeyboardInterrupt:
        # Ctrl+C reaches the thread waiting here: start nothing more, let the running items finish
        # (each cleans up its own temporary file and writes its baseline row), then say so.
        interrupted.set()
        report.interrupted = True
        pool.shutdown(wait=True, cancel_futures=True)
    else:
        pool.shutdown(wait=True)
    return report
