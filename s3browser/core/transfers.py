"""Uploads and downloads over s3transfer: one shared manager, progress, cancel, safe downloads.

s3transfer does multipart and parallel parts; when an upload is cancelled or fails it aborts its
multipart upload, so no orphaned parts are left.  Downloads go to a temporary file in the target
folder and are renamed into place only when complete and verified (size, and MD5 where the ETag is
one); the local modification time is then set from LastModified.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import mimetypes
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from s3transfer.manager import TransferConfig, TransferManager
from s3transfer.subscribers import BaseSubscriber

from s3browser.core.connection import Connection
from s3browser.core.errors import S3BrowserError

log = logging.getLogger(__name__)

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
DEFAULT_PARALLEL_PARTS = 10
STORAGE_CLASSES = ("", "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
                   "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")
_PLAIN_MD5_ETAG = re.compile(r'^"?([0-9a-f]{32})"?$')


class Overwrite(enum.Enum):
    ASK = "ask"
    OVERWRITE = "overwrite"
    SKIP = "skip existing"
    IF_DIFFERENT = "only if different"


@dataclass
class UploadOptions:
    overwrite: Overwrite = Overwrite.ASK
    storage_class: str = ""  # empty: the server's default
    content_type: str = ""  # empty: detected per file
    metadata: dict[str, str] = field(default_factory=dict)
    part_size: int = DEFAULT_PART_SIZE
    parallel_parts: int = DEFAULT_PARALLEL_PARTS

    def extra_args(self, path: Path) -> dict[str, Any]:
        extra: dict[str, Any] = {"ContentType": self.content_type or guess_content_type(path.name)}
        if self.storage_class:
            extra["StorageClass"] = self.storage_class
        if self.metadata:
            extra["Metadata"] = dict(self.metadata)
        return extra


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def validate_part_settings(part_size: int, parallel_parts: int, largest_file: int = 0) -> str | None:
    """Why these multipart settings cannot work, or None."""
    if part_size < MIN_PART_SIZE:
        return "The part size must be at least 5 MiB (an S3 limit)."
    if part_size > MAX_PART_SIZE:
        return "The part size must be at most 5 GiB (an S3 limit)."
    if not 1 <= parallel_parts <= 64:
        return "Parallel parts must be between 1 and 64."
    if largest_file and -(-largest_file // part_size) > MAX_PARTS:
        needed = -(-largest_file // MAX_PARTS)
        return (f"The largest file would need more than {MAX_PARTS:,} parts; use parts of at least "
                f"{-(-needed // MiB)} MiB.")
    return None


def needs_upload(policy: Overwrite, local_size: int, local_mtime: float,
                 remote: tuple[int, float] | None) -> bool:
    """Whether a file should be uploaded over what exists (``remote`` is (size, mtime) or None)."""
    if remote is None or policy == Overwrite.OVERWRITE:
        return True
    if policy == Overwrite.SKIP:
        return False
    if policy == Overwrite.IF_DIFFERENT:
        remote_size, remote_mtime = remote
        return remote_size != local_size or local_mtime > remote_mtime + 1
    raise ValueError("ASK must be resolved to another policy before uploading")


class Progress(BaseSubscriber):
    """Counts bytes from s3transfer's threads; the GUI reads ``done`` when it refreshes."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._lock = threading.Lock()

    def on_queued(self, future: Any, **kwargs: Any) -> None:
        if self.total:
            future.meta.provide_transfer_size(self.total)

    def on_progress(self, future: Any, bytes_transferred: int, **kwargs: Any) -> None:
        with self._lock:
            self.done = max(0, self.done + bytes_transferred)


class TransferEngine:
    """One s3transfer manager per (part size, parallel parts), shared by all transfers of a connection."""

    def __init__(self, connection: Connection, max_concurrent_files: int = 10) -> None:
        self.connection = connection
        self._max_files = max_concurrent_files
        self._managers: dict[tuple[int, int], TransferManager] = {}
        self._lock = threading.Lock()

    def _manager(self, part_size: int = DEFAULT_PART_SIZE, parallel: int = DEFAULT_PARALLEL_PARTS) -> TransferManager:
        key = (part_size, parallel)
        with self._lock:
            manager = self._managers.get(key)
            if manager is None:
                config = TransferConfig(multipart_threshold=part_size, multipart_chunksize=part_size,
                                        max_request_concurrency=max(parallel, self._max_files),
                                        max_submission_concurrency=5,
                                        max_request_queue_size=1000, max_submission_queue_size=1000)
                manager = TransferManager(self.connection.client, config)
                self._managers[key] = manager
            return manager

    def upload(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
               on_done: Callable[[BaseException | None], None]) -> Any:
        """Start an upload; ``on_done(error_or_None)`` is called on an s3transfer thread."""
        stat_before = path.stat()
        manager = self._manager(options.part_size, options.parallel_parts)
        future = manager.upload(str(path), bucket, key, extra_args=options.extra_args(path),
                                subscribers=[progress, _Done(lambda error: on_done(
                                    error or _changed_during_upload(path, stat_before)))])
        return future

    def download(self, bucket: str, key: str, target: Path, size: int, etag: str, mtime: float,
                 progress: Progress, on_done: Callable[[BaseException | None], None]) -> Any:
        """Download to a temporary file beside ``target``; verify; rename; set mtime."""
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.s3b-partial")

        def finish(error: BaseException | None) -> None:
            try:
                if error is None:
                    _verify(temp, size, etag)
                    os.utime(temp, (mtime, mtime))
                    os.replace(temp, target)
            except BaseException as exc:  # verification or rename failed: report it
                error = exc
            if error is not None:
                temp.unlink(missing_ok=True)
            on_done(error)

        return self._manager().download(bucket, key, str(temp), subscribers=[progress, _Done(finish)])

    def shutdown(self, cancel: bool = True) -> None:
        with self._lock:
            managers = list(self._managers.values())
            self._managers.clear()
        for manager in managers:
            manager.shutdown(cancel=cancel)


class _Done(BaseSubscriber):
    def __init__(self, callback: Callable[[BaseException | None], None]) -> None:
        self._callback = callback

    def on_done(self, future: Any, **kwargs: Any) -> None:
        try:
            future.result()
            error = None
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as data
            error = exc
        self._callback(error)


def _changed_during_upload(path: Path, before: os.stat_result) -> BaseException | None:
    try:
        after = path.stat()
    except OSError as exc:
        return exc
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return S3BrowserError(f"{path.name} changed while it was being uploaded; retry to upload the new version.",
                              kind="changed")
    return None


def _verify(temp: Path, size: int, etag: str) -> None:
    actual = temp.stat().st_size
    if actual != size:
        raise S3BrowserError(f"The download is incomplete ({actual:,} of {size:,} bytes).", kind="verify")
    match = _PLAIN_MD5_ETAG.match(etag or "")
    if match:
        digest = hashlib.md5(usedforsecurity=False)
        with open(temp, "rb") as handle:
            for chunk in iter(lambda: handle.read(4 * MiB), b""):
                digest.update(chunk)
        if digest.hexdigest() != match.group(1):
            raise S3BrowserError("The downloaded data does not match the object's checksum (MD5).", kind="verify")


def wait_all(futures: list[Any], timeout: float = 600) -> None:
    """Block until every future is done (for scripts and tests of the core API)."""
    deadline = time.monotonic() + timeout
    for future in futures:
        while not future.done():
            if time.monotonic() > deadline:
                raise TimeoutError("transfers did not finish in time")
            time.sleep(0.01)
