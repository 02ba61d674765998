"""What the window shows follows what is there: preview, counts, status, links, sort (issue 30)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from s3browser.core.s3.locations import Location
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_inspect_gui import select_only
from tests.ui.test_object_operations import open_folder


def preview(qtbot, win, name: str) -> None:  # noqa: ANN001
    select_only(win, [name])
    if not win.preview_pane.isVisible():
        win.table.setFocus()
        qtbot.keyClick(win.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: win.preview.shown_key.rpartition("/")[2] == name, timeout=10000)


def test_the_preview_follows_navigation_and_deletes_and_wraps_long_lines(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="follow")
    s3_admin.put_object(Bucket="follow", Key="notes.txt", Body=b"word " * 400)
    s3_admin.put_object(Bucket="follow", Key="inner/other.txt", Body=b"other")
    open_folder(qtbot, win, "follow")
    preview(qtbot, win, "notes.txt")
    text = win.preview_pane.text
    assert text.lineWrapMode() == text.LineWrapMode.WidgetWidth
    assert text.horizontalScrollBar().maximum() == 0, "a long line wraps: no sideways scrolling"

    win.navigation.navigate(Location("follow", "inner/"))
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: win.preview.shown_key == "", timeout=5000)
    assert win.preview_pane.details.text() == "Select a file to preview it."

    win.navigation.navigate(Location("follow", ""))
    wait_loaded(qtbot, win)
    preview(qtbot, win, "notes.txt")
    s3_admin.delete_object(Bucket="follow", Key="notes.txt")
    win.navigation.refresh()
    qtbot.waitUntil(lambda: "notes.txt" not in table_names(win), timeout=10000)
    qtbot.waitUntil(lambda: win.preview.shown_key == "", timeout=5000)


def test_the_status_bar_counts_follow_an_undelete(qtbot, connected, s3_admin) -> None:
    from tests.ui.test_inspect_gui import show_versions

    win = connected
    s3_admin.create_bucket(Bucket="counts")
    s3_admin.put_bucket_versioning(Bucket="counts", VersioningConfiguration={"Status": "Enabled"})
    for key in ("a.txt", "gone.txt"):
        s3_admin.put_object(Bucket="counts", Key=key, Body=b"x")
    s3_admin.delete_object(Bucket="counts", Key="gone.txt")
    open_folder(qtbot, win, "counts")
    assert win.count_label.text().startswith("1 object")
    show_versions(qtbot, win)
    model = win.versions_model
    gone = next(model.index(r, 0) for r in range(model.rowCount()) if model.key(model.index(r, 0)) == "gone.txt")
    dialog = win.versions.undelete([model.key(gone)], [])
    qtbot.waitUntil(lambda: dialog.undelete_button.isEnabled(), timeout=10000)
    with qtbot.waitSignal(dialog.finished_undeleting, timeout=10000):
        dialog.undelete_button.click()
    qtbot.waitUntil(lambda: win.count_label.text().startswith("2 objects"), timeout=10000)
    assert sorted(table_names(win)) == ["a.txt", "gone.txt"]


def test_pausing_and_cancelling_say_so_in_the_status_line(qtbot, connected, s3_admin, tmp_path) -> None:
    from s3browser.core.transfers.queue_items import State
    from tests.ui.test_queue_safety import download_plan_of

    win = connected
    s3_admin.create_bucket(Bucket="paused")
    s3_admin.put_object(Bucket="paused", Key="a.txt", Body=b"a")
    win.transfers.max_active = 0  # queued, not started: the row waits for the user's pause
    plan = download_plan_of(win, qtbot, Location("paused", ""), ["a.txt"], tmp_path / "d")
    win.transfers.add_downloads(plan)
    win.ctx.show_message("Downloading 1 file to …")
    items = list(win.transfers.model.items)
    win.transfer_panel.view.selectAll()
    qtbot.mouseClick(win.transfer_panel.pause_button, Qt.MouseButton.LeftButton)
    assert items[0].state == State.PAUSED
    assert win.message_label.text().startswith("Paused 1 transfer; Resume continues it")
    qtbot.waitUntil(lambda: win.transfer_progress.format() == "Paused %p%", timeout=5000)
    qtbot.mouseClick(win.transfer_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert win.message_label.text() == "Cancelled 1 transfer."


def test_a_failed_connection_leaves_no_connected_to_under_its_banner(qtbot, window, auth_moto_endpoint) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    endpoint, (key, _secret) = auth_moto_endpoint
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(endpoint, key), Secrets("not-the-secret-0123456789"),
                                           remember=False)
    qtbot.waitUntil(lambda: bool(window.banner.text()), timeout=20000)
    assert "Connected to" not in window.message_label.text(), "the status line does not contradict the banner"


def test_after_a_restore_from_the_trash_the_status_line_says_so(qtbot, connected, s3_admin) -> None:
    from s3browser.core.ops.trash import trash_key

    s3_admin.create_bucket(Bucket="undo")
    s3_admin.put_object(Bucket="undo", Key=trash_key("a.txt", 1_700_000_000), Body=b"a")
    open_folder(qtbot, connected, "undo")
    connected.ctx.show_message("Moved to the trash 1 object.")
    trash = connected.objects.open_trash_dialog()
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 1, timeout=10000)
    trash.tree.topLevelItem(0).setSelected(True)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Restored 1" in connected.message_label.text(), timeout=10000)
    assert "Moved to the trash" not in connected.message_label.text()
    qtbot.waitUntil(lambda: "a.txt" in table_names(connected), timeout=10000)
    trash.close()


def test_the_versions_view_says_when_a_bucket_keeps_no_versions(qtbot, connected, s3_admin) -> None:
    from tests.ui.test_inspect_gui import show_versions

    win = connected
    s3_admin.create_bucket(Bucket="unversioned")
    s3_admin.put_object(Bucket="unversioned", Key="a.txt", Body=b"a")
    s3_admin.put_object(Bucket="unversioned", Key=".s3browser-trash/20261201T000000Z/b.txt", Body=b"b")
    s3_admin.create_bucket(Bucket="versioned")
    s3_admin.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    s3_admin.put_object(Bucket="versioned", Key="a.txt", Body=b"a")
    open_folder(qtbot, win, "unversioned")
    show_versions(qtbot, win)
    qtbot.waitUntil(lambda: win.versions_note.isVisible(), timeout=10000)
    assert win.versions_note.text().startswith("Versioning is off for this bucket")
    model = win.versions_model
    assert "Trash" in [model.index(r, 0).data() for r in range(model.rowCount())], "the trash is named as the trash"
    open_folder(qtbot, win, "versioned")
    qtbot.waitUntil(lambda: win.versions_model.versioning == "Enabled", timeout=10000)
    assert not win.versions_note.isVisible()


def test_the_bucket_list_and_a_folder_keep_their_own_sort(qtbot, connected, s3_admin) -> None:
    from s3browser.ui.browsing.object_table import COL_NAME, COL_SIZE

    win = connected
    for name in ("b-bucket", "a-bucket"):
        s3_admin.create_bucket(Bucket=name)
    s3_admin.put_object(Bucket="a-bucket", Key="small.txt", Body=b"s")
    s3_admin.put_object(Bucket="a-bucket", Key="big.txt", Body=b"b" * 100)
    open_folder(qtbot, win, "a-bucket")
    header = win.table.horizontalHeader()
    win.table.sortByColumn(COL_SIZE, Qt.SortOrder.AscendingOrder)  # as a click on the Size header does
    assert header.sortIndicatorSection() == COL_SIZE
    assert table_names(win) == ["small.txt", "big.txt"]
    win.navigation.navigate(Location())
    wait_loaded(qtbot, win)
    assert table_names(win) == ["a-bucket", "b-bucket"], "buckets by name, not by region"
    assert header.sortIndicatorSection() == COL_NAME
    win.navigation.navigate(Location("a-bucket"))
    wait_loaded(qtbot, win)
    assert header.sortIndicatorSection() == COL_SIZE and table_names(win) == ["small.txt", "big.txt"]
