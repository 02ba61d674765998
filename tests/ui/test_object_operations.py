"""Delete, new folder, rename, cut/copy/paste, internal drops, presigned links and buckets, in the real window."""

from __future__ import annotations

import urllib.request

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from s3browser.core.s3.locations import Location
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names
from tests.ui.test_transfers_gui import wait_transfers


def keys(s3_admin, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3_admin.list_objects_v2(Bucket=bucket).get("Contents", []))


def open_folder(qtbot, win, bucket: str, prefix: str = "") -> None:
    win.navigation.navigate(Location(bucket, prefix))
    wait_loaded(qtbot, win)


def press_on_table(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier):  # noqa: ANN001
    win.table.setFocus()
    qtbot.keyClick(win.table, key, modifier)


def wait_counted(qtbot, dialog) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog.stage == "ready", timeout=15000)


@pytest.fixture
def docs(s3_admin):
    s3_admin.create_bucket(Bucket="docs-bucket")
    for key in ("a.txt", "b.txt", "keep.txt", "old/", "old/x.txt", "old/deep/y.txt"):
        s3_admin.put_object(Bucket="docs-bucket", Key=key, Body=b"12345")
    return "docs-bucket"


def test_delete_key_asks_with_counts_and_cancel_changes_nothing(qtbot, connected, s3_admin, docs) -> None:
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["a.txt", "old"])
    press_on_table(qtbot, win, Qt.Key.Key_Delete)
    dialog = win.objects.dialog
    assert dialog is not None and dialog.isVisible()
    wait_counted(qtbot, dialog)
    text = dialog.summary_label.text()
    assert "This will permanently delete 4 objects (20 bytes)" in text and "Nothing has been deleted yet" in text
    assert "cannot be brought back" in text and dialog.delete_button.text() == "Delete permanently"
    names = [dialog.names_list.item(i).text() for i in range(dialog.names_list.count())]
    assert names == ["a.txt", "old/", "old/deep/y.txt", "old/x.txt"]
    assert not dialog.versioned_label.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert len(keys(s3_admin, docs)) == 6

    select_names(win, ["a.txt", "old"])
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert keys(s3_admin, docs) == ["b.txt", "keep.txt"]
    assert dialog.summary_label.text() == "Deleted 4 of 4."
    qtbot.waitUntil(lambda: table_names(win) == ["b.txt", "keep.txt"], timeout=10000)
    assert "Deleted 4 objects" in win.message_label.text()


def test_recursive_delete_of_more_than_a_thousand_keys_with_progress(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="big-delete")
    for index in range(1234):
        s3_admin.put_object(Bucket="big-delete", Key=f"logs/{index:05d}.log", Body=b"x")
    s3_admin.put_object(Bucket="big-delete", Key="other.txt", Body=b"x")
    win = connected
    open_folder(qtbot, win, "big-delete")
    select_names(win, ["logs"])
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    assert "1,234 objects" in dialog.summary_label.text()
    assert dialog.names_list.item(dialog.names_list.count() - 1).text() == "and 1,224 more"
    with qtbot.waitSignal(dialog.finished_deleting, timeout=30000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.maximum() == 1234 and dialog.progress.value() == 1234
    assert keys(s3_admin, "big-delete") == ["other.txt"]


def test_versioned_bucket_explains_markers_and_permanent_delete_is_explicit(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="vers")
    s3_admin.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"22"):
        s3_admin.put_object(Bucket="vers", Key="report.txt", Body=body)
    win = connected
    open_folder(qtbot, win, "vers")
    select_names(win, ["report.txt"])
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    assert dialog.versioned_label.isVisible() and dialog.all_versions_check.isVisible()
    assert "add delete markers to 1 object" in dialog.summary_label.text()
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    versions = s3_admin.list_object_versions(Bucket="vers")
    assert len(versions["Versions"]) == 2 and len(versions["DeleteMarkers"]) == 1

    s3_admin.put_object(Bucket="vers", Key="report.txt", Body=b"333")
    open_folder(qtbot, win, "vers")
    select_names(win, ["report.txt"])
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    dialog.all_versions_check.click()
    wait_counted(qtbot, dialog)
    assert "permanently delete 4 versions and delete markers of 1 object" in dialog.summary_label.text()
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    versions = s3_admin.list_object_versions(Bucket="vers")
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")


