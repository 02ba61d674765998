"""The main window driven with qtbot against moto over real HTTP: the flows a new user tries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.object_table import COL_SIZE
from s3browser.ui.main_window import MainWindow
from s3browser.ui.shell.settings import LAST_PROFILE
from tests.conftest import ACCESS_KEY, SECRET_KEY
from tests.ui.conftest import table_names, wait_loaded


def seed_many(bucket: str, prefix: str, count: int) -> None:
    """Put ``count`` objects straight into the in-process moto backend (HTTP would take minutes)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for i in range(count):
        backend.put_object(bucket, f"{prefix}{i:05d}.log", b"x" * (i % 7))


def arrange_buckets(s3_admin) -> None:
    s3_admin.create_bucket(Bucket="alpha")
    s3_admin.create_bucket(Bucket="beta")
    for key, body in {"docs/readme.txt": b"r", "docs/guide/intro.md": b"intro!", "docs/guide/deep/x.txt": b"",
                      "photos/cat.png": b"12345678", "photos/dog.jpg": b"1234", "top.txt": b"t" * 2048}.items():
        s3_admin.put_object(Bucket="alpha", Key=key, Body=body)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def double_click_row(qtbot, win, name: str) -> None:
    row = table_names(win).index(name)
    rect = win.table.visualRect(win.table_model.index(row, 0))
    viewport = win.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())


def test_new_user_creates_profile_in_dialog_and_connects(qtbot, window, s3_endpoint, s3_admin, store,
                                                          memory_keyring) -> None:
    arrange_buckets(s3_admin)
    dialog = window.connections.open_connect_dialog()
    qtbot.waitExposed(dialog)
    click(qtbot, dialog.new_button)
    qtbot.keyClicks(dialog.name_edit, "local moto")
    qtbot.keyClicks(dialog.endpoint_edit, s3_endpoint)
    qtbot.keyClicks(dialog.region_edit, "us-east-1")
    qtbot.keyClicks(dialog.access_key_edit, ACCESS_KEY)
    qtbot.keyClicks(dialog.secret_edit, SECRET_KEY)
    dialog.path_style_check.setChecked(True)

    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "Connected to" in dialog.result_label.text(), timeout=10000)
    assert "2 buckets visible" in dialog.result_label.text()

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        click(qtbot, dialog.connect_button)
    wait_loaded(qtbot, window)
    assert table_names(window) == ["alpha", "beta"]
    assert store.get("local moto").endpoint_url == s3_endpoint
    assert SECRET_KEY in next(iter(memory_keyring.entries.values()))
    assert LAST_PROFILE.get() == "local moto"
    assert window.count_label.text() == "2 buckets"


def test_dialog_shows_precise_error_when_test_fails(qtbot, window, store) -> None:
    dialog = window.connections.open_connect_dialog()
    qtbot.keyClicks(dialog.name_edit, "broken")
    qtbot.keyClicks(dialog.endpoint_edit, "http://127.0.0.1:9")
    qtbot.keyClicks(dialog.access_key_edit, "AK")
    qtbot.keyClicks(dialog.secret_edit, "SK-secret")
    click(qtbot, dialog.test_button)
    qtbot.waitUntil(lambda: "Could not connect" in dialog.result_label.text(), timeout=15000)
    assert "SK-secret" not in dialog.result_label.text()


@pytest.mark.parametrize("url, reason", [("ftp://x", "must start with http:// or https://"),
                                         ("http://127.0.0.1:99999", "from 1 to 65535"),
                                         ("not-a-url", "must start with http:// or https://")])
def test_dialog_explains_a_bad_endpoint_url(qtbot, window, url, reason) -> None:
    dialog = window.connections.open_connect_dialog()
    qtbot.keyClicks(dialog.name_edit, "typo")
    qtbot.keyClicks(dialog.endpoint_edit, url)
    click(qtbot, dialog.test_button)
    assert reason in dialog.result_label.text()
    click(qtbot, dialog.save_button)
    assert reason in dialog.result_label.text()
    assert "Invalid region" not in dialog.result_label.text() and "ValueError" not in dialog.result_label.text()


def test_edit_and_delete_profile_removes_keyring_entry(qtbot, window, store, memory_keyring, answers) -> None:
    from s3browser.core.settings.profiles import Profile
    from s3browser.core.settings.secrets import Secrets

    store.save(Profile(name="temp", endpoint_url="http://127.0.0.1:1", access_key_id="AK"), Secrets("S1"))
    dialog = window.connections.open_connect_dialog()
    assert dialog.profile_list.currentItem().text() == "temp"
    dialog.region_edit.setText("eu-central-1")
    memory_keyring.threads.clear()  # from here on, every keyring call is the dialog's until the check below
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        click(qtbot, dialog.save_button)
    by_the_dialog = list(memory_keyring.threads)
    assert store.get("temp").region == "eu-central-1"
    assert store.secrets.load("temp") == Secrets("S1")  # empty secret field keeps the stored secret

    answers.answers = [False]
    click(qtbot, dialog.delete_button)
    assert store.get("temp") is not None  # "No" changes nothing
    answers.answers = [True]
    memory_keyring.threads.clear()
    click(qtbot, dialog.delete_button)
    qtbot.waitUntil(lambda: store.get("temp") is None, timeout=10000)
    by_the_dialog += memory_keyring.threads
    assert by_the_dialog and "MainThread" not in by_the_dialog, \
        "the dialog read, wrote and deleted the secret on workers, never on the GUI thread"
    assert memory_keyring.entries == {}
    assert dialog.profile_list.count() == 0


