"""Objects dragged out of the table onto a file manager: downloaded when the drop target asks.

A drag only carries URLs, and the file manager copies the files they name.  The URLs are made
lazily: ``retrieveData`` runs when the target reads the drop, downloads the selection (through the
transfer queue, so it shows progress and verified, atomic files) into a private staging folder,
and answers with those files.  Staging folders are removed a day later.

File managers ask for the data on every mouse move (pcmanfm does), and each request arrives while
the first one waits in its nested event loop: so one drag starts one :class:`DropFetch`, and later
requests wait for that same fetch.  A drag cancelled with Escape cancels the fetch and removes what
it staged.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QMimeData, QObject, QUrl, Signal

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


class DropFetch(QObject):
    """One download of a drag's selection into ``staging``; callers wait for it in a nested loop."""

    finished = Signal()

    def __init__(self, staging: Path, on_cancel: Callable[[DropFetch], None] | None = None) -> None:
        super().__init__()
        self.staging = staging
        self.paths: list[Path] = []
        self.done = False
        self.cancelled = False
        self.batch: int | None = None  # the transfer batch, once planned
        self._on_cancel = on_cancel

    def complete(self, paths: list[Path]) -> None:
        if self.done:
            return
        self.paths = [] if self.cancelled else paths
        self.done = True
        self.finished.emit()

    def wait(self) -> list[Path]:
        """Process events until the fetch is complete (at once if it is)."""
        if not self.done:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            try:
                if not self.done:
                    loop.exec()
            finally:
                self.finished.disconnect(loop.quit)
        return self.paths

    def cancel(self) -> None:
        """The drag ended without a drop: stop the downloads and remove what was staged."""
        if self.cancelled:
            return
        self.cancelled = True
        if self._on_cancel is not None:
            self._on_cancel(self)
        shutil.rmtree(self.staging, ignore_errors=True)
        self.complete([])


class DeferredDownloadMime(QMimeData):
    """Offers ``text/uri-list``; the files behind it are fetched once, on the first request."""

    def __init__(self, start_fetch: Callable[[], DropFetch]) -> None:
        super().__init__()
        self._start_fetch = start_fetch
        self.fetch: DropFetch | None = None
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
            if self.fetch is None:
                self.fetch_count += 1
                self.fetch = self._start_fetch()
            paths = self.fetch.wait()  # a request during the download waits for the same download
            self._urls = [QUrl.fromLocalFile(str(path)) for path in paths]
        return self._urls

    def cancel(self) -> None:
        """Called when the drag ended with no drop (Escape): nothing staged stays behind."""
        if self.fetch is not None and not self.fetch.done:
            self.fetch.cancel()
        elif self.fetch is not None:
            shutil.rmtree(self.fetch.staging, ignore_errors=True)