def test_access_denied_mid_batch_is_reported_key_by_key(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="held", ObjectLockEnabledForBucket=True)
    for index in range(12):
        s3_admin.put_object(Bucket="held", Key=f"f{index:02d}.txt", Body=b"x")
    version = s3_admin.head_object(Bucket="held", Key="f05.txt")["VersionId"]
    s3_admin.put_object_legal_hold(Bucket="held", Key="f05.txt", VersionId=version, LegalHold={"Status": "ON"})
    win = connected
    open_folder(qtbot, win, "held")
    win.table.selectAll()
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    dialog.all_versions_check.click()
    wait_counted(qtbot, dialog)
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.failures_list.isVisible() and dialog.failures_list.count() == 1
    assert dialog.failures_list.item(0).text().startswith("f05.txt: Access denied")
    assert "Deleted 11 of 12. 1 could not be deleted" in dialog.summary_label.text()
    assert [v["Key"] for v in s3_admin.list_object_versions(Bucket="held")["Versions"]] == ["f05.txt"]
    s3_admin.put_object_legal_hold(Bucket="held", Key="f05.txt", VersionId=version, LegalHold={"Status": "OFF"})


def test_new_folder_checks_the_name_and_cancel_creates_nothing(qtbot, connected, s3_admin, docs) -> None:
    win = connected
    open_folder(qtbot, win, docs)
    win.objects.new_folder_action.trigger()
    dialog = win.objects.dialog
    qtbot.keyClicks(dialog.name_edit, "a/b")
    assert not dialog.ok_button.isEnabled() and "“/”" in dialog.problem_label.text()
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert "a/b/" not in keys(s3_admin, docs)

    dialog = win.objects.new_folder()
    qtbot.keyClicks(dialog.name_edit, "2026 reports")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2026 reports" in table_names(win), timeout=10000)
    assert "2026 reports/" in keys(s3_admin, docs)


def test_rename_folder_with_nested_keys_via_f2(qtbot, connected, s3_admin, docs) -> None:
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["old"])
    press_on_table(qtbot, win, Qt.Key.Key_F2)
    dialog = win.objects.dialog
    qtbot.keyClicks(dialog.name_edit, "ignored")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert "old/x.txt" in keys(s3_admin, docs) and not win.transfers.model.items, "cancel renames nothing"

    press_on_table(qtbot, win, Qt.Key.Key_F2)
    dialog = win.objects.dialog
    assert dialog.name_edit.text() == "old"
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "archive")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_transfers(qtbot, win)
    assert {i.direction.label for i in win.transfers.model.items} == {"Move"}
    assert keys(s3_admin, docs) == ["a.txt", "archive/", "archive/deep/y.txt", "archive/x.txt", "b.txt", "keep.txt"]
    qtbot.waitUntil(lambda: "archive" in table_names(win) and "old" not in table_names(win), timeout=10000)


