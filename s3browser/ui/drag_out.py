"""Objects dragged out of the table onto a file manager: downloaded when the drop target asks.

A drag only carries URLs, and the file manager copies the files they name.  The URLs are made
lazily: ``retrieveData`` runs when the target reads the drop, downloads the selection (through the
transfer queue, so it shows progress and verified, atomic files) into a private staging folder,
and answers with those files.  Staging folders are removed a day later.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QMimeData, QUrl

URI_LIST = "text/uri-list"
STAGING_MAX_AGE = 24 * 3600


def staging_root() -> Path:
    return Path(tempfile.gettempdir()) / f"s3browser-drag-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def new_staging_folder() -> Path:
    root = staging_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="drop-", dir=root))


def clean_old_staging(max_age: float = STAGING_MAX_AGE) -> None:
    """Remove staging folders of earlier drags (the file manager copied them long ago)."""
    root = staging_root()
    if not root.is_dir():
        return
    limit = time.time() - max_age
    for folder in root.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


class DeferredDownloadMime(QMimeData):
    """Offers ``text/uri-list``; the files behind it are fetched on the first request only."""

    def __init__(self, fetch: Callable[[], list[Path]]) -> None:
        super().__init__()
        self._fetch = fetch
        self._urls: list[QUrl] | None = None
        self.fetch_count = 0
        self.selection: Any = None  # set by the window: what a drop inside the window copies or moves

    def formats(self) -> list[str]:
        return [URI_LIST]

    def hasFormat(self, mime_type: str) -> bool:
        return mime_type == URI_LIST

    def retrieveData(self, mime_type: str, preferred_type: Any) -> Any:
        if mime_type != URI_LIST:
            return None
        if self._urls is None:
            self.fetch_count += 1
            self._urls = [QUrl.fromLocalFile(str(path)) for path in self._fetch()]
        return self._urls
