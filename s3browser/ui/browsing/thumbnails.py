"""Thumbnails for image rows of the object table (View → Thumbnails, off by default).

The table asks for a row's icon only when it paints that row, so only visible rows are fetched.
Fetching (a GET of at most 10 MiB), decoding and scaling run on a worker; the pictures are kept
in memory (a few hundred) and on disk (:class:`ThumbnailCache`, size-limited).  At most a few
fetches run at once and only the most recently asked wait, so scrolling fast never piles up work.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap

from s3browser.core.local.thumbnail_cache import ThumbnailCache
from s3browser.core.ops.preview import fetch_preview
from s3browser.core.s3.connection import Connection
from s3browser.ui.shell.tasks import POOL_LISTING, TaskRunner

SIZE = 48  # pixels, the longer side
LARGEST_SOURCE = 10 * 1024 * 1024
IN_FLIGHT = 3
WAITING = 48
IN_MEMORY = 600

Request = tuple[str, str, int, float]  # bucket, key, size, mtime


def make_thumbnail(conn: Connection, cache: ThumbnailCache, request: Request) -> QImage | None:
    """On a worker: the thumbnail from the disk cache, or fetched, scaled and cached."""
    bucket, key, size, mtime = request
    data = cache.get(*request)
    if data is not None:
        image = QImage.fromData(data)
        if not image.isNull():
            return image
    preview = fetch_preview(conn, bucket, key, size)
    if preview.truncated:
        return None
    image = QImage.fromData(preview.data)
    if image.isNull():
        return None
    image = image.scaled(SIZE, SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    encoded = QByteArray()
    buffer = QBuffer(encoded)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide6 wants str
    cache.put(bucket, key, size, mtime, bytes(encoded.data()))
    return image


class ThumbnailProvider(QObject):
    ready = Signal(str)  # the key whose thumbnail arrived

    def __init__(self, runner: TaskRunner, cache: ThumbnailCache | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.cache = cache or ThumbnailCache()
        self.connection: Connection | None = None
        self._icons: OrderedDict[Request, QIcon | None] = OrderedDict()
        self._waiting: OrderedDict[Request, None] = OrderedDict()
        self._running: set[Request] = set()
        self.fetched = 0  # thumbnails made or read from disk (tests count them)

    def set_connection(self, connection: Connection | None) -> None:
        self.connection = connection
        self._icons.clear()
        self._waiting.clear()

    def icon(self, bucket: str, key: str, size: int, mtime: float) -> QIcon | None:
        """The thumbnail if ready; otherwise None, and it is asked for (the newest asks go first)."""
        request = (bucket, key, size, mtime)
        if request in self._icons:
            self._icons.move_to_end(request)
            return self._icons[request]
        if size <= LARGEST_SOURCE and request not in self._running and self.connection is not None:
            self._waiting[request] = None
            self._waiting.move_to_end(request)
            while len(self._waiting) > WAITING:
                self._waiting.popitem(last=False)
            self._pump()
        return None

    def _pump(self) -> None:
        while len(self._running) < IN_FLIGHT and self._waiting and self.connection is not None:
            request, _ = self._waiting.popitem(last=True)
            self._running.add(request)
            self._runner.run("thumbnail", make_thumbnail, self.connection, self.cache, request, pool=POOL_LISTING,
                             on_result=partial(self._arrived, request), on_finished=partial(self._finished, request),
                             owner=self)

    def _arrived(self, request: Request, image: QImage | None) -> None:
        self._icons[request] = QIcon(QPixmap.fromImage(image)) if image is not None else None
        self.fetched += 1
        while len(self._icons) > IN_MEMORY:
            self._icons.popitem(last=False)
        self.ready.emit(request[1])

    def _finished(self, request: Request) -> None:
        self._running.discard(request)
        if request not in self._icons:
            self._icons[request] = None  # failed: the plain icon stays, it is not asked again
        self._pump()
