"""Calculate size: counts a folder's or a bucket's objects and bytes on a worker, with Stop."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from s3browser.core.ops.folder_stats import FolderStats, iter_folder_stats
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, exact_size, human_size


class FolderSizeDialog(QDialog):
    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, prefix: str) -> None:
        super().__init__(ctx.dialog_parent)
        self.setObjectName("folderSizeDialog")
        where = f"s3://{bucket}/{prefix}"
        self.setWindowTitle(f"Size of {prefix.rstrip('/').rpartition('/')[2] or bucket}")
        self.resize(560, 460)
        self.stats: FolderStats | None = None
        self.summary_label = QLabel(f"Counting {where}…")
        self.summary_label.setObjectName("sizeSummary")
        self.summary_label.setWordWrap(True)
        self.classes = QTreeWidget()
        self.classes.setHeaderLabels(["Storage class", "Objects", "Size"])
        self.classes.setRootIsDecorated(False)
        self.largest = QTreeWidget()
        self.largest.setHeaderLabels(["Largest objects", "Size"])
        self.largest.setRootIsDecorated(False)
        self.largest.setColumnWidth(0, 380)
        self.stop_button = QPushButton("&Stop")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.classes, 1)
        layout.addWidget(self.largest, 2)
        layout.addWidget(buttons)
        self._task = ctx.runner.run_pages(f"size of {where}", iter_folder_stats, connection, bucket, prefix,
                                          on_page=self._on_stats, on_error=self._on_error,
                                          on_finished=self._on_finished, owner=self)
        self.stop_button.clicked.connect(self.stop)
        self._failed = False

    def stop(self) -> None:
        self._task.cancel()
        self._on_finished()

    def _on_stats(self, stats: FolderStats) -> None:
        self.stats = stats
        self.summary_label.setText(self._summary(stats) + ("" if stats.complete else " (counting…)"))

    @staticmethod
    def _summary(stats: FolderStats) -> str:
        return (f"{count_of(stats.objects, 'object')}, {human_size(stats.total_bytes)} "
                f"({exact_size(stats.total_bytes)}) in {stats.uri}")

    def _on_error(self, exc: BaseException) -> None:
        self._failed = True
        self.summary_label.setText(describe(exc).message)

    def _on_finished(self) -> None:
        self.stop_button.setEnabled(False)
        stats = self.stats
        if stats is None or self._failed:
            if not self._failed:
                self.summary_label.setText("Stopped before anything was counted.")
            return
        text = self._summary(stats)
        self.summary_label.setText(text if stats.complete else f"Stopped: {text} so far.")
        self.classes.clear()
        for name, (objects, size) in sorted(stats.by_class.items(), key=lambda pair: -pair[1][1]):
            self.classes.addTopLevelItem(QTreeWidgetItem([name, f"{objects:,}", human_size(size)]))
        self.largest.clear()
        cut = len(stats.prefix)
        for size, key in stats.largest_first():
            item = QTreeWidgetItem([key[cut:], human_size(size)])
            item.setToolTip(0, f"s3://{stats.bucket}/{key}")
            item.setToolTip(1, exact_size(size))
            self.largest.addTopLevelItem(item)
