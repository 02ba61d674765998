"""Uploads, downloads and server-side copies for one connection: progress, cancel, nothing half-done.

* Small files go to ``put_object`` as bytes; larger ones through :mod:`multipart_upload`, the one
  multipart uploader (journaled, resumable, checked for edits before it completes).  Both send
  through awscrt (:mod:`crt_transport`) when it is there, with botocore as the fallback.
* Downloads use parallel ranged GETs (:mod:`ranged_download`) into a temporary file created with ``O_EXCL`` under a
  random name in a folder opened without following links (:mod:`local_writes`); the file is
  verified, renamed into place, and the final file checked before success is reported.  A large
  download that is interrupted keeps its temporary file and how much of it is complete, and
  resumes with a ranged GET guarded by ``If-Match``.
* Completion (``on_done``) is called exactly once on every path, failures included.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from s3transfer.subscribers import BaseSubscriber

from s3browser.core.local.content_types import guess_content_type
from s3browser.core.local.writes import TargetFolder
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import S3BrowserError
from s3browser.core.transfers.crt_transport import CrtFailure, CrtTransport, headers_for
from s3browser.core.transfers.journal import (
    JournalEntry,
    PartialDownload,
    UploadJournal,
)
from s3browser.core.transfers.multipart import MemoryBudget, MultipartUploader
from s3browser.core.transfers.ranged_download import (
    READ_CHUNK,
    TrackedFile,
    download_ranges,
    get_unchanged,
    wants_md5,
)
from s3browser.core.transfers.server_copy import copy_object, delete_source
from s3browser.core.transfers.verification import ObjectFacts, verify_download

log = logging.getLogger(__name__)

MiB = 1024 * 1024
GiB = 1024 * MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_SIZE = 5 * GiB
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
DEFAULT_PARALLEL_PARTS = 10
INLINE_START_LIMIT = 256 * 1024  # with start_small_inline: fast-path uploads this small start on the caller's thread
DOWNLOAD_PART_SIZE = 32 * MiB
DOWNLOAD_CONCURRENCY = 4
SINGLE_PUT_LIMIT = 64 * MiB  # a file below its part size and this size goes up in one PutObject
RESUMABLE_DOWNLOAD_SIZE = DOWNLOAD_PART_SIZE  # larger downloads keep their temporary file when interrupted
DOWNLOAD_JOURNAL_STEP = 16 * MiB  # how often a running download records its complete prefix
STORAGE_CLASSES = ("", "STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
                   "GLACIER", "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")


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

    def to_dict(self) -> dict[str, Any]:
        return {"overwrite": self.overwrite.value, "storage_class": self.storage_class,
                "content_type": self.content_type, "metadata": dict(self.metadata),
                "part_size": self.part_size, "parallel_parts": self.parallel_parts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UploadOptions:
        return cls(Overwrite(data.get("overwrite", Overwrite.OVERWRITE.value)), data.get("storage_class", ""),
                   data.get("content_type", ""), dict(data.get("metadata", {})),
                   int(data.get("part_size", DEFAULT_PART_SIZE)),
                   int(data.get("parallel_parts", DEFAULT_PARALLEL_PARTS)))

    def extra_args(self, path: Path) -> dict[str, Any]:
        extra: dict[str, Any] = {"ContentType": self.content_type or guess_content_type(path.name)}
        if self.storage_class:
            extra["StorageClass"] = self.storage_class
        if self.metadata:
            extra["Metadata"] = dict(self.metadata)
        return extra


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


def read_whole(path: Path, size: int) -> bytes:
    """The file's bytes, read up to one byte past ``size`` so a file that grew is noticed.

    ``os.open``/``os.read`` rather than ``Path.read_bytes``: no buffered file object per small file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        chunks = []
        left = size + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


