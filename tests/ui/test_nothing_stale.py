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
