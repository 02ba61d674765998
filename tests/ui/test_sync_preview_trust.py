"""The preview as the last line of defence (issue 28, point 10): Enter is not a yes, an existing pair
is opened rather than replaced, labels and boxes can be seen, and a deletion can be turned into the
copy the other way so that it is not proposed at every run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QPushButton, QTableView

from s3browser.core.s3.locations import Location
from s3browser.core.sync.pairs import PairStore, SyncPair
from s3browser.core.sync.plan import Action, Mode
from s3browser.ui.shell.colors import contrast_ratio, sample_dark_palette, unchecked_box_style
from s3browser.ui.sync.preview_model import COL_ACTION, COL_PATH, SyncPreviewModel
from tests.ui.test_sync_gui import make_pair_from_the_tree, synthetic_plan, write


def test_group_headings_count_what_is_ticked(qtmodeltester) -> None:
    model = SyncPreviewModel()
    model.set_plan(synthetic_plan())
    qtmodeltester.check(model, force_py=True)
    row = model.group_row(Action.UPLOAD)
    assert model.index(row, COL_PATH).data() == "Upload (3 of 3 ticked)"
    model.setData(model.index(row + 1, COL_PATH), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.index(row, COL_PATH).data() == "Upload (2 of 3 ticked)"
    deletions = model.group_row(Action.DELETE_REMOTE)
    model.set_group_checked(model.groups[-1], False)
    assert model.index(deletions, COL_PATH).data() == "Delete on S3 (0 of 2 ticked)"


def test_an_unticked_deletion_can_become_the_copy_the_other_way(qtmodeltester) -> None:
    model = SyncPreviewModel()
    plan = synthetic_plan()
    model.set_plan(plan)
    qtmodeltester.check(model, force_py=True)
    row = model.group_row(Action.DELETE_REMOTE)
    model.setData(model.index(row + 1, COL_PATH), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    cell = model.index(row + 1, COL_ACTION)
    assert model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(cell, "restore")
    assert cell.data() == "Download it again"
    item = model.item_at(cell)
    assert item is not None and item.selected and item.restore and not item.deletes_remote
    assert model.deletions() == (0, 1) and model.totals()[Action.DOWNLOAD] == (1, 20)
    assert "1 downloaded again instead" in model.index(row, COL_PATH).data()
    assert plan.totals()[Action.DOWNLOAD][0] == 1 and plan.remote_deletions() == 1
    assert plan.as_json()["actions"][-2]["action"] == "download"
    model.setData(cell, "delete")
    assert cell.data() == "Delete on S3" and model.deletions() == (0, 2)


def test_unticked_boxes_are_plainly_visible_in_a_dark_palette(qtbot) -> None:
    """Rendered and read back: the unticked box's frame stands out from the row behind it."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setPalette(sample_dark_palette())
    view.setStyleSheet(unchecked_box_style("QTableView", view.palette()))
    model = SyncPreviewModel(view)
    model.set_plan(synthetic_plan())
    view.setModel(model)
    view.resize(600, 400)
    row = model.group_row(Action.UPLOAD) + 1
    model.setData(model.index(row, COL_PATH), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    view.show()
    qtbot.waitExposed(view)
    image: QImage = view.viewport().grab().toImage()
    rect = view.visualRect(model.index(row, COL_PATH))
    background = image.pixelColor(rect.right() - 2, rect.center().y())
    best = max(contrast_ratio(image.pixelColor(x, y), background)
               for x in range(rect.left(), rect.left() + 24) for y in range(rect.top() + 2, rect.bottom() - 1))
    assert best >= 3.0, best  # a frame, not a shadow of one (Fusion's own was about 1.3:1 here)


def test_enter_never_starts_the_run(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="enter")
    s3_admin.put_object(Bucket="enter", Key="team/remote.txt", Body=b"r")
    local = tmp_path / "team"
    write(local, "local.txt", b"l")
    preview = make_pair_from_the_tree(qtbot, win, Location("enter", "team/"), local, Mode.TWO_WAY)
    assert preview.start_button.isEnabled()
    started: list[object] = []
    preview.start_requested.connect(started.append)
    assert not preview.start_button.isDefault()
    buttons = preview.findChildren(QPushButton)
    for widget in [preview.view, preview.start_button, *buttons]:
        if not widget.isVisible() or widget is preview.buttons.button(QDialogButtonBox.StandardButton.Cancel):
            continue
        if isinstance(widget, QPushButton) and widget is not preview.start_button:
            qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # "whatever was clicked"
        widget.setFocus()
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            qtbot.keyClick(widget, key)
        assert started == [] and preview.isVisible(), widget
        assert not preview.start_button.isDefault()
        preview.model.set_all_checked(True)
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    assert not preview.isVisible() and started == []


def test_sync_with_local_folder_opens_the_pair_that_exists(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="paired")
    local = tmp_path / "photos"
    local.mkdir()
    store = PairStore()
    existing = SyncPair("Holiday photos", win.ctx.connection.profile.name, str(local), "paired", "2026/",
                        mode=Mode.UPLOAD)
    store.save(existing)
    dialog = win.sync.sync_here(Location("paired", "2026/"))
    assert dialog is not None and dialog.original == existing
    assert dialog.name_edit.text() == "Holiday photos" and dialog.local_edit.text() == str(local)
    assert dialog.mode_combo.currentData() == Mode.UPLOAD.value
    dialog.reject()
    assert PairStore().pairs() == [existing]


def test_the_local_folder_label_shows_its_mnemonic(qtbot, connected) -> None:
    dialog = connected.sync.sync_here(Location("any-bucket", ""))
    assert dialog is not None
    label = next(lbl for lbl in dialog.findChildren(QLabel) if lbl.text() == "&Local folder:")
    assert label.buddy() is dialog.local_edit  # so Qt draws the L underlined, not an ampersand
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.name_edit.setFocus()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.local_edit
    dialog.reject()


def test_a_deletion_turned_into_a_download_runs_and_is_not_proposed_again(qtbot, connected, s3_admin,
                                                                          tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="undelete")
    local = tmp_path / "docs"
    write(local, "keep.txt", b"keep")
    write(local, "gone.txt", b"deleted here by mistake")
    preview = make_pair_from_the_tree(qtbot, win, Location("undelete", "docs/"), local, Mode.TWO_WAY)
    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    (local / "gone.txt").unlink()

    pair = win.sync_panel.model.pairs[0]
    win.sync_panel.select_pair(pair.id)
    qtbot.mouseClick(win.sync_panel.sync_button, Qt.MouseButton.LeftButton)
    preview = win.sync.preview
    qtbot.waitUntil(lambda: preview.run is not None, timeout=15000)
    assert preview.start_button.text() == "Delete 1 on S3"
    row = preview.model.group_row(Action.DELETE_REMOTE) + 1
    preview.view.selectRow(row)
    preview.view.customContextMenuRequested.emit(preview.view.visualRect(preview.model.index(row, 0)).center())
    menu = preview.context_menu
    assert menu is not None
    restore = next(a for a in menu.actions() if a.text().startswith("Download it again"))
    restore.trigger()
    menu.close()
    assert preview.start_button.text() == "Download 1"
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(batches) == 2, timeout=30000)
    assert (local / "gone.txt").read_bytes() == b"deleted here by mistake"
    assert "docs/gone.txt" in {o["Key"] for o in s3_admin.list_objects_v2(Bucket="undelete")["Contents"]}

    qtbot.mouseClick(win.sync_panel.sync_button, Qt.MouseButton.LeftButton)
    preview = win.sync.preview
    qtbot.waitUntil(lambda: preview.run is not None, timeout=15000)
    assert preview.run.plan.items == [], "not proposed again"
    preview.reject()


