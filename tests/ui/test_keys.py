"""Keys do what they say wherever the user is: Esc steps back, F2 works from the fields, F1 lists all (issue 30)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names
from tests.ui.test_no_dead_waits import silent_endpoint  # noqa: F401 - fixture
from tests.ui.test_object_operations import open_folder


def test_esc_clears_the_filter_then_leaves_search_results(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="esc")
    for key in ("a.txt", "b.txt", "deep/inner/a-match.txt"):
        s3_admin.put_object(Bucket="esc", Key=key, Body=b"x")
    open_folder(qtbot, win, "esc")
    win.filter_edit.setFocus()
    qtbot.keyClicks(win.filter_edit, "b.")
    qtbot.waitUntil(lambda: table_names(win) == ["b.txt"], timeout=5000)
    qtbot.keyClick(win.filter_edit, Qt.Key.Key_Escape)
    assert win.filter_edit.text() == "" and sorted(table_names(win)) == ["a.txt", "b.txt", "deep"]

    win.search_edit.setFocus()
    qtbot.keyClicks(win.search_edit, "match")
    qtbot.keyClick(win.search_edit, Qt.Key.Key_Return)
    wait_loaded(qtbot, win)
    assert table_names(win) == ["deep/inner/a-match.txt"]
    qtbot.keyClick(win.search_edit, Qt.Key.Key_Escape)
    wait_loaded(qtbot, win)
    assert sorted(table_names(win)) == ["a.txt", "b.txt", "deep"] and win.search_edit.text() == ""
    assert win.escape.press() == "", "nothing left to step back from"


def test_esc_stops_a_listing_first_even_from_the_filter_field(qtbot, window, silent_endpoint) -> None:  # noqa: F811
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(silent_endpoint), Secrets(SECRET_KEY), remember=False)
    window.filter_edit.setText("x")
    qtbot.waitUntil(lambda: window.table_model.is_loading, timeout=5000)
    window.filter_edit.setFocus()
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert not window.table_model.is_loading and window.filter_edit.text() == "x", "one step per press"
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert window.filter_edit.text() == ""


def test_f2_renames_the_selection_while_the_filter_field_has_focus(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="f2-keys")
    s3_admin.put_object(Bucket="f2-keys", Key="report.txt", Body=b"x")
    open_folder(qtbot, win, "f2-keys")
    select_names(win, ["report.txt"])
    win.filter_edit.setFocus()
    qtbot.keyClick(win.filter_edit, Qt.Key.Key_F2)
    dialog = win.objects.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Rename"
    dialog.reject()


def test_f1_lists_every_key_and_keeps_its_place(qtbot, connected) -> None:
    win = connected
    win.help.shortcuts_action.trigger()
    dialog = win.help.dialog
    table = dialog.table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    keys = {row[2] for row in rows}
    for wanted in ("Space", "Backspace", "Enter, double-click", "Home, End", "Esc", "F2", "Del", "F1"):
        assert any(wanted in k for k in keys), wanted
    assert any(row[0] == "Bucket list" for row in rows)
    assert any(row[0] == "Table" and row[2] == "Space" for row in rows)
    bar = table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    dialog.close()
    win.help.shortcuts_action.trigger()
    again = win.help.dialog
    assert again is not dialog
    qtbot.waitUntil(lambda: again.table.verticalScrollBar().value() == place, timeout=5000)
    again.close()


def test_a_download_folder_dialog_opens_in_downloads_then_in_the_last_folder(qtbot, tmp_path: Path,
                                                                              monkeypatch) -> None:
    import platformdirs
    from PySide6.QtWidgets import QFileDialog

    from s3browser.ui.shell.interaction import Interaction

    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    monkeypatch.setattr(platformdirs, "user_downloads_dir", lambda: str(downloads), raising=False)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    starts: list[str] = []

    def dialog(parent, title, start):  # noqa: ANN001, ANN202
        starts.append(start)
        return str(chosen)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", dialog)
    asker = Interaction()
    assert asker.choose_folder(None, "Download to folder") == chosen
    assert asker.choose_folder(None, "Download to folder") == chosen
    assert asker.choose_folder(None, "Folder to upload", "upload") == chosen
    assert starts == [str(downloads), str(chosen), str(Path.home())]


def test_without_platformdirs_downloads_lookup_the_usual_downloads_folder_is_used(monkeypatch) -> None:
    import platformdirs

    from s3browser.ui.shell.interaction import start_folder

    monkeypatch.delattr(platformdirs, "user_downloads_dir", raising=False)  # platformdirs before 3.2
    downloads = Path.home() / "Downloads"
    downloads.mkdir(exist_ok=True)
    assert start_folder("download") == downloads
