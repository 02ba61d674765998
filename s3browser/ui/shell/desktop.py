"""Handing things to the desktop: opening files and folders with the user's own applications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from s3browser.core.settings.dirs import log_dir


def open_path(path: Path) -> bool:
    """Open a file or folder with the desktop's default application; False when the desktop refused."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the file manager, creating it first."""
    folder.mkdir(parents=True, exist_ok=True)
    return open_path(folder)


def open_log_folder() -> bool:
    return open_folder(log_dir())
