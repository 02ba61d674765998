"""The transfer queue in the real window: it survives a restart, says what it renamed, fetches a
drag once, stops idle workers, and never walks every item to show its totals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.queue_items import State
from s3browser.ui.browsing.drag_out import DeferredDownloadMime, staging_root
from s3browser.ui.shell.interaction import Resume
from s3browser.ui.shell.transfer_queue_model import COL_ERROR
from tests.conftest import _profile
from tests.ui.conftest import wait_loaded
from tests.ui.test_drag_out import FileManagerStandIn, drop_on, select_names
from tests.ui.test_resume_gui import open_window


def download_plan_of(win, qtbot, location: Location, keys: list[str], root: Path):  # noqa: ANN001
    from s3browser.core.transfers.plans import plan_downloads

    return plan_downloads(win.ctx.connection, location.bucket, keys, [], location.prefix, root)


def test_pending_paused_and_failed_transfers_come_back_after_a_restart(qtbot, store, s3_endpoint, s3_admin,
                                                                       answers, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="later")
    for name in ("a.txt", "b.txt", "c.txt"):
        s3_admin.put_object(Bucket="later", Key=name, Body=name.encode() * 100)
    sources = []
    for name in ("u1.txt", "u2.txt"):
        sources.append(tmp_path / name)
        sources[-1].write_text(f"upload {name}")

    first = open_window(qtbot, store, s3_endpoint)
    first.transfers.max_active = 0  # nothing starts: everything stays pending
    root = tmp_path / "downloads"
    first.transfers.add_downloads(download_plan_of(first, qtbot, Location("later", ""), ["a.txt", "b.txt", "c.txt"],
                                                   root))
    first.transfer_actions.upload_paths(sources, Location("later", "in/"), UploadOptions(overwrite=Overwrite.OVERWRITE))
    qtbot.waitUntil(lambda: len(first.transfers.model.items) == 5, timeout=10000)
    items = {i.key: i for i in first.transfers.model.items}
    first.transfers.pause([items["b.txt"]])
    first.transfers.queue._set_state(items["c.txt"], State.FAILED)  # as a failed transfer, ready for Retry
    items["c.txt"].error = "The server did not answer in time."
    items["c.txt"].error_kind, items["c.txt"].error_detail = "timeout", "ReadTimeoutError: read timed out"
    answers.answers = [True]  # "transfers are not finished; quit anyway?"
    assert first.close()

    answers.resume_answers = [Resume.RESUME]
    second = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.waitUntil(lambda: len(second.transfers.model.items) == 5, timeout=10000)
        assert "5 transfers were not finished when s3browser last closed" in answers.questions[-1]
        states = {i.key: i.state for i in second.transfers.model.items}
        assert states["c.txt"] == State.FAILED, "a failed transfer comes back failed, for Retry"
        failed = next(i for i in second.transfers.model.items if i.key == "c.txt")
        assert (failed.error_kind, failed.error_detail) == ("timeout", "ReadTimeoutError: read timed out"), \
            "its kind and detail were saved with it"
        qtbot.waitUntil(lambda: all(i.state == State.DONE for i in second.transfers.model.items
                                    if i.key != "c.txt"), timeout=20000)
        assert (root / "a.txt").read_bytes() == b"a.txt" * 100 and (root / "b.txt").exists()
        assert s3_admin.get_object(Bucket="later", Key="in/u2.txt")["Body"].read() == b"upload u2.txt"
        second.transfers.retry_failed()
        # The row done, not only its file: on a busy machine the file is in place a moment before the
        # worker's word reaches the queue, and a row not yet done is rightly kept for next time.
        qtbot.waitUntil(lambda: all(i.state == State.DONE for i in second.transfers.model.items), timeout=20000)
        assert (root / "c.txt").exists()
        second.transfers.clear_finished()
    finally:
        second.shutdown()
    third = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.wait(300)
        assert third.transfers.unfinished_from_last_time() == ([], []), "finished items are not offered again"
    finally:
        third.shutdown()


def test_discarding_saved_transfers_leaves_nothing(qtbot, store, s3_endpoint, s3_admin, answers, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="later")
    s3_admin.put_object(Bucket="later", Key="a.txt", Body=b"a")
    first = open_window(qtbot, store, s3_endpoint)
    first.transfers.max_active = 0
    first.transfers.add_downloads(download_plan_of(first, qtbot, Location("later", ""), ["a.txt"], tmp_path / "d"))
    answers.answers = [True]
    assert first.close()
    answers.resume_answers = [Resume.DISCARD]
    second = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.waitUntil(lambda: "last closed" in (answers.questions[-1] if answers.questions else ""), timeout=10000)
        assert second.transfers.model.items == []
        assert second.transfers.unfinished_from_last_time() == ([], [])
    finally:
        second.shutdown()


def test_later_keeps_saved_transfers_and_asks_again(qtbot, store, s3_endpoint, s3_admin, answers, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="keep-for-later")
    s3_admin.put_object(Bucket="keep-for-later", Key="a.txt", Body=b"a")
    first = open_window(qtbot, store, s3_endpoint)
    first.transfers.max_active = 0
    first.transfers.add_downloads(download_plan_of(first, qtbot, Location("keep-for-later", ""), ["a.txt"],
                                                   tmp_path / "d"))
    answers.answers = [True]
    assert first.close()
    answers.resume_answers = [Resume.LATER]
    second = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.waitUntil(lambda: "kept; you will be asked again" in second.message_label.text(), timeout=10000)
        assert second.transfers.model.items == []
        saved, _entries = second.transfers.unfinished_from_last_time()
        assert [s.key for s in saved] == ["a.txt"], "Later discards nothing"
    finally:
        second.shutdown()
    answers.resume_answers = [Resume.RESUME]
    third = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.waitUntil(lambda: [i.key for i in third.transfers.model.items] == ["a.txt"], timeout=10000)
    finally:
        third.shutdown()


def test_renamed_keys_are_reported_in_the_row_and_the_summary(qtbot, connected, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="oddnames")
    for key in ("docs/CON.txt", "docs/trailing. ", "docs/plain.txt", "docs/a", "docs/a/inner.txt"):
        s3_admin.put_object(Bucket="oddnames", Key=key, Body=b"x")
    win = connected
    summaries = []
    win.transfers.batch_finished.connect(summaries.append)
    from s3browser.core.transfers.plans import plan_downloads

    plan = plan_downloads(win.ctx.connection, "oddnames", [], ["docs/"], "", tmp_path / "out")
    win.transfer_actions.queue_download(plan)
    qtbot.waitUntil(lambda: bool(summaries), timeout=20000)
    details = {i.key: win.transfers.model.index(i.row, COL_ERROR).data() for i in win.transfers.model.items}
    assert details["docs/CON.txt"] == "Saved as “_CON.txt”: a name the OS reserves was prefixed with _."
    assert details["docs/trailing. "].startswith("Saved as “trailing_”")
    assert details["docs/plain.txt"] == ""
    assert details["docs/a"].startswith("Not downloaded: the key is both a file and a folder"), \
        "refused at planning, never attempted"
    assert "2 renamed to fit the local file system, 1 both a file and a folder (see the queue)" in summaries[-1]
    out = tmp_path / "out" / "docs"
    assert (out / "_CON.txt").exists() and (out / "a" / "inner.txt").exists()


def drag_of_one_object(qtbot, win, s3_admin, size: int) -> DeferredDownloadMime:  # noqa: ANN001
    """The data of a drag of ``big.bin`` out of the table, as the table view starts it."""
    s3_admin.create_bucket(Bucket="dragsrc")
    s3_admin.put_object(Bucket="dragsrc", Key="big.bin", Body=b"z" * size)
    win.navigation.navigate(Location("dragsrc", ""))
    wait_loaded(qtbot, win)
    select_names(win, ["big.bin"])
    mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
    assert isinstance(mime, DeferredDownloadMime)
    return mime


def test_a_drag_fetches_once_however_often_the_file_manager_asks(qtbot, connected, s3_admin, tmp_path) -> None:
    win = connected
    mime = drag_of_one_object(qtbot, win, s3_admin, 3 * 1024 * 1024)
    # pcmanfm asks for the data on every mouse move, each time while the first request still waits.
    asks = {"n": 0, "during": 0}

    def ask_again() -> None:  # a mouse move: each one a separate timer, so each runs in the nested loop
        asks["n"] += 1
        if not win.transfers.model.items or not win.transfers.model.items[0].state.finished:
            asks["during"] += 1
        mime.urls()

    for delay in range(0, 200, 10):
        QTimer.singleShot(delay, ask_again)
    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    file_manager = FileManagerStandIn(desktop)
    qtbot.addWidget(file_manager)
    drop_on(file_manager, mime)
    qtbot.waitUntil(lambda: asks["n"] == 20, timeout=5000)
    assert asks["during"] >= 2, "the data was asked for again while the download ran"
    assert mime.fetch_count == 1
    assert [i.key for i in win.transfers.model.items] == ["big.bin"], "one download, not one per request"
    assert [p.name for p in staging_root().rglob("*") if p.is_file()] == ["big.bin"]
    assert (desktop / "big.bin").stat().st_size == 3 * 1024 * 1024


def test_a_drag_cancelled_with_escape_removes_what_it_staged(qtbot, connected, s3_admin, tmp_path) -> None:
    win = connected
    mime = drag_of_one_object(qtbot, win, s3_admin, 2 * 1024 * 1024)
    # The file manager asked for the data (a mouse move), then the user pressed Escape.
    QTimer.singleShot(0, lambda: win.table.drag_ended.emit(mime, False))
    assert mime.urls() == []
    assert "Drag cancelled" in win.message_label.text()
    qtbot.waitUntil(lambda: all(i.state.finished for i in win.transfers.model.items), timeout=10000)
    qtbot.wait(200)
    assert not [p for p in staging_root().rglob("*") if p.is_file()], "nothing staged is left behind"


def test_switching_connections_stops_the_idle_workers(qtbot, window, s3_endpoint) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    engines = []
    for _ in range(4):
        with qtbot.waitSignal(window.connections.connected, timeout=10000):
            window.connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
        engine = window.transfers.queue.engine
        qtbot.waitUntil(lambda e=engine: any(w.ready.is_set() for w in e._workers), timeout=20000)  # on connect
        engines.append(engine)
    assert window.transfers.queue.engines.all() == [engines[-1]]
    for old in engines[:-1]:
        qtbot.waitUntil(lambda e=old: all(w.process.poll() is not None for w in e._workers) or not e._workers,
                        timeout=20000)
        assert old._workers == []
    assert sum(w.process.poll() is None for w in engines[-1]._workers) == 1


class _CountingList(list):
    walks = 0

    def __iter__(self):  # noqa: ANN204
        type(self).walks += 1
        return super().__iter__()


def test_totals_follow_the_queue_without_walking_it(qtbot, connected, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="tally")
    files = []
    for i in range(6):
        files.append(tmp_path / f"f{i}.bin")
        files[-1].write_bytes(b"x" * (1000 * (i + 1)))
    win = connected
    win.transfers.max_active = 0
    win.transfer_actions.upload_paths(files, Location("tally", ""), UploadOptions(overwrite=Overwrite.OVERWRITE))
    qtbot.waitUntil(lambda: len(win.transfers.model.items) == 6, timeout=10000)
    items = win.transfers.model.items
    win.transfers.queue.items = _CountingList(items)
    _CountingList.walks = 0
    assert win.transfers.totals() == (0, 21000)
    win.transfers.cancel([items[0]])
    assert win.transfers.totals() == (0, 20000)
    win.transfers.max_active = 32
    win.transfers.queue._pump()
    qtbot.waitUntil(lambda: all(i.state.finished for i in items), timeout=20000)
    win.transfers._tick()
    assert win.transfers.totals() == (20000, 20000)
    assert _CountingList.walks == 0, "neither the totals nor the refresh walk every item"
    win.transfers.queue.items = list(items)


def test_a_batch_of_mixed_rows_is_counted_once_and_finishes_once(qtbot, connected, s3_admin, tmp_path) -> None:
    """Skipped and unreadable rows arrive finished: they count in the batch's message, not in its bytes."""
    s3_admin.create_bucket(Bucket="mixed")
    s3_admin.put_object(Bucket="mixed", Key="in/same.bin", Body=b"s" * 300)
    files = [tmp_path / "same.bin", tmp_path / "new1.bin", tmp_path / "new2.bin"]
    files[0].write_bytes(b"s" * 300)
    files[1].write_bytes(b"a" * 1000)
    files[2].write_bytes(b"b" * 2000)
    win = connected
    summaries: list[str] = []
    win.transfers.batch_finished.connect(summaries.append)
    win.transfers.max_active = 0  # nothing starts until the bookkeeping of the add is checked
    win.transfer_actions.upload_paths(files, Location("mixed", "in/"), UploadOptions(overwrite=Overwrite.SKIP))
    qtbot.waitUntil(lambda: len(win.transfers.model.items) == 3, timeout=10000)
    states = {i.key: i.state for i in win.transfers.model.items}
    assert states == {"in/same.bin": State.SKIPPED, "in/new1.bin": State.QUEUED, "in/new2.bin": State.QUEUED}
    assert win.transfers.totals() == (0, 3000), "a skipped row is not part of the bytes to send"
    assert win.transfers.active_count == 2
    win.transfers.max_active = 32
    win.transfers.queue._pump()
    qtbot.waitUntil(lambda: bool(summaries), timeout=20000)
    qtbot.wait(200)
    assert len(summaries) == 1 and summaries[0].startswith("Upload finished: 2 files uploaded")
    assert summaries[0].endswith(", 1 skipped (already on S3, kept as it is)."), summaries[0]
    assert win.transfers.totals() == (3000, 3000)
    assert s3_admin.get_object(Bucket="mixed", Key="in/new2.bin")["Body"].read() == b"b" * 2000


