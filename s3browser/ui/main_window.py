"""The main window: bucket tree | object table, path bar, navigation, filter, status bar."""

from __future__ import annotations

import logging
import shutil
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QToolBar,
    QWidget,
)

from s3browser import __version__
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import Profile, ProfileStore
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.engine import Overwrite, UploadOptions
from s3browser.core.transfers.plans import (
    DownloadPlan,
    UploadPlan,
    plan_downloads,
    plan_uploads,
)
from s3browser.ui import icons, interaction
from s3browser.ui.dialogs.connect_dialog import ConnectDialog
from s3browser.ui.dialogs.multipart_dialog import MultipartUploadsDialog
from s3browser.ui.dialogs.upload_dialog import UploadDialog
from s3browser.ui.drag_out import DeferredDownloadMime, DropFetch, new_staging_folder
from s3browser.ui.formatting import agree, count_of, human_size
from s3browser.ui.history import History
from s3browser.ui.models.bucket_tree import LOCATION_ROLE, BucketTreeModel
from s3browser.ui.models.object_table import (
    COL_MODIFIED,
    COL_NAME,
    COL_SIZE,
    ObjectTableModel,
)
from s3browser.ui.object_actions import ObjectActions
from s3browser.ui.tasks import Task, TaskRunner
from s3browser.ui.transfer_controller import TransferController
from s3browser.ui.widgets.drop_views import BucketTreeView, ObjectTableView
from s3browser.ui.widgets.path_bar import PathBar
from s3browser.ui.widgets.transfer_panel import TransferPanel

log = logging.getLogger(__name__)

SETTINGS_GEOMETRY = "main_window/geometry"
SETTINGS_STATE = "main_window/state"
SETTINGS_SPLITTER = "main_window/splitter"
SETTINGS_HEADER = "main_window/table_header"
SETTINGS_LAST_PROFILE = "connection/last_profile"


