"""Where the table is: go to a location, back, forward, up, refresh, and follow the tree.

Every change of place goes through :meth:`NavigationController.navigate` (recorded in the
history) or the history's own moves; the path bar and the filter box follow through
``location_shown``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtGui import QKeySequence

from s3browser.core.ops.trash import TRASH_PREFIX
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.bucket_tree import LOCATION_ROLE, BucketTreeModel
from s3browser.ui.browsing.history import History
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext

log = logging.getLogger(__name__)


class NavigationController(QObject):
    location_shown = Signal(object)  # the Location now in the table
    file_activated = Signal(str, str)  # bucket, key: an object row was double-clicked or Entered
    trash_activated = Signal()  # the bucket's trash row was: it opens as the Trash view

    def __init__(self, ctx: AppContext, listing: ListingController, tree_model: BucketTreeModel) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.tree_model = tree_model
        self.history = History()
        self.back_action = make_action(self, "&Back", self.go_back, icon="go-back",
                                       shortcut=QKeySequence.StandardKey.Back)
        self.forward_action = make_action(self, "&Forward", self.go_forward, icon="go-forward",
                                          shortcut=QKeySequence.StandardKey.Forward)
        self.up_action = make_action(self, "&Up", self.go_up, icon="go-up", shortcut="Alt+Up")
        self.top_action = make_action(self, "Bucket &list", self.go_to_bucket_list, shortcut="Alt+Home")
        self.refresh_action = make_action(self, "&Refresh", self.refresh, icon="refresh",
                                          shortcut=QKeySequence.StandardKey.Refresh, tooltip="Refresh (F5)")
        tree_model.error_occurred.connect(ctx.show_error)
        ctx.connection_changed.connect(self._on_connection_changed)

    @property
    def actions(self) -> list:
        return [self.back_action, self.forward_action, self.up_action, self.refresh_action]

    @property
    def window_actions(self) -> list:
        """The toolbar's four and the ones only in menus."""
        return [*self.actions, self.top_action]

    def _on_connection_changed(self, connection: Connection) -> None:
        profile = connection.profile
        role = f" — {connection.role}" if connection.role else ""  # the role in use, beside the name
        self.tree_model.set_connection(connection, f"{profile.display_name}{role} ({profile.describe_endpoint()})")
        self.history.reset()
        self._show(Location())

    # ---------------------------------------------------------------- moving
    def navigate(self, location: Location) -> None:
        """Go to ``location``, recording it in the history."""
        self.history.visit(location)
        self._show(location)

    def _show(self, location: Location, from_cache: bool = False) -> None:
        self.ctx.clear_messages()
        # Clears the rows (or shows the cached ones) first, so dropping the filter costs little.
        self.listing.model.load(location, from_cache=from_cache)
        self.listing.set_filter("")
        self.location_shown.emit(location)
        log.info("browse %s", location.uri())

    def go_back(self) -> None:
        if self.history.can_go_back:
            self._show(self.history.back(), from_cache=True)

    def go_forward(self) -> None:
        if self.history.can_go_forward:
            self._show(self.history.forward(), from_cache=True)

    def go_up(self) -> None:
        location = self.history.current
        if location.bucket:
            self.navigate(location.parent())

    def go_to_bucket_list(self) -> None:
        if self.history.current.bucket:
            self.navigate(Location())

    def refresh(self) -> None:
        self.ctx.clear_messages()
        self.listing.refresh()

    # ---------------------------------------------------------------- views
    def open_table_row(self, index: QModelIndex) -> None:
        """Double-click or Enter on a row: folders and buckets open here; objects are handed on to be opened."""
        model = self.listing.model
        if not index.isValid():
            return
        if model.is_trash_at(index.row()):
            self.trash_activated.emit()
        elif model.is_folder_at(index.row()):
            self.navigate(model.location_for_row(index.row()))
        elif self.listing.location.bucket:
            self.file_activated.emit(self.listing.location.bucket, model.key_at(index.row()))

    def open_tree_node(self, index: QModelIndex) -> None:
        location = self.tree_model.data(index, LOCATION_ROLE)
        if location is not None and self.ctx.connection is not None:
            error = self.tree_model.node_error(index)
            if error:
                self.ctx.show_error(error)
            if location.prefix == TRASH_PREFIX:  # the trash opens as the Trash view, from its bucket
                self.navigate(Location(location.bucket, ""))
                self.trash_activated.emit()
                return
            self.navigate(location)
