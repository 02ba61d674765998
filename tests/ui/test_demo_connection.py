"""The demo connection stays choosable in the Connections dialog, and its trash can be tried."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from s3browser.core.s3.locations import Location
from s3browser.ui.shell.settings import LAST_PROFILE
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names


@pytest.fixture
def demo(s3_endpoint):  # noqa: ANN001  # after the shared moto backend's reset, which would wipe the samples
    from s3browser.core.demo import start_demo_endpoint

    endpoint = start_demo_endpoint()
    yield endpoint
    endpoint.stop()


def choose(qtbot, dialog, text: str) -> None:  # noqa: ANN001
    item = next(dialog.profile_list.item(i) for i in range(dialog.profile_list.count())
                if dialog.profile_list.item(i).text() == text)
    dialog.profile_list.setCurrentItem(item)


def test_demo_is_listed_while_running_and_can_be_chosen_again(qtbot, window, demo, s3_endpoint, store) -> None:
    from s3browser.core.settings.secrets import Secrets
    from tests.conftest import SECRET_KEY, _profile

    LAST_PROFILE.set("earlier")
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(demo.profile(), demo.secrets())
    wait_loaded(qtbot, window)
    assert "demo-photos" in table_names(window)
    assert LAST_PROFILE.get() == "earlier", "the next start does not open the demo"

    # Switch to another endpoint, then come back to the demo through the dialog.
    store.save(_profile(s3_endpoint), Secrets(SECRET_KEY))
    dialog = window.connections.open_connect_dialog()
    names = [dialog.profile_list.item(i).text() for i in range(dialog.profile_list.count())]
    assert names[0] == "Demo (local)" and _profile(s3_endpoint).name in names
    choose(qtbot, dialog, _profile(s3_endpoint).name)
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, window)
    assert window.ctx.connection.profile.name == _profile(s3_endpoint).name

    dialog = window.connections.open_connect_dialog()
    choose(qtbot, dialog, "Demo (local)")
    assert "demo endpoint" in dialog.note_label.text() and "Trash" in dialog.note_label.text()
    assert dialog.soft_delete_check.isChecked() and not dialog.save_button.isEnabled()
    assert not dialog.delete_button.isEnabled(), "a profile of this run cannot be deleted"
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, window)
    assert "demo-photos" in table_names(window)
    assert window.ctx.connection.profile.endpoint_url == demo.endpoint_url
    assert window.windowTitle().startswith("Demo (local)")
    assert "Demo (local)" not in store.path.read_text(), "never written to the profiles file"


def test_demo_deletes_into_the_trash(qtbot, window, demo, answers) -> None:
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(demo.profile(), demo.secrets())
    window.navigation.navigate(Location("demo-documents", ""))
    wait_loaded(qtbot, window)
    select_names(window, ["README.txt"])
    dialog = window.objects.delete_selected()
    qtbot.waitUntil(lambda: dialog.stage == "ready", timeout=15000)
    assert "trash" in dialog.summary_label.text().lower()
    with qtbot.waitSignal(dialog.finished_deleting, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "README.txt" not in table_names(window), timeout=15000)
    trash = window.objects.open_trash_dialog()
    qtbot.waitUntil(lambda: trash.tree.topLevelItemCount() == 1, timeout=15000)
    assert trash.tree.topLevelItem(0).text(0) == "README.txt"
