"""The transfer queue without Qt (core/transfers/queue.py): limits, pause, cancel, retry, resume, totals,
batches, failures kept as data, and the saved form in stable codes (a queue saved with labels loads)."""

from __future__ import annotations

import sqlite3
from concurrent.futures import CancelledError
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.paths import LocalFile
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.plans import UploadPlan
from s3browser.core.transfers.queue import TransferQueue
from s3browser.core.transfers.queue_items import Direction, State, TransferItem
from s3browser.core.transfers.queue_saving import item_from_saved
from s3browser.core.transfers.queue_store import QueueStore, SavedTransfer


class RecordingView:
    """What a window would be told, written down."""

    def __init__(self) -> None:
        self.rows = 0
        self.changed: list[TransferItem] = []
        self.batches: list[tuple[int, list[State]]] = []
        self.saves_wanted = 0

    def inserting(self, first: int, last: int) -> None:
        self.rows_before = self.rows
        self.rows += last - first + 1

    def inserted(self) -> None: ...

    def resetting(self) -> None: ...

    def reset_done(self) -> None: ...

    def item_changed(self, item: TransferItem) -> None:
        self.changed.append(item)

    def batch_ended(self, batch: int, items: list[TransferItem]) -> None:
        self.batches.append((batch, [i.state for i in items]))

    def totals_updated(self) -> None: ...

    def running_started(self) -> None:  # noqa: F811 - the protocol's method, counted
        self.runs_started = getattr(self, "runs_started", 0) + 1

    def save_wanted(self) -> None:
        self.saves_wanted += 1

    def sign_in_needed(self, message: str) -> None:
        self.sign_in_messages = [*getattr(self, "sign_in_messages", []), message]


class Handle:
    def __init__(self, on_done: Any) -> None:
        self.on_done = on_done
        self.cancelled = self.interrupted = False
        self.resumed_bytes = 0
        self.result = ""

    def cancel(self) -> None:
        self.cancelled = True

    def interrupt(self) -> None:
        self.interrupted = True


class FakeEngine:
    """Records what the queue starts; the test finishes each one as the engine would."""

    def __init__(self) -> None:
        self.connection = SimpleNamespace(identity="fake|account")
        self.journal = None
        self.started: list[tuple[str, str, Handle, dict]] = []

    def upload(self, path, bucket, key, options, progress, on_done, **kwargs):  # noqa: ANN001, ANN201
        handle = Handle(on_done)
        self.started.append(("upload", key, handle, kwargs))
        return handle

    def download(self, bucket, key, target, size, etag, mtime, progress, on_done, **kwargs):  # noqa: ANN001, ANN201
        handle = Handle(on_done)
        self.started.append(("download", key, handle, kwargs))
        return handle

    def run_job(self, job, progress, on_done):  # noqa: ANN001, ANN201
        handle = Handle(on_done)
        self.started.append(("job", job.batch_title, handle, {}))
        return handle

    def interrupted_uploads(self) -> list:
        return []

    def shutdown(self, **kwargs: Any) -> None: ...


@pytest.fixture
def queue(tmp_path: Path):  # noqa: ANN201
    view = RecordingView()
    q = TransferQueue(view, lambda call: call(), max_active=2, store_path=tmp_path / "queue.sqlite3")
    q.engines.current = engine = FakeEngine()  # type: ignore[assignment]
    q.engines._engines[0] = engine  # type: ignore[assignment]
    yield q
    q.shutdown()


def upload_plan(tmp_path: Path, count: int, size: int = 10) -> UploadPlan:
    files = []
    for n in range(count):
        path = tmp_path / f"f{n}.bin"
        path.write_bytes(b"x" * size)
        files.append(LocalFile(path, f"in/f{n}.bin", size, path.stat().st_mtime))
    return UploadPlan("bucket", "in/", files, [], {})


