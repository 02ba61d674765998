"""The window's side of the transfer worker processes: the same API as :class:`TransferEngine`.

Transfers are spread over up to ``processes`` workers (started on demand), each with its own
interpreter and GIL, so uploads of thousands of small files neither starve the GUI thread nor
stay on one core.  One reader thread per worker turns its messages into ``Progress`` updates and
``on_done`` calls; if a worker dies, its transfers fail with a clear message and the next
transfer starts a fresh worker.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection, for_browsing, for_transfers
from s3browser.core.s3.errors import describe
from s3browser.core.s3.packed_pages import PackedPage
from s3browser.core.settings.dirs import log_dir
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.crt_transport import crt_available
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.journal import JournalEntry, UploadJournal
from s3browser.core.transfers.options import UploadOptions
from s3browser.core.transfers.pipe_batches import BatchingSender, unbatched
from s3browser.core.transfers.worker import WorkerSpec

log = logging.getLogger(__name__)
STOP_TIMEOUT = 4.0  # seconds a quitting window waits for a worker to stop by itself
WORKER_OUTPUT_FILE = "transfer-worker.log"
Done = Callable[[BaseException | None], None]


def worker_environment() -> dict[str, str]:
    """The window's environment, with glibc's malloc told to keep the download chunks on its heap.

    A 128 KiB chunk is at glibc's default mmap threshold: each one was mapped fresh, faulted in
    and unmapped (kernel time in the worker); a 1 GiB download after the server had taken 4 GiB
    of uploads used 2.5-4.5 s of worker CPU, 2.0-2.8 s with these settings.  Settings the user
    already gave in ``GLIBC_TUNABLES`` are kept (later entries win).
    """
    env = dict(os.environ)
    ours = "glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=67108864"
    env["GLIBC_TUNABLES"] = f"{ours}:{env['GLIBC_TUNABLES']}" if env.get("GLIBC_TUNABLES") else ours
    return env


def processes_supported() -> bool:
    """Workers talk over an inherited socket pair, which needs POSIX ``pass_fds``."""
    return os.name == "posix"


class RemoteHandle:
    """A transfer running in a worker: cancel it, ask whether it is done."""

    def __init__(self, worker: _WorkerProcess, tid: int, bucket: str, key: str, progress: Progress,
                 on_done: Done) -> None:
        self.worker = worker
        self.tid = tid
        self.bucket = bucket
        self.key = key
        self.progress = progress
        self.on_done = on_done
        self.cancelled = False
        self.resumed_bytes = 0
        self.result = ""  # a job's note
        self._finished = False

    def cancel(self) -> None:
        self.cancelled = True
        self.worker.send(("cancel", self.tid))

    def interrupt(self) -> None:
        """Stop it but keep a multipart upload's parts, so the next upload of the file resumes."""
        self.cancelled = True
        self.worker.send(("interrupt", self.tid))

    def done(self) -> bool:
        return self._finished


