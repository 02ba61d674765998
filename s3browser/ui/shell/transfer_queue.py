"""The window's side of the transfer queue: Qt signals, timers and wording over the core queue.

The queue itself (items, states, scheduling, limits, pause, cancel, retry, resume, the saved
queue) is :class:`~s3browser.core.transfers.queue.TransferQueue`, with no Qt.  This controller
gives it a thread hop (engines report completion on their threads; the reports wait in a list,
and one queued signal brings all that came meanwhile to the GUI thread), the refresh and save
timers, the batch summaries people read, and the signals the rest of the window listens to.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from s3browser.core.base.gc_freeze import freeze_survivors
from s3browser.core.local.paths import FILE_AND_FOLDER
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.engine_set import Engine
from s3browser.core.transfers.jobs import Job
from s3browser.core.transfers.journal import JournalEntry
from s3browser.core.transfers.options import UploadOptions
from s3browser.core.transfers.queue import TransferQueue
from s3browser.core.transfers.queue_items import Direction, State, TransferItem
from s3browser.core.transfers.queue_store import SavedTransfer
from s3browser.ui.shell.formatting import count_of, human_size
from s3browser.ui.shell.transfer_queue_model import TransferQueueModel

POSTED_PER_TURN = 200  # engine reports handled per turn of the event loop
FREEZE_AFTER_ROWS = 10_000  # rows queued since the last freeze that make another worth it

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection
    from s3browser.core.transfers.plans import CopyPlan, DownloadPlan, UploadPlan


class _Relay(QObject):
    call = Signal(object)  # a callable to run on the GUI thread
    later = Signal(object)  # a callable to run on a later turn of the GUI thread's event loop


class TransferController(QObject):
    batch_finished = Signal(str)  # a one-line summary
    batch_done = Signal(int)  # the batch number, right after batch_finished
    totals_changed = Signal()
    sign_in_wanted = Signal(str)  # transfers wait for the user to sign in again: the reason, in one sentence
    news = Signal(str)  # what a pause, resume or cancel did, for the status line (it replaces "Uploading…")

    def __init__(self, parent: QObject | None = None, max_active: int = 32, refresh_ms: int = 250) -> None:
        super().__init__(parent)
        self.model = TransferQueueModel(self)
        self._relay = _Relay(self)
        self._relay.call.connect(self._run_posted)
        # A queued connection, not QTimer.singleShot(0, self, call): PySide6 before 6.7 has no such overload.
        self._relay.later.connect(self._run_posted, Qt.ConnectionType.QueuedConnection)
        # Reports from the engines' threads wait here; the GUI thread is woken once for all that came
        # meanwhile (thousands of small files finish a second: one queued signal each was a third
        # of the window's CPU in that benchmark).
        self._posted: deque[Callable[[], None]] = deque()
        self._posted_lock = threading.Lock()
        self._gui_thread = threading.get_ident()
        self._rows_when_frozen = 0
        self.queue = TransferQueue(self, self._post, max_active)
        self.queue.engines.on_created = self._engine_created
        self.model.show(self.queue)
        self.prestart_workers = True  # start a transfer worker on connecting (tests that never transfer turn it off)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._tick)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(refresh_ms)
        self._save_timer.timeout.connect(self.save_queue)

    def _post(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the GUI thread: now if this is it, else soon, with whatever else came meanwhile."""
        if threading.get_ident() == self._gui_thread:
            call()
            return
        with self._posted_lock:
            self._posted.append(call)
            if len(self._posted) > 1:
                return  # the GUI thread was woken already and has not run them yet
        self._relay.call.emit(None)

    @Slot(object)
    def _run_posted(self, call: Callable[[], None] | None) -> None:
        """Run ``call``; None runs what :meth:`_post` holds, at most :data:`POSTED_PER_TURN` before the
        event loop's next turn (so a flood of reports never stalls the window)."""
        if call is not None:
            call()
            return
        with self._posted_lock:
            posted = self._posted
            if len(posted) <= POSTED_PER_TURN:
                calls: Iterable[Callable[[], None]] = list(posted)
                posted.clear()
            else:
                calls = [posted.popleft() for _ in range(POSTED_PER_TURN)]
                self._relay.later.emit(None)  # the rest on the next turn; later posts need no wake-up
        for call in calls:
            call()

    # ---------------------------------------------------------------- what the queue tells (QueueView)
    def later(self, call: Callable[[], None]) -> None:
        """Run ``call`` on a later turn of the event loop (the queue adds a big batch in slices)."""
        self._relay.later.emit(call)

    def inserting(self, first: int, last: int) -> None:
        self.model.inserting(first, last)

    def inserted(self) -> None:
        self.model.inserted()
        rows = len(self.model.items)
        if rows - self._rows_when_frozen >= FREEZE_AFTER_ROWS:
            self._rows_when_frozen = rows
            # The new rows stay for the whole transfer: every full collection walked them again (two of
            # 67 ms with the GIL held while 50,000 small files went up).  Young generations only: a
            # full collection here would be the stall this avoids.
            freeze_survivors(generation=1)

    def resetting(self) -> None:
        self.model.resetting()

    def reset_done(self) -> None:
        self.model.reset_done()
        self._rows_when_frozen = min(self._rows_when_frozen, len(self.model.items))  # rows were cleared

    def item_changed(self, item: TransferItem) -> None:
        self.model.item_changed(item)

    def batch_ended(self, batch: int, items: list[TransferItem]) -> None:
        self.batch_finished.emit(self._summary(items))
        self.batch_done.emit(batch)

    def totals_updated(self) -> None:
        self.totals_changed.emit()

    def running_started(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def save_wanted(self) -> None:
        if not self._save_timer.isActive():
            self._save_timer.start()

    def sign_in_needed(self, message: str) -> None:
        self.sign_in_wanted.emit(message)

    def hold_for_sign_in(self, kinds: frozenset[str]) -> None:
        """Failures of ``kinds`` wait, paused, for a sign-in (the connection can sign in again)."""
        self.queue.hold_kinds = kinds

    def resume_after_sign_in(self) -> None:
        resumed = self.queue.resume_after_sign_in()
        if resumed:
            self.news.emit(f"Signed in: {count_of(resumed, 'transfer')} going on.")
            self.totals_changed.emit()

    # ---------------------------------------------------------------- setup
    @property
    def max_active(self) -> int:
        return self.queue.max_active

    @max_active.setter
    def max_active(self, value: int) -> None:
        self.queue.max_active = value

    def set_connection(self, connection: Connection) -> None:
        """New transfers use ``connection``; see :meth:`TransferQueue.set_connection`."""
        self.queue.set_connection(connection)

    def _engine_created(self, engine: Engine) -> None:
        if self.prestart_workers and hasattr(engine, "prestart"):
            # After the window has shown the new connection; never after shutdown.
            QTimer.singleShot(0, lambda e=engine: e.prestart() if self.queue.engines.holds(e) else None)

    def interrupted_uploads(self) -> list[JournalEntry]:
        """Uploads of this connection that quitting or a failure interrupted, with parts on the server
        (reads the journal: from a worker thread, or in tests)."""
        return self.queue.engine.interrupted_uploads() if self.queue.engine else []

    def unfinished_from_last_time(self) -> tuple[list[SavedTransfer], list[JournalEntry]]:
        """What an earlier run left (reads two databases: from a worker thread, or in tests)."""
        return self.queue.load_unfinished(self.queue.present_saved_ids())

    def restore(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> int:
        return self.queue.restore(saved, entries)

    def resume_interrupted(self, entries: list[JournalEntry]) -> int:
        """Queue interrupted uploads again; each continues from the parts already on the server."""
        return self.queue.restore([], entries)

    def discard_saved(self, saved: Sequence[SavedTransfer], entries: Sequence[JournalEntry] = ()) -> None:
        self.queue.discard_saved(saved, entries)

    def discard_interrupted(self, entries: list[JournalEntry]) -> None:
        """Abort interrupted uploads the user does not want, so no parts stay billed on the server."""
        self.queue.discard_saved([], entries)

    # ---------------------------------------------------------------- adding work
    def add_uploads(self, plan: UploadPlan, options: UploadOptions, expect: dict[str, str] | None = None) -> int:
        return self.queue.add_uploads(plan, options, expect)

    def add_downloads(self, plan: DownloadPlan) -> int:
        return self.queue.add_downloads(plan)

    def add_copies(self, plan: CopyPlan) -> int:
        return self.queue.add_copies(plan)

    def add_jobs(self, jobs: Sequence[tuple[Job, Direction, str, str, Path | None, int]]) -> int:
        return self.queue.add_jobs(jobs)

    # ---------------------------------------------------------------- running
    def _tick(self) -> None:
        running = self.queue.tick()
        self.model.refresh_progress()
        if not running:
            self._timer.stop()

    def save_queue(self) -> None:
        if self.queue.save():
            self._save_timer.start()

    # ---------------------------------------------------------------- wording
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
        text = f"{direction.label} finished: {count_of(len(done), 'file')} {verb} " \
               f"({human_size(sum(i.size for i in done))})"
        for count, word in ((failed, "failed"), (skipped, "skipped"), (cancelled, "cancelled")):
            if count:
                text += f", {count:,} {word}"
                if word == "skipped":
                    text += f" ({TransferController._why_skipped(items)})"
        notes = []
        renamed = sum(1 for i in done if i.note)
        if renamed:
            notes.append(f"{renamed} renamed to fit the local file system")
        both = sum(1 for i in items if i.state == State.FAILED and i.error_kind == FILE_AND_FOLDER)
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
                if state == State.SKIPPED:
                    text += f" ({TransferController._why_skipped(items)})"
        return text + "."

    @staticmethod
    def _why_skipped(items: list[TransferItem]) -> str:
        """The reason the skipped items give, when they share one; else where to read each one's."""
        reasons = {i.error.strip().rstrip(".") for i in items if i.state == State.SKIPPED}
        if len(reasons) == 1 and next(iter(reasons)):
            return next(iter(reasons))
        return "see the queue for why"

    # ---------------------------------------------------------------- the queue's answers and actions
    def batch_items(self, batch: int) -> list[TransferItem]:
        return self.queue.batch_items(batch)

    def changed_folders(self, batch: int) -> set[Location]:
        return self.queue.changed_folders(batch)

    def cancel(self, items: Iterable[TransferItem]) -> None:
        chosen = [i for i in items if i.state in (State.QUEUED, State.RUNNING, State.PAUSED)]
        self.queue.cancel(chosen)
        if chosen:
            self.news.emit(f"Cancelled {count_of(len(chosen), 'transfer')}.")
            self.totals_changed.emit()

    def pause(self, items: Iterable[TransferItem]) -> None:
        chosen = [i for i in items if i.state in (State.QUEUED, State.RUNNING)]
        self.queue.pause(chosen)
        if chosen:
            self.news.emit(f"Paused {count_of(len(chosen), 'transfer')}; Resume continues "
                           f"{'it' if len(chosen) == 1 else 'them'} where {'it' if len(chosen) == 1 else 'they'} "
                           "stopped.")
            self.totals_changed.emit()  # the status bar's progress says Paused

    def resume(self, items: Iterable[TransferItem]) -> None:
        chosen = [i for i in items if i.state == State.PAUSED]
        self.queue.resume(chosen)
        if chosen:
            self.news.emit(f"Resumed {count_of(len(chosen), 'transfer')}.")
            self.totals_changed.emit()

    def retry(self, items: Iterable[TransferItem]) -> None:
        self.queue.retry(items)

    def cancel_batch(self, batch: int) -> None:
        self.queue.cancel(self.queue.batch_items(batch))

    def batch_totals(self, batch: int) -> tuple[int, int]:
        return self.queue.batch_totals(batch)

    def cancel_all(self) -> None:
        self.cancel(list(self.queue.items))

    def retry_failed(self) -> None:
        self.queue.retry([i for i in self.queue.items if i.state == State.FAILED])

    def clear_finished(self) -> None:
        self.queue.clear_finished()

    @property
    def active_count(self) -> int:
        return self.queue.active_count

    def totals(self) -> tuple[int, int]:
        return self.queue.totals()

    def shutdown(self) -> None:
        """Stop everything; unfinished items are saved and come back at the next connect."""
        self._timer.stop()
        self._save_timer.stop()
        self.queue.shutdown()
