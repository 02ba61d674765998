"""Runs the transfer queue: starts items on the shared engine, tracks them, cancels, retries.

At most ``max_active`` transfers are handed to s3transfer at a time (the rest wait in the queue),
so submitting thousands of files never blocks the GUI thread on a full s3transfer queue.
Transfers run in worker processes (``ProcessTransferEngine``) so that botocore's CPU work never
competes with the GUI thread for the GIL; completion arrives from the workers' reader threads
through a relay signal, on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from s3browser.core.connection import Connection
from s3browser.core.errors import describe
from s3browser.core.object_ops import CopyPlan
from s3browser.core.transfer_plans import DownloadPlan, UploadPlan
from s3browser.core.process_engine import ProcessTransferEngine, processes_supported
from s3browser.core.transfers import Overwrite, Progress, TransferEngine, UploadOptions, needs_upload
from s3browser.core.upload_journal import JournalEntry, UploadJournal, default_journal_path
from s3browser.ui.formatting import human_size
from s3browser.ui.models.transfer_queue import Direction, State, TransferItem, TransferQueueModel

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(object, object)  # item, error or None


class TransferController(QObject):
    batch_finished = Signal(str)  # a one-line summary
    batch_done = Signal(int)  # the batch number, right after batch_finished
    totals_changed = Signal()

    def __init__(self, parent: QObject | None = None, max_active: int = 32, refresh_ms: int = 250) -> None:
        super().__init__(parent)
        self.model = TransferQueueModel(self)
        self.max_active = max_active
        self.prestart_workers = True  # start a transfer worker on connecting (tests that never transfer turn it off)
        self._engines: dict[int, TransferEngine | ProcessTransferEngine] = {}
        self._item_engine: dict[int, TransferEngine | ProcessTransferEngine] = {}
        self._engine: TransferEngine | ProcessTransferEngine | None = None
        self._next_batch = 1
        self._pending: deque[TransferItem] = deque()  # QUEUED items in order (stale entries skipped)
        self._running: set[TransferItem] = set()
        self._batch_open: dict[int, int] = {}  # batch -> items not finished yet
        self._batch_items: dict[int, list[TransferItem]] = {}
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_item_done)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)

    # ---------------------------------------------------------------- setup
    def set_connection(self, connection: Connection) -> None:
        """New transfers use ``connection``; running ones finish on the engine they started on."""
        engine = self._engines.get(id(connection))
        if engine is None:
            if processes_supported():
                engine = ProcessTransferEngine(connection, journal_path=default_journal_path())
                if self.prestart_workers:
                    # After the window has shown the new connection; never after shutdown.
                    QTimer.singleShot(0, lambda e=engine: e.prestart() if e in self._engines.values() else None)
            else:
                engine = TransferEngine(connection, journal=UploadJournal())
            self._engines[id(connection)] = engine
        self._engine = engine

    def interrupted_uploads(self) -> list[JournalEntry]:
        """Uploads of this connection that quitting or a failure interrupted, with parts on the server."""
        return self._engine.interrupted_uploads() if self._engine else []

    def resume_interrupted(self, entries: list[JournalEntry]) -> int:
        """Queue interrupted uploads again; each continues from the parts already on the server."""
        assert self._engine is not None, "connect first"
        batch = self._new_batch()
        items = [TransferItem(Direction.UPLOAD, e.bucket, e.key, e.local_path, e.size, batch,
                              options=UploadOptions.from_dict(e.options)) for e in entries]
        self._add(items)
        return batch

    def discard_interrupted(self, entries: list[JournalEntry]) -> None:
        """Abort interrupted uploads the user does not want, so no parts stay billed on the server."""
        assert self._engine is not None, "connect first"
        for entry in entries:
            self._engine.discard(entry.upload_id)

    # ---------------------------------------------------------------- adding work
    def add_uploads(self, plan: UploadPlan, options: UploadOptions) -> int:
        """Queue a planned upload batch; ``options.overwrite`` must not be ASK any more."""
        assert self._engine is not None, "connect first"
        batch = self._new_batch()
        options = replace(options)  # one copy per batch, shared by its items (never changed after this)
        items = []
        for local in plan.files:
            item = TransferItem(Direction.UPLOAD, plan.bucket, local.key, local.path, local.size, batch,
                                options=options)
            if not needs_upload(options.overwrite, local.size, local.mtime, plan.existing.get(local.key)):
                item.state = State.SKIPPED
                item.error = "exists" if options.overwrite == Overwrite.SKIP else "unchanged"
            items.append(item)
        for problem in plan.problems:
            path, _, reason = problem.rpartition(": ")
            item = TransferItem(Direction.UPLOAD, plan.bucket, plan.prefix + Path(path).name, Path(path), 0,
                                batch, options=options, state=State.FAILED,
                                error=f"Cannot read the local file: {reason}")
            items.append(item)
        self._add(items)
        return batch

    def add_downloads(self, plan: DownloadPlan) -> int:
        assert self._engine is not None, "connect first"
        batch = self._new_batch()
        items = [TransferItem(Direction.DOWNLOAD, plan.bucket, f.key, f.target.path, f.size, batch, etag=f.etag,
                              mtime=f.mtime) for f in plan.files]
        items += [TransferItem(Direction.DOWNLOAD, plan.bucket, r.key, plan.root, 0, batch, state=State.FAILED,
                               error=f"Not downloaded: the key {r.note}.") for r in plan.refused]
        self._add(items)
        return batch

    def add_copies(self, plan: CopyPlan) -> int:
        """Queue server-side copies (or moves) of the planned keys."""
        assert self._engine is not None, "connect first"
        batch = self._new_batch()
        direction = Direction.MOVE if plan.move else Direction.COPY
        items = [TransferItem(direction, plan.bucket, i.key, None, i.size, batch, source_bucket=plan.source_bucket,
                              source_key=i.source_key) for i in plan.items]
        self._add(items)
        return batch

    def _new_batch(self) -> int:
        batch = self._next_batch
        self._next_batch += 1
        return batch

    def _add(self, items: list[TransferItem]) -> None:
        self.model.add(items)
        for item in items:
            self._item_engine[id(item)] = self._engine
            self._batch_items.setdefault(item.batch, []).append(item)
            if not item.state.finished:
                self._batch_open[item.batch] = self._batch_open.get(item.batch, 0) + 1
            if item.state == State.QUEUED:
                self._pending.append(item)
        self._pump()
        self._check_batches({item.batch for item in items})
        self.totals_changed.emit()

    # ---------------------------------------------------------------- running
    def _set_state(self, item: TransferItem, state: State) -> None:
        """The one place states change: keeps the running set and per-batch counts in step."""
        was_finished = item.state.finished
        item.state = state
        if state == State.RUNNING:
            self._running.add(item)
        else:
            self._running.discard(item)
        if state == State.QUEUED:
            self._pending.append(item)
        if was_finished != state.finished:
            self._batch_open[item.batch] = self._batch_open.get(item.batch, 0) + (1 if was_finished else -1)

    def _pump(self) -> None:
        while len(self._running) < self.max_active and self._pending:
            item = self._pending.popleft()
            if item.state == State.QUEUED:
                self._start(item)
        if self._running and not self._timer.isActive():
            self._timer.start()

    def _start(self, item: TransferItem) -> None:
        engine = self._item_engine[id(item)]
        self._set_state(item, State.RUNNING)
        item.error = ""
        item.progress = Progress(item.size)
        item.speed = 0.0
        item._last_sample = (0.0, 0)
        item.started_at = time.monotonic()
        done = lambda error, it=item: self._relay.finished.emit(it, error)  # noqa: E731 - s3transfer thread
        try:
            if item.direction.server_side:
                item.future = engine.copy(item.source_bucket, item.source_key, item.bucket, item.key, item.size,
                                          item.direction == Direction.MOVE, item.progress, done)
            elif item.direction == Direction.UPLOAD:
                item.future = engine.upload(item.local_path, item.bucket, item.key, item.options, item.progress, done)
            else:
                item.future = engine.download(item.bucket, item.key, item.local_path, item.size, item.etag,
                                              item.mtime, item.progress, done)
        except OSError as exc:  # the local file vanished or cannot be read
            self._finish(item, exc)
            return
        self.model.item_changed(item)

    @Slot(object, object)
    def _on_item_done(self, item: TransferItem, error: BaseException | None) -> None:
        if item.state != State.RUNNING:  # cancelled or paused by the user: keep that state
            item.future = None
            self.model.item_changed(item)
            self._pump()
            return
        self._finish(item, error)

    def _finish(self, item: TransferItem, error: BaseException | None) -> None:
        item.resumed_bytes = getattr(item.future, "resumed_bytes", 0)
        item.future = None
        item.finished_at = time.monotonic()
        if error is None:
            self._set_state(item, State.DONE)
            log.info("%s done: s3://%s/%s", item.direction.value.lower(), item.bucket, item.key)
        else:
            self._set_state(item, State.FAILED)
            item.error = describe(error, bucket=item.bucket, key=item.key).message
            log.warning("%s failed: s3://%s/%s: %s", item.direction.value.lower(), item.bucket, item.key,
                        item.error)
        self.model.item_changed(item)
        self._pump()
        self._check_batches({item.batch})  # totals are refreshed by the timer, not per item

    def _tick(self) -> None:
        self.model.refresh_running()
        self.totals_changed.emit()
        if not self._running:
            self._timer.stop()

    def _check_batches(self, batches: set[int]) -> None:
        for batch in batches:
            items = self._batch_items.get(batch)
            if not items or self._batch_open.get(batch, 0) > 0 or items[0].announced:
                continue
            for item in items:
                item.announced = True
            self.batch_finished.emit(self._summary(items))
            self.batch_done.emit(batch)

    @staticmethod
    def _summary(items: list[TransferItem]) -> str:
        direction = items[0].direction
        done = [i for i in items if i.state == State.DONE]
        failed = sum(1 for i in items if i.state == State.FAILED)
        skipped = sum(1 for i in items if i.state == State.SKIPPED)
        cancelled = sum(1 for i in items if i.state == State.CANCELLED)
        verb = {Direction.UPLOAD: "uploaded", Direction.DOWNLOAD: "downloaded", Direction.COPY: "copied",
                Direction.MOVE: "moved"}[direction]
        text = f"{direction.value} finished: {len(done)} file{'s' if len(done) != 1 else ''} {verb} " \
               f"({human_size(sum(i.size for i in done))})"
        for count, word in ((failed, "failed"), (skipped, "skipped"), (cancelled, "cancelled")):
            if count:
                text += f", {count} {word}"
        return text + "."

    # ---------------------------------------------------------------- user actions
    def cancel(self, items: Iterable[TransferItem]) -> None:
        for item in items:
            if item.state in (State.QUEUED, State.PAUSED):
                self._set_state(item, State.CANCELLED)
            elif item.state == State.RUNNING:
                self._set_state(item, State.CANCELLED)
                if item.future is not None:
                    item.future.cancel()  # the engine aborts a multipart upload it started
            else:
                continue
            self.model.item_changed(item)
            self._check_batches({item.batch})
        self._pump()
        self.totals_changed.emit()

    def pause(self, items: Iterable[TransferItem]) -> None:
        """Hold items; a running multipart upload keeps its parts and continues from them when resumed."""
        for item in items:
            if item.state == State.QUEUED:
                self._set_state(item, State.PAUSED)
            elif item.state == State.RUNNING:
                self._set_state(item, State.PAUSED)
                if item.future is not None:
                    item.future.interrupt()
            else:
                continue
            self.model.item_changed(item)
        self._pump()

    def resume(self, items: Iterable[TransferItem]) -> None:
        for item in items:
            if item.state == State.PAUSED:
                self._set_state(item, State.QUEUED)
                self.model.item_changed(item)
        self._pump()

    def retry(self, items: Iterable[TransferItem]) -> None:
        for item in items:
            if item.state in (State.FAILED, State.CANCELLED) and item.size >= 0 and (
                    item.local_path or item.direction.server_side):
                if item.error.startswith(("Not downloaded", "Cannot read")):
                    continue  # refused at planning time: nothing to retry
                self._set_state(item, State.QUEUED)
                item.error = ""
                for sibling in self._batch_items.get(item.batch, []):
                    sibling.announced = False
                self.model.item_changed(item)
        self._pump()
        self.totals_changed.emit()

    def cancel_all(self) -> None:
        self.cancel(list(self.model.items))

    def retry_failed(self) -> None:
        self.retry([i for i in self.model.items if i.state == State.FAILED])

    def clear_finished(self) -> None:
        """Remove finished rows; failed uploads that kept parts for a retry have those parts aborted."""
        for item in self.model.items:
            if item.state == State.FAILED and item.direction == Direction.UPLOAD:
                engine = self._item_engine.get(id(item))
                journal = getattr(engine, "journal", None)
                entry = journal.find(engine.connection.identity, item.bucket, item.key, item.local_path) \
                    if journal is not None else None
                if entry is not None:
                    engine.discard(entry.upload_id)
        self.model.remove_finished()
        for batch, items in list(self._batch_items.items()):
            if self._batch_open.get(batch, 0) == 0:
                del self._batch_items[batch]
                self._batch_open.pop(batch, None)
        self.totals_changed.emit()

    # ---------------------------------------------------------------- status
    @property
    def active_count(self) -> int:
        """Transfers that quitting would interrupt (running, queued or paused): O(batches), not O(items)."""
        return sum(self._batch_open.values())

    def totals(self) -> tuple[int, int]:
        """(bytes done, bytes total) over items that are pending, running or done."""
        relevant = [i for i in self.model.items if i.state not in (State.SKIPPED, State.CANCELLED)]
        return sum(i.done_bytes for i in relevant), sum(i.size for i in relevant)

    def shutdown(self) -> None:
        """Stop everything; running multipart uploads keep their parts and resume after restart."""
        self._timer.stop()
        for item in list(self._running):
            self._set_state(item, State.CANCELLED)
        for engine in self._engines.values():
            engine.shutdown(cancel=True, keep_multipart=True)
        self._engines.clear()