class TransferHandle:
    """One running transfer as the caller sees it: cancel it, ask whether it is done."""

    def __init__(self, bucket: str, key: str) -> None:
        self.bucket = bucket
        self.key = key
        self.cancelled = False
        self.interrupted = False  # paused or quitting: a multipart upload keeps its parts, a download its file
        self.upload_id = ""  # set when a multipart upload starts
        self.resumed_bytes = 0  # bytes already there (on the server, or on disk) when this transfer resumed
        self._future: Any = None
        self._finished = False  # set once by its completion (a plain flag: an Event per small file cost CPU)

    def cancel(self) -> None:
        """Stop it; a multipart upload the user cancels is aborted, so no parts stay behind."""
        self.cancelled = True
        if self._future is not None:
            self._future.cancel()

    def interrupt(self) -> None:
        """Stop it but keep what is done, so the next transfer of the same file resumes."""
        self.interrupted = True
        if self._future is not None:
            self._future.cancel()

    @property
    def stopping(self) -> bool:
        return self.cancelled or self.interrupted

    def done(self) -> bool:
        return self._finished


class _Started(Exception):
    """Raised by work that has handed itself on (to a CRT request): it is not finished yet."""


class _Completion:
    """Calls ``on_done`` exactly once, whatever path the transfer ends on."""

    def __init__(self, engine: TransferEngine, handle: TransferHandle,
                 on_done: Callable[[BaseException | None], None]) -> None:
        self._engine = engine
        self._handle = handle
        self._on_done = on_done
        self._lock = threading.Lock()
        self._called = False
        engine._live.add(handle)

    def __call__(self, error: BaseException | None) -> None:
        with self._lock:
            if self._called:
                return
            self._called = True
        self._engine._live.discard(self._handle)
        self._handle._finished = True
        try:
            self._on_done(error)
        except Exception:  # noqa: BLE001 - a failing callback must not kill the worker thread
            log.exception("transfer completion callback failed")


