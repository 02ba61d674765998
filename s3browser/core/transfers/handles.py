"""A running transfer as its caller sees it (:class:`TransferHandle`), its byte counter (:class:`Progress`),
and the completion every route calls exactly once (:class:`Completion`).

The routes (:mod:`upload`, :mod:`download`) and the engine share these; the routes reach the
engine's pools and settings through :class:`EngineSide`, so they need not import the engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from s3transfer.subscribers import BaseSubscriber

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection
    from s3browser.core.transfers.crt_transport import CrtTransport
    from s3browser.core.transfers.journal import UploadJournal
    from s3browser.core.transfers.multipart import MemoryBudget, MultipartUploader
    from s3browser.core.transfers.verification import ObjectFacts

log = logging.getLogger(__name__)
Done = Callable[[BaseException | None], None]


class Started(Exception):
    """Raised by work that has handed itself on (to a CRT request): it is not finished yet."""


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


class TransferHandle:
    """One running transfer as the caller sees it: cancel it, ask whether it is done."""

    def __init__(self, bucket: str, key: str) -> None:
        self.bucket = bucket
        self.key = key
        self.cancelled = False
        self.interrupted = False  # paused or quitting: a multipart upload keeps its parts, a download its file
        self.upload_id = ""  # set when a multipart upload starts
        self.resumed_bytes = 0  # bytes already there (on the server, or on disk) when this transfer resumed
        self.result: Any = None  # what a finished transfer made (a download: DownloadedObject)
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


class EngineSide(Protocol):
    """What a route uses of the engine it runs on (see :class:`~s3browser.core.transfers.engine.TransferEngine`)."""

    connection: Connection
    journal: UploadJournal | None
    fast: CrtTransport | None
    start_small_inline: bool
    small_file_limit: int
    uploader: MultipartUploader
    _budget: MemoryBudget
    _live: set[TransferHandle]
    _small_pool: ThreadPoolExecutor
    _upload_pool: ThreadPoolExecutor
    _download_pool: ThreadPoolExecutor
    _range_pool: ThreadPoolExecutor

    def _run(self, pool: ThreadPoolExecutor, finish: Done, work: Callable[[], None]) -> Any: ...

    def _run_here(self, finish: Done, work: Callable[[], None]) -> None: ...

    def _take_facts(self, bucket: str, key: str, version_id: str = "") -> ObjectFacts | None: ...


class Completion:
    """Calls ``on_done`` exactly once, whatever path the transfer ends on."""

    def __init__(self, engine: EngineSide, handle: TransferHandle,
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

