"""Pause, quit and restart in the real window: multipart uploads continue from their completed parts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from s3browser.core.s3.locations import Location
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.options import MiB, Overwrite, UploadOptions
from s3browser.core.transfers.queue_items import State
from s3browser.ui.main_window import MainWindow
from s3browser.ui.shell.interaction import Resume
from tests.conftest import FAST_FAILING, SECRET_KEY, _profile

OPTIONS = UploadOptions(overwrite=Overwrite.OVERWRITE, part_size=5 * MiB, parallel_parts=1)


def slow_parts(request):  # noqa: ANN001 - a fault-proxy rule: each part takes a while, like a slow uplink
    if request.method == "PUT" and "partNumber=" in request.path:
        time.sleep(0.3)
    return None


@pytest.fixture
def slow_link(fault_proxy, s3_admin):
    s3_admin.create_bucket(Bucket="uplink")
    fault_proxy.rules.append(slow_parts)
    return fault_proxy


def open_window(qtbot, store, endpoint: str) -> MainWindow:
    win = MainWindow(store)
    win.ctx.connection_options = dict(FAST_FAILING)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.connections.connected, timeout=10000):
        win.connections.connect_profile(_profile(endpoint), Secrets(SECRET_KEY), remember=False)
    return win


def big_file(folder: Path, mib: int = 30) -> Path:
    path = folder / "backup.tar"
    path.write_bytes(os.urandom(mib * MiB))
    return path


def parts_on_server(s3_admin) -> int:
    uploads = s3_admin.list_multipart_uploads(Bucket="uplink").get("Uploads", [])
    if not uploads:
        return 0
    upload = uploads[0]
    return len(s3_admin.list_parts(Bucket="uplink", Key=upload["Key"], UploadId=upload["UploadId"]).get("Parts", []))


def test_pause_keeps_parts_and_resume_continues(qtbot, window, slow_link, s3_admin, tmp_path) -> None:
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(slow_link.url), Secrets(SECRET_KEY), remember=False)
    source = big_file(tmp_path)
    window.transfer_actions.upload_paths([source], Location("uplink", ""), OPTIONS)
    item = None
    qtbot.waitUntil(lambda: bool(window.transfers.model.items), timeout=10000)
    item = window.transfers.model.items[0]
    qtbot.waitUntil(lambda: item.progress.done >= 10 * MiB, timeout=30000)

    window.transfer_panel.view.selectRow(0)
    qtbot.mouseClick(window.transfer_panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: item.future is None, timeout=20000)
    assert item.state == State.PAUSED
    kept = parts_on_server(s3_admin)
    assert kept >= 2, "pausing keeps the parts already uploaded"

    slow_link.rules.clear()
    qtbot.mouseClick(window.transfer_panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: item.state == State.DONE, timeout=30000)
    assert item.resumed_bytes >= kept * 5 * MiB - 5 * MiB
    assert "Resumed" in window.transfers.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert s3_admin.get_object(Bucket="uplink", Key="backup.tar")["Body"].read() == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="uplink").get("Uploads", []) == []


@pytest.mark.parametrize("resume", [True, False], ids=["resume", "discard"])
def test_upload_interrupted_by_quitting_is_offered_after_restart(qtbot, store, slow_link, s3_admin, answers,
                                                                 tmp_path, resume) -> None:
    source = big_file(tmp_path)
    first = open_window(qtbot, store, slow_link.url)
    first.transfer_actions.upload_paths([source], Location("uplink", ""), OPTIONS)
    qtbot.waitUntil(lambda: bool(first.transfers.model.items), timeout=10000)
    qtbot.waitUntil(lambda: first.transfers.model.items[0].progress.done >= 10 * MiB, timeout=30000)
    answers.answers = [True]  # "transfers are not finished; quit anyway?"
    assert first.close()
    assert "resume" in answers.questions[-1]
    assert parts_on_server(s3_admin) >= 2, "quitting keeps the uploaded parts"

    slow_link.rules.clear()
    answers.resume_answers = [Resume.RESUME if resume else Resume.DISCARD]
    second = open_window(qtbot, store, slow_link.url)
    try:
        qtbot.waitUntil(lambda: "last closed" in (answers.questions[-1] if answers.questions else ""),
                        timeout=10000)
        assert "s3://uplink/backup.tar" in answers.questions[-1]
        if resume:
            qtbot.waitUntil(lambda: bool(second.transfers.model.items)
                            and second.transfers.model.items[0].state == State.DONE, timeout=30000)
            assert second.transfers.model.items[0].resumed_bytes >= 10 * MiB
            assert s3_admin.get_object(Bucket="uplink", Key="backup.tar")["Body"].read() == source.read_bytes()
        else:
            assert second.transfers.model.items == []
            qtbot.waitUntil(lambda: not s3_admin.list_multipart_uploads(Bucket="uplink").get("Uploads"),
                            timeout=10000)
            # The journal row goes only after the server confirmed the abort: a moment later.
            qtbot.waitUntil(lambda: second.transfers.interrupted_uploads() == [], timeout=10000)
    finally:
        second.shutdown()
    assert s3_admin.list_multipart_uploads(Bucket="uplink").get("Uploads", []) == []
