"""Handing things to the desktop: opening folders in the file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from s3browser.core.settings.dirs import log_dir


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the file manager (creating it first); False when the desktop refused."""
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def open_log_folder() -> bool:
    return open_folder(log_dir())