class TransferEngine:
    """Runs transfers for one connection.

    Files up to ``small_file_limit`` (and any file smaller than its part size, up to
    ``SINGLE_PUT_LIMIT``) go to ``put_object`` as bytes; larger files through the multipart uploader
    (journaled when a ``journal`` is given, so an interrupted upload resumes from its parts).
    Downloads run on one s3transfer manager; copies on a plain pool.
    """

    def __init__(self, connection: Connection, max_concurrent_files: int = 10,
                 journal: UploadJournal | None = None, small_file_limit: int = 1 * MiB,
                 use_crt: bool = True, start_small_inline: bool = False) -> None:
        self.connection = connection
        self.journal = journal
        self.small_file_limit = small_file_limit
        # Only for a caller whose thread may read a file (the worker process's message loop), never
        # a GUI thread: small fast-path uploads are then read and sent there, with no pool hop.
        self.start_small_inline = start_small_inline
        self._max_files = max_concurrent_files
        self._lock = threading.Lock()
        self._live: set[TransferHandle] = set()
        self.fast = CrtTransport.for_connection(connection) if use_crt else None
        # With the fast path a small PUT waits on C threads, not the GIL: more of them can be in flight.
        small_threads = max(4, max_concurrent_files) * (2 if self.fast is not None else 1)
        self._small_pool = ThreadPoolExecutor(small_threads, thread_name_prefix="s3b-put")
        self._download_pool = ThreadPoolExecutor(max(2, max_concurrent_files), thread_name_prefix="s3b-get")
        self._range_pool = ThreadPoolExecutor(2 * DOWNLOAD_CONCURRENCY, thread_name_prefix="s3b-range")
        self._upload_pool = ThreadPoolExecutor(max(2, max_concurrent_files), thread_name_prefix="s3b-upload")
        self._part_pool = ThreadPoolExecutor(max(DEFAULT_PARALLEL_PARTS, max_concurrent_files),
                                             thread_name_prefix="s3b-part")
        self._budget = MemoryBudget()
        self.uploader = MultipartUploader(connection, journal, self._part_pool, self._budget, fast=self.fast)
        self._facts: dict[tuple[str, str], ObjectFacts] = {}
        events = connection.client.meta.events
        events.register("before-parameter-build.s3.GetObject", _remember_params)
        events.register("after-call.s3.GetObject", self._note_object_facts)
        if journal is not None:
            self._small_pool.submit(self._retry_pending_aborts)

    @property
    def keep_multipart(self) -> bool:
        return self.uploader.keep_parts_on_stop

    @keep_multipart.setter
    def keep_multipart(self, value: bool) -> None:
        self.uploader.keep_parts_on_stop = value

    def _run(self, pool: ThreadPoolExecutor, finish: Callable[[BaseException | None], None],
             work: Callable[[], None]) -> Any:
        """Run ``work`` on ``pool``; ``finish`` gets its error, or a cancel if it never started."""
        future = pool.submit(self._run_here, finish, work)
        future.add_done_callback(lambda f: finish(CancelledError()) if f.cancelled() else None)
        return future

    @staticmethod
    def _run_here(finish: Callable[[BaseException | None], None], work: Callable[[], None]) -> None:
        """Run ``work`` on this thread; ``finish`` gets its error, or None (``_Started``: it goes on elsewhere)."""
        try:
            work()
        except _Started:
            pass  # it goes on elsewhere and finishes there
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as data
            finish(exc)
        else:
            finish(None)

    # ---------------------------------------------------------------- uploads
    def upload(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
               on_done: Callable[[BaseException | None], None]) -> TransferHandle:
        """Start an upload; ``on_done(error_or_None)`` is called once, on a worker thread (or, with
        ``start_small_inline``, on this one before this returns if a small file cannot be read)."""
        before = path.stat()  # raises now if the file is gone, before anything is queued
        size = before.st_size
        handle = TransferHandle(bucket, key)
        finish = _Completion(self, handle, on_done)
        fast = self.fast
        headers = headers_for(options.extra_args(path)) if fast is not None and fast.enabled else None
        if headers is not None and self.start_small_inline and size <= INLINE_START_LIMIT:
            # Read and sent from the caller's thread: a hop through the pool cost a third of the
            # worker's CPU per 4 KiB file (GIL hand-offs), and the PUT does not wait here anyway.
            self._run_here(finish, lambda: self._start_small_fast(
                path, bucket, key, options, headers, progress, handle, finish, before))
        elif headers is not None and size <= self.small_file_limit:
            handle._future = self._run(self._small_pool, finish, lambda: self._start_small_fast(
                path, bucket, key, options, headers, progress, handle, finish))
        elif size <= self.small_file_limit or (size < options.part_size and size <= SINGLE_PUT_LIMIT):
            handle._future = self._run(self._small_pool, finish, lambda: self._put_whole(
                path, bucket, key, options, progress, handle))
        else:
            handle._future = self._run(self._upload_pool, finish, lambda: self._put_multipart(
                path, bucket, key, options, progress, handle))
        return handle

    def _put_whole(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
                   handle: TransferHandle) -> None:
        if handle.stopping:
            raise CancelledError()
        before = path.stat()
        held = self._budget.acquire(before.st_size)
        try:
            # Bytes, not a file object: botocore then sends no "Expect: 100-continue", which would
            # cost a round trip per small file.
            body = read_whole(path, before.st_size)
            if len(body) != before.st_size:
                raise S3BrowserError(f"{path.name} changed while it was being read; retry to upload the new "
                                     "version.", kind="changed")
            self.connection.client.put_object(Bucket=bucket, Key=key, Body=body, **options.extra_args(path))
        finally:
            self._budget.release(held)
        progress.on_progress(None, progress.total)
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise S3BrowserError(f"{path.name} changed while it was being uploaded; retry to upload the new "
                                 "version.", kind="changed")

    def _start_small_fast(self, path: Path, bucket: str, key: str, options: UploadOptions, headers: dict[str, str],
                          progress: Progress, handle: TransferHandle, finish: _Completion,
                          before: os.stat_result | None = None) -> None:
        """Read a small file and start its PutObject on the fast path without waiting for it.

        The pool thread is free again at once; the answer finishes the transfer on a CRT thread
        (a thread per waiting PUT cost more CPU in GIL hand-offs than the PUT itself).  As with
        botocore, cancelling does not stop a PUT already sent; it is cancelled before it starts.
        Nothing here keeps the request: a reference from the handle would close a cycle through
        awscrt's native binding that the garbage collector cannot see (every request stayed in
        memory, 160 MiB for 5,000 files); the transport holds it while it runs.
        """
        if handle.stopping:
            raise CancelledError()
        if before is None:  # started later on a pool thread: the size may have changed since
            before = path.stat()
        body = read_whole(path, before.st_size)
        if len(body) != before.st_size:
            raise S3BrowserError(f"{path.name} changed while it was being read; retry to upload the new version.",
                                 kind="changed")
        assert self.fast is not None
        fast = self.fast

        def answered(failure: CrtFailure | None) -> None:
            if failure is not None and handle.stopping:
                finish(CancelledError())
            elif failure is not None:
                # Sent again through botocore, whose answer (or error) stands.
                log.info("fast PutObject of s3://%s/%s failed (%s); sending it through botocore", bucket, key,
                         failure)
                self._run(self._small_pool, finish, lambda: self._put_again(path, bucket, key, options, body,
                                                                             before, progress, failure))
            else:
                self._after_put(path, before, progress, finish)

        fast.put_object(bucket, key, body, headers, answered)
        raise _Started()

    def _put_again(self, path: Path, bucket: str, key: str, options: UploadOptions, body: bytes,
                   before: os.stat_result, progress: Progress, failure: CrtFailure) -> None:
        self.connection.client.put_object(Bucket=bucket, Key=key, Body=body, **options.extra_args(path))
        if self.fast is not None and not failure.transient:
            self.fast.demote(str(failure))  # botocore's request went through where ours did not
        progress.on_progress(None, progress.total)
        self._check_unchanged(path, before)

    def _after_put(self, path: Path, before: os.stat_result, progress: Progress, finish: _Completion) -> None:
        try:
            progress.on_progress(None, progress.total)
            self._check_unchanged(path, before)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as data
            finish(exc)
        else:
            finish(None)

    @staticmethod
    def _check_unchanged(path: Path, before: os.stat_result) -> None:
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise S3BrowserError(f"{path.name} changed while it was being uploaded; retry to upload the new "
                                 "version.", kind="changed")

    def _put_multipart(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
                       handle: TransferHandle) -> None:
        if handle.stopping:
            raise CancelledError()
        entry = self.journal.find(self.connection.identity, bucket, key, path) if self.journal else None
        self.uploader.upload(path, bucket, key, options.extra_args(path), options.part_size,
                             options.parallel_parts, lambda n: progress.on_progress(None, n), handle,
                             options.to_dict(), entry)

    def interrupted_uploads(self) -> list[JournalEntry]:
        return self.journal.entries(self.connection.identity) if self.journal else []

    def discard(self, upload_id: str) -> None:
        """Abort an interrupted upload the user chose not to resume, and forget it (in the background:
        the caller may be the GUI thread)."""
        entry = self.journal.get(upload_id) if self.journal else None
        if entry is not None:
            self._small_pool.submit(self.uploader.discard, entry)

    def _retry_pending_aborts(self) -> None:
        try:
            left = self.uploader.retry_pending_aborts()
        except Exception as exc:  # noqa: BLE001 - tried again at the next connect
            log.warning("could not retry pending aborts: %s", exc)
            return
        if left:
            log.warning("%d multipart uploads could not be aborted yet; retried at the next connect", left)

    # ---------------------------------------------------------------- downloads
    def download(self, bucket: str, key: str, target: Path, size: int, etag: str, mtime: float,
                 progress: Progress, on_done: Callable[[BaseException | None], None],
                 root: Path | None = None) -> TransferHandle:
        """Download into ``target`` below ``root`` (the folder the user chose; default: the target's folder)."""
        handle = TransferHandle(bucket, key)
        download = _Download(self, bucket, key, target, root or target.parent, size, etag, mtime, progress, handle,
                             _Completion(self, handle, on_done))
        download.start()
        return handle

    def discard_download(self, bucket: str, key: str, target: Path) -> None:
        """Delete the temporary file of an interrupted download nobody will resume."""
        if self.journal is not None:
            self.journal.discard_download(self.connection.identity, bucket, key, target)

    def _note_object_facts(self, http_response: Any, parsed: dict, context: dict, **kwargs: Any) -> None:
        params = context.get("s3browser_params") or {}
        if http_response.status_code < 300:
            facts = ObjectFacts.from_response(parsed, http_response.status_code)
            with self._lock:
                self._facts[(params.get("Bucket", ""), params.get("Key", ""))] = facts

    def _take_facts(self, bucket: str, key: str) -> ObjectFacts | None:
        with self._lock:
            return self._facts.pop((bucket, key), None)

    # ---------------------------------------------------------------- server-side copies
    def copy(self, source_bucket: str, source_key: str, bucket: str, key: str, size: int, move: bool,
             progress: Progress, on_done: Callable[[BaseException | None], None]) -> TransferHandle:
        """Copy (or move: copy, then delete the source) one object on the server."""
        handle = TransferHandle(bucket, key)

        def run() -> None:
            if handle.stopping:
                raise CancelledError()
            copy_object(self.connection, source_bucket, source_key, bucket, key, size,
                        on_progress=lambda n: progress.on_progress(None, n))
            if move:
                delete_source(self.connection, source_bucket, source_key)

        handle._future = self._run(self._small_pool, _Completion(self, handle, on_done), run)
        return handle

    def shutdown(self, cancel: bool = True, keep_multipart: bool = False) -> None:
        """Stop every transfer; with ``keep_multipart`` interrupted transfers stay resumable."""
        self.keep_multipart = keep_multipart
        if cancel:
            for handle in list(self._live):
                handle.interrupt() if keep_multipart else handle.cancel()
        for pool in (self._download_pool, self._upload_pool, self._small_pool, self._part_pool, self._range_pool):
            pool.shutdown(wait=True, cancel_futures=cancel)