class MainWindow(QMainWindow):
    connected = Signal()
    shown = Signal()

    def __init__(self, store: ProfileStore, runner: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("s3browser")
        self.setWindowIcon(icons.app_icon())
        self.store = store
        self.runner = runner or TaskRunner(self)
        self.connection: Connection | None = None
        self.history = History()
        self._connect_task: Task | None = None
        self._shut_down = False
        self.quit_without_asking = False  # set when the system asks us to quit (SIGTERM at logout)
        self.resume_without_asking = False  # --resume-transfers
        self.connection_options: dict[str, Any] = {}  # extra Connection settings (retries, timeouts)

        self.tree_model = BucketTreeModel(self.runner, self)
        self.table_model = ObjectTableModel(self.runner, self)
        self.transfers = TransferController(self)
        self._init_actions()
        self._init_views()
        self.objects = ObjectActions(self)
        self._init_toolbar()
        self._init_status_bar()
        self._init_transfers()
        self._restore_settings()
        self._update_navigation()

    # ---------------------------------------------------------------- construction
    def _action(self, text: str, icon_name: str | None,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icons.icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _init_actions(self) -> None:
        self.connect_action = self._action("&Connections…", "connect", "Ctrl+Shift+O", self.open_connect_dialog)
        self.back_action = self._action("&Back", "go-back", QKeySequence.StandardKey.Back, self.go_back)
        self.forward_action = self._action("&Forward", "go-forward", QKeySequence.StandardKey.Forward,
                                           self.go_forward)
        self.up_action = self._action("&Up", "go-up", "Alt+Up", self.go_up)
        self.refresh_action = self._action("&Refresh", "refresh", QKeySequence.StandardKey.Refresh, self.refresh)
        self.focus_path_action = self._action("Edit &path", None, "Ctrl+L", self._focus_path)
        self.focus_filter_action = self._action("&Filter", None, QKeySequence.StandardKey.Find, self._focus_filter)
        self.stop_action = self._action("&Stop loading", None, "Esc", self.table_model.cancel)
        self.copy_uri_action = self._action("Copy S3 &URI", None, "Ctrl+Shift+C", self.copy_selected_uris)
        self.upload_action = self._action("&Upload…", "upload", "Ctrl+U", self.open_upload_dialog)
        self.download_action = self._action("&Download…", "download", "Ctrl+D", self.download_selected)
        self.multipart_action = self._action("Incomplete &multipart uploads…", None, None,
                                             self.open_multipart_dialog)
        self.upload_action.setToolTip("Upload files and folders here (Ctrl+U); or drop them on the window")
        self.download_action.setToolTip("Download the selection to a folder (Ctrl+D)")
        self.connect_action.setToolTip("Manage and choose connections (Ctrl+Shift+O)")
        self.refresh_action.setToolTip("Refresh (F5)")

    def _init_views(self) -> None:
        self.tree = BucketTreeView()
        self.tree.setObjectName("bucketTree")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.tree.activated.connect(self._on_tree_clicked)
        self.tree_model.error_occurred.connect(self.show_error)

        self.table = ObjectTableView()
        self.table.setObjectName("objectTable")
        self.table.setModel(self.table_model)
        self.table_model.drag_data_factory = self._drag_out_data
        self.table.drag_ended.connect(self._on_drag_ended)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 380)
        header.resizeSection(COL_SIZE, 100)
        header.resizeSection(COL_MODIFIED, 150)
        header.setHighlightSections(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_table_menu)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_tree_menu)
        self.table.files_dropped.connect(self.upload_paths)
        self.tree.files_dropped.connect(self.upload_paths)
        self.table.doubleClicked.connect(self._on_table_activated)
        self.table.activated.connect(self._on_table_activated)

        self.table_model.loading_changed.connect(self._on_loading_changed)
        self.table_model.stats_changed.connect(self._update_stats)
        self.table_model.load_failed.connect(self.show_error)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 740])
        self.setCentralWidget(self.splitter)

    def _init_toolbar(self) -> None:
        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("navigationToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.connect_action)
        toolbar.addSeparator()
        toolbar.addAction(self.back_action)
        toolbar.addAction(self.forward_action)
        toolbar.addAction(self.up_action)
        toolbar.addAction(self.refresh_action)
        toolbar.addSeparator()
        toolbar.addAction(self.upload_action)
        toolbar.addAction(self.download_action)
        toolbar.addAction(self.objects.new_folder_action)
        toolbar.addAction(self.objects.delete_action)
        self.path_bar = PathBar()
        self.path_bar.location_entered.connect(self.navigate)
        toolbar.addWidget(self.path_bar)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(220)
        self.filter_edit.textChanged.connect(self.table_model.set_filter)
        toolbar.addWidget(self.filter_edit)
        self.addToolBar(toolbar)

    def _init_status_bar(self) -> None:
        bar = self.statusBar()
        self.message_label = QLabel()
        self.message_label.setObjectName("messageLabel")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.size_label = QLabel()
        self.size_label.setObjectName("sizeLabel")
        self.busy = QProgressBar()
        self.busy.setObjectName("loadingIndicator")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        bar.addWidget(self.message_label, 1)
        bar.addPermanentWidget(self.busy)
        self.transfer_progress = QProgressBar()
        self.transfer_progress.setObjectName("transferProgress")
        self.transfer_progress.setMaximumWidth(180)
        self.transfer_progress.setMaximumHeight(16)
        self.transfer_progress.setRange(0, 1000)
        self.transfer_progress.setFormat("Transfers %p%")
        self.transfer_progress.setVisible(False)
        bar.addPermanentWidget(self.transfer_progress)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.size_label)

    # ---------------------------------------------------------------- settings
    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value(SETTINGS_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 680)
        state = settings.value(SETTINGS_STATE)
        if state is not None:
            self.restoreState(state)
        splitter = settings.value(SETTINGS_SPLITTER)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.value(SETTINGS_HEADER)
        if header is not None:
            self.table.horizontalHeader().restoreState(header)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        settings.setValue(SETTINGS_STATE, self.saveState())
        settings.setValue(SETTINGS_SPLITTER, self.splitter.saveState())
        settings.setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
        settings.sync()

    # ---------------------------------------------------------------- connecting
    def open_connect_dialog(self) -> ConnectDialog:
        """Open the profile manager without blocking; returns it (tests drive it)."""
        last = str(QSettings().value(SETTINGS_LAST_PROFILE, "") or "")
        dialog = ConnectDialog(self.store, self.runner, self, selected=last)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connect_requested.connect(self.connect_profile)
        dialog.open()
        self.connect_dialog = dialog
        return dialog

    def connect_profile(self, profile: Profile, secrets: Secrets | None, remember: bool = True) -> None:
        """Build the connection's client on a worker, then show its buckets."""
        if self._connect_task is not None:
            self._connect_task.cancel()
        self.show_message(f"Connecting to {profile.display_name}…")
        self._connect_task = self.runner.run(
            f"connect {profile.name}", partial(Connection, **self.connection_options), profile, secrets,
            on_result=lambda conn: self._on_connected(conn, remember),
            on_error=lambda exc: self.show_error(describe(exc).message))

    def _on_connected(self, connection: Connection, remember: bool) -> None:
        self._connect_task = None
        old = self.connection
        self.connection = connection
        profile = connection.profile
        log.info("connected to %s (%s)", profile.display_name, profile.describe_endpoint())
        if remember:
            QSettings().setValue(SETTINGS_LAST_PROFILE, profile.name)
        self.setWindowTitle(f"{profile.display_name} — s3browser")
        self.tree_model.set_connection(connection, f"{profile.display_name} ({profile.describe_endpoint()})")
        self.tree.expand(self.tree_model.connection_index())
        self.table_model.set_connection(connection)
        self.transfers.set_connection(connection)
        self.history.reset()
        self._show_location(Location())
        self.show_message(f"Connected to {profile.display_name}.")
        if old is not None:
            QTimer.singleShot(0, old.close)
        self.connected.emit()
        QTimer.singleShot(0, self.offer_to_resume_uploads)

    def offer_to_resume_uploads(self) -> None:
        """Transfers an earlier run left unfinished (quit, crash, network) come back, or are discarded."""
        if self._shut_down:
            return
        saved, entries = self.transfers.unfinished_from_last_time()
        if not saved and not entries:
            return
        count = len(saved) + len(entries)
        total = sum(s.size for s in saved) + sum(e.size for e in entries)
        lines = [f"• {s.direction.lower()} s3://{s.bucket}/{s.key}" for s in saved[:5]]
        lines += [f"• upload s3://{e.bucket}/{e.key}" for e in entries[:max(0, 5 - len(lines))]]
        names = "\n".join(lines) + ("\n…" if count > 5 else "")
        resume = self.resume_without_asking or interaction.confirm(
            self, "Resume unfinished transfers",
            f"{count_of(count, 'transfer')} {agree(count, 'was', 'were')} not finished when s3browser last closed "
            f"({human_size(total)}):\n{names}\n\nResume them? Uploads continue from the parts already "
            "uploaded and large downloads from what was already saved. No discards them: uploaded parts "
            "are deleted from the server and partly downloaded files are removed.")
        if self._shut_down:
            return  # the app quit while asking: that is no answer, so everything is kept for next time
        if resume:
            self.transfers.restore(saved, entries)
            self.transfer_panel.show()
        else:
            self.transfers.discard_saved(saved, entries)

    # ---------------------------------------------------------------- navigation
    def navigate(self, location: Location) -> None:
        """Go to ``location``, recording it in the history."""
        self.history.visit(location)
        self._show_location(location)

    def _show_location(self, location: Location) -> None:
        self.show_message("")
        self.table_model.load(location)  # clears the rows first, so dropping the filter costs nothing
        self.filter_edit.blockSignals(True)
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.table_model.set_filter("")
        self.path_bar.set_location(location)
        self._update_navigation()
        log.info("browse %s", location.uri())

    def go_back(self) -> None:
        if self.history.can_go_back:
            self._show_location(self.history.back())

    def go_forward(self) -> None:
        if self.history.can_go_forward:
            self._show_location(self.history.forward())

    def go_up(self) -> None:
        location = self.history.current
        if location.bucket:
            self.navigate(location.parent())

    def refresh(self) -> None:
        self.show_message("")
        self.table_model.refresh()

    def _update_navigation(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back)
        self.forward_action.setEnabled(self.history.can_go_forward)
        self.up_action.setEnabled(bool(self.history.current.bucket))

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid() and self.table_model.is_folder_at(index.row()):
            self.navigate(self.table_model.location_for_row(index.row()))

    def _on_tree_clicked(self, index: QModelIndex) -> None:
        location = self.tree_model.data(index, LOCATION_ROLE)
        if location is not None and self.connection is not None:
            error = self.tree_model.node_error(index)
            if error:
                self.show_error(error)
            self.navigate(location)

    def selected_uris(self) -> list[str]:
        """``s3://`` URIs of the selected rows (buckets, folders or objects), in view order."""
        location = self.table_model.location
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not location.bucket:
            return [f"s3://{self.table_model.key_at(r)}/" for r in rows]
        return [f"s3://{location.bucket}/{self.table_model.key_at(r)}" for r in rows]

    def copy_selected_uris(self) -> None:
        uris = self.selected_uris() or [self.table_model.location.uri()]
        QGuiApplication.clipboard().setText("\n".join(uris))
        self.show_message(f"Copied {uris[0]}" if len(uris) == 1 else f"Copied {len(uris)} URIs")

    def _show_table_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        if index.isValid() and self.table_model.is_folder_at(index.row()):
            menu.addAction("&Open", lambda: self._on_table_activated(index))
        objects = self.objects
        menu.addAction(self.copy_uri_action)
        if self.table_model.location.bucket:
            menu.addAction(objects.presign_action)
            menu.addSeparator()
            menu.addAction(self.download_action)
            menu.addAction(self.upload_action)
            menu.addSeparator()
            for action in (objects.cut_action, objects.copy_action, objects.paste_action, objects.rename_action,
                           objects.new_folder_action, objects.delete_action):
                menu.addAction(action)
            objects.paste_action.setEnabled(objects.clipboard is not None)
            menu.addSeparator()
            menu.addAction(objects.trash_action)
            menu.addAction(self.multipart_action)
        else:
            menu.addAction(objects.create_bucket_action)
            if index.isValid():
                menu.addAction(objects.delete_bucket_action)
        menu.addSeparator()
        menu.addAction(self.refresh_action)
        menu.addAction(self.up_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _show_tree_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction("&Open", lambda: self._on_tree_clicked(index))
        menu.addAction("&Refresh", lambda: self.tree_model.refresh(index))
        location = index.data(LOCATION_ROLE)
        if location is not None and location.bucket and not location.prefix:
            menu.addAction("Delete bucket…", lambda: self.objects.open_delete_bucket_dialog(location.bucket))
        elif location is not None and not location.bucket:
            menu.addAction(self.objects.create_bucket_action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _focus_path(self) -> None:
        self.path_bar.setFocus()
        self.path_bar.selectAll()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # ---------------------------------------------------------------- status
    def show_message(self, text: str) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    def show_error(self, text: str) -> None:
        """Errors appear in the status bar, never as a traceback; the app keeps working."""
        log.warning("error shown: %s", text)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.setText(text)

    def _on_loading_changed(self, loading: bool) -> None:
        self.busy.setVisible(loading)
        self._update_stats()

    def _update_stats(self) -> None:
        model = self.table_model
        objects, folders = model.object_count, model.folder_count
        if not model.location.bucket:
            text = count_of(folders, "bucket")
        else:
            text = count_of(objects, "object")
            if folders:
                text += f", {count_of(folders, 'folder')}"
        if model.is_loading:
            text += " (loading…)"
        if model.filter_text:
            text += f" — {model.rowCount():,} shown"
        self.count_label.setText(text)
        self.size_label.setText(human_size(model.total_size) if model.location.bucket else "")

    # ---------------------------------------------------------------- transfers
    def _init_transfers(self) -> None:
        self.transfer_panel = TransferPanel(self.transfers, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.transfer_panel)
        self.transfer_panel.hide()
        self.toggle_transfers_action = self.transfer_panel.toggleViewAction()
        self.toggle_transfers_action.setShortcut(QKeySequence("Ctrl+T"))
        self.addAction(self.toggle_transfers_action)
        self.transfers.totals_changed.connect(self._update_transfer_progress)
        self.transfers.batch_finished.connect(self._on_batch_finished)

    def open_upload_dialog(self, sources: list | None = None) -> UploadDialog | None:
        """The upload dialog for the current folder (non-blocking; returns it for tests)."""
        if self.connection is None:
            self.show_error("Connect first.")
            return None
        dialog = UploadDialog(self.runner, self.table_model.location, self, sources=sources or [])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.upload_paths(dialog.sources(), dialog.destination(), dialog.options()))
        dialog.open()
        self.upload_dialog = dialog
        return dialog

    def upload_paths(self, paths: list, location: Location | None = None,
                     options: UploadOptions | None = None) -> None:
        """Plan an upload on a worker (one listing of the destination), then queue it."""
        location = location or self.table_model.location
        if self.connection is None or not location.bucket:
            self.show_error("Open a bucket first: files are uploaded into the bucket and folder shown.")
            return
        options = options or UploadOptions()
        self.show_message(f"Preparing upload to {location.uri()}…")
        self.runner.run("plan upload", plan_uploads, self.connection, list(paths), location.bucket,
                        location.prefix, on_result=lambda plan: self._queue_upload(plan, options),
                        on_error=lambda exc: self.show_error(describe(exc, bucket=location.bucket).message), owner=self)

    def _queue_upload(self, plan: UploadPlan, options: UploadOptions) -> None:
        if options.overwrite == Overwrite.ASK:
            conflicts = plan.conflicts()
            if conflicts:
                choice = interaction.choose_overwrite(self, [c.key for c in conflicts], len(plan.files))
                if choice is None:
                    self.show_message("Upload cancelled; nothing was changed.")
                    return
                options.overwrite = choice
            else:
                options.overwrite = Overwrite.OVERWRITE
        self.transfers.add_uploads(plan, options)
        self.transfer_panel.show()
        self.show_message(f"Uploading {len(plan.files):,} files to s3://{plan.bucket}/{plan.prefix}…")

    def download_selected(self, root: Path | None = None) -> None:
        """Download the selected objects and folders (recursively) into a chosen folder."""
        location = self.table_model.location
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if self.connection is None or not location.bucket or not rows:
            self.show_error("Select objects or folders to download.")
            return
        root = root or interaction.choose_folder(self, "Download to folder")
        if root is None:
            return
        keys = [self.table_model.key_at(r) for r in rows if not self.table_model.is_folder_at(r)]
        folders = [self.table_model.key_at(r) for r in rows if self.table_model.is_folder_at(r)]
        self.show_message(f"Preparing download to {root}…")
        self.runner.run("plan download", plan_downloads, self.connection, location.bucket, keys, folders,
                        location.prefix, Path(root), on_result=self._queue_download,
                        on_error=lambda exc: self.show_error(describe(exc, bucket=location.bucket).message), owner=self)

    # ---------------------------------------------------------------- dragging out to the file manager
    def _drag_out_data(self, rows: list[int]) -> QMimeData | None:
        """The data of a drag out of the table; the objects download only when it is dropped."""
        location = self.table_model.location
        if self.connection is None or not location.bucket:
            return None
        keys = [self.table_model.key_at(r) for r in rows if not self.table_model.is_folder_at(r)]
        folders = [self.table_model.key_at(r) for r in rows if self.table_model.is_folder_at(r)]
        mime = DeferredDownloadMime(lambda: self._start_drop_fetch(location, keys, folders))
        mime.selection = self.objects.selection()  # what a drop inside the window copies or moves
        return mime

    def _start_drop_fetch(self, location: Location, keys: list[str], folders: list[str]) -> DropFetch:
        """Plan and queue the download of a drag's selection into a staging folder; the fetch
        completes with the top-level files and folders once its batch is done."""
        fetch = DropFetch(new_staging_folder(), on_cancel=self._cancel_drop_fetch)
        self.show_message("Downloading the dragged objects for the drop…")
        plans: dict[str, DownloadPlan] = {}

        def planned(plan: DownloadPlan) -> None:
            if fetch.cancelled:
                return
            plans["plan"] = plan
            if not plan.files:
                self.show_error("Nothing to drop: the dragged objects are no longer in the bucket"
                                + (" or cannot be saved under their names." if plan.refused else "."))
                fetch.complete([])
                return
            fetch.batch = self.transfers.add_downloads(plan)
            self.transfer_panel.show()

        def failed(exc: BaseException) -> None:
            self.show_error(describe(exc, bucket=location.bucket).message)
            fetch.complete([])

        def progress() -> None:
            if fetch.batch is not None and not fetch.done:
                done, total = self.transfers.batch_totals(fetch.batch)
                self.show_message(f"Downloading the dragged objects for the drop: {human_size(done)} of "
                                  f"{human_size(total)}…")

        def batch_done(batch: int) -> None:
            if batch != fetch.batch:
                return
            stop_listening()
            if fetch.cancelled:
                shutil.rmtree(fetch.staging, ignore_errors=True)  # anything written after the cancel
                return
            staging = fetch.staging
            tops = {staging / f.target.path.relative_to(staging).parts[0] for f in plans["plan"].files
                    if f.target.path is not None}
            fetch.complete(sorted(path for path in tops if path.exists()))

        def stop_listening() -> None:
            if listening:
                listening.clear()
                self.transfers.batch_done.disconnect(batch_done)
                self.transfers.totals_changed.disconnect(progress)

        def finished_without_batch() -> None:
            if fetch.batch is None:  # planning failed, nothing to drop, or cancelled before planning
                stop_listening()

        listening = [True]
        self.transfers.batch_done.connect(batch_done)
        self.transfers.totals_changed.connect(progress)
        fetch.finished.connect(finished_without_batch)
        self.runner.run("plan drag-out", plan_downloads, self.connection, location.bucket, keys, folders,
                        location.prefix, fetch.staging, on_result=planned, on_error=failed, owner=self)
        return fetch

    def _cancel_drop_fetch(self, fetch: DropFetch) -> None:
        if fetch.batch is not None:
            self.transfers.cancel_batch(fetch.batch)
        self.show_message("Drag cancelled; nothing was saved.")

    def _on_drag_ended(self, mime: QMimeData, dropped: bool) -> None:
        if not dropped and isinstance(mime, DeferredDownloadMime):
            mime.cancel()

    def _queue_download(self, plan: DownloadPlan) -> None:
        self.transfers.add_downloads(plan)
        self.transfer_panel.show()
        text = f"Downloading {len(plan.files):,} files to {plan.root}…"
        if plan.refused:
            text += f" {len(plan.refused)} keys cannot be saved safely (see the queue)."
        self.show_message(text)

    def open_multipart_dialog(self) -> MultipartUploadsDialog | None:
        bucket = self.table_model.location.bucket
        if self.connection is None or not bucket:
            self.show_error("Open a bucket to see its incomplete multipart uploads.")
            return None
        dialog = MultipartUploadsDialog(self.runner, self.connection, bucket, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _update_transfer_progress(self) -> None:
        done, total = self.transfers.totals()
        active = self.transfers.active_count
        self.transfer_progress.setVisible(bool(active))
        if total:
            self.transfer_progress.setValue(int(done * 1000 / total))

    def _on_batch_finished(self, summary: str) -> None:
        self.show_message(summary)
        if self.table_model.location.bucket:
            self.table_model.refresh()

    # ---------------------------------------------------------------- lifetime
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def shutdown(self) -> None:
        """Save state, cancel listings and drain the worker pools; safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.save_settings()
        self.transfers.shutdown()
        self.runner.shutdown()
        if self.connection is not None:
            self.connection.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        active = self.transfers.active_count
        if active and not self._shut_down and not self.quit_without_asking and not interaction.confirm(
                self, "Transfers running",
                f"{count_of(active, 'transfer')} {agree(active, 'is', 'are')} not finished. Quit anyway? "
                "They are kept and offered to resume the next time you connect: uploads continue from "
                "their uploaded parts, large downloads from what is already saved."):
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    @staticmethod
    def about_text() -> str:
        return f"s3browser {__version__}"
