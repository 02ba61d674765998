"""Create a bucket (name checked as you type, region chosen) and delete one (type its name to confirm)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from s3browser.core.ops.buckets import (
    EmptyProgress,
    bucket_name_problem,
    create_bucket,
    delete_bucket,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import tr_n
from s3browser.ui.shell.tasks import Task

REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "ap-south-1", "ap-northeast-1",
           "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1", "af-south-1", "me-south-1")


class CreateBucketDialog(QDialog):
    created = Signal(str)

    def __init__(self, ctx: AppContext, connection: Connection) -> None:
        super().__init__(ctx.dialog_parent)
        self.setWindowTitle("New bucket")
        self.setMinimumWidth(460)
        self._runner = ctx.runner
        self._connection = connection
        self._task: Task | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("lowercase letters, digits, dots and hyphens")
        self.region_combo = QComboBox()
        self.region_combo.setEditable(True)
        regions = list(REGIONS)
        if connection.region not in regions:
            regions.insert(0, connection.region)
        self.region_combo.addItems(regions)
        self.region_combo.setCurrentText(connection.region)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create")
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Region:", self.region_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self._check)
        self._check("")

    def _check(self, text: str) -> None:
        problem = bucket_name_problem(text)
        self.problem_label.setText(problem if text and problem else "")
        self.create_button.setEnabled(problem is None and self._task is None)

    def _create(self) -> None:
        name, region = self.name_edit.text(), self.region_combo.currentText().strip()
        if bucket_name_problem(name) or self._task is not None:
            return
        self.create_button.setEnabled(False)
        self.problem_label.setText(f"Creating {name} in {region}…")
        self._task = self._runner.run("create bucket", create_bucket, self._connection, name, region,
                                      on_result=lambda _: self._done(name), on_error=self._failed, owner=self)

    def _done(self, name: str) -> None:
        self._task = None
        self.created.emit(name)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self._check(self.name_edit.text())  # re-enables Create; the failure is shown after it
        self.problem_label.setText(describe(error, bucket=self.name_edit.text()).message)


class DeleteBucketDialog(QDialog):
    """Deleting a bucket deletes everything in it: the user types the bucket's name to confirm."""

    deleted = Signal(str)

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__(ctx.dialog_parent)
        self.setWindowTitle("Delete bucket")
        self.setMinimumWidth(480)
        self._runner = ctx.runner
        self._connection = connection
        self.bucket = bucket
        self._task: Task | None = None
        self._stop = False
        self.explain_label = QLabel(
            f"This permanently deletes the bucket <b>{bucket}</b> and everything in it, every version "
            "and delete marker included. It cannot be undone.<br><br>Type the bucket name to confirm:")
        self.explain_label.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Delete bucket")
        self.delete_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.setAutoDefault(False)  # Enter must never delete: Cancel is the default
        self.cancel_button.setDefault(True)
        self.delete_button.clicked.connect(self._delete)
        self.cancel_button.clicked.connect(self._cancel)
        self.name_edit.textChanged.connect(lambda text: self.delete_button.setEnabled(
            text == bucket and self._task is None))
        layout = QVBoxLayout(self)
        for widget in (self.explain_label, self.name_edit, self.status_label, self.buttons):
            layout.addWidget(widget)

    def _delete(self) -> None:
        if self.name_edit.text() != self.bucket or self._task is not None:
            return
        self.delete_button.setEnabled(False)
        self.name_edit.setEnabled(False)
        self.cancel_button.setText("Stop")
        self.status_label.setText("Emptying the bucket…")
        self._task = self._runner.run(
            "delete bucket", delete_bucket, self._connection, self.bucket, lambda: self._stop,
            on_result=self._done, on_error=self._failed, owner=self)

    def _done(self, progress: EmptyProgress) -> None:
        self._task = None
        if self._stop:
            self.status_label.setText(tr_n("Stopped after deleting %n object(s); the bucket remains.",
                                           progress.deleted))
            self.cancel_button.setText("Close")
            return
        self.deleted.emit(self.bucket)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._task = None
        self.status_label.setText(describe(error, bucket=self.bucket).message)
        self.cancel_button.setText("Close")

    def _cancel(self) -> None:
        if self._task is not None:
            self._stop = True
            self.status_label.setText("Stopping…")
            return
        self.reject()
