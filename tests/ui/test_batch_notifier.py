"""A long batch that finishes while the window is in the background raises a desktop notification."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtWidgets import QWidget

from s3browser.core.s3.locations import Location
from tests.ui.test_transfers_gui import wait_transfers


def fake_notify_send(folder: Path) -> Path:
    """A notify-send on the PATH that records its arguments, one per line."""
    record = folder / "notified.txt"
    script = folder / "bin" / "notify-send"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "{record}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return record


def upload(qtbot, win, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    source = tmp_path / name
    source.write_bytes(b"x" * 1000)
    with qtbot.waitSignal(win.transfers.batch_done, timeout=15000):
        win.transfer_actions.upload_paths([source], Location("notify-bucket", ""))
    wait_transfers(qtbot, win)


def test_long_batch_in_the_background_notifies_and_a_watched_one_does_not(qtbot, connected, s3_admin, tmp_path,
                                                                         monkeypatch) -> None:
    s3_admin.create_bucket(Bucket="notify-bucket")
    record = fake_notify_send(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    win = connected
    win.batch_notifier.long_batch_seconds = 0.0  # every batch counts as long here

    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    upload(qtbot, win, tmp_path, "watched.txt")
    assert win.batch_notifier.last_notification is None, "the user watched it finish"

    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not win.isActiveWindow(), timeout=5000)
    upload(qtbot, win, tmp_path, "background.txt")
    assert win.batch_notifier.last_notification is not None
    title, body = win.batch_notifier.last_notification
    assert title == "Transfers finished" and "1 file uploaded" in body
    qtbot.waitUntil(record.exists, timeout=5000)
    qtbot.waitUntil(lambda: body in record.read_text(), timeout=5000)
    assert record.read_text().splitlines()[-2:] == [title, body]

    win.batch_notifier.long_batch_seconds = 3600.0
    record.unlink()
    win.batch_notifier.last_notification = None
    upload(qtbot, win, tmp_path, "short.txt")
    assert win.batch_notifier.last_notification is None, "a short batch stays in the status bar"
