"""Esc steps back from whatever the table is in the middle of, one step per press.

A listing or search under way stops (what arrived stays); else a filter is cleared; else search
results give way to the folder itself.  It is one window-wide action, so it works from the table,
the filter field and the search field alike; dialogs keep their own Esc.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLineEdit

from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.browsing.search import SearchController
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext


class EscapeKey(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController, search: SearchController,
                 filter_edit: QLineEdit) -> None:
        super().__init__(ctx)
        self.listing = listing
        self.search = search
        self.filter_edit = filter_edit
        self.action = make_action(self, "Step back", self.press, shortcut="Esc")

    def press(self) -> str:
        """Do the nearest step back; says which (tests and the log read it)."""
        model = self.listing.model
        if model.is_loading:
            model.cancel()
            return "stopped"
        if self.filter_edit.text():
            self.filter_edit.clear()
            return "filter cleared"
        if model.search_pattern:
            self.search.clear()
            self.search.end()
            return "search ended"
        return ""
