"""Runs the transfer queue: starts items on the shared engine, tracks them, cancels, retries.

At most ``max_active`` transfers are handed to the engine at a time (the rest wait in the queue),
so submitting thousands of files never floods the workers or blocks the GUI thread.
Transfers run in worker processes (``ProcessTransferEngine``) so that botocore's CPU work never
competes with the GUI thread for the GIL; completion arrives from the workers' reader threads
through a relay signal, on the GUI thread.

Unfinished items are saved (:class:`QueueStore`, a batch of changes at most every quarter
second), so pending, paused and failed transfers come back after quitting or a crash.  Totals are
kept incrementally: a refresh walks only the running items, never the whole queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import CancelledError
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from s3browser.core.local.paths import LocalTarget
from s3browser.core.ops.copy import CopyPlan
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.engine import (
    JOB_WORKERS,
    Overwrite,
    Progress,
    TransferEngine,
    UploadOptions,
    needs_upload,
)
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.journal import (
    JournalEntry,
    UploadJournal,
    default_journal_path,
)
from s3browser.core.transfers.plans import DownloadPlan, UploadPlan
from s3browser.core.transfers.process_engine import (
    ProcessTransferEngine,
    processes_supported,
)
from s3browser.core.transfers.queue_store import QueueStore, QueueWriter, SavedTransfer
from s3browser.core.transfers.routes import use_engine
from s3browser.ui.formatting import count_of, human_size
from s3browser.ui.models.transfer_queue import (
    Direction,
    State,
    TransferItem,
    TransferQueueModel,
)

log = logging.getLogger(__name__)


SAVE_CHUNK = 1000  # queue items saved per tick at most
# Jobs handed to the engine at once: twice its job threads, so the worker never waits for the next
# one, while the rest stay here, where pausing or cancelling them costs nothing.
JOBS_IN_FLIGHT = 2 * JOB_WORKERS


def _renamed_note(target: LocalTarget) -> str:
    """What the queue row says about a key saved under another name ("" when it kept its name)."""
    if not target.note or target.path is None:
        return ""
    return f"Saved as “{target.path.name}”: {target.note}."


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
        self._pending_jobs: deque[TransferItem] = deque()  # the same for queue jobs
        self._running: set[TransferItem] = set()
        self._batch_open: dict[int, int] = {}  # batch -> items not finished yet
        self._batch_items: dict[int, list[TransferItem]] = {}
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_item_done)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        # Totals without walking the queue: sizes of counted items, and bytes of those not running.
        self._total_bytes = 0
        self._settled_bytes = 0
        # The saved queue: changed items are written in one batch, soon after they change.
        self._writer: QueueWriter | None = None
        self._dirty: dict[int, TransferItem] = {}
        self._saved_as: dict[int, tuple[State, str]] = {}  # saved id -> (state, error) last written
        self._deleted: list[int] = []
        self._closing = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(refresh_ms)
        self._save_timer.timeout.connect(self.save_queue)

    # ---------------------------------------------------------------- setup
    def set_connection(self, connection: Connection) -> None:
        """New transfers use ``connection``; running ones finish on the engine they started on.

        Engines of earlier connections with nothing left to run are stopped (with their worker
        processes), so switching connections does not pile up idle workers.
        """
        engine = self._engines.get(id(connection))
        if engine is None:
            if processes_supported():
                engine = ProcessTransferEngine(connection, journal_path=default_journal_path())
                if self.prestart_workers:
                    # After the window has shown the new connection; never after shutdown.
                    QTimer.singleShot(0, lambda e=engine: e.prestart() if e in self._engines.values() else None)
            else:
                engine = TransferEngine(connection, journal=UploadJournal())
                use_engine(connection, engine)  # jobs' transfers (sync items) share it
            self._engines[id(connection)] = engine
        self._engine = engine
        self._stop_idle_engines()

    def _engine_busy(self, engine: TransferEngine | ProcessTransferEngine) -> bool:
        return any(self._item_engine.get(id(i)) is engine for i in self._running) or any(
            self._item_engine.get(id(i)) is engine for i in self._pending if i.state == State.QUEUED) or any(
            self._item_engine.get(id(i)) is engine and i.state == State.PAUSED for i in self.model.items)

    def _stop_idle_engines(self) -> None:
        for key, engine in list(self._engines.items()):
            if engine is self._engine or self._engine_busy(engine):
                continue
            del self._engines[key]
            log.info("stopping the idle transfer engine of an earlier connection")
            # Off the GUI thread: a worker that does not answer is waited for, then killed.
            threading.Thread(target=engine.shutdown, kwargs={"cancel": True, "keep_multipart": True},
                             name="s3b-stop-engine", daemon=True).start()

    def _engine_for(self, item: TransferItem) -> TransferEngine | ProcessTransferEngine | None:
        """The engine an item runs on: its own, or the current one if that is the same connection."""
        engine = self._item_engine.get(id(item))
        if engine is not None and engine in self._engines.values():
            return engine
        current = self._engine
        if current is not None and engine is not None and engine.connection.identity == current.connection.identity:
            self._item_engine[id(item)] = current
            return current
        return None

    def interrupted_uploads(self) -> list[JournalEntry]:
        """Uploads of this connection that quitting or a failure interrupted, with parts on the server."""
        return self._engine.interrupted_uploads() if self._engine else []

    def _queue_writer(self) -> QueueWriter:
        if self._writer is None:
            self._writer = QueueWriter(QueueStore())
        return self._writer

    def saved_transfers(self) -> list[SavedTransfer]:
        """Unfinished transfers of this connection saved by an earlier run, not in the queue now."""
        if self._engine is None:
            return []
        present = {i.saved_id for i in self.model.items if i.saved_id is not None}
        writer = self._queue_writer()
        writer.flush()
        return [s for s in writer.store.load(self._engine.connection.identity) if s.id not in present]

    def unfinished_from_last_time(self) -> tuple[list[SavedTransfer], list[JournalEntry]]:
        """What an earlier run left: saved queue items, and interrupted uploads no saved item covers."""
        saved = self.saved_transfers()
        covered = {(s.bucket, s.key, str(s.local_path)) for s in saved if s.direction == Direction.UPLOAD.value}
        entries = [e for e in self.interrupted_uploads() if (e.bucket, e.key, str(e.local_path)) not in covered]
        return saved, entries

    def restore(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> int:
        """Queue what an earlier run left: pending and paused items run again (uploads from their
        parts on the server, large downloads from their partial file); failed ones come back failed,
        ready for Retry."""
        assert self._engine is not None, "connect first"
        batch = self._new_batch()
        items = [self._item_from_saved(s, batch) for s in saved]
        items += [TransferItem(Direction.UPLOAD, e.bucket, e.key, e.local_path, e.size, batch,
                               options=UploadOptions.from_dict(e.options)) for e in entries]
        self._add(items)
        return batch

    def resume_interrupted(self, entries: list[JournalEntry]) -> int:
        """Queue interrupted uploads again; each continues from the parts already on the server."""
        return self.restore([], entries)

    def discard_saved(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> None:
        """Forget what an earlier run left: abort its uploads' parts, delete partial downloads."""
        assert self._engine is not None, "connect first"
        engine = self._engine
        for item in saved:
            if item.direction == Direction.UPLOAD.value and item.local_path is not None:
                self._discard_upload(engine, item.bucket, item.key, item.local_path)
            elif item.direction == Direction.DOWNLOAD.value and item.local_path is not None:
                engine.discard_download(item.bucket, item.key, item.local_path)
        for entry in entries:
            engine.discard(entry.upload_id)
        self._queue_writer().submit([], [s.id for s in saved if s.id is not None])

    def discard_interrupted(self, entries: list[JournalEntry]) -> None:
        """Abort interrupted uploads the user does not want, so no parts stay billed on the server."""
        self.discard_saved([], entries)

    @staticmethod
    def _discard_upload(engine: TransferEngine | ProcessTransferEngine, bucket: str, key: str,
                        path: Path) -> None:
        journal = getattr(engine, "journal", None)
        entry = journal.find(engine.connection.identity, bucket, key, path) if journal is not None else None
        if entry is not None:
            engine.discard(entry.upload_id)

    @staticmethod
    def _item_from_saved(saved: SavedTransfer, batch: int) -> TransferItem:
        failed = saved.state == State.FAILED.value
        item = TransferItem(Direction(saved.direction), saved.bucket, saved.key, saved.local_path, saved.size, batch,
                            options=UploadOptions.from_dict(saved.options) if saved.options is not None else None,
                            source_bucket=saved.source_bucket, source_key=saved.source_key, etag=saved.etag,
                            mtime=saved.mtime, root=saved.root, note=saved.note,
                            state=State.FAILED if failed else State.QUEUED, error=saved.error if failed else "")
        item.saved_id = saved.id
        return item

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
                              mtime=f.mtime, root=plan.root,
                              note=_renamed_note(f.target))
                 for f in plan.files]
        items += [TransferItem(Direction.DOWNLOAD, plan.bucket, r.key, plan.root, 0, batch, state=State.FAILED,
                               error=f"Not downloaded: the key {r.note}.") for r in plan.refused]
        items += [TransferItem(Direction.DOWNLOAD, plan.bucket, f.key, f.target.path, f.size, batch, root=plan.root,
                               state=State.SKIPPED, error="A local file of that name exists; skipped as asked.")
                  for f in plan.skipped]
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

    def add_jobs(self, jobs: Sequence[tuple[Job, Direction, str, str, Path | None, int]]) -> int:
        """Queue jobs (sync items, property edits), run on the engine beside the transfers: each (job,
        direction, bucket, key, local path, size)."""
        batch = self._new_batch()
        self._add([TransferItem(direction, bucket, key, path, size, batch, job=job)
                   for job, direction, bucket, key, path, size in jobs])
        return batch

    def _add(self, items: list[TransferItem]) -> None:
        engine = self._engine
        assert engine is not None, "connect first"
        self.model.add(items)
        # One pass per kind of bookkeeping rather than one call per item: queueing 50,000 files
        # took ~0.3 s of the GUI thread item by item (the worst stall of that benchmark).
        self._item_engine.update(dict.fromkeys(map(id, items), engine))
        batches = {item.batch for item in items}
        for batch in batches:
            mine = items if len(batches) == 1 else [i for i in items if i.batch == batch]
            self._batch_items.setdefault(batch, []).extend(mine)
            self._batch_open[batch] = self._batch_open.get(batch, 0) + sum(not i.state.finished for i in mine)
        counted = [item for item in items if self._counted(item)]
        self._total_bytes += sum(item.size for item in counted)
        settled = [item for item in counted if item.state != State.RUNNING]  # running ones are read live
        for item in settled:
            item.counted_done = item.done_bytes  # what was added is what will be taken away
        self._settled_bytes += sum(item.counted_done for item in settled)
        self._mark_all_changed(items)
        queued = [item for item in items if item.state == State.QUEUED]
        self._pending.extend(item for item in queued if item.job is None)
        self._pending_jobs.extend(item for item in queued if item.job is not None)
        self._pump()
        self._check_batches(batches)
        self.totals_changed.emit()

    # ---------------------------------------------------------------- running
    @staticmethod
    def _counted(item: TransferItem) -> bool:
        return item.state not in (State.SKIPPED, State.CANCELLED)

    def _count(self, item: TransferItem, sign: int) -> None:
        """Add (or take away) an item's share of the totals; running items are read live instead."""
        if not self._counted(item):
            return
        self._total_bytes += sign * item.size
        if item.state != State.RUNNING:
            if sign > 0:
                item.counted_done = item.done_bytes  # what was added is what will be taken away
            self._settled_bytes += sign * item.counted_done

    def _set_state(self, item: TransferItem, state: State) -> None:
        """The one place states change: keeps the running set, per-batch counts, totals and the saved
        queue in step."""
        was_finished = item.state.finished
        self._count(item, -1)
        if self.model.holds(item):  # items not added yet are counted when they are
            self.model.state_moved(item.state, state)
        item.state = state
        self._count(item, +1)
        self._mark_changed(item)
        if state == State.RUNNING:
            self._running.add(item)
        else:
            self._running.discard(item)
        if state == State.QUEUED:
            self._enqueue(item)
        if was_finished != state.finished:
            self._batch_open[item.batch] = self._batch_open.get(item.batch, 0) + (1 if was_finished else -1)

    def _enqueue(self, item: TransferItem) -> None:
        (self._pending if item.job is None else self._pending_jobs).append(item)

    def _pump(self) -> None:
        jobs_running = sum(1 for i in self._running if i.job is not None)
        while len(self._running) - jobs_running < self.max_active and self._pending:
            item = self._pending.popleft()
            if item.state == State.QUEUED:
                self._start(item)
        while jobs_running < JOBS_IN_FLIGHT and self._pending_jobs:
            item = self._pending_jobs.popleft()
            if item.state == State.QUEUED:
                self._start_job(item)
                jobs_running += 1
        if self._running and not self._timer.isActive():
            self._timer.start()

    def _start_job(self, item: TransferItem) -> None:
        engine = self._engine_for(item)
        if engine is None:
            self._refuse_other_connection(item)
            return
        self._set_state(item, State.RUNNING)
        item.error = ""
        item.progress = Progress(item.size)
        item.started_at = time.monotonic()
        assert item.job is not None

        def done(error: BaseException | None, it: TransferItem = item) -> None:  # on a worker's thread
            self._relay.finished.emit(it, error)

        item.future = engine.run_job(item.job, item.progress, done)
        self.model.item_changed(item)

    def _refuse_other_connection(self, item: TransferItem) -> None:
        self._set_state(item, State.FAILED)
        item.error = "This transfer belongs to another connection; connect to it again to retry."
        self.model.item_changed(item)
        self._check_batches({item.batch})

    def _start(self, item: TransferItem) -> None:
        engine = self._engine_for(item)
        if engine is None:
            self._refuse_other_connection(item)
            return
        self._set_state(item, State.RUNNING)
        item.error = ""
        item.progress = Progress(item.size)
        item.speed = 0.0
        item._last_sample = (0.0, 0)
        item.started_at = time.monotonic()
        done = lambda error, it=item: self._relay.finished.emit(it, error)  # noqa: E731 - a worker's thread
        try:
            if item.direction.server_side:
                item.future = engine.copy(item.source_bucket, item.source_key, item.bucket, item.key, item.size,
                                          item.direction == Direction.MOVE, item.progress, done)
            elif item.local_path is None:
                raise OSError(f"no local file for s3://{item.bucket}/{item.key}")
            elif item.direction == Direction.UPLOAD:
                item.future = engine.upload(item.local_path, item.bucket, item.key, item.options or UploadOptions(),
                                            item.progress, done)
            else:
                # A row saved before roots were recorded: its own folder is the one the user chose.
                item.future = engine.download(item.bucket, item.key, item.local_path, item.size, item.etag,
                                              item.mtime, item.progress, done,
                                              root=item.root or item.local_path.parent)
        except OSError as exc:  # the local file vanished or cannot be read
            self._finish(item, exc)
            return
        self.model.item_changed(item)

    @Slot(object, object)
    def _on_item_done(self, item: TransferItem, error: BaseException | None) -> None:
        if item.job is not None and item.state in (State.PAUSED, State.CANCELLED) and not isinstance(
                error, CancelledError):
            self._finish(item, error)  # it had started and ran to its end: say what really happened
            return
        if item.state != State.RUNNING:  # cancelled or paused by the user: keep that state
            item.future = None
            self.model.item_changed(item)
            self._pump()
            return
        self._finish(item, error)

    def _finish(self, item: TransferItem, error: BaseException | None) -> None:
        item.resumed_bytes = getattr(item.future, "resumed_bytes", 0)
        if item.job is not None and error is None:
            item.note = str(getattr(item.future, "result", "") or "")
        item.future = None
        item.finished_at = time.monotonic()
        if error is not None and item.job is not None and getattr(error, "kind", "") == "changed":
            item.error = str(getattr(error, "message", error))
            self._set_state(item, State.SKIPPED)
        elif error is None:
            item.error = ""
            self._set_state(item, State.DONE)
            log.info("%s done: s3://%s/%s", item.direction.value.lower(), item.bucket, item.key)
        else:
            item.error = describe(error, bucket=item.bucket, key=item.key).message
            self._set_state(item, State.FAILED)
            log.warning("%s failed: s3://%s/%s: %s", item.direction.value.lower(), item.bucket, item.key,
                        item.error)
        self.model.item_changed(item)
        self._pump()
        self._check_batches({item.batch})  # totals are refreshed by the timer, not per item

    def _tick(self) -> None:
        self.model.refresh_running(self._running)
        self.totals_changed.emit()
        if not self._running:
            self._timer.stop()

    # ---------------------------------------------------------------- the saved queue
    def _mark_changed(self, item: TransferItem) -> None:
        self._mark_all_changed((item,))

    def _mark_all_changed(self, items: Iterable[TransferItem]) -> None:
        """Note items to save (or delete) with the next save of the queue."""
        if self._closing:
            return
        self._dirty.update((id(item), item) for item in items)
        if not self._save_timer.isActive():
            self._save_timer.start()

    def _should_save(self, item: TransferItem) -> bool:
        if item.job is not None:
            return False  # a sync item belongs to its plan: after a restart the pair is planned again
        if item.state in (State.QUEUED, State.RUNNING, State.PAUSED):
            return True
        # Failed at planning (refused name, unreadable file): there is nothing to retry later.
        return item.state == State.FAILED and not item.error.startswith(("Not downloaded", "Cannot read"))

    def _saved_form(self, item: TransferItem, options_cache: dict[int, dict]) -> SavedTransfer:
        engine = self._item_engine.get(id(item)) or self._engine
        state = {State.RUNNING: State.QUEUED}.get(item.state, item.state)
        options = None
        if item.options is not None:  # one options object per batch: turned into a dict once
            options = options_cache.get(id(item.options))
            if options is None:
                options = options_cache[id(item.options)] = item.options.to_dict()
        if item.saved_id is None:
            item.saved_id = self._queue_writer().store.new_id()
        return SavedTransfer(engine.connection.identity if engine else "", item.direction.value, state.value,
                             item.bucket, item.key, item.local_path, item.root, item.size, options,
                             item.source_bucket, item.source_key, item.etag, item.mtime, item.error, item.note,
                             id=item.saved_id)

    def save_queue(self, limit: int | None = SAVE_CHUNK) -> None:
        """Hand the changed items to the writer thread: unfinished ones saved, the rest deleted.

        At most ``limit`` items per call (the rest on the next tick), so queueing thousands of
        files costs the GUI thread a few milliseconds at a time.
        """
        if not self._dirty and not self._deleted:
            return
        keys = list(self._dirty)[:limit] if limit is not None else list(self._dirty)
        items = [self._dirty.pop(key) for key in keys]
        save: list[SavedTransfer] = []
        delete, self._deleted = self._deleted, []
        options_cache: dict[int, dict] = {}
        for item in items:
            if self._should_save(item):
                form = (State.QUEUED if item.state == State.RUNNING else item.state, item.error)
                if item.saved_id is not None and self._saved_as.get(item.saved_id) == form:
                    continue  # e.g. queued -> running: saved as "queued" either way
                row = self._saved_form(item, options_cache)
                assert row.id is not None
                self._saved_as[row.id] = form
                save.append(row)
            elif item.saved_id is not None:
                delete.append(item.saved_id)
                self._saved_as.pop(item.saved_id, None)
                item.saved_id = None
        self._queue_writer().submit(save, delete)
        if self._dirty and not self._closing and not self._save_timer.isActive():
            self._save_timer.start()

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
        if items[0].job is not None:
            return TransferController._job_summary(items[0].job.batch_title, items)
        direction = items[0].direction
        done = [i for i in items if i.state == State.DONE]
        failed = sum(1 for i in items if i.state == State.FAILED)
        skipped = sum(1 for i in items if i.state == State.SKIPPED)
        cancelled = sum(1 for i in items if i.state == State.CANCELLED)
        verb = {Direction.UPLOAD: "uploaded", Direction.DOWNLOAD: "downloaded", Direction.COPY: "copied",
                Direction.MOVE: "moved"}[direction]
        text = f"{direction.value} finished: {count_of(len(done), 'file')} {verb} " \
               f"({human_size(sum(i.size for i in done))})"
        for count, word in ((failed, "failed"), (skipped, "skipped"), (cancelled, "cancelled")):
            if count:
                text += f", {count:,} {word}"
        notes = []
        renamed = sum(1 for i in done if i.note)
        if renamed:
            notes.append(f"{renamed} renamed to fit the local file system")
        both = sum(1 for i in items if i.state == State.FAILED and "both a file and a folder" in i.error)
        if both:
            notes.append(f"{both} both a file and a folder")
        if notes:
            text += f"; {', '.join(notes)} (see the queue)"
        return text + "."

    @staticmethod
    def _job_summary(title: str, items: list[TransferItem]) -> str:
        done = [i for i in items if i.state == State.DONE]
        text = f"{title} finished: {count_of(len(done), 'item')} done"
        for state, word in ((State.FAILED, "failed"), (State.SKIPPED, "skipped"), (State.CANCELLED, "cancelled")):
            count = sum(1 for i in items if i.state == state)
            if count:
                text += f", {count:,} {word}"
        return text + "."

    def batch_items(self, batch: int) -> list[TransferItem]:
        return list(self._batch_items.get(batch, []))

    def changed_folders(self, batch: int) -> set[Location]:
        """The folders whose contents ``batch`` changed on the server: where its uploads, copies
        and moves landed, and where its moves came from (downloads change nothing there)."""
        folders: set[Location] = set()
        for item in self._batch_items.get(batch, []):
            if item.state != State.DONE or item.direction == Direction.DOWNLOAD:
                continue
            folders.add(Location(item.bucket, item.key[:item.key.rfind("/") + 1]))
            if item.direction == Direction.MOVE:
                folders.add(Location(item.source_bucket, item.source_key[:item.source_key.rfind("/") + 1]))
        return folders

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
                    item.local_path or item.direction.server_side or item.job is not None):
                if item.error.startswith(("Not downloaded", "Cannot read")):
                    continue  # refused at planning time: nothing to retry
                self._set_state(item, State.QUEUED)
                item.error = ""
                for sibling in self._batch_items.get(item.batch, []):
                    sibling.announced = False
                self.model.item_changed(item)
        self._pump()
        self.totals_changed.emit()

    def cancel_batch(self, batch: int) -> None:
        self.cancel(list(self._batch_items.get(batch, [])))

    def batch_totals(self, batch: int) -> tuple[int, int]:
        """(bytes done, bytes total) of one batch."""
        items = [i for i in self._batch_items.get(batch, []) if self._counted(i)]
        return sum(i.done_bytes for i in items), sum(i.size for i in items)

    def cancel_all(self) -> None:
        self.cancel(list(self.model.items))

    def retry_failed(self) -> None:
        self.retry([i for i in self.model.items if i.state == State.FAILED])

    def clear_finished(self) -> None:
        """Remove finished rows; failed uploads that kept parts for a retry have those parts aborted."""
        for item in self.model.items:
            path = item.local_path
            engine = self._engine_for(item) if (item.state == State.FAILED and path is not None
                                                 and item.job is None) else None
            if engine is None or path is None:
                continue
            if item.direction == Direction.UPLOAD:
                self._discard_upload(engine, item.bucket, item.key, path)
            elif item.direction == Direction.DOWNLOAD:
                engine.discard_download(item.bucket, item.key, path)
        for item in self.model.items:
            if item.state.finished:
                self._count(item, -1)
                if item.saved_id is not None:
                    self._deleted.append(item.saved_id)
                    self._saved_as.pop(item.saved_id, None)
                    item.saved_id = None
        self.model.remove_finished()
        self.save_queue()
        for batch in list(self._batch_items):
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
        """(bytes done, bytes total) over items that are pending, running or done: O(running items)."""
        running = sum(i.done_bytes for i in self._running)
        return self._settled_bytes + running, self._total_bytes

    def shutdown(self) -> None:
        """Stop everything; unfinished items are saved and come back at the next connect, running
        multipart uploads keep their parts and large downloads their partial file."""
        self._timer.stop()
        self._save_timer.stop()
        for item in self.model.items:
            if not item.state.finished:
                self._dirty[id(item)] = item
        self.save_queue(limit=None)
        self._closing = True
        for item in list(self._running):
            self._set_state(item, State.CANCELLED)
        for engine in self._engines.values():
            engine.shutdown(cancel=True, keep_multipart=True)
        self._engines.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