def test_browse_by_tree_double_click_path_bar_and_history(qtbot, connected, s3_admin) -> None:
    win = connected
    arrange_buckets(s3_admin)
    win.navigation.refresh()
    wait_loaded(qtbot, win)
    assert table_names(win) == ["alpha", "beta"]

    # Tree: the connection node lists buckets lazily; expanding a bucket lists its prefixes.
    conn_index = win.tree_model.connection_index()
    win.tree_model.refresh(conn_index)
    qtbot.waitUntil(lambda: win.tree_model.rowCount(conn_index) == 2, timeout=10000)
    alpha = win.tree_model.find_child(conn_index, "alpha")
    win.tree.expand(alpha)
    qtbot.waitUntil(lambda: win.tree_model.rowCount(alpha) == 2, timeout=10000)
    docs = win.tree_model.find_child(alpha, "docs")
    rect = win.tree.visualRect(docs)
    qtbot.mouseClick(win.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/"
    assert table_names(win) == ["guide", "readme.txt"]

    # Double-click a folder in the table.
    double_click_row(qtbot, win, "guide")
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/guide/"
    assert table_names(win) == ["deep", "intro.md"]

    # Type a path.
    win.path_bar.clear()
    qtbot.keyClicks(win.path_bar, "s3://alpha/photos")
    qtbot.keyClick(win.path_bar, Qt.Key.Key_Return)
    wait_loaded(qtbot, win)
    assert table_names(win) == ["cat.png", "dog.jpg"]
    assert win.path_bar.text() == "s3://alpha/photos/"

    # Back, forward, up (by keyboard shortcut and toolbar action).
    win.navigation.back_action.trigger()
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/guide/"
    win.navigation.back_action.trigger()
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/"
    win.navigation.forward_action.trigger()
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/guide/"
    win.navigation.up_action.trigger()
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://alpha/docs/"
    assert win.navigation.forward_action.isEnabled() is False
    win.navigation.up_action.trigger()
    win.navigation.up_action.trigger()
    wait_loaded(qtbot, win)
    assert win.path_bar.text() == "s3://"
    assert table_names(win) == ["alpha", "beta"]
    assert not win.navigation.up_action.isEnabled()


def test_filter_sort_refresh_and_status_bar(qtbot, connected, s3_admin) -> None:
    win = connected
    arrange_buckets(s3_admin)
    win.navigation.navigate(Location("alpha", ""))
    wait_loaded(qtbot, win)
    assert table_names(win) == ["docs", "photos", "top.txt"]  # folders first
    assert win.count_label.text() == "1 object, 2 folders"
    assert win.size_label.text() == "2.0 KiB"
    size_index = win.table_model.index(2, COL_SIZE)
    assert size_index.data() == "2.0 KiB"
    assert size_index.data(Qt.ItemDataRole.ToolTipRole) == "2,048 bytes"

    win.navigation.navigate(Location("alpha", "photos/"))
    wait_loaded(qtbot, win)
    header = win.table.horizontalHeader()
    size_x = header.sectionViewportPosition(COL_SIZE) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(size_x, 5))
    ascending = table_names(win)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(size_x, 5))
    descending = table_names(win)
    assert {tuple(ascending), tuple(descending)} == {("dog.jpg", "cat.png"), ("cat.png", "dog.jpg")}
    assert ascending != descending

    qtbot.keyClicks(win.filter_edit, "CA")
    assert table_names(win) == ["cat.png"]
    assert "1 shown" in win.count_label.text()
    win.filter_edit.clear()
    assert len(table_names(win)) == 2

    s3_admin.put_object(Bucket="alpha", Key="photos/emu.gif", Body=b"")
    qtbot.keyClick(win.table, Qt.Key.Key_F5)
    wait_loaded(qtbot, win)
    assert sorted(table_names(win)) == ["cat.png", "dog.jpg", "emu.gif"]


def test_large_prefix_shows_first_page_before_the_listing_ends(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="big")
    seed_many("big", "logs/", 2500)
    seed_many("big", "small/", 3)
    snapshots = []
    win.table_model.page_arrived.connect(
        lambda n: snapshots.append((win.table_model.rowCount(), win.table_model.is_loading)))
    win.navigation.navigate(Location("big", "logs/"))
    wait_loaded(qtbot, win)
    assert snapshots[0] == (1000, True)  # rows were visible while more pages were still coming
    assert win.table_model.rowCount() == 2500
    assert table_names(win)[:2] == ["00000.log", "00001.log"]
    assert win.count_label.text() == "2,500 objects"

    # Scroll and sort while it is loading, then navigate away mid-listing: late pages are dropped.
    snapshots.clear()
    win.navigation.navigate(Location("big", "logs/"))
    qtbot.waitUntil(lambda: len(snapshots) >= 1, timeout=10000)
    win.table.scrollToBottom()
    win.navigation.navigate(Location("big", "small/"))
    wait_loaded(qtbot, win)
    qtbot.wait(300)  # give any late page of the old listing time to arrive (and be dropped)
    assert table_names(win) == ["00000.log", "00001.log", "00002.log"]
    assert win.table_model.object_count == 3


