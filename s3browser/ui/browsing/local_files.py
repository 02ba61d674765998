"""The Local files pane: this computer's folders beside the bucket, as in two-pane clients.

Files and folders dragged from here onto the object table or the tree upload there; objects
dragged from the table onto a folder here download into it (through the queue, never through
the file manager's copy).  *Upload* sends the selection to the folder the table shows;
*Download here* saves the table's selection into the folder this pane shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, QFileInfo, QModelIndex, Qt, Signal
from PySide6.QtGui import QAbstractFileIconProvider, QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileSystemModel,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from s3browser.ui.shell import icons
from s3browser.ui.shell.desktop import open_path


class LocalIconProvider(QAbstractFileIconProvider):
    """The app's own folder and file-type icons, so both panes speak one icon language (and the
    pane has icons even where the desktop has no icon theme)."""

    def icon(self, info: object) -> QIcon:  # a QFileInfo, or an IconType
        if isinstance(info, QFileInfo):
            return icons.icon("folder" if info.isDir() else icons.kind_for_name(info.fileName()))
        return icons.icon("folder")


class LocalFilesView(QTreeView):
    """Drags out local paths (the model's file URLs); takes drops of the window's own objects."""

    objects_dropped = Signal(object, object)  # the table's Selection, the local folder (Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)

    @staticmethod
    def _selection(event: QDropEvent | QDragMoveEvent) -> object | None:
        return getattr(event.mimeData(), "selection", None)  # never asks for URLs: that would download

    def startDrag(self, supported: Qt.DropAction) -> None:
        """Files dragged out are offered as a copy only, and the drag never removes anything here.

        Qt's own drag removes the dragged rows when the target answers Move, and the rows of a file
        system model are the user's files."""
        indexes = self.selectionModel().selectedRows(0)
        mime = self.model().mimeData(indexes) if indexes else None
        if mime is None:
            return
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    def folder_at(self, event: QDropEvent | QDragMoveEvent) -> Path:
        """The folder under the pointer, or the folder shown when the pointer is on a file or nothing."""
        model = self.model()
        assert isinstance(model, QFileSystemModel)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and model.isDir(index):
            return Path(model.filePath(index))
        return Path(model.filePath(self.rootIndex()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._selection(event) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._selection(event) is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        selection = self._selection(event)
        if selection is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.objects_dropped.emit(selection, self.folder_at(event))


class LocalFilesPanel(QDockWidget):
    upload_requested = Signal(list)  # local paths, to the folder the table shows
    download_requested = Signal(object)  # the local folder (Path) to save the table's selection in

    def __init__(self, parent: QWidget | None = None, start: Path | None = None) -> None:
        super().__init__("Local files", parent)
        self.setObjectName("localFilesDock")
        self.folder: Path = Path.home()
        self.model = QFileSystemModel(self)
        self._icon_provider = LocalIconProvider()  # the model does not own it
        self.model.setIconProvider(self._icon_provider)
        self.model.setFilter(QDir.Filter.AllEntries | QDir.Filter.NoDotAndDotDot | QDir.Filter.Hidden)
        self.model.setRootPath("")
        self.view = LocalFilesView()
        self.view.setObjectName("localFiles")
        self.view.setAccessibleName("Local files")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setColumnWidth(0, 240)
        self.view.activated.connect(self._open)
        self.opener: Callable[[Path], bool] = open_path  # tests replace it
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("localPath")
        self.path_edit.setAccessibleName("Local folder")
        self.path_edit.returnPressed.connect(lambda: self.show_folder(Path(self.path_edit.text()).expanduser()))
        self.up_button = QToolButton()
        self.up_button.setIcon(icons.icon("go-up"))
        self.up_button.setToolTip("Parent folder")
        self.up_button.setAccessibleName("Parent folder")
        self.up_button.clicked.connect(lambda: self.show_folder(self.folder.parent))
        self.upload_button = QPushButton(icons.icon("upload"), "&Upload selected")
        self.upload_button.setToolTip("Upload the selected files and folders into the folder the table shows")
        self.upload_button.clicked.connect(self._upload)
        self.download_button = QPushButton(icons.icon("download"), "Download &here")
        self.download_button.setToolTip("Download the objects selected in the table into this folder")
        self.download_button.clicked.connect(lambda: self.download_requested.emit(self.folder))
        top = QHBoxLayout()
        top.addWidget(self.up_button)
        top.addWidget(self.path_edit, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.upload_button)
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.show_folder(start or Path.home())

    def show_folder(self, folder: Path) -> None:
        """Show ``folder``'s contents (a path that is not a folder leaves the pane where it was)."""
        if not folder.is_dir():
            self.path_edit.setText(str(self.folder))
            return
        self.folder = folder
        self.view.setRootIndex(self.model.index(str(folder)))
        self.path_edit.setText(str(folder))

    def selected_paths(self) -> list[Path]:
        return [Path(self.model.filePath(index)) for index in self.view.selectionModel().selectedRows(0)]

    def _open(self, index: QModelIndex) -> None:
        """Double-click or Enter (one ``activated`` signal, whatever the style): a folder opens here,
        a file with the desktop's own application."""
        if not index.isValid():
            return
        path = Path(self.model.filePath(index))
        if self.model.isDir(index):
            self.show_folder(path)
        else:
            self.opener(path)

    def _upload(self) -> None:
        paths = self.selected_paths()
        if paths:
            self.upload_requested.emit(paths)
