"""A desktop notification, through the tools every Linux desktop ships.

``notify-send`` (libnotify) or ``gdbus`` (GLib) talk to the desktop's notification service;
whichever is on the PATH is started detached, so nothing waits on it.  Without either the
taskbar entry still asks for attention (:func:`QApplication.alert`), which is what Windows and
macOS users see too.
"""

from __future__ import annotations

import shutil

from PySide6.QtCore import QProcess

APP_NAME = "s3browser"


def notification_command(title: str, body: str) -> list[str] | None:
    """The command that shows ``title`` / ``body``, or None when no notification tool is installed."""
    notify_send = shutil.which("notify-send")
    if notify_send:
        return [notify_send, "--app-name", APP_NAME, "--icon", APP_NAME, title, body]
    gdbus = shutil.which("gdbus")
    if gdbus:
        return [gdbus, "call", "--session", "--dest", "org.freedesktop.Notifications",
                "--object-path", "/org/freedesktop/Notifications",
                "--method", "org.freedesktop.Notifications.Notify",
                APP_NAME, "0", APP_NAME, title, body, "[]", "{}", "-1"]
    return None


def notify(title: str, body: str) -> bool:
    """Show a desktop notification without waiting; False when none could be started."""
    command = notification_command(title, body)
    if command is None:
        return False
    started, _pid = QProcess.startDetached(command[0], command[1:])
    return bool(started)