def finish(engine: FakeEngine, key: str, error: BaseException | None = None) -> None:
    handle = next(h for kind, k, h, _ in engine.started if k == key)
    handle.on_done(error)


def test_at_most_max_active_run_and_the_rest_follow_in_order(queue, tmp_path: Path) -> None:
    engine = queue.engine
    batch = queue.add_uploads(upload_plan(tmp_path, 5), UploadOptions(Overwrite.OVERWRITE))
    assert [k for _, k, _, _ in engine.started] == ["in/f0.bin", "in/f1.bin"]
    assert queue.totals() == (0, 50) and queue.active_count == 5
    finish(engine, "in/f0.bin")
    assert [k for _, k, _, _ in engine.started][-1] == "in/f2.bin"
    for key in ("in/f1.bin", "in/f2.bin", "in/f3.bin", "in/f4.bin"):
        finish(engine, key)
    assert queue.view.batches == [(batch, [State.DONE] * 5)], "the batch ends once, when its last item does"
    assert queue.totals() == (50, 50) and queue.active_count == 0


def test_pause_cancel_resume_and_retry(queue, tmp_path: Path) -> None:
    engine = queue.engine
    queue.add_uploads(upload_plan(tmp_path, 4), UploadOptions(Overwrite.OVERWRITE))
    items = queue.items
    queue.pause([items[0], items[2]])  # one running (interrupted: keeps its parts), one waiting
    assert items[0].state == State.PAUSED and engine.started[0][2].interrupted
    assert items[2].state == State.PAUSED
    queue.cancel([items[3]])
    assert items[3].state == State.CANCELLED
    finish(engine, "in/f0.bin", CancelledError())  # the engine confirms the interruption
    assert items[0].state == State.PAUSED, "a paused item stays paused when its engine stops it"
    queue.resume([items[0], items[2]])
    finish(engine, "in/f1.bin", S3BrowserError("The server did not answer in time.", kind="timeout",
                                                detail="ReadTimeoutError: read timed out"))
    assert (items[1].state, items[1].error_kind, items[1].error_detail) == (
        State.FAILED, "timeout", "ReadTimeoutError: read timed out")
    queue.retry([items[1], items[3]])
    assert items[1].state in (State.QUEUED, State.RUNNING) and items[1].error == "" and items[1].error_kind == ""
    assert items[3].state in (State.QUEUED, State.RUNNING), "a cancelled item can be retried"


def test_a_conditional_upload_refused_as_changed_is_skipped_not_failed(queue, tmp_path: Path) -> None:
    engine = queue.engine
    plan = upload_plan(tmp_path, 2)
    queue.add_uploads(plan, UploadOptions(Overwrite.OVERWRITE), expect={"in/f0.bin": '"abc"'})
    assert engine.started[0][3] == {"expect": '"abc"'} and engine.started[1][3] == {"expect": ANY}
    changed = S3BrowserError("changed on S3 since the plan was made; skipped, nothing overwritten", kind="changed")
    finish(engine, "in/f0.bin", changed)
    finish(engine, "in/f1.bin", S3BrowserError("f1.bin changed while it was being uploaded", kind="changed"))
    assert queue.items[0].state == State.SKIPPED, "it expected a state that no longer holds: nothing was written"
    assert queue.items[1].state == State.FAILED, "a plain upload whose file changed failed, and can be retried"


def test_refused_rows_are_never_run_retried_or_saved(queue, tmp_path: Path) -> None:
    plan = upload_plan(tmp_path, 1)
    plan.problems.append(f"{tmp_path / 'locked.bin'}: Permission denied")
    queue.add_uploads(plan, UploadOptions(Overwrite.OVERWRITE))
    refused = queue.items[1]
    assert refused.state == State.FAILED and refused.refused and refused.error_kind == "unreadable"
    queue.retry([refused])
    assert refused.state == State.FAILED
    queue.save(limit=None)
    queue.saver.writer.flush()
    rows = queue.saver.writer.load("fake|account")
    assert [r.key for r in rows] == ["in/f0.bin"]


