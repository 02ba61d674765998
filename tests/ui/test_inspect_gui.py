"""Looking inside objects through the real window and dialogs, against the moto server:
properties (edit and restore), versions (restore, delete, undelete), preview, open and edit in
place, search, and folder size."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.queue_items import State
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names


def open_folder(qtbot, win, bucket: str, prefix: str = "") -> None:
    win.navigation.navigate(Location(bucket, prefix))
    wait_loaded(qtbot, win)


def select_only(win, names: list[str]) -> None:
    win.table.clearSelection()
    indexes = select_names(win, names)
    win.table.setCurrentIndex(indexes[0])
    select_names(win, names)


def run_batch(qtbot, win, start) -> int:  # noqa: ANN001
    """Start something that queues one batch and wait until that batch is done; its number."""
    with qtbot.waitSignal(win.transfers.batch_done, timeout=30000) as blocker:
        start()
    return blocker.args[0]


def body(s3_admin, bucket: str, key: str) -> bytes:
    return s3_admin.get_object(Bucket=bucket, Key=key)["Body"].read()


def label_text(dialog, name: str) -> str:
    label = dialog.findChild(QLabel, name)
    return label.text() if label is not None else ""


# ---------------------------------------------------------------------------- properties

def test_properties_shown_and_edited_through_the_queue(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="props")
    s3_admin.put_object(Bucket="props", Key="doc.txt", Body=b"hello", ContentType="text/plain",
                        Metadata={"owner": "ann"}, Tagging="team=blue")
    open_folder(qtbot, win, "props")
    select_only(win, ["doc.txt"])
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    dialog = win.inspect.dialog
    qtbot.waitUntil(lambda: dialog.properties is not None, timeout=10000)
    assert label_text(dialog, "prop_s3_uri") == "s3://props/doc.txt"
    assert label_text(dialog, "prop_size").startswith("5 bytes")
    assert label_text(dialog, "prop_etag") == "5d41402abc4b2a76b9719d911017c592"
    assert dialog.header_edits["ContentType"].text() == "text/plain"
    assert dialog.metadata.values() == {"owner": "ann"} and dialog.tags.values() == {"team": "blue"}
    assert not dialog.save_button.isEnabled() and not dialog.note_label.isVisible()

    dialog.header_edits["ContentType"].setFocus()
    dialog.header_edits["ContentType"].selectAll()
    qtbot.keyClicks(dialog.header_edits["ContentType"], "text/markdown")
    dialog.tags.add_row("stage", "2")
    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData("STANDARD_IA"))
    assert dialog.save_button.isEnabled() and dialog.note_label.isVisible()
    dialog.tags.add_row("bad key " + "k" * 130, "v")
    assert not dialog.save_button.isEnabled() and "128" in dialog.tags.problem_label.text()
    dialog.tags.table.removeRow(dialog.tags.table.rowCount() - 1)
    dialog.tags.check()
    dialog._update_state()
    run_batch(qtbot, win, lambda: qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton))

    head = s3_admin.head_object(Bucket="props", Key="doc.txt")
    assert (head["ContentType"], head["Metadata"], head["StorageClass"]) == ("text/markdown", {"owner": "ann"},
                                                                             "STANDARD_IA")
    tags = {t["Key"]: t["Value"] for t in s3_admin.get_object_tagging(Bucket="props", Key="doc.txt")["TagSet"]}
    assert tags == {"team": "blue", "stage": "2"}
    assert body(s3_admin, "props", "doc.txt") == b"hello"
    assert [i.direction.label for i in win.transfers.model.items][-1] == "Properties"


def test_properties_of_several_objects_change_only_what_was_touched(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="many")
    s3_admin.put_object(Bucket="many", Key="a.css", Body=b"a", ContentType="text/css", Metadata={"k": "a"})
    s3_admin.put_object(Bucket="many", Key="b.js", Body=b"bb", ContentType="text/javascript")
    open_folder(qtbot, win, "many")
    select_only(win, ["a.css", "b.js"])
    dialog = win.inspect.open_properties()
    qtbot.waitUntil(lambda: not dialog.status_label.isVisible(), timeout=10000)
    assert label_text(dialog, "prop_objects") == "2 objects"
    assert dialog.header_edits["ContentType"].placeholderText() == "(keep each object's own)"
    qtbot.keyClicks(dialog.header_edits["CacheControl"], "max-age=3600")
    run_batch(qtbot, win, dialog.save)
    for key, content_type, metadata in (("a.css", "text/css", {"k": "a"}), ("b.js", "text/javascript", {})):
        head = s3_admin.head_object(Bucket="many", Key=key)
        assert (head["CacheControl"], head["ContentType"], head["Metadata"]) == ("max-age=3600", content_type,
                                                                                 metadata)


def test_archived_object_offers_restore_and_says_when(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="cold")
    s3_admin.put_object(Bucket="cold", Key="old.tar", Body=b"x", StorageClass="GLACIER")
    open_folder(qtbot, win, "cold")
    select_only(win, ["old.tar"])
    dialog = win.inspect.open_properties()
    qtbot.waitUntil(lambda: dialog.restore_button.isVisible(), timeout=10000)
    assert "restore it" in label_text(dialog, "prop_restore")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    restore = win.inspect.dialog
    assert restore.days == 7 and restore.tier == "Standard"
    restore.days_spin.setValue(2)
    restore.accept()
    qtbot.waitUntil(lambda: "3–5 hours" in win.message_label.text(), timeout=10000)
    assert "kept for 2 days" in win.message_label.text()
    assert "expiry-date" in s3_admin.head_object(Bucket="cold", Key="old.tar").get("Restore", "")


# ---------------------------------------------------------------------------- versions

@pytest.fixture
def history(s3_admin) -> str:
    s3_admin.create_bucket(Bucket="hist")
    s3_admin.put_bucket_versioning(Bucket="hist", VersioningConfiguration={"Status": "Enabled"})
    s3_admin.put_object(Bucket="hist", Key="docs/a.txt", Body=b"first")
    s3_admin.put_object(Bucket="hist", Key="docs/a.txt", Body=b"second!")
    s3_admin.put_object(Bucket="hist", Key="docs/gone.txt", Body=b"gone")
    s3_admin.delete_object(Bucket="hist", Key="docs/gone.txt")
    s3_admin.put_object(Bucket="hist", Key="docs/old/x.txt", Body=b"x")
    s3_admin.put_object(Bucket="hist", Key="docs/old/y.txt", Body=b"yy")
    s3_admin.delete_object(Bucket="hist", Key="docs/old/x.txt")
    s3_admin.delete_object(Bucket="hist", Key="docs/old/y.txt")
    return "hist"


def show_versions(qtbot, win) -> None:
    win.versions.toggle_action.trigger()
    qtbot.waitUntil(lambda: not win.versions_model.is_loading and win.versions_model.rowCount() > 0, timeout=10000)


def version_rows(model) -> list[tuple]:
    rows = []
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        children = [tuple(model.index(c, col, top).data() for col in (0, 1, 4)) for c in range(model.rowCount(top))]
        rows.append((top.data(), model.index(row, 4).data(), children))
    return rows


def test_versions_listed_grouped_with_markers_and_deleted_items(qtbot, connected, s3_admin, history,
                                                                qtmodeltester) -> None:
    win = connected
    open_folder(qtbot, win, history, "docs/")
    assert table_names(win) == ["old", "a.txt"]  # the deleted ones are hidden from the normal listing
    show_versions(qtbot, win)
    assert win.table_stack.currentWidget() is win.versions_pane
    rows = version_rows(win.versions_model)
    assert rows == [
        ("old", None, []),
        ("a.txt", "2 versions", [("Latest version", "7 bytes", "latest"), ("Version", "5 bytes", "")]),
        ("gone.txt", "deleted · 2 versions", [("Delete marker", "", "latest, delete marker"),
                                              ("Version", "4 bytes", "")]),
    ]
    qtmodeltester.check(win.versions_model)
    win.versions.toggle_action.trigger()
    assert win.table_stack.currentWidget() is win.table


def test_restore_and_delete_a_version(qtbot, connected, s3_admin, history, answers) -> None:
    win = connected
    open_folder(qtbot, win, history, "docs/")
    show_versions(qtbot, win)
    model = win.versions_model
    older = model.index(1, 0, model.index(1, 0))
    assert model.version_size(older) == 5
    run_batch(qtbot, win, lambda: win.versions.restore_version(older))
    assert body(s3_admin, history, "docs/a.txt") == b"first"
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount(model.index(1, 0)) == 3, timeout=10000)

    answers.answers = [False]
    win.versions.delete_version(model.index(2, 0, model.index(1, 0)))
    assert "permanently" in answers.questions[-1]
    assert model.rowCount(model.index(1, 0)) == 3  # said no: nothing happened
    win.versions.delete_version(model.index(2, 0, model.index(1, 0)))
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount(model.index(1, 0)) == 2, timeout=10000)
    versions = s3_admin.list_object_versions(Bucket=history, Prefix="docs/a.txt")["Versions"]
    assert sorted(v["Size"] for v in versions) == [5, 7]


def test_undelete_an_object_and_a_folder_after_counting(qtbot, connected, s3_admin, history) -> None:
    win = connected
    open_folder(qtbot, win, history, "docs/")
    show_versions(qtbot, win)
    model = win.versions_model
    gone = model.index(2, 0)
    assert model.is_deleted(gone)
    rect = win.versions_view.visualRect(gone)
    menu = win.versions.show_menu(rect.center())
    undelete = next(a for a in menu.actions() if a.text() == "&Undelete…")
    undelete.trigger()
    dialog = win.versions.dialog
    qtbot.waitUntil(lambda: dialog.undelete_button.isEnabled(), timeout=10000)
    assert dialog.undelete_button.text() == "&Undelete 1 object"
    with qtbot.waitSignal(dialog.finished_undeleting, timeout=10000):
        qtbot.mouseClick(dialog.undelete_button, Qt.MouseButton.LeftButton)
    assert body(s3_admin, history, "docs/gone.txt") == b"gone"

    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() == 3 and not model.is_deleted(model.index(2, 0)),
                    timeout=10000)
    folder = model.index(0, 0)
    assert model.is_folder(folder)
    dialog = win.versions.undelete([], [model.key(folder)])
    qtbot.waitUntil(lambda: dialog.undelete_button.isEnabled(), timeout=10000)
    assert "Undelete 2 objects (3 bytes)" in dialog.summary_label.text()
    with qtbot.waitSignal(dialog.finished_undeleting, timeout=10000):
        dialog.undelete_button.click()
    assert body(s3_admin, history, "docs/old/y.txt") == b"yy"
    win.versions.toggle_action.trigger()
    open_folder(qtbot, win, history, "docs/old/")
    assert table_names(win) == ["x.txt", "y.txt"]


# ---------------------------------------------------------------------------- preview

def png_bytes(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff0000"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_preview_pane_shows_images_and_text_and_follows_the_selection(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="look")
    s3_admin.put_object(Bucket="look", Key="red.png", Body=png_bytes(40, 30))
    s3_admin.put_object(Bucket="look", Key="notes.txt", Body="line one\nnaïve café\n".encode())
    s3_admin.put_object(Bucket="look", Key="big.log", Body=b"x" * (300 * 1024))
    s3_admin.put_object(Bucket="look", Key="blob.bin", Body=bytes(range(256)) * 4)
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
           b'<rect width="20" height="10" fill="#00f"/></svg>')
    s3_admin.put_object(Bucket="look", Key="dot.svg", Body=svg)
    open_folder(qtbot, win, "look")
    select_only(win, ["red.png"])
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Space)
    pane = win.preview_pane
    assert pane.isVisible()
    qtbot.waitUntil(lambda: win.preview.shown_key == "red.png", timeout=10000)
    assert pane.stack.currentWidget() is pane.image
    assert (pane.image.image.width(), pane.image.image.height()) == (40, 30)
    assert pane.image.image.pixelColor(5, 5) == QColor("#ff0000")
    assert "40 × 30 pixels" in pane.note_label.text()
    drawn = pane.image.grab().toImage()  # what the label paints: the picture, centred
    assert drawn.pixelColor(drawn.width() // 2, drawn.height() // 2) == QColor("#ff0000")
    assert drawn.pixelColor(2, 2) != QColor("#ff0000")

    select_only(win, ["notes.txt"])
    qtbot.waitUntil(lambda: win.preview.shown_key == "notes.txt", timeout=10000)
    assert pane.stack.currentWidget() is pane.text
    assert pane.text.toPlainText() == "line one\nnaïve café\n"
    assert "UTF-8" in pane.note_label.text()

    select_only(win, ["big.log"])
    qtbot.waitUntil(lambda: win.preview.shown_key == "big.log", timeout=10000)
    assert len(pane.text.toPlainText()) == 256 * 1024
    assert pane.note_label.text().startswith("Showing the first 256 KiB of 300.0 KiB (UTF-8)")

    select_only(win, ["blob.bin"])
    qtbot.waitUntil(lambda: win.preview.shown_key == "blob.bin", timeout=10000)
    assert pane.stack.currentWidget() is pane.details
    assert "Size: 1.0 KiB (1,024 bytes)" in pane.details.text()

    select_only(win, ["dot.svg"])
    qtbot.waitUntil(lambda: win.preview.shown_key == "dot.svg", timeout=10000)
    assert pane.stack.currentWidget() is pane.image and pane.image.image.pixelColor(10, 5) == QColor("#0000ff")

    qtbot.keyClick(win.table, Qt.Key.Key_Space)
    assert not pane.isVisible()


# ---------------------------------------------------------------------------- open and edit

@pytest.fixture
def opened(connected):
    paths: list[Path] = []
    connected.open_edit.opener = lambda path: paths.append(path) or True
    connected.versions.opener = connected.open_edit.opener
    return paths


def test_double_click_opens_a_verified_private_copy(qtbot, connected, s3_admin, opened) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="edit")
    s3_admin.put_object(Bucket="edit", Key="folder/report.txt", Body=b"version one")
    open_folder(qtbot, win, "edit", "folder/")
    select_only(win, ["report.txt"])
    win.table.setFocus()
    with qtbot.waitSignal(win.open_edit.opened, timeout=20000):
        qtbot.keyClick(win.table, Qt.Key.Key_Return)
    assert opened[0].name == "report.txt" and opened[0].read_bytes() == b"version one"
    assert Path(os.environ["XDG_CACHE_HOME"]) in opened[0].parents
    assert win.transfers.model.items[-1].direction.label == "Download"


def edit_and_save(path: Path, text: bytes) -> None:
    time.sleep(0.01)  # a new mtime even on coarse clocks
    path.write_bytes(text)


def test_edit_in_place_uploads_a_save_and_refuses_to_overwrite_a_change_on_s3(qtbot, connected, s3_admin,
                                                                              opened) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="edit")
    s3_admin.put_object(Bucket="edit", Key="report.txt", Body=b"version one", ContentType="text/x-report",
                        Metadata={"owner": "ann"}, Tagging="team=blue")
    open_folder(qtbot, win, "edit")
    select_only(win, ["report.txt"])
    win.table.setFocus()
    with qtbot.waitSignal(win.open_edit.opened, timeout=20000):
        qtbot.keyClick(win.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    path = opened[0]
    edit_and_save(path, b"version two")
    qtbot.waitUntil(lambda: win.open_edit.prompt is not None and win.open_edit.prompt.isVisible(), timeout=10000)
    assert "report.txt was saved" in win.open_edit.prompt.text()
    assert not win.open_edit.prompt.isModal()  # editing never freezes the window
    with qtbot.waitSignal(win.open_edit.uploaded, timeout=20000):
        win.open_edit.prompt.defaultButton().click()
    assert body(s3_admin, "edit", "report.txt") == b"version two"
    head = s3_admin.head_object(Bucket="edit", Key="report.txt")
    assert (head["ContentType"], head["Metadata"]) == ("text/x-report", {"owner": "ann"})
    assert s3_admin.get_object_tagging(Bucket="edit", Key="report.txt")["TagSet"] == [{"Key": "team", "Value": "blue"}]

    s3_admin.put_object(Bucket="edit", Key="report.txt", Body=b"someone else's")
    assert win.open_edit.prompt is None
    edit_and_save(path, b"version three")
    qtbot.waitUntil(lambda: win.open_edit.prompt is not None, timeout=10000)
    win.open_edit.prompt.defaultButton().click()
    qtbot.waitUntil(lambda: win.open_edit.prompt is not None, timeout=10000)
    assert win.open_edit.prompt.windowTitle() == "Changed on S3"
    assert "changed on S3 since you opened it" in win.open_edit.prompt.text()
    with qtbot.waitSignal(win.open_edit.uploaded, timeout=20000) as blocker:
        win.open_edit.prompt.defaultButton().click()  # Keep both
    assert blocker.args[1] == "report (edited).txt"
    assert body(s3_admin, "edit", "report.txt") == b"someone else's"
    assert body(s3_admin, "edit", "report (edited).txt") == b"version three"


def test_open_an_older_version(qtbot, connected, s3_admin, history, opened) -> None:
    win = connected
    open_folder(qtbot, win, history, "docs/")
    show_versions(qtbot, win)
    model = win.versions_model
    run_batch(qtbot, win, lambda: win.versions_view.activated.emit(model.index(1, 0, model.index(1, 0))))
    assert opened[-1].read_bytes() == b"first" and "(version " in opened[-1].name


# ---------------------------------------------------------------------------- search and size

def test_search_streams_matches_from_a_5000_object_prefix(qtbot, connected, s3_admin) -> None:
    from concurrent.futures import ThreadPoolExecutor

    win = connected
    s3_admin.create_bucket(Bucket="big")
    keys = [f"logs/{d:02}/file-{i:04}.{'csv' if i % 500 == 0 else 'txt'}" for d in range(5) for i in range(1000)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda key: s3_admin.put_object(Bucket="big", Key=key, Body=b"x"), keys))
    s3_admin.put_object(Bucket="big", Key="elsewhere/file-0000.csv", Body=b"x")
    open_folder(qtbot, win, "big", "logs/")
    assert table_names(win) == ["00", "01", "02", "03", "04"]
    pages = []
    win.table_model.page_arrived.connect(pages.append)
    win.search.focus_action.trigger()
    assert win.focusWidget() is win.search_edit  # (the window itself may not be the active one)
    qtbot.keyClicks(win.search_edit, "*.csv")
    qtbot.keyClick(win.search_edit, Qt.Key.Key_Return)
    wait_loaded(qtbot, win, timeout=60000)
    assert len(pages) >= 5  # streamed page by page
    assert table_names(win) == [f"{d:02}/file-{i:04}.csv" for d in range(5) for i in (0, 500)]
    assert win.count_label.text() == "10 matches for “*.csv”"
    assert win.message_label.text() == "Search of s3://big/logs/ for “*.csv” finished: 10 matches in 5,000 keys."

    # the results are ordinary rows: download one
    select_only(win, ["03/file-0500.csv"])
    assert win.listing.selection().keys == {"logs/03/file-0500.csv": 1}
    win.search_edit.clear()
    wait_loaded(qtbot, win)
    assert table_names(win) == ["00", "01", "02", "03", "04"]


def test_calculate_size_of_a_folder(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="sizes")
    for i in range(12):
        s3_admin.put_object(Bucket="sizes", Key=f"data/f{i:02}.bin", Body=b"x" * (i * 100),
                            StorageClass="STANDARD_IA" if i < 2 else "STANDARD")
    open_folder(qtbot, win, "sizes")
    select_only(win, ["data"])
    dialog = win.inspect.calculate_size()
    qtbot.waitUntil(lambda: not dialog.stop_button.isEnabled(), timeout=10000)
    assert label_text(dialog, "sizeSummary") == "12 objects, 6.4 KiB (6,600 bytes) in s3://sizes/data/"
    classes = [[dialog.classes.topLevelItem(i).text(c) for c in range(3)]
               for i in range(dialog.classes.topLevelItemCount())]
    assert classes == [["STANDARD", "10", "6.3 KiB"], ["STANDARD_IA", "2", "100 bytes"]]
    largest = [dialog.largest.topLevelItem(i).text(0) for i in range(dialog.largest.topLevelItemCount())]
    assert largest[:3] == ["f11.bin", "f10.bin", "f09.bin"] and len(largest) == 10
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()


def test_thumbnails_only_for_visible_rows_painted_and_cached(qtbot, connected, s3_admin) -> None:
    from concurrent.futures import ThreadPoolExecutor

    win = connected
    s3_admin.create_bucket(Bucket="pics")
    red = png_bytes(80, 60)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3_admin.put_object(Bucket="pics", Key=f"img-{i:03}.png", Body=red), range(80)))
    open_folder(qtbot, win, "pics")
    provider = win.thumbnails
    assert win.table_model.thumbnails is None  # off by default
    win.thumbnails_action.setChecked(True)
    qtbot.waitUntil(lambda: provider.fetched >= 5 and not provider._running, timeout=20000)
    qtbot.wait(300)
    visible = win.table.rowAt(win.table.viewport().height() - 1) + 1 or win.table_model.rowCount()
    assert 0 < provider.fetched <= visible + 3 < 80  # only what the view painted (and a row or two more)
    icon = win.table_model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    picture = icon.pixmap(40, 40).toImage()
    assert picture.pixelColor(picture.width() // 2, picture.height() // 2) == QColor("#ff0000")
    rect = win.table.visualRect(win.table_model.index(0, 0))
    drawn = win.table.viewport().grab(rect).toImage()
    assert any(drawn.pixelColor(x, rect.height() // 2) == QColor("#ff0000") for x in range(4, 44))
    assert len(list((Path(os.environ["XDG_CACHE_HOME"]) / "s3browser" / "thumbnails").glob("*/*.png"))) == \
        provider.fetched

    win.table.scrollToBottom()
    last = win.table_model.rowCount() - 1
    qtbot.waitUntil(lambda: win.table_model.index(last, 0).data(Qt.ItemDataRole.DecorationRole).pixmap(40, 40)
                    .toImage().pixelColor(20, 20) == QColor("#ff0000"), timeout=20000)
    win.thumbnails_action.setChecked(False)
    assert win.table_model.thumbnails is None


def test_thumbnail_cache_keeps_to_its_limit(tmp_path) -> None:
    from s3browser.core.local.thumbnail_cache import ThumbnailCache

    cache = ThumbnailCache(tmp_path, limit=2500)
    for i in range(5):
        cache.put("b", f"k{i}", 1, 0.0, bytes(1000))
        os.utime(next(tmp_path.glob(f"*/{cache._path('b', f'k{i}', 1, 0.0).name}")), (i, i))
    cache.trim()
    assert [cache.get("b", f"k{i}", 1, 0.0) is not None for i in range(5)] == [False, False, False, True, True]


def test_an_edit_is_never_uploaded_over_a_change_made_after_its_check(qtbot, connected, s3_admin, opened,
                                                                     monkeypatch) -> None:
    """Another writer's save lands between the check and the upload: the upload carries If-Match the
    opened ETag, so it is refused, nothing is overwritten, and keeping both is offered."""
    from s3browser.ui.inspect import open_edit as open_edit_module

    win = connected
    s3_admin.create_bucket(Bucket="race")
    s3_admin.put_object(Bucket="race", Key="plan.txt", Body=b"opened")
    open_folder(qtbot, win, "race")
    select_only(win, ["plan.txt"])
    with qtbot.waitSignal(win.open_edit.opened, timeout=20000):
        win.open_edit.open_selected(edit=True)
    real_check = open_edit_module.check_unchanged

    def check_then_another_writer(conn, copy):  # noqa: ANN001, ANN202
        props = real_check(conn, copy)
        s3_admin.put_object(Bucket="race", Key="plan.txt", Body=b"another writer's")
        return props

    monkeypatch.setattr(open_edit_module, "check_unchanged", check_then_another_writer)
    edit_and_save(opened[0], b"mine")
    qtbot.waitUntil(lambda: win.open_edit.prompt is not None and win.open_edit.prompt.isVisible(), timeout=10000)
    win.open_edit.prompt.defaultButton().click()  # Upload
    qtbot.waitUntil(lambda: win.open_edit.prompt is not None and win.open_edit.prompt.windowTitle() == "Changed on S3",
                    timeout=20000)
    assert body(s3_admin, "race", "plan.txt") == b"another writer's"
    row = win.transfers.model.items[-1]
    assert row.state == State.SKIPPED and row.error_kind == "changed"