PREVIOUS_RELEASE_SCHEMA = """
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, connection TEXT NOT NULL, direction TEXT NOT NULL, state TEXT NOT NULL,
    bucket TEXT NOT NULL, key TEXT NOT NULL, local_path TEXT, root TEXT, size INTEGER NOT NULL, options TEXT,
    source_bucket TEXT NOT NULL DEFAULT '', source_key TEXT NOT NULL DEFAULT '', etag TEXT NOT NULL DEFAULT '',
    mtime REAL NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT ''
)
"""


def test_a_queue_saved_by_the_previous_release_still_loads(qtbot, store, s3_endpoint, s3_admin, answers,
                                                          tmp_path) -> None:
    """Its file has the first schema and stores labels ("Download", "Queued"); the queue now stores
    codes, and reads both."""
    import sqlite3

    from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile
    from s3browser.core.transfers.queue_store import default_queue_path

    s3_admin.create_bucket(Bucket="older")
    s3_admin.put_object(Bucket="older", Key="report.txt", Body=b"from before the update")
    s3_admin.put_object(Bucket="older", Key="src.txt", Body=b"copied")
    profile = _profile(s3_endpoint)
    identity = Profile(name=profile.name, endpoint_url=s3_endpoint, access_key_id=profile.access_key_id,
                       source=SOURCE_ADHOC)
    connection = f"{identity.source}:{identity.name}|{identity.endpoint_url}|{identity.access_key_id}"
    head = s3_admin.head_object(Bucket="older", Key="report.txt")
    root = tmp_path / "downloads"
    path = default_queue_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(PREVIOUS_RELEASE_SCHEMA)
    db.execute("INSERT INTO transfers (connection, direction, state, bucket, key, local_path, root, size, etag, mtime)"
               " VALUES (?, 'Download', 'Queued', 'older', 'report.txt', ?, ?, ?, ?, ?)",
               (connection, str(root / "report.txt"), str(root), head["ContentLength"], head["ETag"],
                head["LastModified"].timestamp()))
    db.execute("INSERT INTO transfers (connection, direction, state, bucket, key, size, source_bucket, source_key,"
               " error) VALUES (?, 'Copy', 'Failed', 'older', 'dst.txt', 6, 'older', 'src.txt', ?)",
               (connection, "The server did not answer in time."))
    db.commit()
    db.close()

    answers.resume_answers = [Resume.RESUME]
    win = open_window(qtbot, store, s3_endpoint)
    try:
        qtbot.waitUntil(lambda: len(win.transfers.model.items) == 2, timeout=10000)
        assert "2 transfers were not finished" in answers.questions[-1]
        assert "• download s3://older/report.txt" in answers.questions[-1]
        by_key = {i.key: i for i in win.transfers.model.items}
        qtbot.waitUntil(lambda: by_key["report.txt"].state == State.DONE, timeout=20000)
        assert (root / "report.txt").read_bytes() == b"from before the update"
        copy = by_key["dst.txt"]
        assert copy.state == State.FAILED and copy.error == "The server did not answer in time."
        win.transfers.retry([copy])
        qtbot.waitUntil(lambda: copy.state == State.DONE, timeout=20000)
        assert s3_admin.get_object(Bucket="older", Key="dst.txt")["Body"].read() == b"copied"
    finally:
        win.shutdown()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM transfers").fetchone()[0] == 0, "finished rows are gone"


def test_worker_processes_are_started_off_the_gui_thread(qtbot, window, s3_endpoint, s3_admin, tmp_path,
                                                         monkeypatch) -> None:
    """Starting an interpreter takes tens of milliseconds: never on the GUI thread, neither the first
    worker (started on connecting) nor one started for a transfer."""
    import subprocess
    import threading

    from s3browser.core.settings.secrets import Secrets
    from s3browser.core.transfers import process_engine
    from tests.conftest import SECRET_KEY, _profile

    starters: list[str] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        starters.append(threading.current_thread().name)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(process_engine.subprocess, "Popen", recording_popen)
    s3_admin.create_bucket(Bucket="off-gui")
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
    source = tmp_path / "one.txt"
    source.write_text("one")
    window.transfer_actions.upload_paths([source], Location("off-gui", ""),
                                         UploadOptions(overwrite=Overwrite.OVERWRITE))
    qtbot.waitUntil(lambda: bool(window.transfers.model.items) and window.transfers.model.items[0].state.finished,
                    timeout=20000)
    assert window.transfers.model.items[0].state == State.DONE
    assert starters and threading.main_thread().name not in starters, starters