class _WorkerProcess:
    """One worker: its process is started on a thread of its own (starting an interpreter takes tens of
    milliseconds, and the caller may be a GUI thread); messages sent meanwhile wait in the socket."""

    def __init__(self, spec: WorkerSpec, credentials_source: Callable[[], Any] | None = None) -> None:
        self.credentials_source = credentials_source  # the window's current credentials, for a held spec
        parent_end, child_end = socket.socketpair()
        self.process: subprocess.Popen | None = None
        self.pipe = Pipe(parent_end.detach())
        self._lock = threading.Lock()
        self.handles: dict[int, RemoteHandle] = {}
        self.listings: dict[int, queue.Queue[tuple]] = {}  # lid -> what the worker sent for that listing
        self.alive = True
        self.ready = threading.Event()  # its interpreter has loaded and its connection is open
        self.listing_ready = threading.Event()  # ... and it can list folders for the window
        self.started = threading.Event()  # the process exists (or could not be started)
        self.stopped = threading.Event()
        self._sender = BatchingSender(self.pipe, "s3b-worker-sender", on_broken=self._broken)
        self.send(("open", spec))
        threading.Thread(target=self._start, args=(child_end,), name="s3b-start-worker", daemon=True).start()
        self._reader = threading.Thread(target=self._read, name="s3b-worker-reader", daemon=True)
        self._reader.start()

    def _start(self, child_end: socket.socket) -> None:
        try:
            # The worker's own output goes to a file beside the log (crash tracebacks end up there): it
            # must not hold the window's stdout/stderr open after the window has quit.
            folder = log_dir()
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / WORKER_OUTPUT_FILE, "ab") as output:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "s3browser.core.transfers.worker", str(child_end.fileno())],
                    pass_fds=[child_end.fileno()], stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                    env=worker_environment())
        except OSError as exc:
            log.warning("could not start a transfer worker: %s", exc)
            self.alive = False
            self._sender.close(timeout=0)
            self.pipe.close()  # the reader ends, and fails what was sent to this worker
        finally:
            child_end.close()
            self.started.set()

    @property
    def load(self) -> int:
        return len(self.handles)

    def send(self, message: tuple) -> None:
        """Hand ``message`` to the sending thread: the caller (often the GUI thread) never waits for
        the socket, which fills when the worker is busy with thousands of small files."""
        self._sender.send(message)

    def _broken(self) -> None:
        self.alive = False  # gone, or closed at shutdown: the reader fails what it held

    def submit(self, handle: RemoteHandle, message: tuple) -> None:
        with self._lock:
            self.handles[handle.tid] = handle
        self.send(message)
        if not self.alive:
            self._fail_all()

    def _read(self) -> None:
        try:
            while True:
                try:
                    message = self.pipe.recv()
                except TypeError:
                    if self.pipe.closed:
                        break  # closed under the read (the engine stopped): its handle is gone mid-recv
                    raise
                if not all(self._take(one) for one in unbatched(message)):
                    break
        except (EOFError, OSError):
            pass
        finally:
            self.alive = False
            self.stopped.set()
            self._fail_all()

    def _take(self, message: tuple) -> bool:
        """Act on one message from the worker; False once it has said it stopped."""
        kind = message[0]
        if kind == "progress":
            with self._lock:
                for tid, done in message[1].items():
                    handle = self.handles.get(tid)
                    if handle is not None:
                        handle.progress.done = done
        elif kind == "done":
            _, tid, error_kind, text, detail, resumed, note = message
            with self._lock:
                handle = self.handles.pop(tid, None)
            if handle is not None:
                handle.resumed_bytes = resumed
                handle.result = note
                self._finish(handle, _error_from(error_kind, text, detail))
        elif kind in ("list_page", "list_end"):
            listing = self.listings.get(message[1])
            if listing is not None:
                listing.put(message)
        elif kind == "need_credentials":
            threading.Thread(target=self._hand_credentials, args=(message[1],), daemon=True,
                             name="s3b-worker-credentials").start()
        elif kind == "log":
            log.log(message[1], "%s", message[2])
        elif kind == "ready":
            self.ready.set()
        elif kind == "listing_ready":
            self.listing_ready.set()
        elif kind == "stopped":
            return False
        return True

    def _hand_credentials(self, rid: int) -> None:
        """Answer the worker's request with the window's credentials (asking for an MFA code if they ended)."""
        try:
            metadata = self.credentials_source() if self.credentials_source is not None else None
            if metadata is None:
                raise S3BrowserError("This connection has no credentials to hand to the transfer worker.",
                                     kind="signin")
            self.send(("credentials", rid, metadata, "", "", ""))
        except Exception as exc:  # noqa: BLE001 - the worker's transfer fails with the sentence
            error = describe(exc)
            self.send(("credentials", rid, None, error.kind, error.message, error.detail))

    def _fail_all(self) -> None:
        with self._lock:
            orphans = list(self.handles.values())
            self.handles.clear()
        for lid, listing in list(self.listings.items()):
            listing.put(("list_end", lid, "worker", "The transfer process stopped before the listing finished; "
                         "press F5 to list again.", "the transfer worker stopped"))
        for handle in orphans:
            process = self.process
            detail = (f"transfer worker {process.pid} exited with code {process.poll()}" if process is not None
                      else "the transfer worker could not be started")
            error = CancelledError() if handle.cancelled else S3BrowserError(
                "The transfer process stopped before this transfer finished; retry it.", kind="worker",
                detail=detail)
            self._finish(handle, error)

    @staticmethod
    def _finish(handle: RemoteHandle, error: BaseException | None) -> None:
        if error is None:
            handle.progress.done = handle.progress.total
        handle._finished = True
        handle.on_done(error)

    def request_stop(self, keep_multipart: bool) -> None:
        self.send(("stop", keep_multipart))

    def finish_stop(self, deadline: float) -> None:
        """Wait until ``deadline`` for the worker to stop by itself, then kill it.

        Killing loses nothing that matters: multipart uploads are in the journal and their
        completed parts stay on the server, and downloads only ever wrote temporary files.
        """
        self.started.wait(max(0.0, deadline - time.monotonic()))
        self.stopped.wait(max(0.0, deadline - time.monotonic()))
        process = self.process
        if process is not None:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("transfer worker %d did not stop in time; killing it", process.pid)
                process.kill()
                process.wait()
        self._sender.close(timeout=STOP_TIMEOUT / 4)
        self.pipe.close()


