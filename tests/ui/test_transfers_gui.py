"""Uploads and downloads driven through the real window: dialog, drops, queue, faults, quitting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.options import MiB, Overwrite
from s3browser.core.transfers.queue_items import State
from tests.ui.conftest import table_names, wait_loaded


@pytest.fixture
def ask(answers):
    return answers


def drop(view, paths: list[Path], pos: QPoint) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    viewport = view.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDragMoveEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, buttons, mods))


def wait_transfers(qtbot, win, timeout: int = 30000) -> None:
    qtbot.waitUntil(lambda: bool(win.transfers.model.items) and win.transfers.active_count == 0, timeout=timeout)


def states(win) -> dict[str, str]:
    return {item.key: item.state.label for item in win.transfers.model.items}


def start_slow_upload(win, folder: Path) -> None:
    """A 40 MiB upload in 5 MiB parts, one at a time: long enough to act on while it runs."""
    from s3browser.core.transfers.options import UploadOptions

    big = folder / "big.bin"
    big.write_bytes(os.urandom(40 * MiB))
    win.transfer_actions.upload_paths([big], options=UploadOptions(overwrite=Overwrite.OVERWRITE, part_size=5 * MiB,
                                                  parallel_parts=1))


def make_tree(root: Path) -> Path:
    album = root / "album"
    (album / "raw").mkdir(parents=True)
    (album / "a.jpg").write_bytes(b"A" * 100)
    (album / "raw" / "b.cr2").write_bytes(b"B" * 200)
    return album


@pytest.fixture
def bucket_open(qtbot, connected, s3_admin):
    s3_admin.create_bucket(Bucket="files")
    s3_admin.put_object(Bucket="files", Key="inbox/keep.txt", Body=b"keep")
    connected.navigation.navigate(Location("files", "inbox/"))
    wait_loaded(qtbot, connected)
    return connected


def test_upload_dialog_counts_validates_and_uploads_with_options(qtbot, bucket_open, s3_admin, tmp_path) -> None:
    win = bucket_open
    album = make_tree(tmp_path)
    single = tmp_path / "notes.md"
    single.write_bytes(b"# notes")
    dialog = win.transfer_actions.open_upload_dialog()
    dialog.add_sources([album, single])
    qtbot.waitUntil(lambda: dialog.summary_label.text() == "3 files, 307 bytes", timeout=5000)
    assert dialog.destination_edit.text() == "s3://files/inbox/"

    dialog.part_size_spin.setValue(4)
    assert "at least 5 MiB" in dialog.error_label.text() and not dialog.upload_button.isEnabled()
    dialog.part_size_spin.setValue(5)
    dialog.metadata_edit.setPlainText("project=apollo\nbad line")
    assert "Metadata line 2" in dialog.error_label.text() and not dialog.upload_button.isEnabled()
    dialog.metadata_edit.setPlainText("project=apollo")
    dialog.storage_combo.setCurrentIndex(dialog.storage_combo.findData("STANDARD_IA"))
    assert dialog.upload_button.isEnabled()
    qtbot.mouseClick(dialog.upload_button, Qt.MouseButton.LeftButton)

    wait_transfers(qtbot, win)
    assert set(states(win).values()) == {"Done"}
    head = s3_admin.head_object(Bucket="files", Key="inbox/album/raw/b.cr2")
    assert head["Metadata"] == {"project": "apollo"} and head["StorageClass"] == "STANDARD_IA"
    assert s3_admin.head_object(Bucket="files", Key="inbox/notes.md")["ContentType"] == "text/markdown"
    qtbot.waitUntil(lambda: win.message_label.text() == "Upload finished: 3 files uploaded (307 bytes).")
    wait_loaded(qtbot, win)
    assert table_names(win) == ["album", "keep.txt", "notes.md"]
    assert win.transfer_panel.isVisible()


def test_cancelled_upload_dialog_changes_nothing(qtbot, bucket_open, s3_admin, tmp_path) -> None:
    dialog = bucket_open.transfer_actions.open_upload_dialog()
    dialog.add_sources([make_tree(tmp_path)])
    qtbot.waitUntil(lambda: "2 files" in dialog.summary_label.text(), timeout=5000)
    dialog.reject()
    qtbot.wait(100)
    assert bucket_open.transfers.model.items == []
    assert [o["Key"] for o in s3_admin.list_objects_v2(Bucket="files")["Contents"]] == ["inbox/keep.txt"]


@pytest.mark.parametrize("answer, expected_body, expected_state", [
    (Overwrite.OVERWRITE, b"new", "Done"),
    (Overwrite.SKIP, b"keep", "Skipped"),
    (Overwrite.IF_DIFFERENT, b"new", "Done"),  # sizes differ (3 vs 4 bytes)
    (None, b"keep", None),  # cancel: nothing happens
])
def test_drop_on_table_asks_once_per_batch(qtbot, bucket_open, s3_admin, tmp_path, ask, answer,
                                           expected_body, expected_state) -> None:
    win = bucket_open
    files = []
    for name, body in (("keep.txt", b"new"), ("other.txt", b"o"), ("third.txt", b"t")):
        path = tmp_path / name
        path.write_bytes(body)
        files.append(path)
    ask.overwrite_answers = [answer]
    drop(win.table, files, QPoint(50, 50))
    if answer is None:
        qtbot.waitUntil(lambda: "Upload cancelled" in win.message_label.text(), timeout=10000)
        assert win.transfers.model.items == []
    else:
        wait_transfers(qtbot, win)
        assert states(win)["inbox/keep.txt"] == expected_state
        assert states(win)["inbox/other.txt"] == "Done"
    assert ask.overwrite_questions == [["inbox/keep.txt"]]  # one question for the whole batch
    assert s3_admin.get_object(Bucket="files", Key="inbox/keep.txt")["Body"].read() == expected_body


def test_drop_on_tree_bucket_uploads_there(qtbot, bucket_open, s3_admin, tmp_path) -> None:
    win = bucket_open
    s3_admin.create_bucket(Bucket="other-bucket")
    conn_index = win.tree_model.connection_index()
    win.tree_model.refresh(conn_index)
    qtbot.waitUntil(lambda: win.tree_model.find_child(conn_index, "other-bucket").isValid(), timeout=10000)
    target = win.tree_model.find_child(conn_index, "other-bucket")
    album = make_tree(tmp_path)
    drop(win.tree, [album], win.tree.visualRect(target).center())
    wait_transfers(qtbot, win)
    keys = sorted(o["Key"] for o in s3_admin.list_objects_v2(Bucket="other-bucket")["Contents"])
    assert keys == ["album/a.jpg", "album/raw/b.cr2"]


def test_download_selection_recursively_with_hostile_keys_reported(qtbot, connected, s3_admin, tmp_path, ask):
    win = connected
    s3_admin.create_bucket(Bucket="dl-src")
    for key, body in {"set/a.txt": b"aaa", "set/deep/b.txt": b"bb", "set/../../evil.txt": b"x",
                      "single.bin": b"1234"}.items():
        s3_admin.put_object(Bucket="dl-src", Key=key, Body=body)
    win.navigation.navigate(Location("dl-src", ""))
    wait_loaded(qtbot, win)
    win.table.selectAll()
    ask.folder = tmp_path / "downloads"
    ask.folder.mkdir()
    win.transfer_actions.download_selected()
    wait_transfers(qtbot, win)
    got = sorted(p.relative_to(ask.folder).as_posix() for p in ask.folder.rglob("*") if p.is_file())
    assert got == ["set/a.txt", "set/deep/b.txt", "single.bin"]
    assert (ask.folder / "set" / "a.txt").read_bytes() == b"aaa"
    failed = [i for i in win.transfers.model.items if i.state == State.FAILED]
    assert [i.key for i in failed] == ["set/../../evil.txt"]
    assert "outside the chosen folder" in failed[0].error or "“..”" in failed[0].error
    assert not (tmp_path / "evil.txt").exists()
    mtime = s3_admin.head_object(Bucket="dl-src", Key="single.bin")["LastModified"].timestamp()
    assert abs((ask.folder / "single.bin").stat().st_mtime - mtime) < 1
    assert "1 failed" in win.message_label.text()


@pytest.fixture
def slow_window(qtbot, window, s3_admin, fault_proxy):
    """The window connected through a proxy whose parts take a while, so actions land mid-upload."""
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile
    from tests.ui.test_resume_gui import slow_parts

    s3_admin.create_bucket(Bucket="files")
    fault_proxy.rules.append(slow_parts)
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(fault_proxy.url), Secrets(SECRET_KEY), remember=False)
    window.navigation.navigate(Location("files", "inbox/"))
    wait_loaded(qtbot, window)
    return window


def test_cancel_running_upload_leaves_no_multipart_upload(qtbot, slow_window, s3_admin, tmp_path) -> None:
    win = slow_window
    start_slow_upload(win, tmp_path)
    qtbot.waitUntil(lambda: bool(win.transfers.model.items) and win.transfers.model.items[0].progress.done > 0,
                    timeout=20000)
    win.transfer_panel.view.selectRow(0)
    qtbot.mouseClick(win.transfer_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.transfers.model.items[0].future is None, timeout=20000)
    assert win.transfers.model.items[0].state == State.CANCELLED
    assert s3_admin.list_multipart_uploads(Bucket="files").get("Uploads", []) == []
    assert "Contents" not in s3_admin.list_objects_v2(Bucket="files")
    assert win.transfers.interrupted_uploads() == [], "a cancelled upload is not offered for resuming"


def test_server_gone_mid_transfer_then_retry_succeeds(qtbot, window, s3_admin, fault_proxy, tmp_path) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    s3_admin.create_bucket(Bucket="flaky-net")
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(fault_proxy.url), Secrets(SECRET_KEY), remember=False)
    window.navigation.navigate(Location("flaky-net", ""))
    wait_loaded(qtbot, window)
    outage = {"on": True}

    def server_down(request):
        if outage["on"] and request.method == "PUT":
            raise ConnectionResetError("server stopped")
        return None

    fault_proxy.rules.append(server_down)
    payload = tmp_path / "report.pdf"
    payload.write_bytes(b"%PDF" * 1000)
    window.transfer_actions.upload_paths([payload])
    wait_transfers(qtbot, window)
    item = window.transfers.model.items[0]
    assert item.state == State.FAILED and item.error
    assert "Traceback" not in item.error

    outage["on"] = False
    window.transfer_panel.view.selectRow(0)
    qtbot.mouseClick(window.transfer_panel.retry_button, Qt.MouseButton.LeftButton)
    wait_transfers(qtbot, window)
    assert item.state == State.DONE
    assert s3_admin.get_object(Bucket="flaky-net", Key="report.pdf")["Body"].read() == payload.read_bytes()


def test_quitting_with_transfers_running_asks_first(qtbot, slow_window, tmp_path, answers) -> None:
    win = slow_window
    start_slow_upload(win, tmp_path)
    qtbot.waitUntil(lambda: win.transfers.active_count == 1, timeout=10000)
    answers.answers = [False]
    assert not win.close()
    assert win.isVisible() and "not finished" in answers.questions[0]
    answers.answers = [True]
    assert win.close()


def test_incomplete_multipart_uploads_listed_with_size_and_aborted(qtbot, bucket_open, s3_admin, answers) -> None:
    upload = s3_admin.create_multipart_upload(Bucket="files", Key="inbox/orphan.bin")
    s3_admin.upload_part(Bucket="files", Key="inbox/orphan.bin", UploadId=upload["UploadId"], PartNumber=1,
                         Body=b"z" * (5 * MiB))
    dialog = bucket_open.transfer_actions.open_multipart_dialog()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10000)
    row = dialog.tree.topLevelItem(0)
    assert [row.text(0), row.text(2), row.text(3)] == ["inbox/orphan.bin", "1", "5.0 MiB"]
    assert "1 incomplete upload, 5.0 MiB" in dialog.status_label.text()

    answers.answers = [False]
    dialog.tree.setCurrentItem(row)
    qtbot.mouseClick(dialog.abort_button, Qt.MouseButton.LeftButton)
    assert len(s3_admin.list_multipart_uploads(Bucket="files").get("Uploads", [])) == 1  # "no" keeps it
    answers.answers = [True]
    qtbot.mouseClick(dialog.abort_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_label.text() == "No incomplete multipart uploads.", timeout=10000)
    assert s3_admin.list_multipart_uploads(Bucket="files").get("Uploads", []) == []


def test_access_denied_at_destination_fails_item_and_keeps_queue(qtbot, window, auth_moto_endpoint, tmp_path):
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    endpoint, (key, secret) = auth_moto_endpoint
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(endpoint, key), Secrets(secret), remember=False)
    source = tmp_path / "denied.txt"
    source.write_bytes(b"nope")
    from s3browser.core.transfers.options import UploadOptions

    window.transfer_actions.upload_paths([source], Location("readonly-bucket", ""),
                                         UploadOptions(overwrite=Overwrite.OVERWRITE))
    window.transfer_actions.upload_paths([source], Location("open-bucket", "ok/"),
                                         UploadOptions(overwrite=Overwrite.OVERWRITE))
    qtbot.waitUntil(lambda: len(window.transfers.model.items) == 2 and window.transfers.active_count == 0,
                    timeout=20000)
    by_bucket = {i.bucket: i for i in window.transfers.model.items}
    assert by_bucket["readonly-bucket"].state == State.FAILED
    assert "Access denied" in by_bucket["readonly-bucket"].error
    assert by_bucket["open-bucket"].state == State.DONE


def test_details_shows_the_technical_detail_of_a_transfer_that_failed_in_the_worker(qtbot, connected, s3_admin,
                                                                                    tmp_path: Path) -> None:
    """The worker's kind, sentence and detail cross to the window: the row's Details says all three."""
    from PySide6.QtWidgets import QMessageBox

    from s3browser.core.transfers.options import UploadOptions
    from s3browser.core.transfers.plans import plan_uploads

    win = connected
    s3_admin.create_bucket(Bucket="planned-here")
    source = tmp_path / "notes.txt"
    source.write_text("notes")
    plan = plan_uploads(win.ctx.connection, [source], "planned-here", "")
    plan.bucket = "no-such-bucket-here"  # the bucket vanished between the plan and the transfer
    win.transfers.add_uploads(plan, UploadOptions(overwrite=Overwrite.OVERWRITE))
    wait_transfers(qtbot, win)
    item = win.transfers.model.items[-1]
    assert item.state == State.FAILED and item.error_kind == "not_found"
    assert item.error == "There is no bucket named “no-such-bucket-here”."
    assert "NoSuchBucket" in item.error_detail, "the worker's technical detail reached the window"
    panel = win.transfer_panel
    panel.view.selectRow(item.row)
    assert panel.details_button.isEnabled()
    qtbot.mouseClick(panel.details_button, Qt.MouseButton.LeftButton)
    box = panel.details_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == item.error and "NoSuchBucket" in box.detailedText()
    assert "s3://no-such-bucket-here/notes.txt" in box.informativeText()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.details_box is None, timeout=5000)
    panel.show_details()
    qtbot.waitUntil(lambda: panel.details_box is not None and panel.details_box.isVisible(), timeout=5000)
    qtbot.keyClick(panel.details_box, Qt.Key.Key_Return)  # Enter closes it too: it only informs
    qtbot.waitUntil(lambda: panel.details_box is None, timeout=5000)
    tip = win.transfers.model.index(item.row, 7).data(Qt.ItemDataRole.ToolTipRole)
    assert "NoSuchBucket" in tip


def small_files(folder: Path, count: int) -> Path:
    """``folder`` with ``count`` files f00.txt, f01.txt, … of 0, 1, … bytes."""
    folder.mkdir()
    for i in range(count):
        (folder / f"f{i:02d}.txt").write_bytes(b"x" * i)
    return folder


def test_a_big_upload_goes_into_the_queue_a_slice_per_turn_and_ends_once(qtbot, bucket_open, s3_admin, tmp_path,
                                                                         monkeypatch) -> None:
    """The rows of a big batch arrive over several turns of the event loop (the first run at once),
    and the batch is announced once, when all of it is done."""
    from s3browser.core.transfers import queue as queue_module

    monkeypatch.setattr(queue_module, "ADD_SLICE", 3)
    win = bucket_open
    folder = small_files(tmp_path / "many", 10)
    summaries: list[str] = []
    win.transfers.batch_finished.connect(summaries.append)
    rows_seen: list[int] = []
    win.transfers.model.rowsInserted.connect(lambda _p, first, last: rows_seen.append(last - first + 1))
    win.transfer_actions.upload_paths([folder], win.listing.location)
    qtbot.waitUntil(lambda: len(win.transfers.model.items) == 10, timeout=15000)
    wait_transfers(qtbot, win)
    qtbot.waitUntil(lambda: bool(summaries), timeout=10000)
    assert rows_seen == [3, 3, 3, 1] and len(summaries) == 1
    assert all(item.state == State.DONE for item in win.transfers.model.items)
    keys = sorted(o["Key"] for o in s3_admin.list_objects_v2(Bucket=win.listing.location.bucket)["Contents"])
    prefix = win.listing.location.prefix
    assert [k for k in keys if k.startswith(prefix + "many/")] == [f"{prefix}many/f{i:02d}.txt" for i in range(10)]


def test_a_big_batch_of_rows_stays_out_of_full_collections_and_goes_when_cleared(qtbot, bucket_open, tmp_path,
                                                                                  monkeypatch) -> None:
    """Every full collection walked the queue's 50,000 rows again (67 ms with the GIL held, twice in
    that upload): rows queued in bulk are frozen out of them, and still freed when cleared."""
    import gc
    import weakref

    from s3browser.ui.shell import transfer_queue

    monkeypatch.setattr(transfer_queue, "FREEZE_AFTER_ROWS", 5)
    win = bucket_open
    folder = small_files(tmp_path / "bulk", 8)
    win.transfer_actions.upload_paths([folder], win.listing.location)
    qtbot.waitUntil(lambda: len(win.transfers.model.items) == 8, timeout=15000)
    rows = list(win.transfers.model.items)
    walked = {id(obj) for obj in gc.get_objects()}
    assert not any(id(row) in walked for row in rows), "the queued rows are still walked by full collections"
    wait_transfers(qtbot, win)
    gone = [weakref.ref(row.progress) for row in rows]  # the rows themselves take no weak references
    del rows
    win.transfers.clear_finished()
    qtbot.waitUntil(lambda: all(ref() is None for ref in gone), timeout=5000)