def test_cut_and_paste_moves_across_buckets_and_keeps_metadata(qtbot, connected, s3_admin, docs) -> None:
    s3_admin.create_bucket(Bucket="target-bucket")
    s3_admin.put_object(Bucket=docs, Key="a.txt", Body=b"meta", ContentType="text/markdown",
                        Metadata={"owner": "ann"})
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["a.txt", "old"])
    press_on_table(qtbot, win, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert "Cut 2 items" in win.message_label.text()
    open_folder(qtbot, win, "target-bucket")
    press_on_table(qtbot, win, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    wait_transfers(qtbot, win)
    assert keys(s3_admin, "target-bucket") == ["a.txt", "old/", "old/deep/y.txt", "old/x.txt"]
    assert keys(s3_admin, docs) == ["b.txt", "keep.txt"]
    head = s3_admin.head_object(Bucket="target-bucket", Key="a.txt")
    assert head["ContentType"] == "text/markdown" and head["Metadata"] == {"owner": "ann"}
    assert "Move finished: 4 files moved" in win.message_label.text()


def test_copy_paste_over_existing_asks_and_no_keeps_them(qtbot, connected, s3_admin, docs, answers) -> None:
    s3_admin.create_bucket(Bucket="target-bucket")
    s3_admin.put_object(Bucket="target-bucket", Key="b.txt", Body=b"older")
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["b.txt"])
    press_on_table(qtbot, win, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    open_folder(qtbot, win, "target-bucket")
    answers.answers = [False]
    win.objects.paste()
    qtbot.waitUntil(lambda: bool(answers.questions), timeout=10000)
    assert "The object already exists at the destination: b.txt. Replace it?" in answers.questions[0]
    assert s3_admin.get_object(Bucket="target-bucket", Key="b.txt")["Body"].read() == b"older"
    answers.answers = [True]
    win.objects.paste()
    wait_transfers(qtbot, win)
    assert s3_admin.get_object(Bucket="target-bucket", Key="b.txt")["Body"].read() == b"12345"
    assert "b.txt" in keys(s3_admin, docs), "a copy keeps the source"


def test_rows_dropped_on_a_tree_bucket_are_copied_or_moved_with_shift(qtbot, connected, s3_admin, docs) -> None:
    s3_admin.create_bucket(Bucket="drop-target")
    win = connected
    open_folder(qtbot, win, docs)
    conn_index = win.tree_model.connection_index()
    win.tree_model.refresh(conn_index)  # the buckets were made after connecting
    qtbot.waitUntil(lambda: win.tree_model.find_child(conn_index, "drop-target").isValid(), timeout=10000)
    target = win.tree.visualRect(win.tree_model.find_child(conn_index, "drop-target")).center()
    for names, modifier, expected in ((["a.txt"], Qt.KeyboardModifier.NoModifier, "Copy"),
                                      (["b.txt"], Qt.KeyboardModifier.ShiftModifier, "Move")):
        wait_loaded(qtbot, win)  # a finished batch refreshes the table
        win.table.clearSelection()
        select_names(win, names)
        mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
        before = len(win.transfers.model.items)
        viewport = win.tree.viewport()
        buttons = Qt.MouseButton.LeftButton
        QApplication.sendEvent(viewport, QDragEnterEvent(target, Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
                                                         mime, buttons, modifier))
        QApplication.sendEvent(viewport, QDragMoveEvent(target, Qt.DropAction.CopyAction | Qt.DropAction.MoveAction,
                                                        mime, buttons, modifier))
        QApplication.sendEvent(viewport, QDropEvent(QPointF(target), Qt.DropAction.CopyAction
                                                    | Qt.DropAction.MoveAction, mime, buttons, modifier))
        assert mime.fetch_count == 0, "an internal drop never downloads"
        qtbot.waitUntil(lambda before=before: len(win.transfers.model.items) > before
                        and win.transfers.active_count == 0,
                        timeout=15000)
        assert win.transfers.model.items[-1].direction.label == expected
    assert keys(s3_admin, "drop-target") == ["a.txt", "b.txt"]
    assert "a.txt" in keys(s3_admin, docs) and "b.txt" not in keys(s3_admin, docs)


def test_own_rows_dropped_on_the_table_are_not_uploaded(qtbot, connected, s3_admin, docs) -> None:
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["a.txt"])
    mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
    viewport = win.table.viewport()
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert not enter.isAccepted() and mime.fetch_count == 0


def test_presigned_link_expiry_is_limited_and_the_link_downloads(qtbot, connected, s3_admin, docs) -> None:
    win = connected
    open_folder(qtbot, win, docs)
    select_names(win, ["keep.txt"])
    win.objects.presign_action.trigger()
    dialog = win.objects.dialog
    dialog.unit_combo.setCurrentText("days")
    dialog.amount_spin.setValue(8)
    assert not dialog.copy_button.isEnabled() and "at most 7 days" in dialog.status_label.text()
    dialog.amount_spin.setValue(7)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.link_edit.text()), timeout=10000)
    url = QGuiApplication.clipboard().text()
    assert url == dialog.link_edit.text() and "X-Amz-Expires=604800" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback moto
        assert response.read() == b"12345"

    dialog.unit_combo.setCurrentText("hours")  # a new validity: the 7-day link is not left on show
    assert "X-Amz-Expires=604800" not in dialog.link_edit.text()
    dialog.amount_spin.setValue(2)
    qtbot.waitUntil(lambda: "X-Amz-Expires=7200" in dialog.link_edit.text(), timeout=10000)
    assert QGuiApplication.clipboard().text() == dialog.link_edit.text()
    assert dialog.status_label.text() == "Copied to the clipboard; valid for 2 hours."
    dialog.unit_combo.setCurrentText("days")
    dialog.amount_spin.setValue(9)
    assert dialog.link_edit.text() == "" and "at most 7 days" in dialog.status_label.text()


