"""Choose files and folders to upload and how: destination, overwrite policy, storage class,
content type, metadata, part size and parallel parts.  Shows the file count and total size first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from s3browser.core.local.paths import plan_upload
from s3browser.core.s3.locations import Location, parse_location
from s3browser.core.transfers.options import (
    DEFAULT_PARALLEL_PARTS,
    DEFAULT_PART_SIZE,
    STORAGE_CLASSES,
    MiB,
    Overwrite,
    UploadOptions,
    validate_part_settings,
)
from s3browser.ui.shell import interaction
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size
from s3browser.ui.shell.remembering import RememberingDialog
from s3browser.ui.shell.tasks import Task


def parse_metadata(text: str) -> dict[str, str]:
    """``key=value`` per line; raises ValueError naming the bad line."""
    metadata = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if not sep or not key or not all(c.isalnum() or c in "-_" for c in key):
            raise ValueError(f"Metadata line {number} must look like name=value (letters, digits, - and _).")
        if not value.isascii():
            raise ValueError(f"Metadata line {number}: S3 metadata values must be ASCII.")
        metadata[key] = value.strip()
    return metadata


class UploadDialog(RememberingDialog):
    def __init__(self, ctx: AppContext, destination: Location,
                 sources: list[Path] | None = None) -> None:
        super().__init__("upload_dialog", ctx.dialog_parent)
        self.setWindowTitle("Upload")
        self._runner = ctx.runner
        self._count_task: Task | None = None
        self._largest = 0
        self._counted = False

        self.source_list = QListWidget()
        self.add_files_button = QPushButton("Add &files…")
        self.add_folder_button = QPushButton("Add f&older…")
        self.remove_button = QPushButton("&Remove")
        self.add_files_button.clicked.connect(
            lambda: self.add_sources(interaction.choose_files(self, "Files to upload")))
        self.add_folder_button.clicked.connect(self._add_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        source_buttons = QHBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            source_buttons.addWidget(button)
        source_buttons.addStretch(1)

        self.destination_edit = QLineEdit(destination.uri())
        self.overwrite_combo = QComboBox()
        for policy in Overwrite:
            self.overwrite_combo.addItem(policy.value.capitalize(), policy)
        self.storage_combo = QComboBox()
        for name in STORAGE_CLASSES:
            self.storage_combo.addItem(name or "(bucket default)", name)
        self.content_type_edit = QLineEdit()
        self.content_type_edit.setPlaceholderText("detected from each file name")
        self.metadata_edit = QPlainTextEdit()
        self.metadata_edit.setPlaceholderText("name=value, one per line")
        self.metadata_edit.setMaximumHeight(70)
        self.part_size_spin = QSpinBox()
        self.part_size_spin.setRange(1, 5 * 1024)
        self.part_size_spin.setSuffix(" MiB")
        self.part_size_spin.setValue(DEFAULT_PART_SIZE // MiB)
        self.parallel_spin = QSpinBox()
        self.parallel_spin.setRange(0, 128)
        self.parallel_spin.setValue(DEFAULT_PARALLEL_PARTS)

        form = QFormLayout()
        form.addRow("&Destination:", self.destination_edit)
        form.addRow("&If a file exists:", self.overwrite_combo)
        form.addRow("Storage &class:", self.storage_combo)
        form.addRow("Content &type:", self.content_type_edit)
        form.addRow("&Metadata:", self.metadata_edit)
        form.addRow("&Part size:", self.part_size_spin)
        form.addRow("Parallel p&arts:", self.parallel_spin)

        self.summary_label = QLabel("No files chosen.")
        self.summary_label.setObjectName("uploadSummary")
        self.error_label = QLabel()
        self.error_label.setObjectName("uploadError")
        self.error_label.setStyleSheet(color_style("error"))
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.upload_button = self.buttons.addButton("&Upload", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files and folders (folders are uploaded with everything inside):"))
        layout.addWidget(self.source_list)
        layout.addLayout(source_buttons)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        for signal in (self.destination_edit.textChanged, self.part_size_spin.valueChanged,
                       self.parallel_spin.valueChanged, self.metadata_edit.textChanged):
            signal.connect(self._validate)
        self.resize(620, 560)
        self.add_sources(sources or [])

    # ---------------------------------------------------------------- sources
    def add_sources(self, paths: list[Path]) -> None:
        known = set(self.sources())
        for path in paths:
            if path not in known:
                self.source_list.addItem(str(path))
        self._recount()

    def _add_folder(self) -> None:
        folder = interaction.choose_folder(self, "Folder to upload", "upload")
        if folder is not None:
            self.add_sources([folder])

    def _remove_selected(self) -> None:
        for item in self.source_list.selectedItems():
            self.source_list.takeItem(self.source_list.row(item))
        self._recount()

    def sources(self) -> list[Path]:
        return [Path(self.source_list.item(i).text()) for i in range(self.source_list.count())]

    def _recount(self) -> None:
        """Count files and bytes on a worker: a big folder must not freeze the dialog."""
        if self._count_task is not None:
            self._count_task.cancel()
        self._counted = False
        sources = self.sources()
        if not sources:
            self.summary_label.setText("No files chosen.")
            self._validate()
            return
        self.summary_label.setText("Counting…")
        self._count_task = self._runner.run("count upload", plan_upload, sources, "",
                                            on_result=self._show_count, owner=self)
        self._validate()

    def _show_count(self, result: tuple[list, list[str]]) -> None:
        files, problems = result
        self._largest = max((f.size for f in files), default=0)
        self._counted = True
        text = f"{count_of(len(files), 'file')}, {human_size(sum(f.size for f in files))}"
        if problems:
            text += f" — {len(problems)} cannot be read"
        self.summary_label.setText(text)
        self._validate()

    # ---------------------------------------------------------------- values
    def destination(self) -> Location:
        return parse_location(self.destination_edit.text())

    def options(self) -> UploadOptions:
        return UploadOptions(overwrite=self.overwrite_combo.currentData(),
                             storage_class=self.storage_combo.currentData(),
                             content_type=self.content_type_edit.text().strip(),
                             metadata=parse_metadata(self.metadata_edit.toPlainText()),
                             part_size=self.part_size_spin.value() * MiB,
                             parallel_parts=self.parallel_spin.value())

    def _validate(self) -> None:
        problem = None
        if not self.destination().bucket:
            problem = "Choose a destination bucket, e.g. s3://bucket/folder/."
        if problem is None:
            problem = validate_part_settings(self.part_size_spin.value() * MiB, self.parallel_spin.value(),
                                             self._largest)
        if problem is None:
            try:
                parse_metadata(self.metadata_edit.toPlainText())
            except ValueError as exc:
                problem = str(exc)
        self.error_label.setText(problem or "")
        self.upload_button.setEnabled(problem is None and self._counted and bool(self.sources()))

    def done(self, result: int) -> None:
        if self._count_task is not None:
            self._count_task.cancel()
        super().done(result)

