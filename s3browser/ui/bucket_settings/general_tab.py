"""General: what the bucket is (region, creation date, object lock, requester pays), and on request how
much it holds, counted with progress and a Stop."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from s3browser.core.ops.bucket_settings.general import BucketGeneral, ObjectLock, fetch_general
from s3browser.core.ops.folder_stats import FolderStats, iter_folder_stats
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size, local_time
from s3browser.ui.shell.tasks import Task


def lock_text(lock: ObjectLock | None, why: str = "") -> str:
    if lock is None:
        return why or "Unknown"
    if not lock.enabled:
        return "Off (it can only be turned on when a bucket is created)"
    if not lock.mode:
        return "Enabled, no default retention"
    period = count_of(lock.days, "day") if lock.days else count_of(lock.years, "year")
    return f"Enabled, default retention {lock.mode.lower()} for {period}"


class GeneralTab(SettingsTab):
    title = "General"
    what = "the bucket's general facts"
    has_apply = False

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, created: float = 0.0) -> None:
        super().__init__(ctx, connection, bucket)
        self._created = created
        self._count_task: Task | None = None
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label in (("name", "Name"), ("region", "Region"), ("created", "Created"),
                            ("object_lock", "Object lock"), ("requester_pays", "Requester pays")):
            value = QLabel()
            value.setObjectName(f"general_{name}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = value
            form.addRow(f"{label}:", value)
        self.size_label = QLabel("Not counted yet.")
        self.size_label.setObjectName("general_size")
        self.size_label.setWordWrap(True)
        self.count_button = QPushButton("&Count objects")
        self.count_button.setToolTip("List every object in the bucket to count them and add up their sizes")
        self.count_button.clicked.connect(self.count)
        self.stop_button = QPushButton("&Stop")
        self.stop_button.clicked.connect(self.stop_count)
        self.stop_button.hide()
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_label, 1)
        size_row.addWidget(self.count_button)
        size_row.addWidget(self.stop_button)
        holder = QWidget()
        holder.setLayout(size_row)
        size_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("Objects:", holder)
        self.body_layout.addLayout(form)
        self.body_layout.addStretch()

    def fetch(self, connection: Connection, bucket: str) -> BucketGeneral:
        return fetch_general(connection, bucket, self._created)

    def show_value(self, value: Any) -> None:
        general: BucketGeneral = value
        self.fields["name"].setText(general.name)
        self.fields["region"].setText(general.region)
        self.fields["created"].setText(local_time(general.created) if general.created else "Unknown")
        self.fields["object_lock"].setText(lock_text(general.object_lock, general.unknown.get("object_lock", "")))
        pays = general.requester_pays
        self.fields["requester_pays"].setText(
            general.unknown.get("requester_pays", "Unknown") if pays is None else
            "Yes: whoever downloads pays for the requests and the transfer" if pays else "No: the owner pays")

    def current_value(self) -> Any:
        return self.value

    # ---------------------------------------------------------------- counting
    def count(self) -> None:
        if self._count_task is not None:
            return
        self.size_label.setText("Counting…")
        self.count_button.hide()
        self.stop_button.show()
        self._count_task = self.ctx.runner.run_pages(
            f"count s3://{self.bucket}", iter_folder_stats, self.connection, self.bucket, "",
            on_page=self._counted, on_error=self._count_failed, on_finished=self._count_finished, owner=self)

    def _counted(self, stats: FolderStats) -> None:
        text = f"{count_of(stats.objects, 'object')}, {human_size(stats.total_bytes)}"
        self.size_label.setText(text if stats.complete else f"{text} so far…")

    def _count_failed(self, exc: BaseException) -> None:
        self.size_label.setText(describe(exc, bucket=self.bucket).message)

    def stop_count(self) -> None:
        if self._count_task is not None:
            self._count_task.cancel()
            self.size_label.setText(self.size_label.text().replace(" so far…", " (stopped before the end)"))
            self._count_finished()

    def _count_finished(self) -> None:
        self._count_task = None
        self.stop_button.hide()
        self.count_button.show()
        self.count_button.setText("&Count again")
