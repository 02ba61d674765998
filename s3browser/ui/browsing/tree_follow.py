"""The tree follows the table: it selects (and expands down to) the folder the table shows, and
takes in what the table's listings and the app's own changes reveal.

The tree lists lazily, so reaching ``s3://b/a/c/`` may mean expanding ``b`` and ``a`` first and
waiting for their listings; the walk goes on each time a node's children settle.  If the folder
has no node (nothing is stored under it yet), the nearest ancestor that has one is selected.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject
from PySide6.QtWidgets import QTreeView

from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.bucket_tree import BucketTreeModel
from s3browser.ui.browsing.object_table import ObjectTableModel
from s3browser.ui.shell.context import AppContext


class TreeFollower(QObject):
    def __init__(self, ctx: AppContext, tree_model: BucketTreeModel, tree: QTreeView,
                 table_model: ObjectTableModel) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.model = tree_model
        self.tree = tree
        self.table_model = table_model
        self._target: Location | None = None
        tree_model.children_settled.connect(self._advance)
        tree_model.modelReset.connect(self._advance)
        table_model.listing_complete.connect(tree_model.merge_listing)
        ctx.contents_changed.connect(self.contents_changed)

    @property
    def pending(self) -> Location | None:
        """The location still being walked to, while listings it needs are running."""
        return self._target

    def follow(self, location: Location) -> None:
        """Select ``location``'s node, expanding its ancestors; lists what it must on the way."""
        self._target = location
        self._advance()

    def contents_changed(self, locations: list[Location]) -> None:
        """Something was created or removed directly under each of ``locations``: refresh each
        one's node if the tree has listed it, else its nearest listed ancestor (once each),
        keeping the expansion."""
        model = self.model
        nodes = []
        for location in locations:
            if location == self.table_model.location and self.table_model.is_loading:
                continue  # the table is listing it now, and its listing is merged when done
            index = model.index_for(location)
            while location.bucket and not (index.isValid() and model.is_listed(index)):
                location = location.parent()
                index = model.index_for(location)
            if index.isValid() and model.is_listed(index) and index not in nodes:
                nodes.append(index)
        for index in nodes:
            model.refresh(index)

    def _advance(self, *_args: object) -> None:
        target = self._target
        model = self.model
        node = model.connection_index()
        if target is None or not node.isValid():
            return
        for step in model.path_to(target):
            if not model.is_listed(node):
                if model.canFetchMore(node):
                    model.fetchMore(node)
                return  # the walk goes on when this node's children settle
            child = model.index_for(step)
            if not child.isValid():
                break  # not in the tree (nothing stored there): stop at the nearest ancestor
            self.tree.expand(node)
            node = child
        self._target = None
        self._select(node)

    def _select(self, index: QModelIndex) -> None:
        selection = self.tree.selectionModel()
        if selection is None:
            return
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)
