"""The Local files pane: drag both ways, and Upload / Download between the panes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from s3browser.core.s3.locations import Location
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names
from tests.ui.test_object_operations import keys
from tests.ui.test_transfers_gui import wait_transfers


def send_drop(view, mime, pos: QPoint) -> None:  # noqa: ANN001
    viewport = view.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDragMoveEvent(pos, actions, mime, buttons, mods))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(pos), actions, mime, buttons, mods))


def local_pane(qtbot, win, folder: Path):  # noqa: ANN001
    win.toggle_local_action.trigger()
    panel = win.local_panel
    assert panel.isVisible()
    panel.show_folder(folder)
    return panel


def select_local(qtbot, panel, names: list[str]) -> None:  # noqa: ANN001
    root = panel.view.rootIndex()
    qtbot.waitUntil(lambda: panel.model.rowCount(root) >= len(names), timeout=10000)
    for row in range(panel.model.rowCount(root)):
        index = panel.model.index(row, 0, root)
        if index.data() in names:
            panel.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select
                                               | QItemSelectionModel.SelectionFlag.Rows)


def test_local_files_drag_to_the_table_uploads_and_table_rows_drag_back_download(
        qtbot, connected, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="panes")
    s3_admin.put_object(Bucket="panes", Key="remote/report.txt", Body=b"from s3")
    local = tmp_path / "home"
    (local / "photos").mkdir(parents=True)
    (local / "photos" / "cat.jpg").write_bytes(b"meow")
    (local / "notes.txt").write_text("local notes")
    win = connected
    win.navigation.navigate(Location("panes", ""))
    wait_loaded(qtbot, win)
    panel = local_pane(qtbot, win, local)

    # Local → S3: the pane's own drag data (file URLs) dropped on the table uploads into the folder shown.
    select_local(qtbot, panel, ["photos", "notes.txt"])
    mime = panel.model.mimeData(panel.view.selectionModel().selectedRows(0))
    send_drop(win.table, mime, QPoint(20, 20))
    wait_transfers(qtbot, win)
    assert keys(s3_admin, "panes") == ["notes.txt", "photos/cat.jpg", "remote/report.txt"]

    # S3 → local: table rows dropped on a folder in the pane download into it, through the queue.
    wait_loaded(qtbot, win)
    win.table.clearSelection()
    select_names(win, ["remote"])
    table_mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
    photos = panel.model.index(str(local / "photos"))
    target = panel.view.visualRect(photos).center()
    before = len(win.transfers.model.items)
    send_drop(panel.view, table_mime, target)
    assert table_mime.fetch_count == 0, "never through the file manager's deferred download"
    qtbot.waitUntil(lambda: len(win.transfers.model.items) > before and win.transfers.active_count == 0,
                    timeout=15000)
    assert (local / "photos" / "remote" / "report.txt").read_bytes() == b"from s3"


def test_upload_and_download_buttons_between_the_panes(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="panes2")
    s3_admin.put_object(Bucket="panes2", Key="a.txt", Body=b"A")
    local = tmp_path / "work"
    local.mkdir()
    (local / "b.txt").write_text("B")
    win = connected
    win.navigation.navigate(Location("panes2", ""))
    wait_loaded(qtbot, win)
    panel = local_pane(qtbot, win, local)
    assert panel.path_edit.text() == str(local)

    select_local(qtbot, panel, ["b.txt"])
    qtbot.mouseClick(panel.upload_button, Qt.MouseButton.LeftButton)
    wait_transfers(qtbot, win)
    assert keys(s3_admin, "panes2") == ["a.txt", "b.txt"]

    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: table_names(win) == ["a.txt", "b.txt"], timeout=10000)
    win.table.clearSelection()
    select_names(win, ["a.txt"])
    before = len(win.transfers.model.items)
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(win.transfers.model.items) > before and win.transfers.active_count == 0,
                    timeout=15000)
    assert (local / "a.txt").read_bytes() == b"A"

    # Typing a folder that is not one leaves the pane where it was.
    panel.path_edit.setText(str(local / "missing"))
    qtbot.keyClick(panel.path_edit, Qt.Key.Key_Return)
    assert panel.folder == local and panel.path_edit.text() == str(local)
