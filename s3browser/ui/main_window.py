"""The main window: lays out the views, toolbar, status bar and transfer dock, and wires them to
the controllers.  What any action does lives in ``ui/controllers``; they are handed the
application context, never this window.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import ProfileStore
from s3browser.ui.browsing.bucket_tree import BucketTreeModel
from s3browser.ui.browsing.drag_out_controller import DragOutController
from s3browser.ui.browsing.drop_views import BucketTreeView, ObjectTableView
from s3browser.ui.browsing.escape import EscapeKey
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.browsing.local_files import LocalFilesPanel
from s3browser.ui.browsing.navigation import NavigationController
from s3browser.ui.browsing.object_actions import ObjectActions
from s3browser.ui.browsing.object_table import COL_MODIFIED, COL_NAME, COL_SIZE, ObjectTableModel
from s3browser.ui.browsing.path_bar import PathBar
from s3browser.ui.browsing.search import SearchController
from s3browser.ui.browsing.thumbnails import ThumbnailProvider
from s3browser.ui.browsing.tree_follow import TreeFollower
from s3browser.ui.bucket_settings.controller import BucketSettingsController
from s3browser.ui.connections.controller import ConnectionController
from s3browser.ui.connections.sign_in_watch import SignInWatch
from s3browser.ui.connections.welcome import WelcomePanel
from s3browser.ui.inspect.actions import InspectActions
from s3browser.ui.inspect.open_edit import OpenEditController
from s3browser.ui.inspect.preview import PreviewController
from s3browser.ui.inspect.preview_pane import PreviewPane
from s3browser.ui.inspect.versions_controller import VersionsController
from s3browser.ui.inspect.versions_model import VersionsModel
from s3browser.ui.shell import icons, settings
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.batch_notifier import BatchNotifier
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.help import HelpActions
from s3browser.ui.shell.menu_bar import fill_menu_bar
from s3browser.ui.shell.message_banner import MessageBanner
from s3browser.ui.shell.status_message import StatusMessage
from s3browser.ui.shell.tasks import TaskRunner
from s3browser.ui.sync.controller import SyncController
from s3browser.ui.sync.panel import SyncPanel
from s3browser.ui.transfers.actions import TransferActions
from s3browser.ui.transfers.panel import TransferPanel
from s3browser.ui.wiring.context_menus import ContextMenus
from s3browser.ui.wiring.enablement import ActionEnabler

TREE_MIN_WIDTH = 150


class MainWindow(QMainWindow):
    shown = Signal()

    def __init__(self, store: ProfileStore, runner: TaskRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("s3browser")
        self.setWindowIcon(icons.app_icon())
        self.ctx = AppContext(store, runner, dialog_parent=self)
        self.transfers = self.ctx.transfers
        self.tree_model = BucketTreeModel(self.ctx.runner, self)
        self.table_model = ObjectTableModel(self.ctx.runner, self)
        self._init_views()
        self._init_controllers()
        self._init_toolbar()
        self._init_status_bar()
        self._init_transfer_dock()
        self._init_sync_dock()
        self._init_local_dock()
        self._init_preview_dock()
        self._init_menus()
        self._wire()
        self._init_keyboard()
        self._restore_settings()
        self.update_welcome()

    # ---------------------------------------------------------------- layout
    def _init_views(self) -> None:
        self.tree = BucketTreeView()
        self.tree.setObjectName("bucketTree")
        self.tree.setAccessibleName("Buckets and folders")
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.table = ObjectTableView()
        self.table.setObjectName("objectTable")
        self.table.setAccessibleName("Objects")
        self.table.setModel(self.table_model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        self.table_model.sort_shown.connect(lambda column, order: header.setSortIndicator(column, order))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next control, not the next cell
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_NAME, 380)
        header.resizeSection(COL_SIZE, self.fontMetrics().horizontalAdvance("1,023.9 MiB") + 16)
        header.resizeSection(COL_MODIFIED, self.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 16)
        header.setHighlightSections(False)

        self.banner = MessageBanner()
        table_pane = QWidget()
        table_pane.setObjectName("tablePane")
        pane_layout = QVBoxLayout(table_pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(4)
        pane_layout.addWidget(self.banner)
        self.welcome = WelcomePanel()
        self.versions_model = VersionsModel(self.ctx.runner, self)
        self.versions_view = QTreeView()
        self.versions_view.setObjectName("versionsView")
        self.versions_view.setAccessibleName("Versions")
        self.versions_view.setModel(self.versions_model)
        self.versions_view.setUniformRowHeights(True)
        self.versions_view.setAlternatingRowColors(True)
        self.versions_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for column, width in enumerate((300, 90, 140, 300)):
            self.versions_view.header().resizeSection(column, width)
        self.versions_note = QLabel()
        self.versions_note.setObjectName("versionsNote")
        self.versions_note.setWordWrap(True)
        self.versions_note.hide()
        self.versions_pane = QWidget()
        versions_layout = QVBoxLayout(self.versions_pane)
        versions_layout.setContentsMargins(0, 0, 0, 0)
        versions_layout.addWidget(self.versions_note)
        versions_layout.addWidget(self.versions_view, 1)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.welcome)
        self.table_stack.addWidget(self.versions_pane)
        pane_layout.addWidget(self.table_stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(table_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 740])
        self._tree_lent = 0  # width the tree gave the table while panes crowd it, given back after
        self.setCentralWidget(self.splitter)

    def _init_controllers(self) -> None:
        ctx = self.ctx
        self.connections = ConnectionController(ctx)
        self.sign_in_watch = SignInWatch(ctx)
        self.listing = ListingController(ctx, self.table_model, self.table)
        self.navigation = NavigationController(ctx, self.listing, self.tree_model)
        self.objects = ObjectActions(ctx, self.listing)
        self.tree_follower = TreeFollower(ctx, self.tree_model, self.tree, self.table_model)
        self.transfer_actions = TransferActions(ctx, self.listing, self.connections)
        self.drag_out = DragOutController(ctx, self.listing)
        self.batch_notifier = BatchNotifier(ctx)
        self.sync_panel = SyncPanel(self)
        self.sync = SyncController(ctx, self.listing, self.sync_panel)
        self.inspect = InspectActions(ctx, self.listing)
        self.bucket_settings = BucketSettingsController(ctx, self.listing)
        self.inspect.open_bucket_settings = self.bucket_settings.open_settings
        self.open_edit = OpenEditController(ctx, self.listing)
        self.preview_pane = PreviewPane(self)
        self.preview = PreviewController(ctx, self.listing, self.preview_pane)
        self.versions = VersionsController(ctx, self.listing, self.versions_model, self.versions_view,
                                           self.versions_note)
        self.versions.opener = lambda path: self.open_edit.opener(path)
        self.menus = ContextMenus(ctx, self.listing, self.navigation, self.objects, self.transfer_actions,
                                  self.sync, self.inspect, self.open_edit, self.versions, self.bucket_settings)
        self.enabler = ActionEnabler(ctx, self.listing, self.navigation, self.objects, self.transfer_actions,
                                     self.sync)
        self.enabler.register({"properties": self.inspect.properties_action, "open": self.open_edit.open_action,
                               "edit": self.open_edit.edit_action, "size": self.inspect.size_action,
                               "versions": self.versions.toggle_action,
                               "bucket_settings": self.bucket_settings.settings_action})
        self.focus_path_action = make_action(self, "Edit &path", self._focus_path, shortcut="Ctrl+L")
        self.focus_filter_action = make_action(self, "&Filter", self._focus_filter,
                                               shortcut=QKeySequence.StandardKey.Find)
        self.select_all_action = make_action(self, "Select &all", self.table.selectAll,
                                             shortcut=QKeySequence.StandardKey.SelectAll, widget_only=True)
        self.quit_action = make_action(self, "&Quit", self.close, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.help = HelpActions(ctx, self.menuBar(), [("Table", self.table), ("Folder tree", self.tree)])
        self.up_key_action = make_action(self, "Up", self.navigation.go_up, shortcut="Backspace", widget_only=True)
        self.addActions([self.connections.connect_action, *self.navigation.window_actions, self.focus_path_action,
                         self.focus_filter_action, self.listing.stop_action, self.listing.copy_uri_action,
                         self.transfer_actions.upload_action, self.transfer_actions.download_action,
                         self.transfer_actions.multipart_action, *self.objects.window_actions, self.quit_action,
                         *self.help.actions, self.inspect.properties_action, self.open_edit.edit_action,
                         self.versions.toggle_action])
        self.table.addActions([*self.objects.table_actions, self.select_all_action, self.up_key_action,
                               self.preview.toggle_action])
        self.tree.addAction(self.up_key_action)

    def _init_toolbar(self) -> None:
        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("navigationToolbar")
        toolbar.setMovable(False)
        self.toolbar = toolbar
        self.icons_only_action = QAction("Toolbar &icons only", self)
        self.icons_only_action.setCheckable(True)
        self.icons_only_action.toggled.connect(self._set_toolbar_icons_only)
        self.thumbnails = ThumbnailProvider(self.ctx.runner, parent=self)
        self.ctx.connection_changed.connect(self.thumbnails.set_connection)
        self.thumbnails_action = QAction("T&humbnails", self)
        self.thumbnails_action.setCheckable(True)
        self.thumbnails_action.setToolTip("Show small pictures of image files in the table (fetched as they "
                                          "scroll into view, kept in the cache folder)")
        self.thumbnails_action.toggled.connect(self._set_thumbnails)
        toolbar.addAction(self.connections.connect_action)
        toolbar.addSeparator()
        for action in self.navigation.actions:
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.transfer_actions.upload_action)
        toolbar.addAction(self.transfer_actions.download_action)
        toolbar.addAction(self.objects.new_folder_action)
        toolbar.addAction(self.objects.delete_action)
        toolbar.addAction(self.inspect.properties_action)
        self.addToolBar(toolbar)
        # The path, filter and search fields get a row of their own (like a file manager's
        # location bar), so adding a button never squeezes the path or hides a field.
        self.addToolBarBreak()
        location_bar = QToolBar("Location")
        location_bar.setObjectName("locationToolbar")
        location_bar.setMovable(False)
        self.location_bar = location_bar
        self.path_bar = PathBar()
        location_bar.addWidget(self.path_bar)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setAccessibleName("Filter names")
        self.filter_edit.setPlaceholderText("Filter (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(220)
        location_bar.addWidget(self.filter_edit)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setAccessibleName("Search below this folder")
        self.search_edit.setPlaceholderText("Search below (Ctrl+Shift+F)")
        self.search_edit.setToolTip("Find keys by name below this folder, at any depth: text, or a pattern "
                                    "with * and ?. Press Enter to search, Esc to stop.")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(240)
        location_bar.addWidget(self.search_edit)
        self.search = SearchController(self.ctx, self.listing, self.search_edit)
        self.escape = EscapeKey(self.ctx, self.listing, self.search, self.filter_edit)
        self.addAction(self.escape.action)
        self.addAction(self.search.focus_action)
        self.enabler.register({"search": self.search.focus_action})
        self.addToolBar(location_bar)

    def _init_status_bar(self) -> None:
        bar = self.statusBar()
        self.message_label = StatusMessage()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName("Items shown")
        self.size_label = QLabel()
        self.size_label.setObjectName("sizeLabel")
        self.size_label.setAccessibleName("Total size")
        self.busy = QProgressBar()
        self.busy.setObjectName("loadingIndicator")
        self.busy.setAccessibleName("Loading")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.transfer_progress = QProgressBar()
        self.transfer_progress.setObjectName("transferProgress")
        self.transfer_progress.setAccessibleName("Progress of all transfers")
        self.transfer_progress.setMaximumWidth(180)
        self.transfer_progress.setMaximumHeight(16)
        self.transfer_progress.setRange(0, 1000)
        self.transfer_progress.setFormat("Transfers %p%")
        self.transfer_progress.setVisible(False)
        bar.addWidget(self.message_label, 1)
        bar.addPermanentWidget(self.sign_in_watch.label)
        bar.addPermanentWidget(self.busy)
        bar.addPermanentWidget(self.transfer_progress)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.size_label)

    def _init_transfer_dock(self) -> None:
        self.transfer_panel = TransferPanel(self.transfers, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.transfer_panel)
        self.transfer_panel.hide()
        self.toggle_transfers_action = self.transfer_panel.toggleViewAction()
        self.toggle_transfers_action.setShortcut(QKeySequence("Ctrl+T"))
        self.addAction(self.toggle_transfers_action)

    def _init_sync_dock(self) -> None:
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.sync_panel)
        self.tabifyDockWidget(self.transfer_panel, self.sync_panel)
        self.sync_panel.hide()
        self.toggle_sync_action = self.sync_panel.toggleViewAction()
        self.toggle_sync_action.setText("&Sync panel")
        self.toggle_sync_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.addAction(self.toggle_sync_action)

    def _init_local_dock(self) -> None:
        self.local_panel = LocalFilesPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.local_panel)
        self.local_panel.hide()
        self.toggle_local_action = self.local_panel.toggleViewAction()
        self.toggle_local_action.setText("&Local files")
        self.toggle_local_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.addAction(self.toggle_local_action)

    def _init_preview_dock(self) -> None:
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.preview_pane)
        self.preview_pane.hide()
        self.toggle_preview_action = self.preview_pane.toggleViewAction()
        self.toggle_preview_action.setText("&Preview pane")
        self.toggle_preview_action.setToolTip("Show the selected file's preview (Space in the table)")

    def _init_menus(self) -> None:
        self.toggle_transfers_action.setText("&Transfers")
        nav, objects, transfers, listing, sync = (self.navigation, self.objects, self.transfer_actions, self.listing,
                                                  self.sync)
        self.menu_bar_menus = fill_menu_bar(self.menuBar(), [
            ("fileMenu", "&File", [self.connections.connect_action, self.sign_in_watch.sign_in_action, None,
                                   self.open_edit.open_action,
                                   self.open_edit.edit_action, None, transfers.upload_action,
                                   transfers.download_action, objects.new_folder_action, None,
                                   self.inspect.properties_action, self.inspect.size_action, None, self.quit_action]),
            ("editMenu", "&Edit", [objects.cut_action, objects.copy_action, objects.paste_action, None,
                                   objects.rename_action, objects.delete_action, None, self.select_all_action,
                                   listing.copy_uri_action, objects.presign_action, None, self.focus_filter_action,
                                   self.search.focus_action]),
            ("viewMenu", "&View", [self.toggle_transfers_action, self.toggle_sync_action, self.toggle_local_action,
                                   self.toggle_preview_action, None, self.versions.toggle_action,
                                   self.versions.undelete_action, None, self.thumbnails_action,
                                   self.icons_only_action, None, nav.refresh_action, listing.stop_action]),
            ("goMenu", "&Go", [nav.back_action, nav.forward_action, nav.up_action, nav.top_action, None,
                               self.focus_path_action]),
            ("bucketMenu", "&Bucket", [objects.create_bucket_action, objects.delete_bucket_action,
                                       self.bucket_settings.settings_action, None,
                                       objects.trash_action, transfers.multipart_action]),
            ("toolsMenu", "&Tools", [sync.sync_here_action, sync.new_pair_action, None,
                                     self.help.open_logs_action]),
            ("helpMenu", "&Help", [self.help.shortcuts_action, None, self.help.about_action]),
        ])

    # ---------------------------------------------------------------- wiring
    def _wire(self) -> None:
        ctx, navigation, listing = self.ctx, self.navigation, self.listing
        ctx.message_posted.connect(self.message_label.show_message)
        ctx.error_posted.connect(self.banner.show_error)
        ctx.error_posted.connect(lambda _text, _detail: self.message_label.show_message(""))  # old news goes
        ctx.messages_cleared.connect(self.banner.clear)
        ctx.wait_posted.connect(self.banner.show_waiting)
        ctx.wait_posted.connect(lambda _text, _stop: self.message_label.show_message(""))  # no "Connected to"
        ctx.wait_cleared.connect(self.banner.clear_waiting)
        ctx.offer_posted.connect(self.banner.show_offer)
        self.banner.close_button.clicked.connect(ctx.offer_gone)
        self.banner.action_button.clicked.connect(ctx.offer_gone)
        ctx.offer_posted.connect(lambda _text, _label, _act: self.message_label.show_message(""))
        self.sign_in_watch.signed_in.connect(navigation.refresh)  # the listing that failed goes on
        ctx.transfers_requested.connect(self.transfer_panel.show)
        ctx.connection_changed.connect(self._on_connection_changed)
        self.connections.profiles_changed.connect(self.update_welcome)
        self.welcome.add_requested.connect(self.connections.open_new_connection)
        self.welcome.demo_requested.connect(self.connections.open_demo)

        self.tree.clicked.connect(navigation.open_tree_node)
        self.tree.activated.connect(navigation.open_tree_node)
        self.table.activated.connect(navigation.open_table_row)
        navigation.file_activated.connect(self.open_edit.open_object)
        navigation.trash_activated.connect(self.objects.open_trash_dialog)
        self.table.empty_action_requested.connect(self.objects.open_create_bucket_dialog)
        self.table.room_changed.connect(self._share_room_with_tree)

        navigation.location_shown.connect(self.versions.follow)
        navigation.location_shown.connect(lambda _location: self.search.clear())
        self.versions.shown_changed.connect(lambda _shown: self.update_welcome())
        navigation.location_shown.connect(lambda _location: self.update_welcome())
        self.versions.folder_opened.connect(navigation.navigate)
        self.versions.preview_requested.connect(self._preview_version)
        self.versions.properties_requested.connect(self._version_properties)
        self.path_bar.location_entered.connect(navigation.navigate)
        self.path_bar.problem_entered.connect(ctx.show_error)
        self.filter_edit.textChanged.connect(listing.set_filter)
        navigation.location_shown.connect(self._on_location_shown)
        navigation.location_shown.connect(self.tree_follower.follow)

        listing.loading_changed.connect(self.busy.setVisible)
        listing.stats_changed.connect(self._show_stats)

        self.table.files_dropped.connect(self.transfer_actions.upload_paths)
        self.local_panel.upload_requested.connect(self.transfer_actions.upload_paths)
        self.local_panel.download_requested.connect(lambda folder: self.transfer_actions.download_selected(folder))
        self.local_panel.view.objects_dropped.connect(self.transfer_actions.download_selection)
        self.tree.files_dropped.connect(self.transfer_actions.upload_paths)
        self.tree.objects_dropped.connect(self.objects.drop_selection)
        self.table_model.drag_data_factory = self.drag_out.mime_for_rows
        self.table.drag_ended.connect(self.drag_out.drag_ended)
        self.transfer_actions.progress_changed.connect(self._show_transfer_progress)

        self.table.customContextMenuRequested.connect(lambda pos: self.menus.table_menu(self.table, pos))
        self.tree.customContextMenuRequested.connect(
            lambda pos: self.menus.tree_menu(self.tree, self.tree_model, pos))

    def _set_toolbar_icons_only(self, icons_only: bool) -> None:
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly if icons_only
                                        else Qt.ToolButtonStyle.ToolButtonTextUnderIcon)

    def _set_thumbnails(self, shown: bool) -> None:
        row_height = self.fontMetrics().height() + 8
        self.table.setIconSize(QSize(40, 40) if shown else QSize(16, 16))
        self.table.verticalHeader().setDefaultSectionSize(max(row_height, 44) if shown else row_height)
        self.table_model.set_thumbnails(self.thumbnails if shown else None)

    def _on_connection_changed(self, connection: Connection) -> None:
        role = f" ({connection.role})" if connection.role else ""
        self.setWindowTitle(f"{connection.profile.display_name}{role} — s3browser")
        self.tree.expand(self.tree_model.connection_index())
        self.update_welcome()

    def update_welcome(self) -> None:
        """The first-run screen stands in for the table until there is a connection or a profile;
        the versions view stands in for it while versions are shown in a bucket."""
        first_run = self.ctx.connection is None and not self.ctx.store.profiles()
        if first_run:
            self.welcome.follow_secret_storage(self.ctx.store.secrets, self.ctx.runner)
        versions = self.versions.shown and bool(self.listing.location.bucket)
        self.table_stack.setCurrentWidget(self.welcome if first_run else
                                          self.versions_pane if versions else self.table)

    def _share_room_with_tree(self, spare: int) -> None:
        """Panes opened beside the table crowd it: the tree lends width (down to TREE_MIN_WIDTH) so the
        table keeps Name, Size and Last modified in view, and takes it back when there is room again."""
        tree, table = self.splitter.sizes()
        if spare < 0:
            lend = min(-spare, max(0, tree - TREE_MIN_WIDTH))
        else:
            lend = -min(spare, self._tree_lent)
        if lend:
            self._tree_lent += lend
            self.splitter.setSizes([tree - lend, table + lend])

    def _preview_version(self, bucket: str, key: str, size: int, version_id: str) -> None:
        if self.ctx.connection is not None:
            self.preview_pane.show()
            self.preview.preview(self.ctx.connection, bucket, key, size, version_id)

    def _version_properties(self, bucket: str, key: str, size: int, version_id: str) -> None:
        if self.ctx.connection is not None:
            self.inspect.show_properties(self.ctx.connection, bucket, {key: size}, version_id)

    def _on_location_shown(self, location: Location) -> None:
        self.filter_edit.blockSignals(True)  # the listing already dropped its filter
        self.filter_edit.clear()
        self.filter_edit.blockSignals(False)
        self.path_bar.set_location(location)

    def _show_stats(self, count_text: str, size_text: str) -> None:
        self.count_label.setText(count_text)
        self.size_label.setText(size_text)

    def _show_transfer_progress(self, unfinished: bool, thousandths: int, label: str) -> None:
        self.transfer_progress.setVisible(unfinished)
        self.transfer_progress.setValue(thousandths)
        self.transfer_progress.setFormat(label)

    def _focus_path(self) -> None:
        self.path_bar.setFocus()
        self.path_bar.selectAll()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    # ---------------------------------------------------------------- settings
    def _init_keyboard(self) -> None:
        """Tab goes path bar → filter → tree → table → queue; the focused view shows a frame."""
        QWidget.setTabOrder(self.path_bar, self.filter_edit)
        QWidget.setTabOrder(self.filter_edit, self.tree)
        QWidget.setTabOrder(self.tree, self.table)
        QWidget.setTabOrder(self.table, self.transfer_panel.view)
        focus_frame = "QAbstractItemView:focus { border: 1px solid palette(highlight); }"
        for view in (self.tree, self.table, self.transfer_panel.view):
            view.setStyleSheet(focus_frame)
        for field in (self.path_bar, self.filter_edit, self.search_edit):
            field.addAction(self.objects.rename_action)  # F2 does not edit text: it acts on the selection

    def _restore_settings(self) -> None:
        geometry = settings.WINDOW_GEOMETRY.get()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 680)
        state = settings.WINDOW_STATE.get()
        if state is not None:
            self.restoreState(state)
        splitter = settings.SPLITTER.get()
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.TABLE_HEADER.get()
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
        self.thumbnails_action.setChecked(settings.THUMBNAILS.get())
        icons_only = settings.ICONS_ONLY.get()
        self.icons_only_action.setChecked(icons_only)
        self._set_toolbar_icons_only(icons_only)

    def save_settings(self) -> None:
        settings.WINDOW_GEOMETRY.set(self.saveGeometry())
        settings.WINDOW_STATE.set(self.saveState())
        settings.SPLITTER.set(self.splitter.saveState())
        settings.TABLE_HEADER.set(self.table.horizontalHeader().saveState())
        settings.ICONS_ONLY.set(self.icons_only_action.isChecked())
        settings.THUMBNAILS.set(self.thumbnails_action.isChecked())
        QSettings().sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def shutdown(self) -> None:
        """Save state, stop transfers and drain the worker pools; safe to call twice."""
        if self.ctx.shutting_down:
            return
        self.save_settings()
        self.ctx.shutdown()
        self.connections.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.transfer_actions.may_quit():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)
