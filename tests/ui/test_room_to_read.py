"""Room to read: columns in view, whole text a hover away, the running transfer in sight, cut rows marked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from s3browser.ui.browsing.object_table import COL_MODIFIED, COL_NAME, COL_SIZE
from tests.ui.test_drag_out import select_names
from tests.ui.test_object_operations import open_folder, press_on_table


def test_with_every_pane_open_the_table_keeps_name_size_and_date_in_view(qtbot, connected, s3_admin) -> None:
    win = connected
    win.resize(1100, 680)  # a first start's size
    s3_admin.create_bucket(Bucket="room")
    s3_admin.put_object(Bucket="room", Key="a-rather-long-file-name-for-the-column.txt", Body=b"x")
    open_folder(qtbot, win, "room")
    tree_width = win.splitter.sizes()[0]
    for pane in (win.local_panel, win.preview_pane, win.transfer_panel):
        pane.show()
    header = win.table.horizontalHeader()

    def all_in_view() -> bool:
        shown = win.table.viewport().width()
        return all(header.sectionViewportPosition(c) + header.sectionSize(c) <= shown
                   for c in (COL_NAME, COL_SIZE, COL_MODIFIED))

    qtbot.waitUntil(lambda: win.local_panel.isVisible() and win.preview_pane.isVisible(), timeout=5000)
    qtbot.wait(50)  # the layout settles
    assert win.table.viewport().width() < 500, "the panes really crowd the table"
    assert all_in_view()
    for pane in (win.local_panel, win.preview_pane):
        pane.hide()
    qtbot.waitUntil(lambda: header.sectionSize(COL_NAME) == 380, timeout=5000)  # it grows back
    assert win.splitter.sizes()[0] == tree_width, "the tree has its width back"


def tooltip_of(qtbot, view, index) -> str:  # noqa: ANN001
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=5000)
    rect = view.visualRect(index)
    viewport = view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), viewport.mapToGlobal(rect.center()))
    QApplication.sendEvent(viewport, event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_cut_off_cell_shows_its_whole_text_on_hover(qtbot, connected, s3_admin) -> None:
    from s3browser.core.ops.trash import trash_key

    win = connected
    long_key = "a-" + "very-" * 30 + "long-name.txt"
    s3_admin.create_bucket(Bucket="hover")
    for key in (long_key, "s.txt"):
        s3_admin.put_object(Bucket="hover", Key=trash_key(key, 1_700_000_000), Body=b"x")
    open_folder(qtbot, win, "hover")
    trash = win.objects.open_trash_dialog()
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 2, timeout=10000)
    items = {trash.tree.topLevelItem(r).text(0): trash.tree.topLevelItem(r) for r in range(2)}
    long_index = trash.tree.indexFromItem(items[long_key], 0)
    assert trash.tree.itemDelegate().cell_is_elided(trash.tree, long_index)
    assert tooltip_of(qtbot, trash.tree, long_index) == long_key, "the whole text, a hover away"
    short_index = trash.tree.indexFromItem(items["s.txt"], 0)
    assert tooltip_of(qtbot, trash.tree, short_index) == "", "a cell that fits needs none"
    trash.close()


def test_the_queue_keeps_the_running_transfer_in_view(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    from s3browser.core.s3.locations import Location
    from s3browser.core.transfers.queue_items import State
    from tests.ui.test_queue_safety import download_plan_of

    win = connected
    s3_admin.create_bucket(Bucket="follow-queue")
    keys = [f"f{n:03d}.txt" for n in range(80)]
    for key in keys:
        s3_admin.put_object(Bucket="follow-queue", Key=key, Body=b"x")
    win.transfers.max_active = 0
    win.transfers.add_downloads(download_plan_of(win, qtbot, Location("follow-queue", ""), keys, tmp_path / "d"))
    panel = win.transfer_panel
    panel.show()
    model = win.transfers.model
    qtbot.waitUntil(lambda: model.rowCount() == 80, timeout=5000)
    late = model.items[70]
    win.transfers.queue._set_state(late, State.RUNNING)  # as when the earlier ones are done
    win.transfers.item_changed(late)
    index = model.index(70, 0)
    qtbot.waitUntil(lambda: panel.view.viewport().rect().contains(panel.view.visualRect(index)), timeout=5000)
    win.transfers.cancel(list(model.items))


def test_cut_rows_are_shown_as_cut_until_pasted(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="cut-rows")
    for key in ("a.txt", "b.txt"):
        s3_admin.put_object(Bucket="cut-rows", Key=key, Body=b"x")
    open_folder(qtbot, win, "cut-rows")
    select_names(win, ["a.txt"])
    press_on_table(qtbot, win, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    model = win.table_model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    cut = model.index(rows["a.txt"], 0)
    kept = model.index(rows["b.txt"], 0)
    assert cut.data(Qt.ItemDataRole.FontRole).italic() and kept.data(Qt.ItemDataRole.FontRole) is None
    image = win.table.viewport().grab().toImage()
    rect_cut, rect_kept = win.table.visualRect(cut), win.table.visualRect(kept)

    def darkest(rect) -> int:  # noqa: ANN001
        return min(image.pixelColor(x, y).lightness() for x in range(rect.left() + 30, rect.left() + 90)
                   for y in range(rect.top() + 2, rect.bottom() - 2))

    assert darkest(rect_cut) > darkest(rect_kept) + 40, "the cut row's text is painted dimmed"
    win.objects.clipboard = None
    win.objects.clipboard_changed.emit()
    assert model.index(rows["a.txt"], 0).data(Qt.ItemDataRole.FontRole) is None


def test_following_the_running_row_is_bounded_however_fast_rows_change(qtbot, connected, monkeypatch) -> None:
    """Following scrolls and repaints the queue: once per burst of changes cost seconds of the window's
    CPU over 5,000 small files (the benchmark's T3). It runs at most four times a second, whatever the pace."""
    import time

    quarter_second = 0.25
    win = connected
    panel = win.transfer_panel
    panel.show()
    calls: list[float] = []
    monkeypatch.setattr(panel, "_first_running", lambda _items: calls.append(time.monotonic()) or -1)
    start = time.monotonic()
    for _ in range(100):  # a change per event-loop turn, as finishing small files make them
        win.transfers.totals_changed.emit()
        qtbot.wait(1)
    qtbot.wait(int(quarter_second * 1000) + 100)
    elapsed = time.monotonic() - start
    assert 1 <= len(calls) <= elapsed / quarter_second + 2, (len(calls), elapsed)
