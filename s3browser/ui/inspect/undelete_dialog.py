"""Undelete: counts what removing the delete markers would bring back, then does it on a worker."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout

from s3browser.core.ops.undelete import UndeletePlan, iter_plan_undelete, undelete
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.formatting import count_of, human_size


class UndeleteDialog(QDialog):
    finished_undeleting = Signal(int, int)  # restored, failed

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str, keys: list[str],
                 folders: list[str]) -> None:
        super().__init__(ctx.dialog_parent)
        self.setObjectName("undeleteDialog")
        self.setWindowTitle("Undelete")
        self.setMinimumWidth(480)
        self._ctx = ctx
        self._connection = connection
        self.bucket = bucket
        self.plan: UndeletePlan | None = None
        what = ", ".join(k.rstrip("/").rpartition("/")[2] for k in [*keys, *folders][:3])
        self.summary_label = QLabel(f"Counting what can be brought back in {what}…")
        self.summary_label.setObjectName("undeleteSummary")
        self.summary_label.setWordWrap(True)
        self.undelete_button = QPushButton("&Undelete")
        self.undelete_button.setEnabled(False)
        self.undelete_button.clicked.connect(self._undelete)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.undelete_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.buttons)
        ctx.runner.run_pages("count undelete", iter_plan_undelete, connection, bucket, keys, folders,
                             on_page=self._on_plan, on_error=self._on_error, owner=self)

    def _on_plan(self, plan: UndeletePlan) -> None:
        self.plan = plan
        if not plan.complete:
            self.summary_label.setText(f"Counting… {count_of(plan.count, 'deleted object')} found so far.")
            return
        if not plan.count:
            text = "Nothing here is deleted: there is no delete marker to remove."
            if plan.gone_for_good:
                text = (f"{count_of(plan.gone_for_good, 'deleted object')} cannot be brought back: "
                        "no older version is left.")
            self.summary_label.setText(text)
            return
        text = (f"Undelete {count_of(plan.count, 'object')} ({human_size(plan.total_size)})? "
                "Their delete markers are removed, so the latest version before the delete is current again.")
        if plan.gone_for_good:
            text += f" {count_of(plan.gone_for_good, 'other object')} cannot be brought back (no version is left)."
        self.summary_label.setText(text)
        self.undelete_button.setText(f"&Undelete {count_of(plan.count, 'object')}")
        self.undelete_button.setEnabled(True)
        self.undelete_button.setDefault(True)

    def _on_error(self, exc: BaseException) -> None:
        self.summary_label.setText(describe(exc, bucket=self.bucket).message)

    def _undelete(self) -> None:
        if self.plan is None:
            return
        self.undelete_button.setEnabled(False)
        self.summary_label.setText(f"Undeleting {count_of(self.plan.count, 'object')}…")
        self._ctx.runner.run("undelete", undelete, self._connection, self.bucket, self.plan,
                             on_result=self._done, on_error=self._on_error, owner=self)

    def _done(self, result: tuple[int, list]) -> None:
        restored, failures = result
        self.finished_undeleting.emit(restored, len(failures))
        if failures:
            key, _code, text = failures[0]
            self.summary_label.setText(f"Brought back {count_of(restored, 'object')}; "
                                       f"{count_of(len(failures), 'object')} failed, for example {key}: {text}")
            return
        self.accept()