@pytest.mark.parametrize("choice", ["restore"])
def test_the_action_cell_offers_the_copy_back_for_a_deletion(qtbot, choice: str) -> None:
    from s3browser.ui.sync.preview_dialog import ResolutionDelegate

    view = QTableView()
    qtbot.addWidget(view)
    model = SyncPreviewModel(view)
    model.set_plan(synthetic_plan())
    view.setModel(model)
    delegate = ResolutionDelegate(view)
    view.setItemDelegateForColumn(COL_ACTION, delegate)
    view.show()
    cell = model.index(model.group_row(Action.DELETE_REMOTE) + 2, COL_ACTION)
    view.setCurrentIndex(cell)
    view.edit(cell)
    editor = view.findChild(QComboBox, "resolutionEditor")
    assert editor is not None
    assert [editor.itemText(i) for i in range(editor.count())] == ["Delete on S3", "Download it again"]
    editor.setCurrentIndex(editor.findData(choice))
    assert cell.data() == "Download it again"
    assert QColor(cell.data(Qt.ItemDataRole.ForegroundRole) or QColor()) != QColor("red")
    assert QPoint() is not None


def test_a_missing_folder_is_an_error_in_the_window_not_in_step(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="gonefolder")
    s3_admin.put_object(Bucket="gonefolder", Key="a.txt", Body=b"a")
    folder = tmp_path / "unmounted"
    pair = SyncPair("Drive", win.ctx.connection.profile.name, str(folder), "gonefolder", "", mode=Mode.MIRROR_TO_S3)
    PairStore().save(pair)
    win.sync.reload()
    preview = win.sync.sync_pair(pair)
    assert preview is not None
    qtbot.waitUntil(lambda: "does not exist" in preview.progress_label.text(), timeout=15000)
    assert preview.run is None and not preview.start_button.isEnabled()
    assert preview.start_button.text() == "Cannot sync"
    preview.reject()
    assert "a.txt" in {o["Key"] for o in s3_admin.list_objects_v2(Bucket="gonefolder")["Contents"]}
