"""With no connection profile at all, the window welcomes a new user with two ways to start."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import table_names, wait_loaded


def test_first_run_screen_adds_a_connection(qtbot, window, store) -> None:
    assert not store.profiles()
    assert window.table_stack.currentWidget() is window.welcome and window.welcome.isVisible()
    assert window.welcome.add_button.isDefault()
    qtbot.waitUntil(lambda: window.welcome.secrets_label.text() == "Secret keys are kept in your system's keyring, "
                                                                    "never in a file.", timeout=10000)
    label = window.welcome.text_label
    assert label.height() >= label.heightForWidth(label.width()), "the wrapped text is not clipped"
    assert window.welcome.minimumSizeHint().width() < 400, "the welcome never holds a small window wide"
    window.resize(700, 500)
    qtbot.waitUntil(lambda: window.width() == 700, timeout=5000)
    assert label.height() >= label.heightForWidth(label.width()), "nor clips its text when narrow"
    qtbot.mouseClick(window.welcome.add_button, Qt.MouseButton.LeftButton)
    dialog = window.connections.dialog
    assert dialog is not None and dialog.isVisible() and dialog.name_edit.text() == ""
    dialog.reject()
    assert window.table_stack.currentWidget() is window.welcome, "still no profile: still welcome"


def test_first_run_screen_goes_once_a_profile_exists(qtbot, window, store, s3_endpoint) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    dialog = window.connections.open_new_connection()
    store.save(_profile(s3_endpoint), Secrets(SECRET_KEY))
    dialog.reject()
    assert window.table_stack.currentWidget() is window.table
    assert window.table_model.empty_state()[1].startswith("Not connected")


def test_first_run_screen_opens_the_demo(qtbot, window, s3_endpoint) -> None:  # noqa: ARG001  # reset first
    assert window.welcome.demo_button.isVisible(), "moto is installed with the test extra"
    with qtbot.waitSignal(window.connections.connected, timeout=20000):
        qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, window)
    assert window.table_stack.currentWidget() is window.table
    assert {"demo-photos", "demo-documents", "demo-logs"} <= set(table_names(window))
    assert window.connections.demo is not None
    window.shutdown()
    assert window.connections.demo is None, "the demo server stops with the window"