def test_window_state_and_last_profile_are_remembered(qtbot, store, connected) -> None:
    win = connected
    win.resize(760, 520)  # the offscreen screen is 800x600
    win.splitter.setSizes([233, 520])
    win.table.horizontalHeader().resizeSection(0, 444)
    win.shutdown()

    again = MainWindow(store)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.size().width(), again.size().height()) == (760, 520)
    assert again.splitter.sizes()[0] == 233
    assert again.table.horizontalHeader().sectionSize(0) == 444
    again.shutdown()


def test_error_messages_appear_in_window_and_app_keeps_working(qtbot, window, error_scenario, s3_endpoint,
                                                                log_file) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(error_scenario.profile, error_scenario.secrets, remember=False)
    if error_scenario.location.bucket:
        wait_loaded(qtbot, window)
        window.navigation.navigate(error_scenario.location)
    qtbot.waitUntil(lambda: error_scenario.text in window.banner.text(), timeout=20000)
    assert "Traceback" not in window.banner.text()
    logged = log_file.read_text()
    assert f"error shown: {window.banner.text()}" in logged
    if error_scenario.secrets:
        assert error_scenario.secrets.secret_access_key not in logged

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(s3_endpoint), Secrets("anything"), remember=False)
    wait_loaded(qtbot, window)
    assert window.message_label.text().startswith("Connected")
    assert window.banner.isHidden(), "a new connection clears the old failure"


def test_denied_bucket_in_tree_shows_error_and_siblings_keep_working(qtbot, window, auth_moto_endpoint) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    endpoint, (key, secret) = auth_moto_endpoint
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(endpoint, key), Secrets(secret), remember=False)
    conn_index = window.tree_model.connection_index()
    qtbot.waitUntil(lambda: window.tree_model.rowCount(conn_index) == 3, timeout=10000)
    locked = window.tree_model.find_child(conn_index, "locked-bucket")
    opened = window.tree_model.find_child(conn_index, "open-bucket")
    window.tree.expand(locked)
    qtbot.waitUntil(lambda: "Access denied" in window.banner.text(), timeout=10000)
    assert "Access denied" in locked.data(Qt.ItemDataRole.ToolTipRole)
    window.tree.expand(opened)
    qtbot.waitUntil(lambda: window.tree_model.rowCount(opened) == 1, timeout=10000)
    assert window.tree_model.index(0, 0, opened).data() == "folder"


def test_connect_dialog_buttons_exist_with_mnemonics(window) -> None:
    dialog = window.connections.open_connect_dialog()
    texts = {b.text() for b in dialog.findChildren(QPushButton)}
    assert {"&Test connection", "Sa&ve", "&Connect", "&New", "&Delete", "Close"} <= texts
    dialog.reject()


def test_copy_s3_uri_of_selection_and_context_menu(qtbot, connected, s3_admin) -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMenu

    win = connected
    arrange_buckets(s3_admin)
    win.navigation.navigate(Location("alpha", "photos/"))
    wait_loaded(qtbot, win)
    win.table.selectRow(0)
    qtbot.keyClick(win.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == "s3://alpha/photos/cat.png"
    assert win.message_label.text() == "Copied s3://alpha/photos/cat.png"

    rect = win.table.visualRect(win.table_model.index(1, 0))
    win.menus.table_menu(win.table, rect.center())
    menu = next(m for m in win.findChildren(QMenu) if m.isVisible())
    assert [a.text() for a in menu.actions() if a.text()] == [
        "&Open", "&Edit", "Copy S3 &URI", "Copy download &link…", "&Download…", "&Upload…", "Cu&t", "&Copy", "&Paste",
        "&Rename…", "New &folder…", "&Delete…", "P&roperties…", "Calculate si&ze…", "Show &versions",
        "&Trash…", "Incomplete &multipart uploads…", "S&ync with local folder…",
        "&Refresh", "&Up"]
    assert not win.objects.paste_action.isEnabled(), "nothing cut or copied yet"
    menu.close()


def test_dialog_says_when_the_profiles_file_is_damaged(qtbot, window, store) -> None:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text('{"profiles": [')
    dialog = window.connections.open_connect_dialog()
    assert dialog.profiles_label.isVisibleTo(dialog)
    assert "could not be used" in dialog.profiles_label.text()
    qtbot.keyClicks(dialog.name_edit, "another")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: "Fix or remove the file" in dialog.result_label.text(), timeout=10000)
    assert store.path.read_text() == '{"profiles": ['
