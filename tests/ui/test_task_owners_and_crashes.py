"""Tasks owned by their widgets, exceptions that always reach the log and the window, bounded shutdown."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from s3browser.ui.shell.crash import CrashReporter
from s3browser.ui.transfers.multipart_dialog import MultipartUploadsDialog
from tests.conftest import SECRET_KEY, _profile


def test_a_result_after_its_dialog_closed_is_dropped(qtbot, runner) -> None:
    dialog = QDialog()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    release = threading.Event()
    delivered = []
    task = runner.run("slow", lambda: release.wait(10) and "late", on_result=delivered.append,
                      on_finished=lambda: delivered.append("finished"), owner=dialog)
    dialog.close()
    assert task.cancelled, "closing the owner cancels its tasks"
    release.set()
    qtbot.waitUntil(lambda: task.done, timeout=5000)
    qtbot.wait(50)
    assert delivered == []


def test_closing_incomplete_uploads_while_it_lists_raises_nothing(qtbot, runner, context, fault_proxy,
                                                                  s3_admin) -> None:
    s3_admin.create_bucket(Bucket="slowlist")
    upload = s3_admin.create_multipart_upload(Bucket="slowlist", Key="big.bin")

    def slow_listing(request):  # noqa: ANN001
        if "uploads" in request.path:
            time.sleep(0.5)
        return None

    fault_proxy.rules.append(slow_listing)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY))
    try:
        dialog = MultipartUploadsDialog(context, conn, "slowlist")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.close()  # before the listing answers: its results must not reach the deleted widgets
        qtbot.waitUntil(lambda: runner.active_count == 0, timeout=10000)
        qtbot.wait(100)
    finally:
        conn.close()
        s3_admin.abort_multipart_upload(Bucket="slowlist", Key="big.bin", UploadId=upload["UploadId"])


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def logged_text(record: logging.LogRecord) -> str:
    """The message with its traceback (the log's redacting filter may already have folded it in)."""
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text


@pytest.fixture
def logged():
    """Records of the s3browser loggers, caught on the logger itself (the app's log setup may stop
    them from propagating to the root logger that caplog listens on)."""
    handler = _Records()
    logger = logging.getLogger("s3browser")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture
def reporter(tmp_path):
    crash = CrashReporter(tmp_path / "s3browser.log")
    crash.install()
    yield crash
    crash.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_reaches_the_log_and_the_window(qtbot, connected, reporter, logged) -> None:
    reporter.problem.connect(connected.ctx.show_error)

    def broken_slot() -> None:
        raise ValueError("a bug in a slot")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: "Something went wrong" in connected.banner.text(), timeout=5000)
    assert any("Traceback" in logged_text(r) and "a bug in a slot" in logged_text(r) for r in logged)
    assert "ValueError" not in connected.banner.text(), "one sentence, never the raw exception"
    assert str(reporter.log_path) in connected.banner.text()


def test_an_exception_in_a_worker_thread_reaches_the_log_and_the_window(qtbot, connected, reporter, logged) -> None:
    reporter.problem.connect(connected.ctx.show_error)

    def broken_worker() -> None:
        raise RuntimeError("a bug in a thread")

    thread = threading.Thread(target=broken_worker, name="s3b-test-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "Something went wrong" in connected.banner.text(), timeout=5000)
    assert any("s3b-test-worker" in r.getMessage() and "a bug in a thread" in logged_text(r) for r in logged)


def test_a_failed_task_logs_its_traceback(qtbot, runner, logged) -> None:
    errors = []

    def fails() -> None:
        raise KeyError("missing piece")

    runner.run("fails", fails, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    [record] = [r for r in logged if "task fails failed" in r.getMessage()]
    assert "Traceback" in logged_text(record) and "missing piece" in logged_text(record)


def test_qt_warnings_go_to_the_log(reporter, logged) -> None:
    from PySide6.QtCore import qWarning

    qWarning("a Qt warning for the log")
    assert any("Qt: a Qt warning for the log" in r.getMessage() for r in logged)


def test_shutdown_waits_at_most_a_second_per_pool(qtbot, runner) -> None:
    release = threading.Event()
    runner.run("stuck in a network call", release.wait, 30)
    qtbot.wait(50)
    started = time.monotonic()
    try:
        assert runner.shutdown() is False
        assert time.monotonic() - started < 2.5, "the window does not wait for a stuck worker"
        assert runner.drained is False
    finally:
        release.set()
