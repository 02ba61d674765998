"""Table and tree views that accept files and folders dropped from the desktop file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QTreeView, QWidget

from s3browser.core.s3paths import Location
from s3browser.ui.models.bucket_tree import LOCATION_ROLE


def local_paths(mime: QMimeData) -> list[Path]:
    """Local files and folders carried by a drag (remote URLs are ignored)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def _from_outside(event: QDropEvent | QDragMoveEvent) -> bool:
    """Only drags from other applications carry local files; our own drags carry objects.

    Asking our own drag for its URLs would download the objects just to upload them again.
    """
    return event.source() is None


class _AcceptsLocalFiles:
    """Drag enter/move handling shared by both views: accept local files where ``_target`` allows."""

    def _target(self, event: QDropEvent | QDragMoveEvent) -> Location | None:
        return None  # None: drop into the folder being shown

    def _accepts(self, event: QDropEvent | QDragMoveEvent) -> bool:
        return _from_outside(event) and bool(local_paths(event.mimeData()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _from_outside(event) and local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData()) if _from_outside(event) else []
        if not paths or not self._accepts(event):
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths, self._target(event))


class ObjectTableView(_AcceptsLocalFiles, QTableView):
    """Drops upload into the folder being shown (``files_dropped(paths, None)``); rows drag out."""

    files_dropped = Signal(list, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)


class BucketTreeView(_AcceptsLocalFiles, QTreeView):
    """Drops on a bucket or folder upload there (``files_dropped(paths, location)``)."""

    files_dropped = Signal(list, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    def _target(self, event: QDropEvent | QDragMoveEvent) -> Location | None:
        location = self.indexAt(event.position().toPoint()).data(LOCATION_ROLE)
        return location if location is not None and location.bucket else None

    def _accepts(self, event: QDropEvent | QDragMoveEvent) -> bool:
        return bool(local_paths(event.mimeData())) and self._target(event) is not None
