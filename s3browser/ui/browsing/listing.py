"""The object table's listing: what is shown, what is selected, and the counts under it.

Other controllers ask this one for the current location and the selection instead of reading
the table view themselves, so they never depend on how the table is laid out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.answer_watch import AnswerWatch
from s3browser.ui.browsing.known_buckets import remember_bucket
from s3browser.ui.browsing.object_table import ObjectTableModel, RemoteLister
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size, tr_n


@dataclass(frozen=True)
class Selection:
    """Objects and folders chosen in one folder of one bucket (what cut/copy and drags carry)."""

    bucket: str
    base_prefix: str
    keys: dict[str, int]  # key -> size
    folders: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.keys) + len(self.folders)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted inclusive row spans with overlaps joined (a row's cells may sit in several ranges)."""
    merged: list[tuple[int, int]] = []
    for top, bottom in spans:
        if merged and top <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
        else:
            merged.append((top, bottom))
    return merged


class ListingController(QObject):
    stats_changed = Signal(str, str)  # the count text, the size text
    loading_changed = Signal(bool)
    selection_changed = Signal()

    def __init__(self, ctx: AppContext, model: ObjectTableModel, view: QAbstractItemView) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.model = model
        self.view = view
        self.stop_action = make_action(self, "&Stop loading", model.cancel,
                                       tooltip="Stop the listing or search under way (Esc)")
        self.copy_uri_action = make_action(self, "Copy S3 &URI", self.copy_selected_uris, shortcut="Ctrl+Shift+C")
        model.loading_changed.connect(self._on_loading_changed)
        model.stats_changed.connect(self.update_stats)
        model.ordering_changed.connect(lambda _doing: self.update_stats())
        model.remote_listing = self._remote_listing
        model.load_failed.connect(ctx.show_error)
        model.notice.connect(ctx.show_message)
        model.listing_complete.connect(self._remember_bucket)
        model.rows_about_to_be_replaced.connect(self._save_selection)
        model.rows_replaced.connect(self._restore_selection)
        self._saved_selection: tuple[set[str], str | None] = (set(), None)
        self.answer_watch = AnswerWatch(ctx, model)
        ctx.contents_changed.connect(self._contents_changed)
        ctx.connection_changed.connect(model.set_connection)
        view.selectionModel().selectionChanged.connect(lambda *_args: self.selection_changed.emit())

    @property
    def location(self) -> Location:
        return self.model.location

    def _remote_listing(self, connection: Connection) -> RemoteLister | None:
        """The connection's transfer worker lists folders for the table (see ``object_table._listing_pages``)."""
        engine = self.ctx.transfers.queue.engines.current
        if engine is None or engine.connection is not connection:
            return None
        return getattr(engine, "list_pages", None)

    def _remember_bucket(self, location: Location, _folders: list, _has_content: bool) -> None:
        """A bucket that opened is offered again when these keys may not list buckets."""
        if location.bucket and self.ctx.connection is not None:
            remember_bucket(self.ctx.connection.profile.name, location.bucket)

    def refresh(self) -> None:
        self.model.refresh()

    def _contents_changed(self, locations: list[Location]) -> None:
        """The app changed what is stored in the folder shown (an undelete, a restore): list it again,
        so its rows and the status bar's counts follow."""
        shown = self.location
        if shown.bucket and shown in locations and not self.model.is_loading and not self.model.search_pattern:
            self.model.refresh()

    def set_filter(self, text: str) -> None:
        self.model.set_filter(text)

    # ---------------------------------------------------------------- selection
    def _save_selection(self) -> None:
        """Rows are about to be replaced by a fresh listing: note the selection by name."""
        model = self.model
        current = self.view.currentIndex()
        self._saved_selection = ({model.key_at(r) for r in self.selected_rows()},
                                 model.key_at(current.row()) if current.isValid() else None)

    def _restore_selection(self) -> None:
        names, current_name = self._saved_selection
        self._saved_selection = (set(), None)
        selection_model = self.view.selectionModel()
        if selection_model is None or not (names or current_name):
            return
        model = self.model
        flags = QItemSelectionModel.SelectionFlag
        for row in range(model.rowCount()):
            key = model.key_at(row)
            if key in names:
                selection_model.select(model.index(row, 0), flags.Select | flags.Rows)
            if key == current_name:
                selection_model.setCurrentIndex(model.index(row, 0), flags.NoUpdate)

    def selected_rows(self) -> list[int]:
        selection_model = self.view.selectionModel()
        return sorted({index.row() for index in selection_model.selectedRows()}) if selection_model else []

    def selected_row_count(self) -> int:
        """How many rows are selected, counted from the selection's ranges (cheap at a million rows)."""
        selection_model = self.view.selectionModel()
        if selection_model is None:
            return 0
        rows: set[tuple[int, int]] = set()
        selection = selection_model.selection()
        for i in range(selection.count()):
            selection_range = selection.at(i)
            rows.add((selection_range.top(), selection_range.bottom()))
        return sum(bottom - top + 1 for top, bottom in _merged(sorted(rows)))

    def selected_keys_and_folders(self) -> tuple[list[str], list[str]]:
        """The selected objects' keys and the selected folders' prefixes, in view order."""
        rows = self.selected_rows()
        return self.keys_and_folders(rows)

    def keys_and_folders(self, rows: list[int]) -> tuple[list[str], list[str]]:
        model = self.model
        keys = [model.key_at(r) for r in rows if not model.is_folder_at(r)]
        folders = [model.key_at(r) for r in rows if model.is_folder_at(r)]
        return keys, folders

    def selection(self) -> Selection | None:
        """The selected objects and folders, or None at the bucket list or with nothing selected."""
        location = self.location
        model = self.model
        rows = self.selected_rows()
        if self.ctx.connection is None or not location.bucket or not rows:
            return None
        rows = [r for r in rows if not model.is_trash_at(r)]  # the trash is opened, never moved or deleted
        if not rows:
            return None
        keys = {model.key_at(r): model.size_at(r) for r in rows if not model.is_folder_at(r)}
        folders = tuple(model.key_at(r) for r in rows if model.is_folder_at(r))
        return Selection(location.bucket, location.prefix, keys, folders)

    def trash_selected(self) -> bool:
        """Whether the bucket's trash row is among the selected rows."""
        return any(self.model.is_trash_at(r) for r in self.selected_rows()) if self.location.bucket else False

    def selected_buckets(self) -> list[str]:
        if self.location.bucket:
            return []
        return [self.model.key_at(r) for r in self.selected_rows()]

    def selected_uris(self) -> list[str]:
        """``s3://`` URIs of the selected rows (buckets, folders or objects), in view order."""
        location = self.location
        rows = self.selected_rows()
        if not location.bucket:
            return [f"s3://{self.model.key_at(r)}/" for r in rows]
        return [f"s3://{location.bucket}/{self.model.key_at(r)}" for r in rows]

    def copy_selected_uris(self) -> None:
        uris = self.selected_uris() or [self.location.uri()]
        QGuiApplication.clipboard().setText("\n".join(uris))
        self.ctx.show_message(f"Copied {uris[0]}" if len(uris) == 1 else tr_n("Copied %n URIs", len(uris)))

    # ---------------------------------------------------------------- counts
    def _on_loading_changed(self, loading: bool) -> None:
        self.loading_changed.emit(loading)
        self.update_stats()
        self.view.viewport().update()  # the empty state's sentence changes with no row changing

    def stats_text(self) -> tuple[str, str]:
        """What the status bar says about the listing: counts, and the total size in a bucket."""
        model = self.model
        objects, folders = model.object_count, model.folder_count
        if not model.location.bucket:
            text = count_of(folders, "bucket")
        elif model.search_pattern:
            text = f"{count_of(objects, 'match', 'matches')} for “{model.search_pattern}”"
            if model.is_loading:
                text += f" (searching, {count_of(model.scanned, 'key')} read…)"
                return text, human_size(model.total_size)
        else:
            text = count_of(objects, "object")
            if folders:
                text += f", {count_of(folders, 'folder')}"
        if model.is_loading:
            text += " (loading…)"
        if model.ordering:  # a big listing sorted or filtered on a worker
            text += f" — {model.ordering.lower()}…"
        elif model.filter_text:
            text += f" — {model.rowCount():,} shown"
        return text, human_size(model.total_size) if model.location.bucket else ""

    def update_stats(self) -> None:
        self.stats_changed.emit(*self.stats_text())
