"""Bucket tags: a key/value table with S3's limits (50 tags, keys 128 and values 256 characters)
checked as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from s3browser.core.ops.bucket_settings.tags import (
    MAX_BUCKET_TAGS,
    bucket_tags_problem,
    get_bucket_tags,
    set_bucket_tags,
)
from s3browser.core.s3.connection import Connection
from s3browser.ui.bucket_settings.tab import SettingsTab
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.key_value_table import KeyValueTable


class TagsTab(SettingsTab):
    title = "Tags"
    what = "the bucket's tags"

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx, connection, bucket)
        self.count_label = QLabel()
        self.count_label.setObjectName("tagCount")
        self.tags = KeyValueTable("Key", bucket_tags_problem, show_problem=False)  # the tab's label says it
        self.tags.changed.connect(self.edited)
        self.tags.changed.connect(self._count)
        self.body_layout.addWidget(self.count_label)
        self.body_layout.addWidget(self.tags, 1)

    def _count(self) -> None:
        self.count_label.setText(f"{len(self.tags.values())} of {MAX_BUCKET_TAGS} tags. Tags label the bucket "
                                 "for cost reports and access rules; objects have their own.")

    def fetch(self, connection: Connection, bucket: str) -> dict[str, str]:
        return get_bucket_tags(connection, bucket)

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        return set_bucket_tags(connection, bucket, value)

    def show_value(self, value: Any) -> None:
        self.tags.set_values(value)
        self._count()

    def current_value(self) -> dict[str, str]:
        return self.tags.values()

    def problem(self) -> str | None:
        return self.tags.check()
