"""The Trash view of one bucket: what soft delete moved there, restored or deleted for good.

Each entry says whether its place is free: an object undeleted in the versions view (or put back
by hand) shows as already back, and a place taken by another object makes Restore ask first."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from s3browser.core.ops.delete import BatchResult
from s3browser.core.ops.trash import (
    RestorePlan,
    RestoreResult,
    TrashEntry,
    delete_from_trash,
    list_trash,
    plan_restore,
    restore,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.transfers.conflicts import Conflict
from s3browser.ui.shell import interaction
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.elided_tooltips import show_whole_text_in_tooltips
from s3browser.ui.shell.formatting import agree, count_of, human_size

BACK = "Already back"
TAKEN = "Another object is there"


def _listed_with_places(connection: Connection, bucket: str) -> RestorePlan:
    return plan_restore(connection, bucket, list_trash(connection, bucket))


class TrashDialog(QDialog):
    restored = Signal()  # objects came back: the listing and its counts are stale

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx.dialog_parent)
        self.setWindowTitle(f"Trash of {bucket}")
        self.resize(720, 420)
        self._runner = ctx.runner
        self._ctx = ctx
        self._connection = connection
        self.bucket = bucket
        self.entries: list[TrashEntry] = []
        self._pending_text = ""  # the outcome of the last action, shown after the reload
        self.tree = QTreeWidget()
        show_whole_text_in_tooltips(self.tree)
        self.tree.setHeaderLabels(["Original location", "Deleted", "Size", "Its place now"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # long keys elide, with a tooltip
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.status_label = QLabel("Loading…")
        self.restore_button = QPushButton("&Restore")
        self.delete_button = QPushButton("&Delete permanently")
        self.empty_button = QPushButton("&Empty trash")
        self.close_button = QPushButton("Close")
        self.restore_button.clicked.connect(self._restore)
        self.delete_button.clicked.connect(self._delete_selected)
        self.empty_button.clicked.connect(self._empty)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)
        for button in (self.restore_button, self.delete_button, self.empty_button):
            button.setAutoDefault(False)
        self._is_busy = True
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.delete_button, self.empty_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self._busy(True)
        self._runner.run("list trash", _listed_with_places, self._connection, self.bucket, on_result=self._show,
                         on_error=self._failed, owner=self)

    def _show(self, plan: RestorePlan) -> None:
        entries = sorted(plan.entries, key=lambda e: (-e.deleted_at, e.original_key))
        taken = {entry.trash_key for entry in plan.taken}
        self.entries = entries
        self.tree.clear()
        for entry in entries:
            when = datetime.fromtimestamp(entry.deleted_at).strftime("%Y-%m-%d %H:%M")
            place = BACK if entry.trash_key in plan.back else TAKEN if entry.trash_key in taken else ""
            item = QTreeWidgetItem([entry.original_key, when, human_size(entry.size), place])
            if place:
                item.setToolTip(3, "The object is at its place again (undeleted, or restored by hand); Restore "
                                   "only removes this copy from the trash." if place == BACK else
                                "Another object is at this key now; Restore asks before replacing it.")
            self.tree.addTopLevelItem(item)
        summary = (f"{count_of(len(entries), 'item')} in the trash "
                   f"({human_size(sum(e.size for e in entries))})." if entries else "The trash is empty.")
        self.status_label.setText(f"{self._pending_text} {summary}".strip())
        self._pending_text = ""
        self._busy(False)

    def selected(self) -> list[TrashEntry]:
        return [self.entries[self.tree.indexOfTopLevelItem(item)] for item in self.tree.selectedItems()]

    def _restore(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.status_label.setText("Select items to restore.")
            return
        self._busy(True)
        self._runner.run("plan restore", plan_restore, self._connection, self.bucket, chosen,
                         on_result=self._ask_and_restore, on_error=self._failed, owner=self)

    def _ask_and_restore(self, plan: RestorePlan) -> None:
        """Ask about taken places (never assuming replace), then restore on a worker."""
        choice = Conflict.SKIP
        if plan.taken:
            answer = interaction.choose_object_conflict(self, "Restore onto existing objects?", plan.conflicts,
                                                        len(plan.entries))
            if answer is None:
                self.status_label.setText("Nothing was restored.")
                self._busy(False)
                return
            choice = answer
        self._runner.run("restore", restore, self._connection, self.bucket, plan, choice,
                         on_result=self._restored, on_error=self._failed, owner=self)

    def _restored(self, result: RestoreResult) -> None:
        parts = [f"Restored {result.restored:,}."]
        if result.renamed:
            original, target = result.renamed[0]
            parts.append(f"{count_of(len(result.renamed), 'object')} kept beside what is there now, "
                         f"e.g. {original} as {target}.")
        if result.already_back:
            parts.append(f"{count_of(result.already_back, 'object')} "
                         f"{agree(result.already_back, 'was', 'were')} already back at "
                         f"{agree(result.already_back, 'its place', 'their places')}; "
                         f"{agree(result.already_back, 'its', 'their')} trash "
                         f"{agree(result.already_back, 'copy was', 'copies were')} removed.")
        if result.skipped:
            parts.append(f"{result.skipped:,} skipped: another object is at "
                         f"{agree(result.skipped, 'its place', 'their places')}.")
        if result.failures:
            key, _code, message = result.failures[0]
            parts.append(f"{len(result.failures):,} failed, e.g. {key}: {message}")
        self._pending_text = " ".join(parts)
        self.status_label.setText(self._pending_text)
        self._ctx.show_message(f"Trash of {self.bucket}: {self._pending_text}")  # not the delete's old news
        self.restored.emit()
        self.reload()

    def _delete_selected(self) -> None:
        self._delete(self.selected())

    def _empty(self) -> None:
        self._delete(list(self.entries))

    def _delete(self, chosen: list[TrashEntry]) -> None:
        if not chosen:
            self.status_label.setText("Nothing selected.")
            return
        if not interaction.confirm(self, "Delete permanently",
                                   f"Delete {count_of(len(chosen), 'item')} "
                                   f"({human_size(sum(e.size for e in chosen))}) from the trash for good?"):
            return
        self._busy(True)
        self._runner.run("delete from trash", delete_from_trash, self._connection, self.bucket, chosen,
                         on_result=lambda r: self._after(r, "Deleted"), on_error=self._failed, owner=self)

    def _after(self, result: BatchResult, verb: str) -> None:
        text = f"{verb} {result.deleted:,}."
        if result.failures:
            key, _code, message = result.failures[0]
            text += f" {len(result.failures):,} failed, e.g. {key}: {message}"
        self._pending_text = text
        self.status_label.setText(text)
        self._ctx.show_message(f"Trash of {self.bucket}: {verb.lower()} {result.deleted:,} for good.")
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(describe(error, bucket=self.bucket).message)
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        self._is_busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Restore and Delete need a selection, Empty a non-empty trash; none while working."""
        idle = not self._is_busy
        chosen = bool(self.tree.selectedItems())
        self.restore_button.setEnabled(idle and chosen)
        self.delete_button.setEnabled(idle and chosen)
        self.empty_button.setEnabled(idle and bool(self.entries))
