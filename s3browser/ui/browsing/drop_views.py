"""Table and tree views that accept files and folders dropped from the desktop file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QPushButton, QTableView, QTreeView, QWidget

from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.bucket_tree import LOCATION_ROLE
from s3browser.ui.browsing.drag_badge import HOTSPOT, badge_text, drag_badge
from s3browser.ui.shell.empty_state import empty_state_bottom, paint_empty_state


def local_paths(mime: QMimeData) -> list[Path]:
    """Local files and folders carried by a drag (remote URLs are ignored)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def _from_outside(event: QDropEvent | QDragMoveEvent) -> bool:
    """Whether a drag carries local files (from another application or the Local files pane)
    rather than the window's own objects.

    Object drags are recognised by the selection their data carries (another process can only
    hand over plain data) or by coming from the object table.  Asking an object drag for its
    URLs would download the objects just to upload them again.
    """
    return (getattr(event.mimeData(), "selection", None) is None
            and not isinstance(event.source(), ObjectTableView))


def _copy_or_move(event: QDropEvent | QDragMoveEvent) -> Qt.DropAction:
    """Inside the window a drop copies; with Shift held it moves (as file managers do)."""
    if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
        return Qt.DropAction.MoveAction
    return Qt.DropAction.CopyAction


def accept_as_copy(event: QDropEvent | QDragMoveEvent) -> bool:
    """Take a drop of files as a copy, whatever the source proposed (a file manager proposes Move
    when Shift is held, or by its own default, and then deletes the originals once the drop says
    Move).  A source that does not allow a copy is refused."""
    if not event.possibleActions() & Qt.DropAction.CopyAction:
        event.ignore()
        return False
    event.setDropAction(Qt.DropAction.CopyAction)
    event.accept()
    return True