class _Download:
    """One download, from opening its folder to the final file checked in place."""

    def __init__(self, engine: TransferEngine, bucket: str, key: str, target: Path, root: Path, size: int,
                 etag: str, mtime: float, progress: Progress, handle: TransferHandle, finish: _Completion) -> None:
        self.engine = engine
        self.bucket = bucket
        self.key = key
        self.target = target
        self.root = root
        self.size = size
        self.etag = etag
        self.mtime = mtime
        self.progress = progress
        self.handle = handle
        self._finish = finish
        self.folder: TargetFolder | None = None
        self.temp_name = ""
        self.file: TrackedFile | None = None
        self.journal = engine.journal if size > RESUMABLE_DOWNLOAD_SIZE else None
        self._resumable = True  # false once the temporary file is known to be useless
        self._finish_lock = threading.Lock()
        self._finished = False

    def start(self) -> None:
        try:
            self.folder = TargetFolder(self.root, self.target)
            if self._try_resume():
                return
            self.temp_name, raw = self.folder.create_temp()
            self.file = TrackedFile(raw, on_advance=self._record if self.journal else None,
                                    journal_step=DOWNLOAD_JOURNAL_STEP, hash_md5=wants_md5(self.etag))
            fetch = self._fetch_whole if self.size < DOWNLOAD_PART_SIZE else self._fetch_ranges
            self.handle._future = self.engine._run(self.engine._download_pool, self.finish, fetch)
        except BaseException as exc:  # noqa: BLE001 - completion fires on every path
            self.finish(exc)

    # ---------------------------------------------------------------- resuming from an earlier temporary file
    def _try_resume(self) -> bool:
        assert self.folder is not None
        if self.journal is None:
            return False
        partial = self.journal.find_download(self.engine.connection.identity, self.bucket, self.key, self.target)
        if partial is None:
            return False
        raw = self.folder.open_temp(partial.temp_path.name) if partial.temp_path.parent == self.target.parent \
            else None
        usable = raw is not None and partial.etag == self.etag and partial.size == self.size and \
            os.fstat(raw.fileno()).st_size >= partial.valid_bytes
        if not usable:
            if raw is not None:
                raw.close()
            self.journal.forget_download(partial.temp_path)
            self.folder.remove(partial.temp_path.name)
            return False
        self.temp_name = partial.temp_path.name
        self.file = TrackedFile(raw, prefix=partial.valid_bytes, on_advance=self._record,
                                journal_step=DOWNLOAD_JOURNAL_STEP, hash_md5=wants_md5(self.etag))
        self.handle.resumed_bytes = partial.valid_bytes
        self.progress.on_progress(None, partial.valid_bytes)
        log.info("resuming the download of s3://%s/%s at byte %d", self.bucket, self.key, partial.valid_bytes)
        self.handle._future = self.engine._run(self.engine._small_pool, self.finish, self._fetch_rest)
        return True

    def _fetch_ranges(self) -> None:
        assert self.file is not None
        download_ranges(self.engine.connection.client, self.bucket, self.key, self.size, self.etag, self.file,
                        self.engine._range_pool, DOWNLOAD_PART_SIZE, DOWNLOAD_CONCURRENCY,
                        lambda n: self.progress.on_progress(None, n), lambda: self.handle.stopping)

    def _fetch_whole(self) -> None:
        """One GET that asks for the object's checksum headers (botocore checks them as it reads; ranged
        GETs do not ask: some servers answer them with the whole object's checksum)."""
        assert self.file is not None
        body = get_unchanged(self.engine.connection.client, self.bucket, self.key, self.etag, ChecksumMode="ENABLED")
        position = 0
        try:
            for chunk in body.iter_chunks(READ_CHUNK):
                if self.handle.stopping:
                    raise CancelledError()
                self.file.write_at(position, chunk)
                position += len(chunk)
                self.progress.on_progress(None, len(chunk))
        finally:
            body.close()

    def _fetch_rest(self) -> None:
        """One ranged GET for the bytes after the complete prefix, only if the object is the same."""
        assert self.file is not None
        offset = self.file.prefix
        self.file.raw.truncate(offset)
        self.file.seek(offset)
        if offset >= self.size:
            return
        try:
            answer = self.engine.connection.client.get_object(Bucket=self.bucket, Key=self.key,
                                                              Range=f"bytes={offset}-", IfMatch=self.etag)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 412:
                self._resumable = False
                raise S3BrowserError(f"s3://{self.bucket}/{self.key} changed on the server since its download was "
                                     "interrupted; download it again.", kind="changed") from None
            raise
        body = answer["Body"]
        try:
            for chunk in body.iter_chunks(READ_CHUNK):
                if self.handle.stopping:
                    raise CancelledError()
                self.file.write(chunk)
                self.progress.on_progress(None, len(chunk))
        finally:
            body.close()

    def _record(self, prefix: int) -> None:
        if self.journal is None or self.folder is None:
            return
        self.journal.record_download(PartialDownload(
            self.folder.temp_path(self.temp_name), self.engine.connection.identity, self.bucket, self.key,
            self.target, self.etag, self.size, prefix))

    # ---------------------------------------------------------------- the end, on every path
    def finish(self, error: BaseException | None) -> None:
        with self._finish_lock:
            if self._finished:
                return
            self._finished = True
        facts = self.engine._take_facts(self.bucket, self.key)
        try:
            if error is None and self.file is not None and self.folder is not None:
                raw = self.file.raw
                raw.flush()
                try:
                    verify_download(raw, self.size, self.etag, facts, md5_hex=self.file.md5_hex(self.size))
                except S3BrowserError:
                    self._resumable = False
                    raise
                os.utime(raw.fileno(), (self.mtime, self.mtime))
                raw.close()
                self.folder.commit(self.temp_name, self.size)
                if self.journal is not None:
                    self.journal.forget_download(self.folder.temp_path(self.temp_name))
                self.temp_name = ""
        except BaseException as exc:  # noqa: BLE001 - verification, rename or the final check failed
            error = exc
        finally:
            try:
                self._clean_up(error)
            finally:
                self._finish(error)

    def _clean_up(self, error: BaseException | None) -> None:
        try:
            if self.file is not None and not self.file.raw.closed:
                self.file.raw.close()
            prefix = self.file.prefix if self.file is not None else 0
            keep = (error is not None and self.journal is not None and self._resumable and prefix > 0
                    and not self.handle.cancelled and bool(self.temp_name))
            if keep:
                self._record(prefix)
            elif self.folder is not None and self.temp_name:
                self.folder.remove(self.temp_name)
                if self.journal is not None:
                    self.journal.forget_download(self.folder.temp_path(self.temp_name))
        except OSError as exc:
            log.warning("could not clean up after downloading s3://%s/%s: %s", self.bucket, self.key, exc)
        finally:
            if self.folder is not None:
                self.folder.close()


def _remember_params(params: dict, context: dict, **kwargs: Any) -> None:
    context["s3browser_params"] = {k: params.get(k) for k in ("Bucket", "Key", "UploadId")}


def wait_all(futures: list[Any], timeout: float = 600) -> None:
    """Block until every future is done (for scripts and tests of the core API)."""
    deadline = time.monotonic() + timeout
    for future in futures:
        while not future.done():
            if time.monotonic() > deadline:
                raise TimeoutError("transfers did not finish in time")
            time.sleep(0.01)
