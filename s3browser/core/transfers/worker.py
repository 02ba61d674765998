"""The transfer worker process: runs a :class:`TransferEngine` away from the GUI's interpreter.

botocore costs about a millisecond of CPU per request under the GIL; thousands of small uploads
in the GUI's own process starve its event loop.  A worker process has its own GIL, so the window
stays responsive and two workers use both cores.

Protocol, pickled over a socket pair (see ``process_engine``):

parent -> worker: ``("open", WorkerSpec)``,
``("upload", tid, path, bucket, key, options, size, conditional, expect)`` (``expect``: None or an
ETag, taken only when ``conditional``),
``("download", tid, bucket, key, target, size, etag, mtime, root, version_id)``,
``("copy", tid, source_bucket, source_key, bucket, key, size, move)``, ``("job", tid, job)`` (a
:mod:`jobs` job, run with the worker's connection), ``("cancel", tid)``,
``("interrupt", tid)`` (stop, keep parts), ``("discard", upload_id)``,
``("discard_download", bucket, key, target)``, ``("stop", keep_multipart)``,
``("list", lid, bucket, prefix)`` (a folder's listing for the window's table), ``("list_ack", lid)``
(the window took a page: one more may come), ``("list_stop", lid)``.

worker -> parent: ``("progress", {tid: bytes_done})`` ten times a second,
``("ready",)`` once its connection is open, ``("done", tid, kind, message, detail, resumed_bytes, note)``
(kind "" on success; message and detail: the error's sentence and technical text; note: a job's
result), ``("log", level, text)``, ``("stopped",)``, ``("list_page", lid, PackedPage)``,
``("list_end", lid, kind, message, detail)`` (kind "" when the listing ran to its end or was stopped),
``("listing_ready",)`` once it can list for the window.

Either side may send several messages as one ``("batch", [message, ...])`` (see :mod:`pipe_batches`).
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

from s3browser.core.base.gc_freeze import freeze_survivors
from s3browser.core.settings.profiles import Profile
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.pipe_batches import BatchingSender, unbatched

PROGRESS_INTERVAL = 0.1
LISTING_PAGES_AHEAD = 16  # pages of a listing sent before the window has taken them
CREDENTIALS_WAIT_SECONDS = 15 * 60  # the user may be finding their MFA device
FLUSH_SECONDS = 2.0  # what the worker still has to say when it ends (its "stopped") goes within this


@dataclass
class WorkerSpec:
    """What a worker needs to open the same connection as the window (the secret stays in memory)."""

    profile: Profile
    secrets: Secrets | None
    config: dict[str, Any] = field(default_factory=dict)
    journal_path: Path | None = None
    max_concurrent_files: int = 16
    # The window resolves the credentials (they took an MFA code, which only it can ask for) and hands
    # them over on request: ("need_credentials", rid) up, ("credentials", rid, metadata, kind, message,
    # detail) down.  They cross the socket pair, never a command line or a file.
    held_credentials: bool = False
    # The window's own settings, for the listings it asks this worker to make (short timeouts).
    listing_config: dict[str, Any] = field(default_factory=dict)


class _PipeLogHandler(logging.Handler):
    """Forwards log records to the parent, which owns the one log file."""

    def __init__(self, worker: _Worker) -> None:
        super().__init__(logging.INFO)
        self._worker = worker

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._worker.send(("log", record.levelno, f"[transfer worker] {record.name}: {record.getMessage()}"))
        except Exception:  # noqa: BLE001 - logging must never raise
            pass


class _Worker:
    def __init__(self, pipe: Pipe, start_unniced: Callable[[Callable[[], None]], None] | None = None) -> None:
        self.pipe = pipe
        # Starts a thread at the window's priority: a listing is what the user waits for, unlike transfers.
        self.start_unniced = start_unniced or (lambda work: threading.Thread(target=work, daemon=True).start())
        self._sender = BatchingSender(pipe, "s3b-send")
        self._lock = threading.Lock()
        self._progress: dict[int, Any] = {}  # tid -> Progress
        self._handles: dict[int, Any] = {}
        self._last_sent: dict[int, int] = {}
        self._stopping = threading.Event()
        self.engine: Any = None
        self.open_error: BaseException | None = None  # why the connection could not be opened
        self._credential_ids = itertools.count(1)
        self._listings: dict[int, tuple[threading.Event, threading.Semaphore]] = {}
        self._spec: WorkerSpec | None = None
        self._browsing: Any = None  # the connection listings use (made on the first one)
        self._browsing_lock = threading.Lock()
        self._credential_answers: dict[int, tuple[threading.Event, list[Any]]] = {}

    def send(self, message: tuple) -> None:
        """Hand ``message`` to the sending thread (messages go in batches; see :mod:`pipe_batches`)."""
        self._sender.send(message)

    def flush(self, timeout: float) -> None:
        """Send what is waiting (the last messages before the process ends)."""
        self._sender.close(timeout)

    def run(self) -> None:
        reporter = threading.Thread(target=self._report_progress, name="s3b-progress", daemon=True)
        reporter.start()
        # Messages are received on a thread of their own: an answer with credentials must reach a
        # transfer that waits for it on this thread (small files run inline).
        inbox: queue.SimpleQueue[list[tuple] | None] = queue.SimpleQueue()
        threading.Thread(target=self._receive, args=(inbox,), name="s3b-receive", daemon=True).start()
        try:
            while True:
                messages = inbox.get()
                if messages is None:  # the window is gone: keep interrupted uploads resumable
                    self._stop(keep_multipart=True)
                    return
                for message in messages:
                    if message[0] == "stop":
                        self._stop(keep_multipart=message[1])
                        self.send(("stopped",))
                        return
                    self._handle(message)
        finally:
            self._stopping.set()

    def _receive(self, inbox: queue.SimpleQueue[list[tuple] | None]) -> None:
        """Answers with credentials are taken here (a transfer may wait for one on the message loop's
        thread); the rest goes to that loop, a batch at a time."""
        while True:
            try:
                received = self.pipe.recv()
            except (EOFError, OSError):
                for rid in list(self._credential_answers):  # the window is gone: no credentials will come
                    self._answer_credentials(("credentials", rid, None, "cancelled", "The window closed.", ""))
                inbox.put(None)
                return
            messages = []
            for message in unbatched(received):
                if message[0] == "credentials":
                    self._answer_credentials(message)
                else:
                    messages.append(message)
            if messages:
                inbox.put(messages)
            if any(message[0] == "stop" for message in messages):
                return

    def _answer_credentials(self, message: tuple) -> None:
        waiting = self._credential_answers.pop(message[1], None)
        if waiting is not None:
            waiting[1].extend(message[2:])
            waiting[0].set()

    def _handle(self, message: tuple) -> None:
        kind = message[0]
        if kind == "open":
            try:
                self._open(message[1])
            except Exception as exc:  # noqa: BLE001 - each transfer sent here fails with it, in one sentence
                logging.getLogger(__name__).warning("the transfer worker could not open its connection: %s",
                                                    type(exc).__name__)
                self.open_error = exc
                self.send(("ready",))
        elif kind == "upload":
            _, tid, path, bucket, key, options, size, conditional, expect = message
            self._start(tid, Progress(size), lambda progress, done: self.engine.upload(
                path, bucket, key, options, progress, done, expect=expect if conditional else ANY))
        elif kind == "download":
            _, tid, bucket, key, target, size, etag, mtime, root, version_id = message
            self._start(tid, Progress(size), lambda progress, done: self.engine.download(
                bucket, key, target, size, etag, mtime, progress, done, root=root, version_id=version_id))
        elif kind == "copy":
            _, tid, source_bucket, source_key, bucket, key, size, move = message
            self._start(tid, Progress(size), lambda progress, done: self.engine.copy(
                source_bucket, source_key, bucket, key, size, move, progress, done))
        elif kind == "job":
            _, tid, job = message
            self._start(tid, Progress(0), lambda progress, done: self.engine.run_job(job, progress, done))
        elif kind == "list":
            _, lid, bucket, prefix = message
            stop, credit = threading.Event(), threading.Semaphore(LISTING_PAGES_AHEAD)
            self._listings[lid] = (stop, credit)
            self.start_unniced(lambda: self._list(lid, bucket, prefix, stop, credit))
        elif kind in ("list_ack", "list_stop"):
            listing = self._listings.get(message[1])
            if listing is not None:
                if kind == "list_stop":
                    listing[0].set()
                listing[1].release()
        elif kind in ("cancel", "interrupt"):
            with self._lock:
                handle = self._handles.get(message[1])
            if handle is not None:
                handle.cancel() if kind == "cancel" else handle.interrupt()
        elif kind in ("discard", "discard_download") and self.engine is None:
            return  # no connection was opened: nothing of this worker's to discard
        elif kind == "discard":
            threading.Thread(target=self.engine.discard, args=(message[1],), daemon=True).start()
        elif kind == "discard_download":
            self.engine.discard_download(*message[1:])

    def _open(self, spec: WorkerSpec) -> None:
        from s3browser.core.s3.connection import Connection
        from s3browser.core.settings.mfa import HeldCredentials
        from s3browser.core.transfers.engine import TransferEngine
        from s3browser.core.transfers.journal import UploadJournal
        from s3browser.core.transfers.routes import use_engine

        self._spec = spec
        held = HeldCredentials(self._ask_for_credentials) if spec.held_credentials else None
        connection = Connection(spec.profile, spec.secrets, held=held, **spec.config)
        journal = UploadJournal(spec.journal_path) if spec.journal_path else None
        self.engine = TransferEngine(connection, max_concurrent_files=spec.max_concurrent_files, journal=journal,
                                     start_small_inline=True)
        use_engine(connection, self.engine)  # jobs' transfers (sync items) share this engine and its budget
        freeze_survivors()  # the connection's model and handlers: full collections walked them
        self.send(("ready",))
        # The window sends its listings here once this says it can take them (its client made).
        self.start_unniced(self._offer_listings)

    def _ask_for_credentials(self) -> dict[str, Any]:
        """The window's current credentials (it may first ask the user for an MFA code: wait for that)."""
        from s3browser.core.base.errors import S3BrowserError

        rid = next(self._credential_ids)
        answered, answer = threading.Event(), list[Any]()
        self._credential_answers[rid] = (answered, answer)
        self.send(("need_credentials", rid))
        if not answered.wait(CREDENTIALS_WAIT_SECONDS):
            self._credential_answers.pop(rid, None)
            raise S3BrowserError("No credentials came from the window in time; sign in again to go on.",
                                 kind="signin")
        metadata, kind, message, detail = answer
        if metadata is None:
            raise S3BrowserError(message, kind=kind or "signin", detail=detail)
        return dict(metadata)

    def _start(self, tid: int, progress: Any, start: Any) -> None:
        with self._lock:
            self._progress[tid] = progress
        handle_box: list[Any] = []

        def done(error: BaseException | None) -> None:
            with self._lock:
                self._progress.pop(tid, None)
                self._handles.pop(tid, None)
                self._last_sent.pop(tid, None)
            handle = handle_box[0] if handle_box else None
            resumed = handle.resumed_bytes if handle is not None else 0
            result = handle.result if handle is not None and error is None else None
            self.send(("done", tid, *self._describe(error, handle), resumed,
                       result if isinstance(result, str) else ""))

        if self.engine is None:
            done(self.open_error or RuntimeError("the transfer worker has no connection"))
            return
        try:
            handle = start(progress, done)
        except BaseException as exc:  # noqa: BLE001 - e.g. the local file vanished: report it
            done(exc)
            return
        handle_box.append(handle)
        with self._lock:
            if tid in self._progress:
                self._handles[tid] = handle

    def _list(self, lid: int, bucket: str, prefix: str, stop: threading.Event, credit: threading.Semaphore) -> None:
        """List a folder for the window, page by page as packed columns, at most
        :data:`LISTING_PAGES_AHEAD` pages ahead of what the window has taken."""
        from s3browser.core.s3.errors import describe
        from s3browser.core.s3.listing import iter_pages
        from s3browser.core.s3.packed_pages import pack

        ended = ("", "", "")
        try:
            for page in iter_pages(self._browsing_connection(), bucket, prefix, should_stop=stop.is_set):
                while not credit.acquire(timeout=0.5):
                    if stop.is_set() or self._stopping.is_set():
                        return
                if stop.is_set():
                    break
                self.send(("list_page", lid, pack(page)))
        except BaseException as exc:  # noqa: BLE001 - the window shows the sentence
            described = describe(exc, bucket=bucket)
            ended = (described.kind or "error", described.message, described.detail)
        finally:
            self._listings.pop(lid, None)
        self.send(("list_end", lid, *ended))

    def _offer_listings(self) -> None:
        try:
            self._browsing_connection()
        except Exception as exc:  # noqa: BLE001 - the window goes on listing in its own process
            logging.getLogger(__name__).warning("the transfer worker cannot list for the window: %s",
                                                type(exc).__name__)
            return
        self.send(("listing_ready",))

    def _browsing_connection(self) -> Any:
        from s3browser.core.s3.listing import iter_pages  # noqa: F401 - imported here once, not in a listing's time
        from s3browser.core.s3.packed_pages import pack  # noqa: F401

        with self._browsing_lock:
            if self._browsing is None:
                if self.engine is None or self._spec is None:
                    raise self.open_error or RuntimeError("the transfer worker has no connection")
                self._browsing = self.engine.connection.sibling(**self._spec.listing_config)
            return self._browsing

    def _describe(self, error: BaseException | None, handle: Any) -> tuple[str, str, str]:
        """(kind, sentence, technical detail) of how a transfer ended: ("", "", "") on success."""
        if error is None:
            return "", "", ""
        if isinstance(error, CancelledError) or (handle is not None and handle.stopping):
            return "cancelled", "Cancelled.", ""
        from s3browser.core.s3.errors import describe

        described = describe(error, bucket=getattr(handle, "bucket", None) or None,
                             key=getattr(handle, "key", None) or None)
        message = described.message
        journal = self.engine.journal if self.engine else None
        if handle is not None and handle.upload_id and journal is not None and journal.get(handle.upload_id):
            message += " Retry continues from the parts already uploaded."
        return described.kind or "error", message, described.detail

    def _report_progress(self) -> None:
        while not self._stopping.wait(PROGRESS_INTERVAL):
            with self._lock:
                changed = {tid: p.done for tid, p in self._progress.items() if self._last_sent.get(tid) != p.done}
                self._last_sent.update(changed)
            if changed:
                self.send(("progress", changed))

    def _stop(self, keep_multipart: bool) -> None:
        if self.engine is not None:
            with self._lock:
                handles = list(self._handles.values())
            self.engine.keep_multipart = keep_multipart
            for handle in handles:
                handle.interrupt() if keep_multipart else handle.cancel()
            self.engine.shutdown(cancel=True, keep_multipart=keep_multipart)


WORKER_NICENESS = 5


class _UnnicedStarter:
    """Starts threads at the priority the process began with.

    On Linux a nice value belongs to a thread and new threads inherit their creator's, so this
    thread, started before the worker lowers its own priority, starts listing threads that stay at
    the window's (the user waits for a listing; transfers are background work)."""

    def __init__(self) -> None:
        self._work: queue.Queue[Callable[[], None]] = queue.Queue()
        threading.Thread(target=self._run, name="s3b-unniced", daemon=True).start()

    def _run(self) -> None:
        while True:
            threading.Thread(target=self._work.get(), name="s3b-list", daemon=True).start()

    def __call__(self, work: Callable[[], None]) -> None:
        self._work.put(work)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    unniced = _UnnicedStarter()
    if hasattr(os, "nice"):
        # Background work: when the cores are busy, the window's process is scheduled first.
        os.nice(WORKER_NICENESS)
    pipe = Pipe(int(argv[0]))
    worker = _Worker(pipe, unniced)
    logger = logging.getLogger("s3browser")
    logger.addHandler(_PipeLogHandler(worker))
    logger.setLevel(logging.INFO)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    try:
        worker.run()
    finally:
        worker.flush(FLUSH_SECONDS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
