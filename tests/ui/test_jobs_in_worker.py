"""Sync items and property edits run in the transfer worker process (issue 29, point 2): while they
run, the window's process sends no S3 request at all (counted on its connection), and their results
(baseline rows, run-log lines, notes on the queue rows) are the same as before."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import Qt

from s3browser.core.ops.properties import PropertyChanges
from s3browser.core.s3.locations import Location
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.plan import Mode
from s3browser.core.sync.runlog import latest_run_log
from s3browser.core.transfers.queue_items import State
from tests.ui.test_sync_gui import make_pair_from_the_tree, write


class RequestCounter:
    """Records the requests one botocore client sends (its public ``before-send`` event), with when."""

    def __init__(self, client) -> None:  # noqa: ANN001
        self.sent: list[tuple[float, str]] = []
        client.meta.events.register("before-send.s3", self._sent)

    def _sent(self, request, **kwargs) -> None:  # noqa: ANN001, ANN003
        self.sent.append((time.monotonic(), f"{request.method} {request.url}"))

    def between(self, start: float, end: float) -> list[str]:
        return [what for when, what in self.sent if start <= when <= end]


def test_a_sync_apply_sends_no_request_from_the_window_process(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="in-worker")
    for n in range(5):
        s3_admin.put_object(Bucket="in-worker", Key=f"team/remote{n}.txt", Body=f"remote {n}".encode())
    local = tmp_path / "team"
    for n in range(5):
        write(local, f"local{n}.txt", f"local {n}".encode())
    write(local, "big.bin", os.urandom(3 * 1024 * 1024))
    preview = make_pair_from_the_tree(qtbot, win, Location("in-worker", "team/"), local, Mode.TWO_WAY)
    assert preview.start_button.text() == "Upload 6, download 5"

    counter = RequestCounter(win.ctx.connection.client)
    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    started = time.monotonic()
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=60000)

    rows = win.transfers.batch_items(batches[0])
    assert len(rows) == 11 and all(r.state == State.DONE for r in rows), [(r.key, r.error) for r in rows]
    # From the click to the last item's end (the window refreshes what changed only after that).
    assert counter.between(started, max(r.finished_at for r in rows)) == [], "S3 requests from the window"
    assert (local / "remote3.txt").read_bytes() == b"remote 3"
    uploaded = s3_admin.get_object(Bucket="in-worker", Key="team/big.bin")["Body"].read()
    assert uploaded == (local / "big.bin").read_bytes()
    pair = win.sync_panel.model.pairs[0]
    with Baseline(pair.id) as baseline:
        assert len(baseline.load()) == 11, "the worker recorded every item in the baseline"
    log = latest_run_log(pair.id)
    assert log is not None
    text = log.read_text()
    assert text.count("\n") >= 11 and "done upload big.bin" in text and "done download remote0.txt" in text


def test_a_property_edit_runs_in_the_worker(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="props-worker")
    s3_admin.put_object(Bucket="props-worker", Key="a.txt", Body=b"abc", ContentType="text/plain")
    counter = RequestCounter(win.ctx.connection.client)
    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    started = time.monotonic()
    batch = win.inspect.queue_changes(win.ctx.connection, "props-worker",
                                      PropertyChanges(headers={"ContentType": "text/markdown"}), {"a.txt": 3})
    qtbot.waitUntil(lambda: batch in batches, timeout=30000)
    rows = win.transfers.batch_items(batch)
    assert rows[0].state == State.DONE and "copied onto itself" in rows[0].note
    assert counter.between(started, rows[0].finished_at) == []
    assert s3_admin.head_object(Bucket="props-worker", Key="a.txt")["ContentType"] == "text/markdown"
