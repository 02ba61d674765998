"""The transfer queue: its items, their states, scheduling, limits, pause, cancel, retry and resume.

Plain Python, no Qt: the window shows it through a thin model and drives it from a controller
(:mod:`s3browser.ui.shell.transfer_queue`), the way qutebrowser's download model sits over its download
manager.  Everything here runs on one thread, the queue's owner's (the GUI thread in the window);
engines report completion on their own threads, and ``post`` carries each report over to the
owner's thread.

* At most ``max_active`` transfers (and ``JOBS_IN_FLIGHT`` jobs) are handed to the engine at a
  time; the rest wait here, where pausing or cancelling them costs nothing.
* Transfers run on the engine of the connection they were queued on; switching connections leaves
  running ones to finish there and stops engines that have nothing left.
* Unfinished items are saved (:mod:`queue_saving`), so pending, paused and failed transfers come
  back after quitting or a crash; they are stored with stable codes.
* Totals are kept incrementally: a refresh walks only the running items, never the whole queue.
* Failures are data: each failed item keeps the error's kind, its sentence and its technical
  detail, and the queue decides on kinds, never on wording.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.engine import JOB_WORKERS
from s3browser.core.transfers.engine_set import Engine, EngineSet
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.journal import JournalEntry
from s3browser.core.transfers.options import UploadOptions
from s3browser.core.transfers.queue_items import Direction, State, TransferItem
from s3browser.core.transfers.queue_plans import copy_items, download_items, upload_items
from s3browser.core.transfers.queue_saving import SAVE_CHUNK, QueueSaver, item_from_saved
from s3browser.core.transfers.queue_store import SavedTransfer

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection
    from s3browser.core.transfers.plans import CopyPlan, DownloadPlan, UploadPlan

log = logging.getLogger(__name__)

# Jobs handed to the engine at once: twice its job threads, so the worker never waits for the next
# one, while the rest stay here, where pausing or cancelling them costs nothing.
JOBS_IN_FLIGHT = 2 * JOB_WORKERS
ADD_SLICE = 2000  # rows a batch adds per turn of the window's event loop (a few milliseconds)
OTHER_CONNECTION = "other-connection"


class QueueView(Protocol):
    """What the queue tells whoever shows it; every call comes on the queue's owner thread."""

    def inserting(self, first: int, last: int) -> None: ...  # rows first..last are about to be added

    def inserted(self) -> None: ...

    def resetting(self) -> None: ...  # the rows are about to be replaced (finished ones cleared)

    def reset_done(self) -> None: ...

    def item_changed(self, item: TransferItem) -> None: ...

    def batch_ended(self, batch: int, items: list[TransferItem]) -> None: ...

    def totals_updated(self) -> None: ...

    def running_started(self) -> None: ...  # something runs: call tick() now and then until it says stop

    def save_wanted(self) -> None: ...  # changes wait: call save() soon

    def sign_in_needed(self, message: str) -> None: ...  # rows wait, paused, for the user to sign in again


@dataclass(slots=True)
class _Adding:
    """A batch being added a slice at a time: the rest of its items, its engine, the state they come in."""

    source: Iterator[TransferItem]
    engine: Engine | None
    later: Callable[[Callable[[], None]], None]
    state: State = State.QUEUED