def _remote_pages(worker: _WorkerProcess, lid: int, bucket: str, prefix: str,
                  should_stop: Callable[[], bool]) -> Iterator[PackedPage]:
    """The pages a worker sends for listing ``lid``; each one taken lets it send another."""
    answers: queue.Queue[tuple] = queue.Queue()
    worker.listings[lid] = answers
    worker.send(("list", lid, bucket, prefix))
    ended = False
    try:
        while True:
            try:
                message = answers.get(timeout=0.05)
            except queue.Empty:
                if should_stop():
                    return
                if not worker.alive:
                    answers.put(("list_end", lid, "worker", "The transfer process stopped before the listing "
                                 "finished; press F5 to list again.", "the transfer worker stopped"))
                continue
            if message[0] == "list_end":
                ended = True
                error = _error_from(*message[2:])
                if error is not None:
                    raise error
                return
            worker.send(("list_ack", lid))
            yield message[2]
    finally:
        worker.listings.pop(lid, None)
        if not ended:
            worker.send(("list_stop", lid))


def _error_from(kind: str, text: str, detail: str) -> BaseException | None:
    """The worker's account of a failure as the one error type, with its kind, sentence and detail."""
    if not kind:
        return None
    if kind == "cancelled":
        return CancelledError()
    return S3BrowserError(text, kind=kind, detail=detail)


