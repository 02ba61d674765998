"""The right-click menus of the table and the tree, built from the controllers' actions."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QAbstractItemView, QMenu

from s3browser.ui.browsing.bucket_tree import LOCATION_ROLE, BucketTreeModel
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.browsing.navigation import NavigationController
from s3browser.ui.browsing.object_actions import ObjectActions
from s3browser.ui.bucket_settings.controller import BucketSettingsController
from s3browser.ui.inspect.actions import InspectActions
from s3browser.ui.inspect.open_edit import OpenEditController
from s3browser.ui.inspect.versions_controller import VersionsController
from s3browser.ui.shell.context import AppContext
from s3browser.ui.sync.controller import SyncController
from s3browser.ui.transfers.actions import TransferActions


class ContextMenus(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController, navigation: NavigationController,
                 objects: ObjectActions, transfers: TransferActions, sync: SyncController,
                 inspect: InspectActions, open_edit: OpenEditController, versions: VersionsController,
                 bucket_settings: BucketSettingsController) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.navigation = navigation
        self.objects = objects
        self.transfers = transfers
        self.sync = sync
        self.inspect = inspect
        self.open_edit = open_edit
        self.versions = versions
        self.bucket_settings = bucket_settings
        self.menu: QMenu | None = None  # the last menu shown (tests read it)

    def table_menu(self, view: QAbstractItemView, pos: QPoint) -> QMenu:
        index = view.indexAt(pos)
        model = self.listing.model
        menu = QMenu(self.ctx.dialog_parent)
        if index.isValid() and model.is_folder_at(index.row()):
            menu.addAction("&Open", lambda: self.navigation.open_table_row(index))
        elif index.isValid():
            menu.addAction(self.open_edit.open_action)
            menu.addAction(self.open_edit.edit_action)
        objects = self.objects
        menu.addAction(self.listing.copy_uri_action)
        if self.listing.location.bucket:
            menu.addAction(objects.presign_action)
            menu.addSeparator()
            menu.addAction(self.transfers.download_action)
            menu.addAction(self.transfers.upload_action)
            menu.addSeparator()
            for action in (objects.cut_action, objects.copy_action, objects.paste_action, objects.rename_action,
                           objects.new_folder_action, objects.delete_action):
                menu.addAction(action)
            menu.addSeparator()
            menu.addAction(self.inspect.properties_action)
            menu.addAction(self.inspect.size_action)
            menu.addAction(self.versions.toggle_action)
            menu.addSeparator()
            menu.addAction(objects.trash_action)
            menu.addAction(self.transfers.multipart_action)
            menu.addAction(self.sync.sync_here_action)
        else:
            menu.addAction(objects.create_bucket_action)
            if index.isValid():
                menu.addAction(objects.delete_bucket_action)
                menu.addAction(self.sync.sync_here_action)
                menu.addAction(self.inspect.size_action)
                menu.addAction(self.bucket_settings.settings_action)
        menu.addSeparator()
        menu.addAction(self.navigation.refresh_action)
        menu.addAction(self.navigation.up_action)
        return self._show(menu, view, pos)

    def tree_menu(self, view: QAbstractItemView, tree_model: BucketTreeModel, pos: QPoint) -> QMenu | None:
        index = view.indexAt(pos)
        if not index.isValid():
            return None
        menu = QMenu(self.ctx.dialog_parent)
        menu.addAction("&Open", lambda: self.navigation.open_tree_node(index))
        menu.addAction("&Refresh", lambda: tree_model.refresh(index))
        location = index.data(LOCATION_ROLE)
        if location is not None and location.bucket:
            menu.addAction("S&ync with local folder…", lambda: self.sync.sync_here(location))
            menu.addAction("Calculate si&ze…", lambda: self.inspect.calculate_size(location))
        if location is not None and location.bucket and not location.prefix:
            menu.addAction("Bucket &settings…", lambda: self.bucket_settings.open_settings(location.bucket))
            menu.addAction("Delete bucket…", lambda: self.objects.open_delete_bucket_dialog(location.bucket))
        elif location is not None and not location.bucket:
            menu.addAction(self.objects.create_bucket_action)
        return self._show(menu, view, pos)

    def _show(self, menu: QMenu, view: QAbstractItemView, pos: QPoint) -> QMenu:
        self.menu = menu
        menu.popup(view.viewport().mapToGlobal(pos))
        return menu