def test_create_bucket_checks_name_as_typed_and_cancel_creates_nothing(qtbot, connected, s3_admin) -> None:
    win = connected
    dialog = win.objects.open_create_bucket_dialog()
    qtbot.keyClicks(dialog.name_edit, "Bad_Name")
    assert not dialog.create_button.isEnabled() and dialog.problem_label.text()
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert s3_admin.list_buckets()["Buckets"] == []

    dialog = win.objects.open_create_bucket_dialog()
    qtbot.keyClicks(dialog.name_edit, "fresh-bucket")
    dialog.region_combo.setCurrentText("eu-west-2")
    assert dialog.create_button.isEnabled() and not dialog.problem_label.text()
    with qtbot.waitSignal(dialog.created, timeout=10000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert s3_admin.get_bucket_location(Bucket="fresh-bucket")["LocationConstraint"] == "eu-west-2"
    qtbot.waitUntil(lambda: "fresh-bucket" in table_names(win), timeout=10000)

    again = win.objects.open_create_bucket_dialog()
    qtbot.keyClicks(again.name_edit, "fresh-bucket")
    qtbot.mouseClick(again.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "You already have a bucket named “fresh-bucket”" in again.problem_label.text(),
                    timeout=10000)
    assert again.isVisible()
    again.reject()


def test_delete_bucket_needs_its_name_typed_and_removes_all_versions(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="old-bucket")
    s3_admin.put_bucket_versioning(Bucket="old-bucket", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"2"):
        s3_admin.put_object(Bucket="old-bucket", Key="f.txt", Body=body)
    win = connected
    win.navigation.refresh()
    wait_loaded(qtbot, win)
    select_names(win, ["old-bucket"])
    press_on_table(qtbot, win, Qt.Key.Key_Delete)
    dialog = win.objects.dialog
    assert dialog.bucket == "old-bucket"
    qtbot.keyClicks(dialog.name_edit, "old-bucke")
    assert not dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert "old-bucket" in [b["Name"] for b in s3_admin.list_buckets()["Buckets"]]

    dialog = win.objects.open_delete_bucket_dialog()
    qtbot.keyClicks(dialog.name_edit, "old-bucket")
    with qtbot.waitSignal(dialog.deleted, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert s3_admin.list_buckets()["Buckets"] == []
    qtbot.waitUntil(lambda: "old-bucket" not in table_names(win), timeout=10000)


def test_soft_delete_profile_moves_to_trash_and_trash_view_restores_and_empties(
        qtbot, window, s3_admin, s3_endpoint, answers) -> None:
    from dataclasses import replace

    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    s3_admin.create_bucket(Bucket="soft-bucket")
    for key in ("notes/a.txt", "notes/b.txt", "c.txt"):
        s3_admin.put_object(Bucket="soft-bucket", Key=key, Body=b"data")
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(replace(_profile(s3_endpoint), soft_delete=True),
                                           Secrets(SECRET_KEY), remember=False)
    open_folder(qtbot, window, "soft-bucket")
    select_names(window, ["notes", "c.txt"])
    dialog = window.objects.delete_selected()
    wait_counted(qtbot, dialog)
    assert "move 3 objects" in dialog.summary_label.text() and "trash" in dialog.summary_label.text()
    assert dialog.delete_button.text() == "Move to trash"
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert all(k.startswith(".s3browser-trash/") for k in keys(s3_admin, "soft-bucket"))

    trash = window.objects.open_trash_dialog()
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 3, timeout=10000)
    originals = sorted(trash.tree.topLevelItem(i).text(0) for i in range(3))
    assert originals == ["c.txt", "notes/a.txt", "notes/b.txt"]
    assert trash.empty_button.isEnabled()
    assert not trash.restore_button.isEnabled() and not trash.delete_button.isEnabled(), "nothing selected yet"
    for i in range(3):
        item = trash.tree.topLevelItem(i)
        item.setSelected(item.text(0) == "c.txt")
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 2, timeout=10000)
    assert "c.txt" in keys(s3_admin, "soft-bucket")

    answers.answers = [False]
    qtbot.mouseClick(trash.empty_button, Qt.MouseButton.LeftButton)
    assert trash.tree.topLevelItemCount() == 2 and "for good" in answers.questions[-1]
    answers.answers = [True]
    qtbot.mouseClick(trash.empty_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trash.status_label.text().endswith("The trash is empty."), timeout=10000)
    assert keys(s3_admin, "soft-bucket") == ["c.txt"]
    assert not trash.empty_button.isEnabled() and not trash.restore_button.isEnabled(), "an empty trash offers nothing"


