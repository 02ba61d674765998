"""Keys that may not list buckets: the window says how to go on, and remembers the buckets opened."""

from __future__ import annotations

from PySide6.QtCore import Qt

from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.known_buckets import CANNOT_LIST_BUCKETS
from tests.ui.conftest import table_names, wait_loaded


def connect(qtbot, window, endpoint: str, key: str, secret: str) -> None:  # noqa: ANN001
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import _profile

    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(endpoint, key), Secrets(secret), remember=False)


def test_denied_bucket_list_points_to_typing_then_remembers_the_bucket(qtbot, window, no_list_credentials) -> None:
    endpoint, (key, secret) = no_list_credentials
    connect(qtbot, window, endpoint, key, secret)
    qtbot.waitUntil(lambda: bool(window.table_model.load_error), timeout=10000)
    assert window.table_model.empty_state() == ("error", CANNOT_LIST_BUCKETS)
    assert window.banner.text() == CANNOT_LIST_BUCKETS

    window.path_bar.setFocus()
    window.path_bar.clear()
    qtbot.keyClicks(window.path_bar, "s3://open-bucket/")
    qtbot.keyClick(window.path_bar, Qt.Key.Key_Return)
    wait_loaded(qtbot, window)
    assert "folder" in table_names(window)  # other tests may add objects to this session-wide server

    window.navigation.go_to_bucket_list()
    wait_loaded(qtbot, window)
    assert table_names(window) == ["open-bucket"], "the bucket opened before is offered"
    assert not window.table_model.load_error
    assert "showing the 1 bucket you opened before" in window.message_label.text()
    tree = window.tree_model
    tree.refresh(tree.connection_index())
    qtbot.waitUntil(lambda: tree.find_child(tree.connection_index(), "open-bucket").isValid(), timeout=10000)

    # Another session with the same profile still offers it.
    connect(qtbot, window, endpoint, key, secret)
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: table_names(window) == ["open-bucket"], timeout=10000)
    window.navigation.navigate(Location("open-bucket", "folder/"))
    wait_loaded(qtbot, window)
    assert table_names(window) == ["file.txt"]