def test_the_saved_queue_stores_codes_and_comes_back(queue, tmp_path: Path) -> None:
    queue.max_active = 0
    queue.add_uploads(upload_plan(tmp_path, 1), UploadOptions(Overwrite.OVERWRITE), expect={"in/f0.bin": '"e"'})
    queue.save(limit=None)
    saved = queue.saver.writer.load("fake|account")
    assert [(s.direction, s.state, s.expect) for s in saved] == [("upload", "queued", '"e"')]
    item = item_from_saved(saved[0], batch=9)
    assert (item.direction, item.state, item.expect, item.key) == (Direction.UPLOAD, State.QUEUED, '"e"', "in/f0.bin")


def test_rows_saved_by_the_previous_release_read_back(tmp_path: Path) -> None:
    """Its file had no kind, detail or expect columns and stored labels."""
    path = tmp_path / "old-queue.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("""CREATE TABLE transfers (id INTEGER PRIMARY KEY AUTOINCREMENT, connection TEXT NOT NULL,
            direction TEXT NOT NULL, state TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, local_path TEXT,
            root TEXT, size INTEGER NOT NULL, options TEXT, source_bucket TEXT NOT NULL DEFAULT '',
            source_key TEXT NOT NULL DEFAULT '', etag TEXT NOT NULL DEFAULT '', mtime REAL NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')""")
        db.execute("INSERT INTO transfers (connection, direction, state, bucket, key, size, error) "
                   "VALUES ('acct', 'Delete on S3', 'Failed', 'b', 'k', 3, 'It failed.')")
    store = QueueStore(path)
    try:
        [row] = store.load("acct")
        store.apply([SavedTransfer("acct", "download", "paused", "b", "new", None, None, 1, id=99)], [])
        assert [r.key for r in store.load("acct")] == ["k", "new"]
    finally:
        store.close()
    item = item_from_saved(row, batch=1)
    assert (item.direction, item.state, item.error, item.error_kind) == (Direction.DELETE_REMOTE, State.FAILED,
                                                                         "It failed.", "")
    assert item.direction.label == "Delete on S3" and item.state.label == "Failed"


def test_jobs_wait_in_the_queue_beyond_what_is_in_flight(queue) -> None:
    from s3browser.core.transfers.queue import JOBS_IN_FLIGHT

    class Job:
        batch_title = "Sync “t”"

        def run(self, conn) -> str:  # noqa: ANN001
            return ""

    queue.add_jobs([(Job(), Direction.UPLOAD, "b", f"k{n}", None, 1) for n in range(JOBS_IN_FLIGHT + 3)])
    engine = queue.engine
    assert len(engine.started) == JOBS_IN_FLIGHT
    queue.cancel(queue.items[-3:])
    engine.started[0][2].result = "a note"
    engine.started[0][2].on_done(None)
    assert queue.items[0].note == "a note" and queue.items[0].state == State.DONE
    assert len(engine.started) == JOBS_IN_FLIGHT, "cancelled jobs are never handed on"


class SlicingView(RecordingView):
    """A view whose event loop turns are run by the test: ``later`` calls wait in ``turns``."""

    def __init__(self) -> None:
        super().__init__()
        self.turns: list = []

    def later(self, call) -> None:  # noqa: ANN001
        self.turns.append(call)

    def turn(self) -> None:
        calls, self.turns = self.turns, []
        for call in calls:
            call()


@pytest.fixture
def sliced(tmp_path: Path, monkeypatch):  # noqa: ANN201
    from s3browser.core.transfers import queue as queue_module

    monkeypatch.setattr(queue_module, "ADD_SLICE", 4)
    q = TransferQueue(SlicingView(), lambda call: call(), max_active=2, store_path=tmp_path / "queue.sqlite3")
    q.engines.current = engine = FakeEngine()  # type: ignore[assignment]
    q.engines._engines[0] = engine  # type: ignore[assignment]
    yield q
    q.shutdown()


def finish_started(sliced) -> None:  # noqa: ANN001
    """Finish every transfer started so far (and those each finish starts), as the engine would."""
    finished: set[str] = set()
    while True:
        waiting = [k for _, k, _, _ in sliced.engine.started if k not in finished]
        if not waiting:
            return
        finished.add(waiting[0])
        finish(sliced.engine, waiting[0])


def test_a_big_batch_goes_in_a_slice_per_turn_and_ends_once_all_of_it_has_run(sliced, tmp_path: Path) -> None:
    view, engine = sliced.view, sliced.engine
    batch = sliced.add_uploads(upload_plan(tmp_path, 10), UploadOptions(Overwrite.OVERWRITE))
    assert view.rows == 4 and len(engine.started) == 2  # the first slice is there and running at once
    finish_started(sliced)
    assert view.batches == [], "not ended while rows are still to come"
    view.turn()
    assert view.rows == 8
    view.turn()
    assert view.rows == 10 and not view.turns
    finish_started(sliced)
    assert view.batches == [(batch, [State.DONE] * 10)] and sliced.totals() == (100, 100)


def test_cancel_all_while_a_batch_goes_in_cancels_the_rest_too(sliced, tmp_path: Path) -> None:
    view = sliced.view
    batch = sliced.add_uploads(upload_plan(tmp_path, 10), UploadOptions(Overwrite.OVERWRITE))
    sliced.cancel(list(sliced.items))
    view.turn()
    view.turn()
    assert [item.state for item in sliced.items] == [State.CANCELLED] * 10
    assert view.batches == [(batch, [State.CANCELLED] * 10)]
    assert len(sliced.engine.started) == 2, "nothing added later was started"


def test_pausing_part_of_a_batch_going_in_leaves_the_rest_queued(sliced, tmp_path: Path) -> None:
    sliced.add_uploads(upload_plan(tmp_path, 10), UploadOptions(Overwrite.OVERWRITE))
    sliced.pause(sliced.items[3:4])
    sliced.view.turn()
    assert [item.state for item in sliced.items[4:8]] == [State.QUEUED] * 4


def test_quitting_while_a_batch_goes_in_keeps_all_of_it_for_next_time(sliced, tmp_path: Path) -> None:
    sliced.add_uploads(upload_plan(tmp_path, 10), UploadOptions(Overwrite.OVERWRITE))
    sliced.shutdown()
    assert len(sliced.items) == 10
    from s3browser.core.transfers.queue_store import QueueStore

    store = QueueStore(tmp_path / "queue.sqlite3")
    try:
        assert len(store.load(sliced.engines.identity_of(sliced.items[0]))) == 10
    finally:
        store.close()


def test_the_log_gets_a_batchs_tally_and_its_failures_not_a_line_per_file(queue, tmp_path: Path, caplog) -> None:
    """A batch of 50,000 small files wrote 50,000 "done" lines: the rotating log lost every earlier
    failure to them.  Successes are DEBUG now; the batch's end is one INFO line with its tally, and
    each failure keeps its own WARNING line."""
    import logging

    caplog.set_level(logging.INFO, logger="s3browser")
    engine = queue.engine
    queue.add_uploads(upload_plan(tmp_path, 3), UploadOptions(overwrite=Overwrite.OVERWRITE))
    finish(engine, "in/f0.bin")
    finish(engine, "in/f1.bin", S3BrowserError("The server refused it.", kind="denied"))
    finish(engine, "in/f2.bin")
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("s3browser.core.transfers")]
    assert not any("done: s3://" in text for _, text in lines)
    assert [text for level, text in lines if level == "WARNING"] == [
        "upload failed: s3://bucket/in/f1.bin: The server refused it. ()"]
    assert [text for level, text in lines if level == "INFO"] == ["batch 1 ended (upload): 2 done, 1 failed"]