def test_restore_from_the_trash_asks_before_replacing_a_newer_object(qtbot, connected, s3_admin, answers) -> None:
    from s3browser.core.ops.trash import trash_key
    from s3browser.core.transfers.conflicts import Conflict
    from s3browser.ui.browsing.trash_dialog import TAKEN

    s3_admin.create_bucket(Bucket="restore-asks")
    s3_admin.put_object(Bucket="restore-asks", Key=trash_key("notes.txt", 1_700_000_000), Body=b"old 12 bytes")
    s3_admin.put_object(Bucket="restore-asks", Key="notes.txt", Body=b"a newer upload of thirty-eight bytes!!")
    open_folder(qtbot, connected, "restore-asks")
    trash = connected.objects.open_trash_dialog()
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 1, timeout=10000)
    assert trash.tree.topLevelItem(0).text(3) == TAKEN, "the trash says the place is taken"
    trash.tree.topLevelItem(0).setSelected(True)

    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)  # the question is cancelled
    qtbot.waitUntil(lambda: trash.status_label.text() == "Nothing was restored.", timeout=10000)
    assert answers.object_conflict_questions == [("Restore onto existing objects?", ["notes.txt"], 1)]
    assert s3_admin.get_object(Bucket="restore-asks", Key="notes.txt")["ContentLength"] == 38

    answers.object_conflict_answers = [Conflict.KEEP_BOTH]
    trash.tree.topLevelItem(0).setSelected(True)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trash.status_label.text().endswith("The trash is empty."), timeout=10000)
    assert "notes.txt as notes (1).txt" in trash.status_label.text()
    assert s3_admin.get_object(Bucket="restore-asks", Key="notes.txt")["ContentLength"] == 38
    assert s3_admin.get_object(Bucket="restore-asks", Key="notes (1).txt")["Body"].read() == b"old 12 bytes"
    qtbot.waitUntil(lambda: "notes (1).txt" in table_names(connected), timeout=10000)


def test_the_object_conflict_box_answers_enter_with_keep_both_and_esc_with_cancel(qtbot) -> None:
    from PySide6.QtCore import QTimer

    from s3browser.core.transfers.conflicts import Conflict
    from s3browser.ui.shell.conflict_box import ObjectConflictBox

    for key, expected in ((Qt.Key.Key_Return, Conflict.KEEP_BOTH), (Qt.Key.Key_Escape, None)):
        box = ObjectConflictBox(None, "Restore onto existing objects?", ["a.txt", "b.txt"], 3)
        qtbot.addWidget(box)
        assert "2 of 3 objects already exist" in box.text()
        QTimer.singleShot(0, lambda box=box, key=key: qtbot.keyClick(box, key))
        box.exec()
        assert box.answer() == expected


def test_stop_ends_a_delete_between_batches_and_reports_what_was_left(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="stop-delete")
    for index in range(2500):
        s3_admin.put_object(Bucket="stop-delete", Key=f"k/{index:05d}", Body=b"")
    win = connected
    open_folder(qtbot, win, "stop-delete")
    select_names(win, ["k"])
    dialog = win.objects.delete_selected()
    wait_counted(qtbot, dialog)
    with qtbot.waitSignal(dialog.finished_deleting, timeout=30000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # "Stop"
    pages = s3_admin.get_paginator("list_objects_v2").paginate(Bucket="stop-delete")
    left = sum(page.get("KeyCount", 0) for page in pages)
    # Stop lands before the first or second batch, depending on how soon the worker started.
    assert dialog.deleted in (0, 1000) and left == 2500 - dialog.deleted, "whole batches only, nothing lost"
    assert f"Stopped: {left:,} were not deleted" in dialog.summary_label.text()
    assert dialog.isVisible() and dialog.cancel_button.text() == "Close"