class _AcceptsLocalFiles:
    """Drag enter/move handling shared by both views: accept local files, as a copy, where ``_target`` allows."""

    def _target(self, event: QDropEvent | QDragMoveEvent) -> Location | None:
        return None  # None: drop into the folder being shown

    def _accepts(self, event: QDropEvent | QDragMoveEvent) -> bool:
        return _from_outside(event) and bool(local_paths(event.mimeData()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _from_outside(event) and local_paths(event.mimeData()):
            accept_as_copy(event)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            accept_as_copy(event)
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData()) if _from_outside(event) else []
        if not paths or not self._accepts(event) or not accept_as_copy(event):
            event.ignore()
            return
        self.files_dropped.emit(paths, self._target(event))  # type: ignore[attr-defined]  # each view's signal


MIN_NAME_WIDTH = 120
COMFORTABLE_NAME_WIDTH = 200  # below it the tree beside is asked to lend width


class ObjectTableView(_AcceptsLocalFiles, QTableView):
    """Drops upload into the folder being shown (``files_dropped(paths, None)``); rows drag out.

    ``drag_ended(mime, dropped)`` tells how a drag out ended, so a drag cancelled with Escape can
    drop what it started to download.
    """

    files_dropped = Signal(list, object)
    drag_ended = Signal(object, bool)
    empty_action_requested = Signal()  # the button under the empty state's sentence (New bucket…)
    # Below 0: pixels missing for a comfortable Name, Size and Last modified; above 0: pixels to spare
    # beyond Name at its chosen width; 0: neither.
    room_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.empty_action_button = QPushButton(self.viewport())
        self.empty_action_button.setObjectName("emptyAction")
        self.empty_action_button.hide()
        self.empty_action_button.clicked.connect(self.empty_action_requested)
        self._name_width: int | None = None  # the Name column's width as chosen, before fitting
        self._fitting = False
        self.horizontalHeader().sectionResized.connect(self._name_resized)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is None:
            return
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.update_empty_action)
        loading = getattr(model, "loading_changed", None)
        if loading is not None:
            loading.connect(self.update_empty_action)
        self.update_empty_action()

    def update_empty_action(self, *_args: object) -> None:
        """Show the empty state's button (the model's ``empty_action()``) under its sentence, or hide it."""
        model = self.model()
        label = getattr(model, "empty_action", lambda: None)()
        empty = getattr(model, "empty_state", lambda: None)()
        button = self.empty_action_button
        if not label or empty is None:
            button.hide()
            return
        button.setText(label)
        button.adjustSize()
        area = self.viewport().rect()
        top = empty_state_bottom(self.viewport(), empty[1])
        button.move(area.center().x() - button.width() // 2, top + 12)
        button.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_empty_action()
        old, new = event.oldSize().width(), event.size().width()
        if old > 0 and new != old:
            self.fit_name_column(narrower=new < old)

    def fit_name_column(self, narrower: bool) -> None:
        """Keep Size and Last modified in view when panes leave the table less room: as the table
        narrows the Name column gives way (never under :data:`MIN_NAME_WIDTH`), and as it widens again
        Name takes back the width it was given.  A width the user sets is theirs until the next
        narrowing."""
        header = self.horizontalHeader()
        if header.count() < 3:
            return
        if self._name_width is None:
            self._name_width = header.sectionSize(0)
        room = self.viewport().width() - header.sectionSize(1) - header.sectionSize(2)
        self.room_changed.emit(min(0, room - COMFORTABLE_NAME_WIDTH) or max(0, room - self._name_width))
        current = header.sectionSize(0)
        if narrower:
            wanted = max(MIN_NAME_WIDTH, min(current, room))
        else:
            wanted = max(current, min(self._name_width, room))
        if wanted != current:
            self._fitting = True
            header.resizeSection(0, wanted)
            self._fitting = False

    def _name_resized(self, index: int, _old: int, new: int) -> None:
        if index == 0 and not self._fitting:
            self._name_width = new  # the user's (or the saved layout's) choice

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home and End go to the first and last row, as in a file manager (a table's own Home
        and End move between columns, and rows here are whole objects)."""
        rows = self.model().rowCount()
        if rows and action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            row = 0 if action == QAbstractItemView.CursorAction.MoveHome else rows - 1
            return self.model().index(row, max(self.currentIndex().column(), 0))
        return super().moveCursor(action, modifiers)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        empty = getattr(self.model(), "empty_state", lambda: None)()
        if empty is not None:
            paint_empty_state(self.viewport(), *empty)

    def make_drag(self) -> QDrag | None:
        """The drag of the selected rows: their data, and a compact badge beside the pointer."""
        indexes = [i for i in self.selectionModel().selectedIndexes()
                   if self.model().flags(i) & Qt.ItemFlag.ItemIsDragEnabled]
        mime = self.model().mimeData(indexes) if indexes else None
        if mime is None:
            return None
        names = sorted((i for i in indexes if i.column() == 0), key=QModelIndex.row)
        first = names[0] if names else indexes[0]
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(drag_badge(self, first.data(Qt.ItemDataRole.DecorationRole),
                                  badge_text(str(first.data()), max(len(names), 1))))
        drag.setHotSpot(HOTSPOT)
        return drag

    def startDrag(self, supported: Qt.DropAction) -> None:
        """QAbstractItemView's drag with a small badge, keeping hold of the data to report how the
        drag ended."""
        drag = self.make_drag()
        if drag is None:
            return
        mime = drag.mimeData()
        result = drag.exec(supported, self.defaultDropAction())
        self.drag_ended.emit(mime, result != Qt.DropAction.IgnoreAction)


class BucketTreeView(_AcceptsLocalFiles, QTreeView):
    """Drops on a bucket or folder upload there (``files_dropped(paths, location)``).

    Objects dragged from the window's own table are copied there server-side, or moved with
    Shift held (``objects_dropped(selection, location, move)``).
    """

    files_dropped = Signal(list, object)
    objects_dropped = Signal(object, object, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)

    @staticmethod
    def _own_selection(event: QDropEvent | QDragMoveEvent) -> object | None:
        """The selection an internal drag carries (never asks it for URLs: that would download)."""
        if _from_outside(event):
            return None
        return getattr(event.mimeData(), "selection", None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._own_selection(event) is not None:
            event.setDropAction(_copy_or_move(event))
            event.accept()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._own_selection(event) is not None:
            if self._target(event) is not None:
                event.setDropAction(_copy_or_move(event))
                event.accept()
            else:
                event.ignore()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        selection = self._own_selection(event)
        if selection is not None:
            target = self._target(event)
            if target is None:
                event.ignore()
                return
            action = _copy_or_move(event)
            event.setDropAction(action)
            event.accept()
            self.objects_dropped.emit(selection, target, action == Qt.DropAction.MoveAction)
            return
        super().dropEvent(event)

    def _target(self, event: QDropEvent | QDragMoveEvent) -> Location | None:
        """The bucket or folder under the pointer; never the trash (soft delete alone puts things there)."""
        location = self.indexAt(event.position().toPoint()).data(LOCATION_ROLE)
        if location is None or not location.bucket or location.prefix.startswith(TRASH_PREFIX):
            return None
        return location

    def _accepts(self, event: QDropEvent | QDragMoveEvent) -> bool:
        return bool(local_paths(event.mimeData())) and self._target(event) is not None
