"""Feeds the preview pane: follows the table's current row, fetches on a worker, cancels when it moves.

Images are decoded into a QImage on the worker (QImage, unlike QPixmap, may be built off the GUI
thread), so a large photo never stalls the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage

from s3browser.core.ops.preview import PreviewData, decode_text, fetch_preview, is_image_name
from s3browser.core.ops.properties import ObjectProperties, fetch_properties
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.inspect.preview_pane import PreviewPane
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import exact_size, human_size, local_time
from s3browser.ui.shell.tasks import Task

FOLLOW_DELAY_MS = 120  # arrowing through rows fetches only where the user stops


@dataclass
class _Fetched:
    data: PreviewData
    image: QImage | None
    text: tuple[str, str] | None


def _fetch(conn: Connection, bucket: str, key: str, size: int, version_id: str = "") -> _Fetched | ObjectProperties:
    """On a worker: the picture or the text, or, for anything else, the properties."""
    image_name = is_image_name(key)
    if size > 0 or not image_name:
        data = fetch_preview(conn, bucket, key, size, version_id)
        if image_name:
            image = QImage() if data.truncated else QImage.fromData(data.data)
            if not image.isNull():
                return _Fetched(data, image, None)
        else:
            text = decode_text(data.data, data.truncated)
            if text is not None:
                return _Fetched(data, None, text)
    return fetch_properties(conn, bucket, key, version_id)


class PreviewController(QObject):
    def __init__(self, ctx: AppContext, listing: ListingController, pane: PreviewPane) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.listing = listing
        self.pane = pane
        self._task: Task | None = None
        self.shown_key = ""  # what the pane shows (tests wait on it)
        self.toggle_action = make_action(self, "&Preview", self.toggle, shortcut="Space", widget_only=True,
                                         tooltip="Show or hide the preview of the selected file (Space)")
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(FOLLOW_DELAY_MS)
        self._delay.timeout.connect(self.show_current)
        listing.selection_changed.connect(self._selection_moved)
        # Rows that go away take their selection with them without a selection signal (a new folder,
        # search results and their end, a delete, a rename or move): the pane must not keep showing them.
        model = listing.model
        for signal in (model.modelReset, model.rowsRemoved, model.layoutChanged, model.rows_replaced):
            signal.connect(self._selection_moved)
        pane.visibilityChanged.connect(lambda visible: self.show_current() if visible else self._cancel())

    def toggle(self) -> None:
        self.pane.setVisible(not self.pane.isVisible())

    def _selection_moved(self) -> None:
        self._cancel()
        if self.pane.isVisible():
            self._delay.start()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def show_current(self) -> None:
        """Preview the current row of the table (the one with focus), if it is an object."""
        self._cancel()
        view = self.listing.view
        model = self.listing.model
        index = view.currentIndex()
        rows = self.listing.selected_rows()
        row = index.row() if index.isValid() and index.row() in rows else (rows[0] if rows else -1)
        connection = self.ctx.connection
        if row < 0 or connection is None or not self.listing.location.bucket or model.is_folder_at(row):
            self.shown_key = ""
            self.pane.show_message("", "Select a file to preview it.")
            return
        self.preview(connection, self.listing.location.bucket, model.key_at(row), model.size_at(row))

    def preview(self, connection: Connection, bucket: str, key: str, size: int, version_id: str = "") -> None:
        self._cancel()
        name = key.rpartition("/")[2]
        self.pane.show_message(name, "Loading…")
        self.shown_key = ""
        self._task = self.ctx.runner.run(
            "preview", _fetch, connection, bucket, key, size, version_id,
            on_result=lambda result: self._show(key, result),
            on_error=lambda exc: self._failed(key, exc), owner=self.pane)

    def _show(self, key: str, result: _Fetched | ObjectProperties) -> None:
        self._task = None
        name = key.rpartition("/")[2]
        if isinstance(result, ObjectProperties):
            self.pane.show_details(name, [
                ("Size", f"{human_size(result.size)} ({exact_size(result.size)})"),
                ("Last modified", local_time(result.last_modified) if result.last_modified else ""),
                ("Content type", result.headers.get("ContentType", "")),
                ("Storage class", result.storage_class), ("ETag", result.etag.strip('"')),
            ], "No preview for this kind of file; its properties:")
        elif result.image is not None:
            image = result.image
            self.pane.show_image(name, image, f"{image.width():,} × {image.height():,} pixels, "
                                              f"{human_size(result.data.size)}")
        elif result.text is not None:
            text, encoding = result.text
            note = f"{encoding}, {human_size(result.data.size)}"
            if result.data.truncated:
                shown = len(result.data.data)
                first = f"{shown // 1024:,} KiB" if shown % 1024 == 0 else human_size(shown)
                note = f"Showing the first {first} of {human_size(result.data.size)} ({encoding})."
            self.pane.show_text(name, text, note)
        self.shown_key = key

    def _failed(self, key: str, exc: BaseException) -> None:
        self._task = None
        self.shown_key = key
        self.pane.show_message(key.rpartition("/")[2], describe(exc, key=key).message)
