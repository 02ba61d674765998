"""The menu bar, the toolbar, Help, Quit and which actions are enabled, in the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidgetAction

from s3browser.core.s3.locations import Location
from s3browser.ui.shell.settings import ICONS_ONLY
from s3browser.ui.wiring.enablement import BrowseState, enabled_actions
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names

MENUS = ["File", "Edit", "View", "Go", "Bucket", "Tools", "Help"]


def menu_actions(win) -> dict[str, list[QAction]]:  # noqa: ANN001
    menus = {}
    for top in win.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        menus[top.text().replace("&", "")] = [a for a in menu.actions() if not a.isSeparator()]
    return menus


def texts(actions: list[QAction]) -> list[str]:
    return [a.text().replace("&", "") for a in actions]


def test_menu_bar_holds_every_feature_with_its_shortcut(window) -> None:
    menus = menu_actions(window)
    assert list(menus) == MENUS
    everything = [a for actions in menus.values() for a in actions]
    found = texts(everything)
    for wanted in ("Connections…", "Upload…", "Download…", "New folder…", "Quit", "Cut", "Copy", "Paste",
                   "Rename…", "Delete…", "Copy S3 URI", "Copy download link…", "Transfers", "Sync panel",
                   "Back", "Forward", "Up", "Refresh", "New bucket…", "Delete bucket…", "Trash…",
                   "Incomplete multipart uploads…", "Sync with local folder…", "Keyboard shortcuts",
                   "About s3browser"):
        assert wanted in found, wanted
    # Every action of the context menus and the toolbar is in a menu too.
    for action in window.toolbar.actions():
        if not action.isSeparator() and not isinstance(action, QWidgetAction):
            assert action in everything, action.text()
    by_text = {a.text().replace("&", ""): a for a in everything}
    assert by_text["Quit"].shortcut() == QKeySequence("Ctrl+Q")
    assert by_text["Upload…"].shortcut() == QKeySequence("Ctrl+U")
    assert by_text["Keyboard shortcuts"].shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)


def test_quit_asks_while_transfers_run_and_stays_on_no(qtbot, window, answers, monkeypatch) -> None:
    monkeypatch.setattr(type(window.ctx.transfers), "active_count", property(lambda self: 2))
    answers.answers = [False]
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert answers.questions and "2 transfers are not finished" in answers.questions[0]
    assert window.isVisible()
    answers.answers = [True]
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_toolbar_shows_text_under_icons_unless_icons_only_is_chosen(qtbot, store, window) -> None:
    button = window.toolbar.widgetForAction(window.transfer_actions.upload_action)
    assert isinstance(button, QToolButton)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon
    assert button.text() == "Upload"
    window.icons_only_action.trigger()
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    window.save_settings()
    assert ICONS_ONLY.get() is True
    from s3browser.ui.main_window import MainWindow

    again = MainWindow(store)
    qtbot.addWidget(again)
    assert again.icons_only_action.isChecked()
    assert again.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    again.icons_only_action.trigger()
    again.save_settings()
    again.shutdown()


def test_about_lists_versions_keyring_and_log_folder(qtbot, window) -> None:
    import boto3
    from PySide6.QtCore import qVersion

    from s3browser.core.base.version import __version__
    from s3browser.core.settings.dirs import log_dir

    window.help.about_action.trigger()
    dialog = window.help.dialog
    qtbot.waitExposed(dialog)
    values = {label: field.text() for label, field in dialog.values.items()}
    assert values["s3browser"] == __version__
    assert values["Qt"].startswith(qVersion())
    assert values["boto3"] == boto3.__version__
    qtbot.waitUntil(lambda: dialog.values["Keyring"].text() == window.ctx.store.secrets.backend_name, timeout=5000)
    assert values["Log folder"] == str(log_dir())
    assert dialog.open_logs_button.text() == "Open log folder"
    dialog.close()


def test_shortcuts_dialog_lists_the_menus_shortcuts(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help.dialog
    assert dialog is not None and dialog.objectName() == "shortcutsDialog"
    table = dialog.table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    assert ("File", "Quit", "Ctrl+Q") in rows
    assert ("Go", "Back", QKeySequence(QKeySequence.StandardKey.Back).toString(
        QKeySequence.SequenceFormat.NativeText)) in rows
    assert ("Edit", "Rename", "F2") in rows
    dialog.close()


# ---------------------------------------------------------------- enablement
def test_rules_at_the_bucket_list_and_in_a_bucket() -> None:
    top = enabled_actions(BrowseState(connected=True))
    assert not top["upload"] and not top["new_folder"] and not top["rename"] and not top["delete"]
    assert not top["trash"] and not top["paste"] and top["create_bucket"] and not top["up"]
    one_bucket = enabled_actions(BrowseState(connected=True, selected=1))
    assert one_bucket["delete"] and one_bucket["delete_bucket"] and one_bucket["sync_here"]
    assert not one_bucket["rename"] and not one_bucket["download"]
    inside = enabled_actions(BrowseState(connected=True, in_bucket=True))
    assert inside["upload"] and inside["new_folder"] and inside["trash"] and inside["up"]
    assert not inside["rename"] and not inside["delete"] and not inside["download"] and not inside["presign"]
    two = enabled_actions(BrowseState(connected=True, in_bucket=True, selected=2))
    assert two["delete"] and two["download"] and two["copy"] and not two["rename"] and not two["presign"]
    folder = enabled_actions(BrowseState(connected=True, in_bucket=True, selected=1))
    assert folder["rename"] and not folder["presign"]
    assert enabled_actions(BrowseState(connected=True, in_bucket=True, selected=1, one_object=True))["presign"]
    assert enabled_actions(BrowseState(connected=True, in_bucket=True, clipboard=True))["paste"]
    offline = enabled_actions(BrowseState())
    assert not any(enabled for name, enabled in offline.items())


def test_actions_follow_selection_and_location_in_the_window(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="enable-bucket")
    for key in ("a.txt", "b.txt", "dir/c.txt"):
        s3_admin.put_object(Bucket="enable-bucket", Key=key, Body=b"x")
    objects, transfers = win.objects, win.transfer_actions
    win.navigation.refresh()
    wait_loaded(qtbot, win)
    assert not transfers.upload_action.isEnabled() and not objects.new_folder_action.isEnabled()
    assert not objects.delete_action.isEnabled() and not objects.rename_action.isEnabled()
    select_names(win, ["enable-bucket"])
    assert objects.delete_bucket_action.isEnabled() and objects.delete_action.isEnabled()
    win.navigation.navigate(Location("enable-bucket"))
    wait_loaded(qtbot, win)
    assert table_names(win) == ["dir", "a.txt", "b.txt"]
    assert transfers.upload_action.isEnabled() and objects.new_folder_action.isEnabled()
    assert not objects.rename_action.isEnabled() and not objects.delete_action.isEnabled()
    assert not objects.paste_action.isEnabled()
    select_names(win, ["a.txt"])
    assert objects.rename_action.isEnabled() and objects.presign_action.isEnabled()
    win.table.clearSelection()
    select_names(win, ["a.txt", "b.txt"])
    assert not objects.rename_action.isEnabled() and objects.delete_action.isEnabled()
    assert not objects.presign_action.isEnabled()
    win.table.clearSelection()
    select_names(win, ["dir"])
    assert objects.rename_action.isEnabled() and not objects.presign_action.isEnabled()
    objects.copy_action.trigger()
    assert objects.paste_action.isEnabled()
    win.table.selectAll()
    assert objects.delete_action.isEnabled()
    win.navigation.refresh()  # a new listing clears the selection
    wait_loaded(qtbot, win)
    assert not objects.delete_action.isEnabled()


def test_backspace_goes_up_from_the_table(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="up-bucket")
    s3_admin.put_object(Bucket="up-bucket", Key="deep/er/file.txt", Body=b"x")
    win.navigation.navigate(Location("up-bucket", "deep/er/"))
    wait_loaded(qtbot, win)
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Backspace)
    assert win.listing.location == Location("up-bucket", "deep/")
    # In the path bar Backspace edits text and does not navigate.
    win.path_bar.setFocus()
    win.path_bar.end(False)
    qtbot.keyClick(win.path_bar, Qt.Key.Key_Backspace)
    assert win.listing.location == Location("up-bucket", "deep/")
    assert win.path_bar.text() == "s3://up-bucket/deep"


@pytest.mark.parametrize("name", MENUS)
def test_each_menu_opens_with_its_mnemonic(qtbot, window, name: str) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert f"&{name}" in titles


# ---------------------------------------------------------------- accessibility and keyboard
def test_controls_without_text_have_accessible_names(window) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QHeaderView, QLineEdit, QProgressBar

    unnamed = []
    for widget in window.findChildren(QAbstractButton):
        if widget.isVisibleTo(window) and not widget.text().strip("& ") and not widget.accessibleName():
            unnamed.append(widget.objectName() or type(widget).__name__)
    for kind in (QAbstractItemView, QLineEdit, QProgressBar):
        for widget in window.findChildren(kind):
            if widget.isVisibleTo(window) and not widget.accessibleName() and not isinstance(widget, QHeaderView):
                unnamed.append(widget.objectName() or type(widget).__name__)
    assert unnamed == []
    assert window.table.accessibleName() == "Objects" and window.path_bar.accessibleName() == "Path"


def test_tab_leaves_the_table_and_moves_through_the_window(qtbot, connected) -> None:
    window = connected
    window.transfer_panel.show()
    window.path_bar.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        order.append(window.focusWidget())
    assert order == [window.filter_edit, window.tree, window.table, window.transfer_panel.view]


def test_typing_in_the_table_jumps_to_a_name_and_home_end_move(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="typeahead")
    for key in ("apple.txt", "banana.txt", "cherry.txt"):
        s3_admin.put_object(Bucket="typeahead", Key=key, Body=b"x")
    win.navigation.navigate(Location("typeahead"))
    wait_loaded(qtbot, win)
    win.table.setFocus()
    qtbot.keyClicks(win.table, "ch")
    assert win.table.currentIndex().data() == "cherry.txt"
    qtbot.keyClick(win.table, Qt.Key.Key_Home)
    assert win.table.currentIndex().data() == "apple.txt"
    qtbot.keyClick(win.table, Qt.Key.Key_End)
    assert win.table.currentIndex().data() == "cherry.txt"


def test_delete_bucket_from_the_menu_inside_a_bucket_offers_that_bucket(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="shown-bucket")
    win.navigation.navigate(Location("shown-bucket"))
    wait_loaded(qtbot, win)
    action = win.objects.delete_bucket_action
    assert action.isEnabled()
    action.trigger()
    dialog = win.objects.dialog
    assert dialog is not None and dialog.bucket == "shown-bucket"
    assert win.banner.isHidden(), "an enabled action must not answer with an error"
    dialog.reject()


def test_no_two_actions_share_a_shortcut(window) -> None:
    """Qt fires neither action of an ambiguous shortcut (Local files once took Ctrl+Shift+L from
    the presigned link)."""
    from PySide6.QtGui import QAction

    owners: dict[str, set[str]] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                owners.setdefault(sequence.toString(), set()).add(action.text().replace("&", ""))
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert shared == {}