class ProcessTransferEngine:
    """Drop-in for :class:`TransferEngine` that runs the transfers in worker processes."""

    def __init__(self, connection: Connection, processes: int | None = None, journal_path: Path | None = None,
                 max_concurrent_files: int = 16) -> None:
        if processes is None:
            # With awscrt a worker's requests run on C threads over every core: one process is as fast
            # as two (5,000 x 4 KiB on SeaweedFS) and the second one's ~60 MiB are saved.
            processes = 1 if crt_available() else 2
        self.connection = connection
        self.journal = UploadJournal(journal_path) if journal_path else None
        # Credentials that took an MFA code or a base connection are the window's to hand over.
        held = bool(connection.mfa_serial) or connection.profile.assumes_role
        self._spec = WorkerSpec(connection.profile, connection.secrets, for_transfers(connection.config_kwargs),
                                journal_path, max_concurrent_files, held_credentials=held,
                                listing_config=for_browsing(connection.config_kwargs))
        self._max_processes = max(1, processes)
        self._workers: list[_WorkerProcess] = []
        self._listing_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def prestart(self) -> None:
        """Start the first worker now, so the first transfer does not wait for Python and boto3 to load."""
        with self._lock:
            if not any(w.alive for w in self._workers):
                self._workers.append(_WorkerProcess(self._spec, self.connection.credentials_now))

    def list_pages(self, bucket: str, prefix: str, should_stop: Callable[[], bool]) -> Iterator[PackedPage] | None:
        """A folder's listing made in a worker, as packed pages (parsing takes none of the window's
        interpreter); None when no worker can list yet (list in this process then)."""
        with self._lock:
            worker = next((w for w in self._workers if w.alive and w.listing_ready.is_set()), None)
        if worker is None:
            return None
        return _remote_pages(worker, next(self._listing_ids), bucket, prefix, should_stop)

    def listing_ready(self) -> bool:
        """Whether :meth:`list_pages` would list in a worker now."""
        with self._lock:
            return any(w.alive and w.listing_ready.is_set() for w in self._workers)

    def ready(self) -> bool:
        """Whether a worker is running and has loaded (a transfer sent now starts at once)."""
        with self._lock:
            return any(w.alive and w.ready.is_set() for w in self._workers)

    def _worker(self) -> _WorkerProcess:
        """The least busy live worker; another is started while every one is busy."""
        with self._lock:
            workers = self._workers
            if len(workers) == self._max_processes == 1 and workers[0].alive:
                return workers[0]  # the usual case (one worker with awscrt), asked for every file
            self._workers = [w for w in workers if w.alive]
            idle = min(self._workers, key=lambda w: w.load, default=None)
            if idle is None or (idle.load > 0 and len(self._workers) < self._max_processes):
                idle = _WorkerProcess(self._spec, self.connection.credentials_now)
                self._workers.append(idle)
            return idle

    def _submit(self, command: str, bucket: str, key: str, progress: Progress, on_done: Done,
                *args: Any) -> RemoteHandle:
        """Send ``(command, tid, *args)`` to the least busy worker; the handle follows it."""
        worker = self._worker()
        handle = RemoteHandle(worker, next(self._ids), bucket, key, progress, on_done)
        worker.submit(handle, (command, handle.tid, *args))
        return handle

    def upload(self, path: Path, bucket: str, key: str, options: UploadOptions, progress: Progress,
               on_done: Done, *, expect: Any = ANY) -> RemoteHandle:
        """As :meth:`TransferEngine.upload`; ``expect`` (None or an ETag) crosses as (conditional, value)."""
        size = path.stat().st_size  # raises now, as the in-process engine does, if the file is gone
        progress.total = size
        return self._submit("upload", bucket, key, progress, on_done, path, bucket, key, options, size,
                            expect is not ANY, None if expect is ANY else expect)

    def download(self, bucket: str, key: str, target: Path, size: int, etag: str, mtime: float | None,
                 progress: Progress, on_done: Done, *, root: Path, version_id: str = "") -> RemoteHandle:
        return self._submit("download", bucket, key, progress, on_done, bucket, key, target, size, etag, mtime,
                            root, version_id)

    def copy(self, source_bucket: str, source_key: str, bucket: str, key: str, size: int, move: bool,
             progress: Progress, on_done: Done) -> RemoteHandle:
        return self._submit("copy", bucket, key, progress, on_done, source_bucket, source_key, bucket, key, size,
                            move)

    def run_job(self, job: Job, progress: Progress, on_done: Done) -> RemoteHandle:
        """Run a queue job in a worker, with the worker's connection (see :mod:`jobs`)."""
        return self._submit("job", "", "", progress, on_done, job)

    def interrupted_uploads(self) -> list[JournalEntry]:
        return self.journal.entries(self.connection.identity) if self.journal else []

    def discard(self, upload_id: str) -> None:
        self._worker().send(("discard", upload_id))

    def discard_download(self, bucket: str, key: str, target: Path) -> None:
        """Delete an interrupted download's temporary file (the journal is shared with the workers)."""
        if self.journal is not None:
            self.journal.discard_download(self.connection.identity, bucket, key, target)

    def shutdown(self, cancel: bool = True, keep_multipart: bool = False) -> None:
        """Stop the workers; with ``keep_multipart`` running uploads stay resumable after restart."""
        with self._lock:
            workers, self._workers = self._workers, []
        # Every worker is asked at once and they stop side by side: one deadline for all of them.
        for worker in workers:
            worker.request_stop(keep_multipart)
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in workers:
            worker.finish_stop(deadline)
        if self.journal is not None:
            self.journal.close()
