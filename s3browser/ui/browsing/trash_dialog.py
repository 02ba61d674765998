"""The Trash view of one bucket: what soft delete moved there, restored or deleted for good."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from s3browser.core.ops.delete import BatchResult
from s3browser.core.ops.trash import TrashEntry, delete_from_trash, list_trash, restore
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell import interaction
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size


class TrashDialog(QDialog):
    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx.dialog_parent)
        self.setWindowTitle(f"Trash of {bucket}")
        self.resize(720, 420)
        self._runner = ctx.runner
        self._connection = connection
        self.bucket = bucket
        self.entries: list[TrashEntry] = []
        self._pending_text = ""  # the outcome of the last action, shown after the reload
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Original location", "Deleted", "Size"])
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
        self._runner.run("list trash", list_trash, self._connection, self.bucket, on_result=self._show,
                         on_error=self._failed, owner=self)

    def _show(self, entries: list[TrashEntry]) -> None:
        self.entries = entries
        self.tree.clear()
        for entry in entries:
            when = datetime.fromtimestamp(entry.deleted_at).strftime("%Y-%m-%d %H:%M")
            self.tree.addTopLevelItem(QTreeWidgetItem([entry.original_key, when, human_size(entry.size)]))
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
        self._runner.run("restore", restore, self._connection, self.bucket, chosen,
                         on_result=lambda r: self._after(r, "Restored"), on_error=self._failed, owner=self)

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
