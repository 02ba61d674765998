"""Dragging objects and folders out of the table onto a file manager downloads them there.

The file manager is a stand-in widget that does what Nautilus or Dolphin do with a drop: read
the URLs of the drag and copy the files they name into its folder.  The drag's data comes from
the table model's ``mimeData``, the call ``QAbstractItemView.startDrag`` makes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import SIGNAL, QItemSelectionModel, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.queue_items import State
from s3browser.ui.browsing.drag_out import DeferredDownloadMime, clean_old_staging, staging_root
from tests.ui.conftest import table_names, wait_loaded


class FileManagerStandIn(QWidget):
    """Copies whatever local files a drop names into ``folder``, as a file manager does."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            source = Path(url.toLocalFile())
            if source.is_dir():
                shutil.copytree(source, self.folder / source.name)
            else:
                shutil.copy2(source, self.folder / source.name)
        event.acceptProposedAction()


def drop_on(widget: QWidget, mime) -> None:  # noqa: ANN001
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(widget, QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods))
    QApplication.sendEvent(widget, QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods))


def select_names(win, names: list[str]) -> list:
    model, selection = win.table_model, win.table.selectionModel()
    indexes = []
    for row in range(model.rowCount()):
        if model.index(row, 0).data() in names:
            selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)
            indexes.append(model.index(row, 0))
    return indexes


def test_objects_and_folders_dragged_out_land_in_the_file_manager(qtbot, connected, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="dragsrc")
    contents = {"docs/readme.txt": b"read me", "docs/photos/a.png": b"\x89PNG a", "docs/photos/raw/b.raw": b"raw b",
                "docs/other.txt": b"not dragged"}
    for key, body in contents.items():
        s3_admin.put_object(Bucket="dragsrc", Key=key, Body=body)
    win = connected
    win.navigation.navigate(Location("dragsrc", "docs/"))
    wait_loaded(qtbot, win)
    assert sorted(table_names(win)) == ["other.txt", "photos", "readme.txt"]
    indexes = select_names(win, ["readme.txt", "photos"])
    assert all(win.table_model.flags(i) & Qt.ItemFlag.ItemIsDragEnabled for i in indexes)

    mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
    assert isinstance(mime, DeferredDownloadMime)
    assert mime.hasUrls() and mime.fetch_count == 0, "nothing is downloaded until the drop"

    desktop = tmp_path / "Desktop"
    desktop.mkdir()
    file_manager = FileManagerStandIn(desktop)
    qtbot.addWidget(file_manager)
    drop_on(file_manager, mime)

    assert mime.fetch_count == 1
    copied = {p.relative_to(desktop).as_posix(): p.read_bytes() for p in desktop.rglob("*") if p.is_file()}
    assert copied == {"readme.txt": b"read me", "photos/a.png": b"\x89PNG a", "photos/raw/b.raw": b"raw b"}
    assert {i.key: i.state for i in win.transfers.model.items} == {
        "docs/readme.txt": State.DONE, "docs/photos/a.png": State.DONE, "docs/photos/raw/b.raw": State.DONE}
    staged = [p for p in staging_root().rglob("*") if p.is_file()]
    assert staged and not [p for p in staged if "s3b-partial" in p.name], "only complete files are offered"


def test_dragging_out_a_missing_object_offers_nothing_and_says_why(qtbot, connected, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="dragsrc")
    s3_admin.put_object(Bucket="dragsrc", Key="gone.txt", Body=b"soon gone")
    win = connected
    win.navigation.navigate(Location("dragsrc", ""))
    wait_loaded(qtbot, win)
    select_names(win, ["gone.txt"])
    mime = win.table_model.mimeData(win.table.selectionModel().selectedIndexes())
    s3_admin.delete_object(Bucket="dragsrc", Key="gone.txt")
    listening = (win.transfers.receivers(SIGNAL("batch_done(int)")),
                 win.transfers.receivers(SIGNAL("totals_changed()")))
    assert mime.urls() == []
    assert "no longer in the bucket" in win.banner.text()
    assert not list(staging_root().rglob("gone.txt"))
    assert (win.transfers.receivers(SIGNAL("batch_done(int)")),
            win.transfers.receivers(SIGNAL("totals_changed()"))) == listening, "a finished drag stops listening"


def test_old_staging_folders_are_cleaned(tmp_path) -> None:
    import os
    import time

    old = staging_root() / "drop-old"
    fresh = staging_root() / "drop-fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "f.txt").write_text("x")
    past = time.time() - 3 * 24 * 3600
    os.utime(old, (past, past))
    clean_old_staging()
    assert not old.exists() and fresh.exists()
    shutil.rmtree(fresh)
