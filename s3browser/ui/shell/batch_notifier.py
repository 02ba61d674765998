"""Tell the user a long batch finished while they were in another window.

A transfer batch that ran for :data:`LONG_BATCH_SECONDS` or more and ends while the main
window is not active raises a desktop notification with the batch's summary and asks the
taskbar for attention.  Short batches, or ones the user watched, stay in the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from s3browser.ui.shell import desktop_notify
from s3browser.ui.shell.context import AppContext

LONG_BATCH_SECONDS = 10.0


class BatchNotifier(QObject):
    def __init__(self, ctx: AppContext, long_batch_seconds: float = LONG_BATCH_SECONDS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.long_batch_seconds = long_batch_seconds
        self._summary = ""
        self.last_notification: tuple[str, str] | None = None  # (title, body), for tests and the log
        ctx.transfers.batch_finished.connect(self._remember_summary)
        ctx.transfers.batch_done.connect(self._on_batch_done)

    def _remember_summary(self, summary: str) -> None:
        self._summary = summary  # batch_done follows at once, for the same batch

    def _on_batch_done(self, batch: int) -> None:
        window = self.ctx.dialog_parent
        if window is None or window.isActiveWindow() or self.ctx.shutting_down:
            return
        items = self.ctx.transfers.batch_items(batch)
        started = [i.started_at for i in items if i.started_at]
        finished = [i.finished_at for i in items if i.finished_at]
        if not started or not finished or max(finished) - min(started) < self.long_batch_seconds:
            return
        title = "Transfers finished"
        self.last_notification = (title, self._summary)
        desktop_notify.notify(title, self._summary)
        QApplication.alert(window)
