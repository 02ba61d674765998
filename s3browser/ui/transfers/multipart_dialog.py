"""Lists a bucket's incomplete multipart uploads (age, parts, size) and aborts them on request."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from s3browser.core.ops.incomplete_uploads import (
    IncompleteUpload,
    abort_uploads,
    list_incomplete_uploads,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell import interaction
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.elided_tooltips import show_whole_text_in_tooltips
from s3browser.ui.shell.formatting import count_of, exact_size, human_size
from s3browser.ui.shell.remembering import RememberingDialog


def format_age(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{int(seconds // 86400)} days"


class MultipartUploadsDialog(RememberingDialog):
    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__("multipart_dialog", ctx.dialog_parent)
        self.setWindowTitle(f"Incomplete multipart uploads — {bucket}")
        self._runner, self._connection, self._bucket = ctx.runner, connection, bucket
        self.tree = QTreeWidget()
        show_whole_text_in_tooltips(self.tree)
        self.tree.setHeaderLabels(["Key", "Age", "Parts", "Size"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.status_label = QLabel("Loading…")
        self.abort_button = QPushButton("&Abort selected")
        self.abort_all_button = QPushButton("Abort a&ll")
        self.refresh_button = QPushButton("&Refresh")
        self.close_button = QPushButton("Close")
        self.abort_button.clicked.connect(lambda: self._abort(self._selected()))
        self.abort_all_button.clicked.connect(lambda: self._abort(list(self._uploads)))
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.abort_button, self.abort_all_button, self.refresh_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(640, 360)
        self._uploads: list[IncompleteUpload] = []
        self.refresh()

    def refresh(self) -> None:
        self.status_label.setText("Loading…")
        self._runner.run("list multipart uploads", list_incomplete_uploads, self._connection, self._bucket,
                         on_result=self._show, on_error=self._failed, owner=self)

    def _show(self, uploads: list[IncompleteUpload]) -> None:
        self._uploads = uploads
        self.tree.clear()
        now = time.time()
        for upload in uploads:
            item = QTreeWidgetItem([upload.key, format_age(now - upload.initiated), str(upload.parts),
                                    human_size(upload.size)])
            item.setToolTip(3, exact_size(upload.size))
            item.setData(0, Qt.ItemDataRole.UserRole, upload)
            self.tree.addTopLevelItem(item)
        total = sum(u.size for u in uploads)
        self.status_label.setText(f"{count_of(len(uploads), 'incomplete upload')}, "
                                  f"{human_size(total)} stored in parts." if uploads else
                                  "No incomplete multipart uploads.")
        self.abort_all_button.setEnabled(bool(uploads))

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(describe(exc, bucket=self._bucket).message)

    def _selected(self) -> list[IncompleteUpload]:
        return [item.data(0, Qt.ItemDataRole.UserRole) for item in self.tree.selectedItems()]

    def _abort(self, uploads: list[IncompleteUpload]) -> None:
        if not uploads or not interaction.confirm(
                self, "Abort uploads", f"Abort {count_of(len(uploads), 'incomplete upload')} "
                f"and delete {human_size(sum(u.size for u in uploads))} of uploaded parts?"):
            return
        self.status_label.setText("Aborting…")
        self._runner.run("abort multipart uploads", abort_uploads, self._connection, self._bucket, uploads,
                         on_result=lambda _count: self.refresh(), on_error=self._failed, owner=self)
