"""Queue jobs (sync items, property edits) run on the transfer engine beside the transfers: at most
JOB_WORKERS at a time, skipped when they report a change, cancel and pause honest about work that
already ran, retry runs again.  (Jobs holding test gates cannot be sent to a worker process, so these
tests run the queue on the in-process engine; test_sync_in_worker covers the worker.)"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import shiboken6

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers import engine_set as queue_module
from s3browser.core.transfers.engine import JOB_WORKERS
from s3browser.core.transfers.queue import JOBS_IN_FLIGHT
from s3browser.core.transfers.queue_items import Direction, State
from s3browser.ui.shell.transfer_queue import TransferController
from tests.conftest import SECRET_KEY, _profile


@pytest.fixture
def in_process_controller(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(queue_module, "processes_supported", lambda: False)
    connection = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY))
    controller = TransferController()
    controller.set_connection(connection)
    yield controller
    controller.shutdown()
    connection.close()
    shiboken6.delete(controller)  # here, on the GUI thread, not by a collection on another thread


class GatedJob:
    batch_title = "Sync “test”"
    running = 0
    most = 0
    lock = threading.Lock()

    def __init__(self, gate: threading.Event, outcome: str = "done") -> None:
        self.gate = gate
        self.outcome = outcome
        self.runs = 0

    def run(self, conn: Connection) -> str:
        with GatedJob.lock:
            GatedJob.running += 1
            GatedJob.most = max(GatedJob.most, GatedJob.running)
        try:
            self.gate.wait(10)
            self.runs += 1
            if self.outcome == "changed":
                raise S3BrowserError("changed locally since the plan was made; skipped", kind="changed")
            if self.outcome == "fail-once" and self.runs == 1:
                raise OSError("disk full")
            return ""
        finally:
            with GatedJob.lock:
                GatedJob.running -= 1


def test_jobs_run_at_most_job_workers_at_once_and_report_each_outcome(qtbot, in_process_controller) -> None:
    controller = in_process_controller
    gate = threading.Event()
    plain = JOBS_IN_FLIGHT + 4  # more than are handed to the engine at once
    jobs = [GatedJob(gate) for _ in range(plain)] + [GatedJob(gate, "changed"), GatedJob(gate, "fail-once")]
    GatedJob.most = 0
    summaries: list[str] = []
    controller.batch_finished.connect(summaries.append)
    batch = controller.add_jobs([(job, Direction.UPLOAD, "b", f"k{n}", Path(f"/tmp/f{n}"), 1)
                                 for n, job in enumerate(jobs)])
    rows = controller.batch_items(batch)
    qtbot.waitUntil(lambda: GatedJob.running == JOB_WORKERS, timeout=5000)
    # Handed to the engine: twice its threads (so it never waits for the next); the rest wait here.
    assert sum(1 for r in rows if r.state == State.RUNNING) == JOBS_IN_FLIGHT
    assert sum(1 for r in rows if r.state == State.QUEUED) == len(rows) - JOBS_IN_FLIGHT
    gate.set()
    qtbot.waitUntil(lambda: all(r.state.finished for r in rows), timeout=10000)
    assert GatedJob.most == JOB_WORKERS
    assert [r.state for r in rows].count(State.DONE) == plain
    assert rows[plain].state == State.SKIPPED and "changed locally" in rows[plain].error
    assert rows[plain + 1].state == State.FAILED and rows[plain + 1].error
    assert summaries == [f"Sync “test” finished: {plain} items done, 1 failed, 1 skipped "
                         f"({rows[plain].error.rstrip('.')})."], "a skip says why"
    assert controller.active_count == 0

    controller.retry([rows[plain + 1]])  # retry runs the job again
    qtbot.waitUntil(lambda: rows[plain + 1].state.finished, timeout=5000)
    assert rows[plain + 1].state == State.DONE and jobs[plain + 1].runs == 2


def test_cancel_and_pause_say_what_really_happened(qtbot, in_process_controller) -> None:
    controller = in_process_controller
    gate = threading.Event()
    jobs = [GatedJob(gate) for _ in range(JOBS_IN_FLIGHT + 2)]
    batch = controller.add_jobs([(job, Direction.DELETE_REMOTE, "b", f"k{n}", None, 1)
                                 for n, job in enumerate(jobs)])
    rows = controller.batch_items(batch)
    qtbot.waitUntil(lambda: GatedJob.running == JOB_WORKERS, timeout=5000)
    waiting = rows[JOB_WORKERS:]  # handed to the engine but not started, and still in the queue
    controller.cancel(waiting)  # never started: cancelled, and never run
    controller.cancel([rows[0]])  # already running: it runs to its end, and says so
    controller.pause([rows[1]])
    gate.set()
    qtbot.waitUntil(lambda: all(r.state.finished for r in rows), timeout=10000)
    assert {r.state for r in waiting} == {State.CANCELLED}
    assert all(job.runs == 0 for job in jobs[JOB_WORKERS:])
    assert rows[0].state == State.DONE and rows[1].state == State.DONE


def test_collections_paused_nests_and_turns_collection_back_on() -> None:
    import gc

    from s3browser.ui.shell.gc_pause import collections_paused

    assert gc.isenabled()
    with collections_paused():
        with collections_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer build is still running
    assert gc.isenabled()


def test_the_first_connection_is_frozen_out_of_full_collections_once(qtbot, window, s3_endpoint,
                                                                      monkeypatch) -> None:
    """Its client's long-lived objects are not walked by every later full collection; a second
    connection is not frozen (it may be replaced, and its cycles must stay collectable)."""
    import gc

    from s3browser.core.settings.secrets import Secrets
    from s3browser.ui.shell import gc_pause
    from tests.conftest import SECRET_KEY, _profile

    monkeypatch.setattr(gc_pause, "_connection_frozen", False)
    freezes: list[int] = []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (freezes.append(1), real_freeze())[-1])
    for _ in range(2):
        with qtbot.waitSignal(window.connections.connected, timeout=10000):
            window.connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
        qtbot.wait(50)
    assert freezes == [1]
    assert window.ctx.connection is not None and gc.get_freeze_count() > 0


def test_a_listing_turns_collection_off_until_its_pages_end_or_it_stops(qtbot, connected, s3_admin,
                                                                         monkeypatch) -> None:
    import gc

    from s3browser.core.s3.locations import Location
    from s3browser.ui.browsing import object_table
    from tests.ui.conftest import wait_loaded

    s3_admin.create_bucket(Bucket="held")
    for i in range(5):
        s3_admin.put_object(Bucket="held", Key=f"k{i}", Body=b"a")
    on_worker: list[bool] = []
    listing = object_table.iter_pages

    def recorded(*args, **kwargs):
        for page in listing(*args, page_size=2, **kwargs):
            on_worker.append(gc.isenabled())  # while the worker lists, between its pages
            yield page

    monkeypatch.setattr(object_table, "iter_pages", recorded)
    connected.navigation.navigate(Location("held", ""))
    wait_loaded(qtbot, connected)
    assert len(on_worker) >= 3 and not any(on_worker), "collection ran while the pages came"
    qtbot.waitUntil(gc.isenabled, timeout=5000)  # the worker's iteration ended: back on
    connected.navigation.navigate(Location("held", ""))
    connected.table_model.cancel()  # stopped by the user: back on too
    qtbot.waitUntil(gc.isenabled, timeout=5000)