class TransferQueue:
    def __init__(self, view: QueueView, post: Callable[[Callable[[], None]], None], max_active: int = 32,
                 store_path: Path | None = None) -> None:
        self.view = view
        self._post = post  # runs a callable on the owner's thread (engines finish on theirs)
        self.max_active = max_active
        self.items: list[TransferItem] = []
        # How many rows are in each state, kept as rows come, go and change state, so the queue's
        # buttons know what they can do without walking the rows.
        self.state_counts: Counter[State] = Counter()
        self.engines = EngineSet()
        self._next_batch = 1
        self._pending: deque[TransferItem] = deque()  # QUEUED items in order (stale entries skipped)
        self._pending_jobs: deque[TransferItem] = deque()  # the same for queue jobs
        self.running: set[TransferItem] = set()
        self._batch_open: dict[int, int] = {}  # batch -> items not finished yet
        self._batch_items: dict[int, list[TransferItem]] = {}
        self._adding: dict[int, _Adding] = {}  # batches with slices still to add
        # Totals without walking the queue: sizes of counted items, and bytes of those not running.
        self._total_bytes = 0
        self._settled_bytes = 0
        # The saved queue: changed items are written in one batch, soon after they change.
        self.saver = QueueSaver(self.engines.identity_of, store_path)
        # Failures of these kinds (the sign-in or temporary credentials ended) wait, paused, for
        # the user to sign in again instead of failing; see :meth:`resume_after_sign_in`.
        self.hold_kinds: frozenset[str] = frozenset()

    # ---------------------------------------------------------------- connections and engines
    @property
    def engine(self) -> Engine | None:
        """The engine new work goes to (the current connection's)."""
        return self.engines.current

    def set_connection(self, connection: Connection) -> Engine:
        """New transfers use ``connection``; running ones finish on the engine they started on (see
        :class:`EngineSet`)."""
        return self.engines.connect(connection, self._engine_busy)

    def _engine_busy(self, engine: Engine) -> bool:
        assigned = self.engines.assigned
        return any(assigned(i) is engine for i in self.running) or any(
            assigned(i) is engine for i in self._pending if i.state == State.QUEUED) or any(
            assigned(i) is engine and i.state == State.PAUSED for i in self.items)

    # ---------------------------------------------------------------- what an earlier run left
    def present_saved_ids(self) -> set[int]:
        return {i.saved_id for i in self.items if i.saved_id is not None}

    def load_unfinished(self, present: set[int]) -> tuple[list[SavedTransfer], list[JournalEntry]]:
        """What an earlier run left (saved items not in ``present``, and interrupted uploads no saved
        item covers).  Reads two databases: call it from a worker thread, never a GUI thread."""
        engine = self.engine
        if engine is None:
            return [], []
        saved = [s for s in self.saver.writer.load(engine.connection.identity) if s.id not in present]
        covered = {(s.bucket, s.key, str(s.local_path)) for s in saved
                   if Direction.parse(s.direction) == Direction.UPLOAD}
        entries = [e for e in engine.interrupted_uploads() if (e.bucket, e.key, str(e.local_path)) not in covered]
        return saved, entries

    def restore(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> int:
        """Queue what an earlier run left: pending and paused items run again (uploads from their
        parts on the server, large downloads from their partial file); failed ones come back failed,
        ready for Retry."""
        assert self.engine is not None, "connect first"
        batch = self._new_batch()
        items = [item_from_saved(s, batch) for s in saved]
        items += [TransferItem(Direction.UPLOAD, e.bucket, e.key, e.local_path, e.size, batch,
                               options=UploadOptions.from_dict(e.options)) for e in entries]
        self._add(items)
        return batch

    def discard_saved(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> None:
        """Forget what an earlier run left: abort its uploads' parts, delete partial downloads (on a
        thread of their own: the journal is a database)."""
        assert self.engine is not None, "connect first"
        engine = self.engine
        leftovers = [(engine, Direction.parse(s.direction), s.bucket, s.key, s.local_path) for s in saved]
        self._discard_in_background(leftovers, [e.upload_id for e in entries], engine)
        self.saver.delete([s.id for s in saved if s.id is not None])

    @staticmethod
    def _discard_in_background(leftovers: list[tuple[Engine, Direction, str, str, Path | None]],
                               upload_ids: list[str], engine: Engine | None = None) -> None:
        """Abort uploads' parts and delete partial downloads that nobody will resume."""
        def discard() -> None:
            for owner, direction, bucket, key, path in leftovers:
                if path is None:
                    continue
                if direction == Direction.UPLOAD:
                    journal = getattr(owner, "journal", None)
                    entry = journal.find(owner.connection.identity, bucket, key, path) if journal else None
                    if entry is not None:
                        owner.discard(entry.upload_id)
                elif direction == Direction.DOWNLOAD:
                    owner.discard_download(bucket, key, path)
            for upload_id in upload_ids:
                assert engine is not None
                engine.discard(upload_id)

        if leftovers or upload_ids:
            threading.Thread(target=discard, name="s3b-discard", daemon=True).start()

    # ---------------------------------------------------------------- adding work
    def add_uploads(self, plan: UploadPlan, options: UploadOptions, expect: dict[str, str] | None = None) -> int:
        """Queue a planned upload batch; ``options.overwrite`` must not be ASK any more.  ``expect``:
        key -> the ETag it must still hold (an edited copy sent back over the object it came from)."""
        assert self.engine is not None, "connect first"
        batch = self._new_batch()
        self._add_sliced(batch, upload_items(plan, options, batch, expect))
        return batch

    def add_downloads(self, plan: DownloadPlan) -> int:
        assert self.engine is not None, "connect first"
        batch = self._new_batch()
        self._add_sliced(batch, download_items(plan, batch))
        return batch

    def add_copies(self, plan: CopyPlan) -> int:
        """Queue server-side copies (or moves) of the planned keys."""
        assert self.engine is not None, "connect first"
        batch = self._new_batch()
        self._add_sliced(batch, copy_items(plan, batch))
        return batch

    def add_jobs(self, jobs: Sequence[tuple[Job, Direction, str, str, Path | None, int]]) -> int:
        """Queue jobs (sync items, property edits), run on the engine beside the transfers: each (job,
        direction, bucket, key, local path, size)."""
        batch = self._new_batch()
        self._add_sliced(batch, (TransferItem(direction, bucket, key, path, size, batch, job=job)
                                 for job, direction, bucket, key, path, size in jobs))
        return batch

    def _new_batch(self) -> int:
        batch = self._next_batch
        self._next_batch += 1
        return batch

    def _add_sliced(self, batch: int, items: Iterable[TransferItem]) -> None:
        """Add a batch :data:`ADD_SLICE` items per turn of the owner's event loop (when its view can
        schedule one): 50,000 rows at once held the window for 0.2 s; the first slice starts at once.

        The batch is not announced as ended while slices are still to come, a whole-batch cancel
        or pause made meanwhile applies to the rest as it arrives, and quitting adds the rest at
        once (so it is saved)."""
        source = iter(items)
        first = list(islice(source, ADD_SLICE))
        later = getattr(self.view, "later", None)
        if later is None or len(first) < ADD_SLICE:
            self._add([*first, *source])
            return
        engine = self.engine
        self._adding[batch] = _Adding(source, engine, later)
        self._add(first, engine)
        later(lambda: self._add_slice(batch))

    def _add_slice(self, batch: int, everything: bool = False) -> None:
        adding = self._adding.get(batch)
        if adding is None:
            return
        size = None if everything else ADD_SLICE
        chunk = list(islice(adding.source, size))
        if adding.state != State.QUEUED:
            for item in chunk:
                if item.state == State.QUEUED:
                    item.state = adding.state
        last = size is None or len(chunk) < size
        if last:
            del self._adding[batch]
        self._add(chunk, adding.engine)
        if last:
            self._check_batches({batch})
        else:
            adding.later(lambda: self._add_slice(batch))

    def _add(self, items: list[TransferItem], engine: Engine | None = None) -> None:
        engine = engine or self.engine
        assert engine is not None, "connect first"
        if items:
            start = len(self.items)
            self.view.inserting(start, start + len(items) - 1)
            for offset, item in enumerate(items):
                item.row = start + offset
            self.items.extend(items)
            self.state_counts.update(item.state for item in items)
            self.view.inserted()
        # One pass per kind of bookkeeping rather than one call per item: queueing 50,000 files
        # took ~0.3 s of the GUI thread item by item (the worst stall of that benchmark).
        self.engines.assign(items, engine)
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
        self.view.totals_updated()

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

    def holds(self, item: TransferItem) -> bool:
        row = item.row
        return 0 <= row < len(self.items) and self.items[row] is item

    def _changed(self, item: TransferItem) -> None:
        if self.holds(item):
            self.view.item_changed(item)

    def _set_state(self, item: TransferItem, state: State) -> None:
        """The one place states change: keeps the running set, per-batch counts, totals and the saved
        queue in step."""
        was_finished = item.state.finished
        self._count(item, -1)
        if self.holds(item):  # items not added yet are counted when they are
            self.state_counts[item.state] -= 1
            self.state_counts[state] += 1
        item.state = state
        self._count(item, +1)
        self._mark_changed(item)
        if state == State.RUNNING:
            self.running.add(item)
        else:
            self.running.discard(item)
        if state == State.QUEUED:
            (self._pending if item.job is None else self._pending_jobs).append(item)
        if was_finished != state.finished:
            self._batch_open[item.batch] = self._batch_open.get(item.batch, 0) + (1 if was_finished else -1)

    def _set_error(self, item: TransferItem, message: str = "", kind: str = "", detail: str = "") -> None:
        item.error, item.error_kind, item.error_detail = message, kind, detail

    def _pump(self) -> None:
        jobs_running = sum(1 for i in self.running if i.job is not None)
        was_idle = not self.running
        while len(self.running) - jobs_running < self.max_active and self._pending:
            item = self._pending.popleft()
            if item.state == State.QUEUED:
                self._start(item)
        while jobs_running < JOBS_IN_FLIGHT and self._pending_jobs:
            item = self._pending_jobs.popleft()
            if item.state == State.QUEUED:
                self._start(item)
                jobs_running += 1
        if was_idle and self.running:
            self.view.running_started()

    def _refuse_other_connection(self, item: TransferItem) -> None:
        self._set_state(item, State.FAILED)
        self._set_error(item, "This transfer belongs to another connection; connect to it again to retry.",
                        OTHER_CONNECTION)
        self._changed(item)
        self._check_batches({item.batch})

    def _start(self, item: TransferItem) -> None:
        engine = self.engines.of(item)
        if engine is None:
            self._refuse_other_connection(item)
            return
        self._set_state(item, State.RUNNING)
        self._set_error(item)
        item.progress = Progress(item.size)
        item.speed = 0.0
        item._last_sample = (0.0, 0)
        item.started_at = time.monotonic()

        def done(error: BaseException | None, it: TransferItem = item) -> None:  # on an engine's thread
            self._post(lambda: self._on_item_done(it, error))

        try:
            if item.job is not None:
                item.future = engine.run_job(item.job, item.progress, done)
            elif item.direction.server_side:
                item.future = engine.copy(item.source_bucket, item.source_key, item.bucket, item.key, item.size,
                                          item.direction == Direction.MOVE, item.progress, done)
            elif item.local_path is None:
                raise OSError(f"no local file for s3://{item.bucket}/{item.key}")
            elif item.direction == Direction.UPLOAD:
                item.future = engine.upload(item.local_path, item.bucket, item.key, item.options or UploadOptions(),
                                            item.progress, done, expect=ANY if item.expect is None else item.expect)
            else:
                # A row saved before roots were recorded: its own folder is the one the user chose.
                item.future = engine.download(item.bucket, item.key, item.local_path, item.size, item.etag,
                                              item.mtime, item.progress, done,
                                              root=item.root or item.local_path.parent)
        except OSError as exc:  # the local file vanished or cannot be read
            self._finish(item, exc)
            return
        self._changed(item)

    def _on_item_done(self, item: TransferItem, error: BaseException | None) -> None:
        if item.job is not None and item.state in (State.PAUSED, State.CANCELLED) and not isinstance(
                error, CancelledError):
            self._finish(item, error)  # it had started and ran to its end: say what really happened
            return
        if item.state != State.RUNNING:  # cancelled or paused by the user: keep that state
            item.future = None
            self._changed(item)
            self._pump()
            return
        self._finish(item, error)

    def _finish(self, item: TransferItem, error: BaseException | None) -> None:
        item.resumed_bytes = getattr(item.future, "resumed_bytes", 0)
        if item.job is not None and error is None:
            item.note = str(getattr(item.future, "result", "") or "")
        item.future = None
        item.finished_at = time.monotonic()
        if error is None:
            self._set_error(item)
            self._set_state(item, State.DONE)
            # Each success at DEBUG, the batch's tally at INFO (see _check_batches): one line per file cost
            # 25 us of the GUI thread, and 50,000 of them rotated every earlier failure out of the log.
            log.debug("%s done: s3://%s/%s", item.direction.value, item.bucket, item.key)
        else:
            described = describe(error, bucket=item.bucket, key=item.key)
            self._set_error(item, described.message, described.kind, described.detail)
            if described.kind in self.hold_kinds:
                self._hold_for_sign_in(item, described.message)
                return
            # A job or an upload told to expect a state that no longer holds: it changed since it
            # was planned, and nothing was written, so the row is skipped, not failed.
            skipped = described.kind == "changed" and (item.job is not None or item.expect is not None)
            self._set_state(item, State.SKIPPED if skipped else State.FAILED)
            if not skipped:
                log.warning("%s failed: s3://%s/%s: %s (%s)", item.direction.value, item.bucket, item.key,
                            item.error, item.error_detail)
        self._changed(item)
        self._pump()
        self._check_batches({item.batch})  # totals are refreshed by the view's timer, not per item

    def _hold_for_sign_in(self, item: TransferItem, message: str) -> None:
        """The credentials ended under ``item``: it waits, paused (a multipart upload keeps its
        parts), and so does everything queued, until the user signs in again."""
        self._set_state(item, State.PAUSED)
        self._changed(item)
        log.info("%s waits for a sign-in: s3://%s/%s", item.direction.value, item.bucket, item.key)
        self.view.sign_in_needed(message)

    def resume_after_sign_in(self) -> int:
        """Start again what waited for a sign-in; how many rows that was."""
        waiting = [i for i in self.items if i.state == State.PAUSED and i.error_kind in self.hold_kinds]
        for item in waiting:
            self._set_error(item)
        self.resume(waiting)
        return len(waiting)

    def tick(self) -> bool:
        """Sample the running items' speeds; whether anything still runs (the view stops its timer if not)."""
        now = time.monotonic()
        for item in self.running:
            item.sample_speed(now)
        self.view.totals_updated()
        return bool(self.running)

    # ---------------------------------------------------------------- the saved queue
    def _mark_changed(self, item: TransferItem) -> None:
        self._mark_all_changed((item,))

    def _mark_all_changed(self, items: Iterable[TransferItem]) -> None:
        if self.saver.mark(items):
            self.view.save_wanted()

    def save(self, limit: int | None = SAVE_CHUNK) -> bool:
        """Hand changed items to the writer (see :meth:`QueueSaver.save`); whether more wait."""
        return self.saver.save(limit)

    def _check_batches(self, batches: set[int]) -> None:
        for batch in batches:
            items = self._batch_items.get(batch)
            if batch in self._adding or not items or self._batch_open.get(batch, 0) > 0 or items[0].announced:
                continue
            for item in items:
                item.announced = True
            tally = Counter(item.state for item in items)
            log.info("batch %d ended (%s): %s", batch, items[0].direction.value,
                     ", ".join(f"{count:,} {state.value}" for state, count in tally.items()))
            self.view.batch_ended(batch, items)

    def batch_items(self, batch: int) -> list[TransferItem]:
        return list(self._batch_items.get(batch, []))

    def changed_folders(self, batch: int) -> set[Location]:
        """The folders whose contents ``batch`` changed on the server: where its uploads, copies
        and moves landed, and where its moves came from (downloads change nothing there)."""
        places: set[tuple[str, str]] = set()  # (bucket, folder): a Location is made per folder, not per item
        for item in self._batch_items.get(batch, []):
            if item.state != State.DONE or item.direction == Direction.DOWNLOAD:
                continue
            places.add((item.bucket, item.key[:item.key.rfind("/") + 1]))
            if item.direction == Direction.MOVE:
                places.add((item.source_bucket, item.source_key[:item.source_key.rfind("/") + 1]))
        return {Location(bucket, folder) for bucket, folder in places}

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
            self._changed(item)
            self._check_batches({item.batch})
        self._follow_whole_batches(State.CANCELLED)
        self._pump()
        self.view.totals_updated()

    def _follow_whole_batches(self, state: State) -> None:
        """A batch still being added whose rows so far are all ``state`` (or finished): its rows
        still to come arrive so too (Cancel all or Pause all while 50,000 rows go in)."""
        for batch in self._adding:
            shown = self._batch_items.get(batch, [])
            if shown and all(item.state == state or item.state.finished for item in shown):
                self._adding[batch].state = state
            elif state == State.QUEUED:
                self._adding[batch].state = State.QUEUED

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
            self._changed(item)
        self._follow_whole_batches(State.PAUSED)
        self._pump()

    def resume(self, items: Iterable[TransferItem]) -> None:
        for item in items:
            if item.state == State.PAUSED:
                self._set_state(item, State.QUEUED)
                self._changed(item)
        self._follow_whole_batches(State.QUEUED)
        self._pump()

    @staticmethod
    def retryable(item: TransferItem) -> bool:
        return item.state in (State.FAILED, State.CANCELLED) and item.size >= 0 and not item.refused and (
            item.local_path is not None or item.direction.server_side or item.job is not None)

    def retry(self, items: Iterable[TransferItem]) -> None:
        for item in items:
            if not self.retryable(item):
                continue  # refused at planning time: nothing to retry
            self._set_state(item, State.QUEUED)
            self._set_error(item)
            for sibling in self._batch_items.get(item.batch, []):
                sibling.announced = False
            self._changed(item)
        self._pump()
        self.view.totals_updated()

    def clear_finished(self) -> None:
        """Remove finished rows; failed uploads that kept parts for a retry have those parts aborted."""
        leftovers = []
        for item in self.items:
            engine = self.engines.of(item) if (item.state == State.FAILED and item.local_path is not None
                                                and item.job is None) else None
            if engine is not None:
                leftovers.append((engine, item.direction, item.bucket, item.key, item.local_path))
        self._discard_in_background(leftovers, [])
        for item in self.items:
            if item.state.finished:
                self._count(item, -1)
                self.saver.forget(item)
        keep = [item for item in self.items if not item.state.finished]
        if len(keep) != len(self.items):
            self.view.resetting()
            self.items = keep
            self.state_counts = Counter(item.state for item in keep)
            for row, item in enumerate(keep):
                item.row = row
            self.view.reset_done()
        self.save()
        for batch in list(self._batch_items):
            if self._batch_open.get(batch, 0) == 0:
                del self._batch_items[batch]
                self._batch_open.pop(batch, None)
        self.view.totals_updated()

    # ---------------------------------------------------------------- status
    def states_present(self) -> set[State]:
        return {state for state, count in self.state_counts.items() if count > 0}

    @property
    def active_count(self) -> int:
        """Transfers that quitting would interrupt (running, queued or paused): O(batches), not O(items)."""
        return sum(self._batch_open.values())

    def totals(self) -> tuple[int, int]:
        """(bytes done, bytes total) over items that are pending, running or done: O(running items)."""
        running = sum(i.done_bytes for i in self.running)
        return self._settled_bytes + running, self._total_bytes

    def batch_totals(self, batch: int) -> tuple[int, int]:
        """(bytes done, bytes total) of one batch."""
        items = [i for i in self._batch_items.get(batch, []) if self._counted(i)]
        return sum(i.done_bytes for i in items), sum(i.size for i in items)

    def shutdown(self) -> None:
        """Stop everything; unfinished items are saved and come back at the next connect, running
        multipart uploads keep their parts and large downloads their partial file."""
        for batch in list(self._adding):
            self._add_slice(batch, everything=True)  # rows still to be added are saved too
        self.saver.save_all(self.items)
        for item in list(self.running):
            self._set_state(item, State.CANCELLED)
        self.engines.shutdown()
        self.saver.close()
