"""The transfer engine of one connection: the pools, handles and completion every transfer shares.

The routes themselves are one module each: :mod:`upload` (single PUT or journalled multipart,
conditional where the caller planned the key), :mod:`download` (a verified temporary file below
the chosen folder, ranged and resumable) and :mod:`server_copy`.  Completion (``on_done``) is
called exactly once on every path, failures included.  Callers that wait for one transfer (sync,
the Python API) use :mod:`routes`; the window's queue uses the engine in worker processes
(:mod:`process_engine`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.crt_transport import CrtTransport
from s3browser.core.transfers.download import DOWNLOAD_CONCURRENCY, Download
from s3browser.core.transfers.handles import Completion, Progress, Started, TransferHandle
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.journal import JournalEntry, UploadJournal
from s3browser.core.transfers.multipart import MemoryBudget, MultipartUploader
from s3browser.core.transfers.options import DEFAULT_PARALLEL_PARTS, MiB, UploadOptions
from s3browser.core.transfers.server_copy import copy_object, delete_source
from s3browser.core.transfers.upload import Upload
from s3browser.core.transfers.verification import ObjectFacts

log = logging.getLogger(__name__)

JOB_WORKERS = 32  # queue jobs (sync items, property edits) running at once per engine (most wait on a PUT)


class TransferEngine:
    """Runs transfers for one connection.

    One memory budget bounds the bytes of every upload in memory at once (single PUTs and parts
    alike); the multipart uploader is journalled when a ``journal`` is given.
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
        # Jobs (sync items, property edits) wait on transfers of their own: a pool apart, so they
        # never hold the threads those transfers need.
        self._job_pool = ThreadPoolExecutor(JOB_WORKERS, thread_name_prefix="s3b-job")
        self._budget = MemoryBudget()
        self.uploader = MultipartUploader(connection, journal, self._part_pool, self._budget, fast=self.fast)
        self._facts: dict[tuple[str, str, str], ObjectFacts] = {}  # (bucket, key, version) -> its last answer
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
        except Started:
            pass  # it goes on elsewhere and finishes there
        except BaseException as exc:  # noqa: BLE001 - handed to the caller as data
            finish(exc)
        else:
            finish(None)

    # ---------------------------------------------------------------- uploads
    def upload(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
               on_done: Callable[[BaseException | None], None], *, expect: Any = ANY, probe_prefix: str = "",
               follow_links: bool = True, caller_waits: bool = False) -> TransferHandle:
        """Start an upload (see :mod:`upload`); ``on_done(error_or_None)`` is called once, on a worker thread
        (or, with ``start_small_inline``, on this one before this returns if a small file cannot be read).

        ``expect``: None (the key must not exist) or an ETag (it must still be that object) makes the
        write conditional; ``follow_links=False`` refuses a path that is not a regular file itself;
        ``caller_waits`` (a caller that blocks until it ends, on a thread that may: :mod:`routes`) runs
        it on the caller's thread, with no hop through a pool.
        On success the handle's ``result`` is an :class:`~s3browser.core.transfers.upload.UploadedFile`."""
        handle = TransferHandle(bucket, key)
        upload = Upload(self, path, bucket, key, options, progress, handle, Completion(self, handle, on_done),
                        expect, probe_prefix, follow_links)
        try:
            upload.run_here() if caller_waits else upload.start()
        except BaseException:
            self._live.discard(handle)  # never started: nothing will finish it
            raise
        return handle

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
    def download(self, bucket: str, key: str, target: Path, size: int, etag: str, mtime: float | None,
                 progress: Progress, on_done: Callable[[BaseException | None], None], *, root: Path,
                 version_id: str = "", before_commit: Callable[[], None] | None = None) -> TransferHandle:
        """Download into ``target`` below ``root`` (the folder the caller chose: required, so nothing is
        written through a link that replaced a folder on the way); see :mod:`download`.

        ``mtime`` None gives the file the object's own time; ``before_commit`` runs after the file is
        verified, just before it is renamed into place (raise there to refuse it).  On success the
        handle's ``result`` is a :class:`~s3browser.core.transfers.download.DownloadedObject`."""
        handle = TransferHandle(bucket, key)
        download = Download(self, bucket, key, target, root, size, etag, mtime, progress, handle,
                            Completion(self, handle, on_done), version_id, before_commit)
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
                self._facts[(params.get("Bucket", ""), params.get("Key", ""), params.get("VersionId") or "")] = facts

    def _take_facts(self, bucket: str, key: str, version_id: str = "") -> ObjectFacts | None:
        with self._lock:
            return self._facts.pop((bucket, key, version_id), None)

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

        handle._future = self._run(self._small_pool, Completion(self, handle, on_done), run)
        return handle

    # ---------------------------------------------------------------- jobs
    def run_job(self, job: Job, progress: Progress, on_done: Callable[[BaseException | None], None]) -> TransferHandle:
        """Run one queue job (see :mod:`jobs`) with this engine's connection; its note is the handle's
        ``result``.  A job cancelled before it starts never runs; one that started runs to its end."""
        handle = TransferHandle("", "")

        def run() -> None:
            if handle.stopping:
                raise CancelledError()
            handle.result = job.run(self.connection)
            progress.on_progress(None, progress.total)

        handle._future = self._run(self._job_pool, Completion(self, handle, on_done), run)
        return handle

    def shutdown(self, cancel: bool = True, keep_multipart: bool = False) -> None:
        """Stop every transfer; with ``keep_multipart`` interrupted transfers stay resumable."""
        self.keep_multipart = keep_multipart
        if cancel:
            for handle in list(self._live):
                handle.interrupt() if keep_multipart else handle.cancel()
        for pool in (self._job_pool, self._download_pool, self._upload_pool, self._small_pool, self._part_pool,
                     self._range_pool):
            pool.shutdown(wait=True, cancel_futures=cancel)


def _remember_params(params: dict, context: dict, **kwargs: Any) -> None:
    context["s3browser_params"] = {k: params.get(k) for k in ("Bucket", "Key", "UploadId", "VersionId")}


def wait_all(futures: list[Any], timeout: float = 600) -> None:
    """Block until every future is done (for scripts and tests of the core API)."""
    deadline = time.monotonic() + timeout
    for future in futures:
        while not future.done():
            if time.monotonic() > deadline:
                raise TimeoutError("transfers did not finish in time")
            time.sleep(0.01)
