"""One run of a pair, from both scans to the guard's verdict: what the preview and the command line share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_missing_key
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.guard import GuardVerdict, check_guard
from s3browser.core.sync.ignore import IgnoreRules
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Compare, ContentCheck, Mode, SyncPlan, plan_sync
from s3browser.core.sync.scan import KEPT, WHOLE_SCAN, LocalScan, RemoteScan, scan_local, scan_remote
from s3browser.core.transfers.mtime import MTIME_METADATA, metadata_value, parse_mtime


@dataclass
class PreparedRun:
    pair: SyncPair
    plan: SyncPlan
    verdict: GuardVerdict
    local: LocalScan
    remote: RemoteScan
    deletes_permanently: bool  # no soft delete and no versioning: an S3 deletion cannot be undone


def remote_mtime_reader(conn: Connection, bucket: str, prefix: str) -> Callable[[str], float | None]:
    """The ``mtime`` metadata of one object (a HEAD): asked only for same-size files with no baseline."""
    def read(path: str) -> float | None:
        try:
            head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=prefix + path))
        except ClientError as exc:
            if is_missing_key(exc):
                return None
            raise
        stamp = parse_mtime(metadata_value(head.get("Metadata", {}), MTIME_METADATA), where=prefix + path)
        return None if stamp is None else stamp / 1e9
    return read


def remote_checksum_reader(conn: Connection, bucket: str, prefix: str) -> Callable[[str], dict]:
    """A HEAD with the object's additional checksums asked for: only when its ETag cannot prove equality.
    A server that cannot answer it (or an object gone meanwhile) gives {}: nothing proven."""
    def read(path: str) -> dict:
        try:
            head: dict = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=prefix + path,
                                                                   ChecksumMode="ENABLED"))
        except ClientError:
            return {}
        return head
    return read


def bucket_is_versioned(conn: Connection, bucket: str) -> bool:
    try:
        status = conn.call(bucket, lambda c: c.get_bucket_versioning(Bucket=bucket)).get("Status", "")
    except ClientError:
        return False  # not allowed to ask, or not supported: assume deletions are permanent
    return status == "Enabled"


def local_root(folder: str | Path) -> Path:
    """The pair's folder with a link at the root followed (``~/Documents`` -> ``/data/docs``), so the
    scan and every write go to the one folder the plan saw.  A folder that is missing, or is not a
    folder, is an error in every mode: an empty plan there would read as "in step"."""
    given = Path(folder).expanduser()
    try:
        resolved = given.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise S3BrowserError(f"The folder {given} does not exist.", kind="missing-folder") from None
    if not resolved.is_dir():
        raise S3BrowserError(f"The folder {given} does not exist (that path is a file).",
                             kind="missing-folder")
    return resolved


def prepare_run(conn: Connection, pair: SyncPair, baseline: Baseline, soft_delete: bool = False,
                local_progress: Callable[[int], None] | None = None,
                remote_progress: Callable[[int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> PreparedRun:
    """Walk the folder and list the prefix side by side, then plan and check the guard."""
    ignore = IgnoreRules(pair.ignore)
    root = local_root(pair.local)
    abandoned = threading.Event()  # the caller was interrupted (Ctrl+C): the scans stop too

    def stop() -> bool:
        return abandoned.is_set() or (should_stop is not None and should_stop())

    with ThreadPoolExecutor(2, thread_name_prefix="s3b-sync-scan") as pool:
        try:
            local_future = pool.submit(scan_local, root, ignore, local_progress, stop)
            remote_future = pool.submit(scan_remote, conn, pair.bucket, pair.prefix, ignore, remote_progress, stop)
            local, remote = local_future.result(), remote_future.result()
        except BaseException:
            abandoned.set()
            raise
    unreadable = local.problems.get(WHOLE_SCAN, "")
    if unreadable.startswith("cannot be read"):  # the root itself: a run could only ever do nothing
        raise S3BrowserError(f"The folder {root} {unreadable.removesuffix('; ' + KEPT)}.", kind="local")
    entries = baseline.load()
    check = ContentCheck(root, pair.compare,
                         remote_mtime_reader(conn, pair.bucket, pair.prefix) if pair.compare == Compare.SIZE_TIME
                         else None, remote_checksum_reader(conn, pair.bucket, pair.prefix))
    plan = plan_sync(pair.mode, local, remote, entries, check, pair.conflict)
    if baseline.problem:
        plan.notes.append(baseline.problem)
    elif not entries and pair.last_run.finished_at and pair.mode == Mode.TWO_WAY:
        plan.notes.append("Sync state missing: deletions are not carried this run (the pair has run before, but "
                          "the record of its last run is gone); differences are shown as conflicts.")
    verdict = check_guard(plan, local, remote)
    permanent = not soft_delete and bool(plan.remote_deletions()) and not bucket_is_versioned(conn, pair.bucket)
    return PreparedRun(pair, plan, verdict, local, remote, permanent)


@dataclass
class ScanProgress:
    """Files walked and objects listed so far: written by the scan threads, read by whoever shows it."""

    walked: int = 0
    listed: int = 0

    def set_walked(self, count: int) -> None:
        self.walked = count

    def set_listed(self, count: int) -> None:
        self.listed = count


def plan_pair(conn: Connection, pair: SyncPair, soft_delete: bool = False, progress: ScanProgress | None = None,
              should_stop: Callable[[], bool] | None = None) -> PreparedRun:
    """Plan one run of ``pair`` with its own baseline: what the preview runs on a worker."""
    with Baseline(pair.id) as baseline:
        return prepare_run(conn, pair, baseline, soft_delete,
                           progress.set_walked if progress is not None else None,
                           progress.set_listed if progress is not None else None, should_stop)
