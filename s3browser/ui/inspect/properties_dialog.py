"""Properties of one object or several: everything HeadObject and the tags say, with the editable part.

Fetched on a worker.  With one object the editors start with its values; with several they start
empty and only what the user touches is changed, on each object, keeping each one's own rest.
Saving queues the changes in the transfer queue (a copy of each object onto itself when headers,
metadata or the storage class change; PutObjectTagging for tags alone).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.ops.properties import (
    EDITABLE_HEADERS,
    STORAGE_CLASSES,
    ObjectProperties,
    PropertyChanges,
    metadata_problem,
    tags_problem,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, exact_size, human_size, local_time
from s3browser.ui.shell.key_value_table import KeyValueTable, keep_room
from s3browser.ui.shell.remembering import RememberingDialog

KEEP = "(keep each object's own)"
COPY_NOTE = ("Changing headers, user metadata or the storage class rewrites each object with a server-side copy "
             "onto itself: its date changes, and in a versioned bucket the old one stays as a version. "
             "Tags alone are changed in place.")


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class PropertiesDialog(RememberingDialog):
    """Shows and edits the properties of ``keys`` (key -> size) in ``bucket``."""

    save_requested = Signal(object, dict)  # PropertyChanges, the objects (key -> size)
    restore_requested = Signal(object)  # the ObjectProperties of an archived object

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, keys: dict[str, int],
                 fetch: Callable[..., ObjectProperties]) -> None:
        super().__init__("properties_dialog", ctx.dialog_parent)
        self.setObjectName("propertiesDialog")
        self.ctx = ctx
        self.bucket = bucket
        self.keys = dict(keys)
        self.properties: ObjectProperties | None = None  # the one object's, once fetched
        single = len(keys) == 1
        name = next(iter(keys)).rpartition("/")[2] if single else count_of(len(keys), "object")
        self.setWindowTitle(f"Properties of {name}")
        self.resize(620, 560)

        self.tabs = QTabWidget()
        self.general = QWidget()
        self.general_form = QFormLayout(self.general)
        self.general_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.status_label = QLabel("Loading…")
        self.status_label.setObjectName("propertiesStatus")
        self.status_label.setWordWrap(True)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(lambda: self.restore_requested.emit(self.properties))
        self.tabs.addTab(self.general, "&General")

        headers_tab = QWidget()
        headers_form = QFormLayout(headers_tab)
        self.header_edits: dict[str, QLineEdit] = {}
        for arg, label in EDITABLE_HEADERS.items():
            edit = QLineEdit()
            edit.setAccessibleName(label)
            if not single:
                edit.setPlaceholderText(KEEP)
            self.header_edits[arg] = edit
            headers_form.addRow(f"{label}:", edit)
        self.class_combo = QComboBox()
        self.class_combo.setAccessibleName("Storage class")
        if not single:
            self.class_combo.addItem(KEEP, None)
        for storage_class in STORAGE_CLASSES:
            self.class_combo.addItem(storage_class, storage_class)
        headers_form.addRow("Storage class:", self.class_combo)
        self.metadata = KeyValueTable("Name", metadata_problem)
        headers_form.addRow(QLabel("User metadata (sent as x-amz-meta-name headers):"))
        headers_form.addRow(self.metadata)
        self.tabs.addTab(headers_tab, "&Headers and metadata")

        self.tags = KeyValueTable("Key", lambda tags: tags_problem(tags))
        tags_tab = QWidget()
        tags_layout = QVBoxLayout(tags_tab)
        tags_layout.addWidget(QLabel("At most 10 tags; keys up to 128 characters, values up to 256."
                                     if single else "Tags set here replace the tags of every selected object."))
        tags_layout.addWidget(self.tags)
        self.tabs.addTab(tags_tab, "&Tags")

        self.note_label = QLabel(COPY_NOTE)
        self.note_label.setObjectName("copyNote")
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(False)
        keep_room(self.note_label)  # shown at the first change: the layout stays where it is
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.buttons)

        self._initial_headers: dict[str, str] = {}
        self._initial_class: str | None = None
        for edit in self.header_edits.values():
            edit.textEdited.connect(self._update_state)
        self.class_combo.currentIndexChanged.connect(self._update_state)
        self.metadata.changed.connect(self._update_state)
        self.tags.changed.connect(self._update_state)
        if not single:
            self._fill_general_for_many()
        first = next(iter(keys))
        ctx.runner.run("properties", fetch, connection, bucket, first, on_result=self._on_fetched,
                       on_error=self._on_error, owner=self)

    # ---------------------------------------------------------------- showing
    def _row(self, label: str, text: str) -> None:
        value = _selectable(text)
        value.setObjectName(f"prop_{label.lower().replace(' ', '_')}")
        self.general_form.addRow(f"{label}:", value)

    def _fill_general_for_many(self) -> None:
        self._row("Objects", count_of(len(self.keys), "object"))
        self._row("Total size", f"{human_size(sum(self.keys.values()))} ({exact_size(sum(self.keys.values()))})")
        self._row("Bucket", self.bucket)

    def _on_fetched(self, props: ObjectProperties) -> None:
        self.status_label.setText("")
        self.status_label.setVisible(False)
        if len(self.keys) > 1:
            self._update_state()
            return
        self.properties = props
        self._row("Key", props.key)
        self._row("S3 URI", props.uri)
        self._row("Size", f"{exact_size(props.size)} ({human_size(props.size)})")
        self._row("Last modified", local_time(props.last_modified) if props.last_modified else "")
        self._row("ETag", props.etag.strip('"'))
        self._row("Storage class", props.storage_class)
        encryption = {"AES256": "SSE-S3 (AES-256)", "aws:kms": "SSE-KMS", "aws:kms:dsse": "DSSE-KMS"}.get(
            props.encryption, props.encryption or "None")
        self._row("Encryption", encryption + (" with a bucket key" if props.bucket_key else ""))
        if props.kms_key:
            self._row("KMS key", props.kms_key)
        if props.checksums:
            self._row("Checksum", ", ".join(f"{name} {value}" for name, value in props.checksums.items()))
        if props.version_id:
            self._row("Version id", props.version_id)
        if props.lock_mode:
            self._row("Object lock", f"{props.lock_mode.title()} until {local_time(props.lock_until)}")
        if props.legal_hold:
            self._row("Legal hold", props.legal_hold.title())
        if props.expires:
            self._row("Expires", props.expires)
        if props.is_archived:
            self._row("Restore", props.restore_status)
            self.general_form.addRow("", self.restore_button)
            self.restore_button.setVisible(True)
        for arg, edit in self.header_edits.items():
            edit.setText(props.headers.get(arg, ""))
        self._initial_headers = dict(props.headers)
        self._initial_class = props.storage_class
        index = self.class_combo.findData(props.storage_class)
        if index < 0:
            self.class_combo.addItem(props.storage_class, props.storage_class)
            index = self.class_combo.count() - 1
        self.class_combo.setCurrentIndex(index)
        self.metadata.set_values(props.metadata)
        if props.tags is None:
            self.tags.setEnabled(False)
            self.tags.problem_label.setText("This server does not support object tags.")
            self.tags.problem_label.setVisible(True)
        else:
            self.tags.set_values(props.tags)
        self._update_state()

    def _on_error(self, exc: BaseException) -> None:
        first = next(iter(self.keys))
        error = describe(exc, bucket=self.bucket, key=first)
        self.status_label.setText(error.message)
        self.status_label.setVisible(True)
        self.tabs.setTabEnabled(1, False)
        self.tabs.setTabEnabled(2, False)

    # ---------------------------------------------------------------- editing
    def changes(self) -> PropertyChanges:
        """What the user changed, and nothing else."""
        changes = PropertyChanges()
        single = len(self.keys) == 1
        for arg, edit in self.header_edits.items():
            text = edit.text().strip()
            if single and text != self._initial_headers.get(arg, ""):
                changes.headers[arg] = text
            elif not single and text:
                changes.headers[arg] = text
        chosen = self.class_combo.currentData()
        if chosen is not None and chosen != self._initial_class:
            changes.storage_class = chosen
        if self.metadata.edited:
            changes.metadata = self.metadata.values()
        if self.tags.edited and self.tags.isEnabled():
            changes.tags = self.tags.values()
        return changes

    def problem(self) -> str | None:
        return self.metadata.check() or (self.tags.check() if self.tags.isEnabled() else None)

    def _update_state(self, *_args: object) -> None:
        loaded = len(self.keys) > 1 or self.properties is not None
        changes = self.changes()
        self.save_button.setEnabled(loaded and not changes.is_empty and self.problem() is None)
        self.note_label.setVisible(changes.needs_copy)

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_requested.emit(self.changes(), dict(self.keys))
        self.accept()
