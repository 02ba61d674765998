"""The delete confirmation: says exactly what will be deleted, waits for a yes, then deletes with progress.

Counting runs on a worker and the dialog fills in as it counts; the Delete button is enabled only
once the count is complete, so what the user confirms is exactly what gets deleted.  In a
versioned bucket the dialog explains that a delete adds delete markers, and permanently deleting
every version is a separate, explicit choice (which recounts).  Deletion runs in batches of 1,000;
Stop ends it between batches; failures are listed key by key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from s3browser.core.ops.delete import (
    BatchResult,
    DeletePlan,
    delete_batches,
    iter_count_for_delete,
)
from s3browser.core.ops.trash import TRASH_PREFIX, move_to_trash
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size
from s3browser.ui.shell.tasks import POOL_OPERATIONS, Task

SHOWN_NAMES = 10


class DeleteDialog(QDialog):
    finished_deleting = Signal(int, int)  # deleted, failed

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, keys: dict[str, int],
                 folders: list[str], soft: bool = False) -> None:
        super().__init__(ctx.dialog_parent)
        self.setObjectName("deleteDialog")
        self.setWindowTitle("Move to trash" if soft else "Delete")
        self.soft = soft
        self.setMinimumWidth(520)
        self._runner = ctx.runner
        self._connection = connection
        self._bucket = bucket
        self._keys = keys
        self._folders = folders
        self._task: Task | None = None
        self.plan: DeletePlan | None = None
        self.deleted = 0
        self.failures: list[tuple[str, str, str]] = []
        self.stage = "counting"  # counting -> ready -> deleting -> done
        self._stop_requested = False

        self.summary_label = QLabel("Counting…")
        self.summary_label.setWordWrap(True)
        self.names_list = QListWidget()
        self.names_list.setMaximumHeight(190)
        self.versioned_label = QLabel(
            "Versioning is on for this bucket: deleting adds delete markers, and the older versions "
            "stay (they can be restored, and they are still billed).")
        self.versioned_label.setWordWrap(True)
        self.versioned_label.hide()
        self.all_versions_check = QCheckBox("Permanently delete all versions (this cannot be undone)")
        self.all_versions_check.hide()
        self.all_versions_check.toggled.connect(self._recount)
        self.progress = QProgressBar()
        self.progress.hide()
        self.failures_list = QListWidget()
        self.failures_list.hide()
        self.buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Move to trash" if soft else "Delete")
        self.delete_button.setObjectName("confirmDelete")
        self.delete_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.setAutoDefault(False)  # Enter must never delete: Cancel is the default
        self.cancel_button.setDefault(True)
        self.delete_button.clicked.connect(self._start_deleting)
        self.cancel_button.clicked.connect(self._cancel_or_close)

        layout = QVBoxLayout(self)
        for widget in (self.summary_label, self.names_list, self.versioned_label, self.all_versions_check,
                       self.progress, self.failures_list, self.buttons):
            layout.addWidget(widget)
        self._count()

    # ---------------------------------------------------------------- counting
    def _count(self) -> None:
        self.stage = "counting"
        self.delete_button.setEnabled(False)
        self.summary_label.setText("Counting what will be deleted…")
        versioned = self.plan.versioned if self.plan is not None else None
        self._task = self._runner.run_pages(
            "count for delete", iter_count_for_delete, self._connection, self._bucket, self._keys, self._folders,
            self.all_versions_check.isChecked(), versioned, pool=POOL_OPERATIONS,
            on_page=self._on_count, on_error=self._on_error, on_finished=self._on_counted, owner=self)

    def _recount(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._count()

    def _on_count(self, plan: DeletePlan) -> None:
        self.plan = plan
        self._show_plan(plan)

    def _on_counted(self) -> None:
        self._task = None
        plan = self.plan
        if plan is None or not plan.complete or self.stage != "counting":
            return
        self.stage = "ready"
        self._show_plan(plan)
        self.delete_button.setEnabled(plan.count > 0)
        keeps_a_copy = self.soft or (plan.versioned and not plan.all_versions)
        self.delete_button.setText("Move to trash" if self.soft else "Delete" if keeps_a_copy else "Delete permanently")
        self.cancel_button.setFocus()  # neither Enter nor Space deletes: the user clicks Delete

    def _show_plan(self, plan: DeletePlan) -> None:
        counting = not plan.complete
        if self.soft:
            what = count_of(plan.count, "object")
            verb = "move"
        elif plan.all_versions:
            what = f"{count_of(plan.count, 'version')} and delete markers of {count_of(plan.object_count, 'object')}"
            verb = "permanently delete"
        else:
            what = count_of(plan.count, "object")
            verb = "add delete markers to" if plan.versioned else "permanently delete"
        size = human_size(plan.total_size)
        where = f"s3://{self._bucket}/"
        if counting:
            self.summary_label.setText(f"Counting… {what}, {size} so far in {where}")
        elif not plan.count:
            self.summary_label.setText(f"Nothing to delete in {where}.")
        elif self.soft:
            self.summary_label.setText(f"This will move {what} ({size}) in {where} to the trash "
                                       f"({TRASH_PREFIX} in this bucket), where Trash… restores them. "
                                       "Nothing has been moved yet.")
        elif plan.versioned and not plan.all_versions:
            self.summary_label.setText(f"This will {verb} {what} ({size}) in {where}. Nothing has been deleted yet.")
        else:
            kept = ("" if plan.all_versions else
                    " This bucket keeps no older versions and soft delete is off, so they cannot be brought back.")
            self.summary_label.setText(f"This will {verb} {what} ({size}) in {where}.{kept} "
                                       "Nothing has been deleted yet.")
        names = plan.first_names(SHOWN_NAMES)
        self.names_list.clear()
        self.names_list.addItems(names)
        more = plan.object_count - len(names)
        if more > 0:
            self.names_list.addItem(f"and {more:,} more")
        self.versioned_label.setVisible(plan.versioned and not self.soft)
        self.all_versions_check.setVisible(plan.versioned and not self.soft)

    # ---------------------------------------------------------------- deleting
    def _start_deleting(self) -> None:
        plan = self.plan
        if self.stage != "ready" or plan is None:
            return
        self.stage = "deleting"
        self.delete_button.setEnabled(False)
        self.all_versions_check.setEnabled(False)
        self.cancel_button.setText("Stop")
        self.progress.setRange(0, plan.count)
        self.progress.setValue(0)
        self.progress.show()
        targets = list(plan.targets)
        if self.soft:
            sizes = dict(plan.sizes)
            self._task = self._runner.run_pages(
                "move to trash", lambda should_stop: move_to_trash(self._connection, self._bucket, sizes,
                                                                   lambda: should_stop() or self._stop_requested),
                pool=POOL_OPERATIONS, on_page=self._on_batch, on_error=self._on_error, on_finished=self._on_deleted,
                owner=self)
            return
        # Stop ends the generator between batches but keeps delivering its results, so the
        # counts shown stay exact (cancelling the task would drop the batch in flight).
        self._task = self._runner.run_pages(
            "delete", lambda should_stop: delete_batches(self._connection, self._bucket, targets,
                                                         lambda: should_stop() or self._stop_requested),
            pool=POOL_OPERATIONS, on_page=self._on_batch, on_error=self._on_error, on_finished=self._on_deleted,
                owner=self)

    def _on_batch(self, result: BatchResult) -> None:
        self.deleted += result.deleted
        self.failures.extend(result.failures)
        self.progress.setValue(self.deleted + len(self.failures))
        total = self.plan.count if self.plan is not None else self.deleted
        self.summary_label.setText(f"Deleting… {self.deleted:,} of {total:,} done.")
        for key, _code, message in result.failures:
            self.failures_list.addItem(f"{key}: {message}")
        self.failures_list.setVisible(bool(self.failures))

    def _on_deleted(self) -> None:
        self._task = None
        if self.stage != "deleting":
            return
        self.stage = "done"
        total = self.plan.count if self.plan else 0
        not_done = total - self.deleted - len(self.failures)
        text = f"{'Moved to the trash' if self.soft else 'Deleted'} {self.deleted:,} of {total:,}."
        if self.failures:
            text += f" {len(self.failures):,} could not be deleted (listed below); nothing else was touched."
        if not_done > 0:
            text += f" Stopped: {not_done:,} were not deleted."
        self.summary_label.setText(text)
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.finished_deleting.emit(self.deleted, len(self.failures))

    def _on_error(self, error: BaseException) -> None:
        self.summary_label.setText(describe(error, bucket=self._bucket).message)
        if self.stage == "deleting":
            self.stage = "done"
            self.cancel_button.setText("Close")
            self.finished_deleting.emit(self.deleted, len(self.failures))

    def _cancel_or_close(self) -> None:
        if self.stage == "deleting":
            self._stop_requested = True  # ends between batches; _on_deleted reports what was done
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")
            return
        if self._task is not None:
            self._task.cancel()
        self.done(QDialog.DialogCode.Accepted if self.stage == "done" else QDialog.DialogCode.Rejected)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Esc must not leave a deletion running unseen
        if event.key() == Qt.Key.Key_Escape and self.stage == "deleting":
            self._cancel_or_close()
            return
        super().keyPressEvent(event)
