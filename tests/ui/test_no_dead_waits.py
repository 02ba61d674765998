"""A server that accepts connections and then says nothing: the window says so, and gives up (issue 30)."""

from __future__ import annotations

import socket
import threading

import pytest
from PySide6.QtCore import Qt

from s3browser.core.s3.connection import BROWSING
from s3browser.core.s3.locations import Location
from s3browser.core.settings.secrets import Secrets
from s3browser.ui.browsing.answer_watch import QUIET_SECONDS
from tests.conftest import SECRET_KEY, _profile


@pytest.fixture
def silent_endpoint():
    """An endpoint that accepts every connection and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_the_window_says_when_the_server_is_silent_and_stop_ends_the_wait(qtbot, window, silent_endpoint) -> None:
    window.ctx.connection_options = {"read_timeout": 60, "max_attempts": 1}  # the requests alone would wait
    window.listing.answer_watch.timer.setInterval(500)  # the watch's own time, shortened for the test
    window.listing.answer_watch.seconds = 0.5
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(silent_endpoint), Secrets(SECRET_KEY), remember=False)
    banner = window.banner
    qtbot.waitUntil(lambda: banner.isVisible() and banner.waiting, timeout=10000)
    assert banner.text() .startswith("The server has not answered for 0.5 s")
    assert silent_endpoint in banner.text() and banner.stop_button.isVisible()
    assert window.message_label.text() == "", "no 'Connected to' beside a server that does not answer"
    assert window.table_model.is_loading
    qtbot.mouseClick(banner.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.table_model.is_loading, timeout=5000)
    assert not banner.isVisible()
    assert window.table_model.empty_state()[1] != "Loading…", "the table no longer says it is loading"


def test_a_listing_from_a_silent_server_gives_up_with_one_sentence(qtbot, window, silent_endpoint) -> None:
    window.ctx.connection_options = {"read_timeout": 1, "max_attempts": 2, "connect_timeout": 1}
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(silent_endpoint), Secrets(SECRET_KEY), remember=False)
    qtbot.waitUntil(lambda: bool(window.table_model.load_error), timeout=30000)
    text = window.table_model.load_error
    assert "Traceback" not in text and "\n" not in text and "did not answer" in text, text


def test_the_windows_requests_give_up_well_under_a_minute_and_transfers_keep_their_patience() -> None:
    from s3browser.core.s3.connection import for_transfers

    worst = BROWSING["max_attempts"] * BROWSING["read_timeout"] + 2 ** BROWSING["max_attempts"]  # with back-off
    assert worst <= 40 and QUIET_SECONDS == 10
    assert for_transfers(BROWSING)["read_timeout"] >= 60 and "transfers" not in for_transfers(BROWSING)


def test_an_account_with_no_buckets_shows_its_empty_state_once_the_list_answers_and_f5_lists_again(
        qtbot, window, s3_endpoint) -> None:
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        painted = 0

        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001
            if event.type() == QEvent.Type.Paint:
                PaintCounter.painted += 1
            return False

    counter = PaintCounter()
    window.table.viewport().installEventFilter(counter)
    ended_at: list[int] = []
    window.table_model.loading_changed.connect(lambda loading: ended_at.append(PaintCounter.painted)
                                               if not loading else None)
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
    qtbot.waitUntil(lambda: bool(ended_at), timeout=10000)
    qtbot.waitUntil(lambda: PaintCounter.painted > ended_at[0], timeout=2000)  # "Loading…" is painted over
    assert window.table_model.empty_state()[1].startswith("No buckets yet")
    button = window.table.empty_action_button
    assert button.isVisible() and button.text() == "New bucket…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.objects.dialog
    assert dialog is not None and dialog.isVisible() and "bucket" in dialog.windowTitle().lower()
    dialog.reject()

    window.table.setFocus()
    with qtbot.waitSignal(window.table_model.loading_changed, timeout=5000,
                          check_params_cb=lambda loading: loading):
        qtbot.keyClick(window.table, Qt.Key.Key_F5)
    window.table.viewport().removeEventFilter(counter)


def test_a_listing_made_by_the_transfer_worker_gives_up_as_soon_as_the_windows_own(
        qtbot, window, silent_endpoint) -> None:
    """The worker lists for the window with the window's settings, not its transfers' patience."""
    window.ctx.connection_options = {"read_timeout": 1, "max_attempts": 2, "connect_timeout": 1,
                                     "transfers": {"read_timeout": 60, "max_attempts": 5}}
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(silent_endpoint), Secrets(SECRET_KEY), remember=False)
    qtbot.waitUntil(lambda: bool(window.table_model.load_error), timeout=30000)  # the bucket list, here
    engine = window.transfers.queue.engine
    qtbot.waitUntil(engine.listing_ready, timeout=30000)
    window.navigation.navigate(Location("quiet", ""))
    qtbot.waitUntil(lambda: not window.table_model.is_loading, timeout=20000)  # 5 minutes with 60 s x 5
    text = window.table_model.load_error
    assert "Traceback" not in text and "\n" not in text and "did not answer" in text, text
