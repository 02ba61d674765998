"""Search in a bucket: every key below the current folder whose name matches, streamed into the table.

The results are ordinary rows (named by their path below the folder), so they open, download,
delete and show properties like any others.  Esc (Stop loading) stops the search; clearing the
field, or going anywhere, shows the folder again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLineEdit

from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of


class SearchController(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController, field: QLineEdit) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.field = field
        self.focus_action = make_action(self, "&Search in folder…", self.focus, shortcut="Ctrl+Shift+F",
                                        tooltip="Find keys by name below this folder, at any depth (Ctrl+Shift+F)")
        field.returnPressed.connect(lambda: self.search(field.text()))
        field.textChanged.connect(self._on_text_changed)
        listing.model.loading_changed.connect(self._on_loading_changed)

    def focus(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def search(self, pattern: str) -> None:
        location = self.listing.location
        pattern = pattern.strip()
        if not pattern:
            self.end()
            return
        if self.ctx.connection is None or not location.bucket:
            self.ctx.show_error("Open a bucket or folder to search in it.")
            return
        self.ctx.clear_messages()
        self.ctx.show_message(f"Searching {location.uri()} for “{pattern}”… (Esc stops)")
        self.listing.set_filter("")
        self.listing.model.load(location, search=pattern)

    def _on_loading_changed(self, loading: bool) -> None:
        model = self.listing.model
        if not loading and model.search_pattern and not model.load_error:
            found = model.object_count
            self.ctx.show_message(f"Search of {model.location.uri()} for “{model.search_pattern}” "
                                  f"{'stopped' if model.stopped else 'finished'}: "
                                  f"{count_of(found, 'match', 'matches')} in {count_of(model.scanned, 'key')}.")

    def end(self) -> None:
        """Back from the results to the folder itself."""
        if self.listing.model.search_pattern:
            self.listing.model.load(self.listing.location)

    def _on_text_changed(self, text: str) -> None:
        if not text:
            self.end()

    def clear(self) -> None:
        """The window moved elsewhere: the field empties without listing anything again."""
        self.field.blockSignals(True)
        self.field.clear()
        self.field.blockSignals(False)
