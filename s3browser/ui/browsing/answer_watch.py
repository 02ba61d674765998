"""Noticing a server that accepts connections but does not answer a listing.

Without it the table says "Loading…" for as long as the requests' timeouts and retries last.
After :data:`QUIET_SECONDS` with no answer (no page, no end, no failure) the banner says so,
names the endpoint, and offers Stop; the notice goes as soon as anything arrives.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from s3browser.ui.browsing.object_table import ObjectTableModel
from s3browser.ui.shell.context import AppContext

QUIET_SECONDS = 10


class AnswerWatch(QObject):
    def __init__(self, ctx: AppContext, model: ObjectTableModel, seconds: float = QUIET_SECONDS) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.model = model
        self.seconds = seconds
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(seconds * 1000))
        self.timer.timeout.connect(self._quiet_too_long)
        model.loading_changed.connect(self._on_loading_changed)
        model.page_arrived.connect(self._on_answer)
        model.load_failed.connect(lambda *_args: self._ended())

    def _on_loading_changed(self, loading: bool) -> None:
        if loading:
            self.ctx.clear_waiting()
            self.timer.start()
        else:
            self._ended()

    def _on_answer(self, _rows: int) -> None:
        self.ctx.clear_waiting()
        if self.model.is_loading:
            self.timer.start()  # the next page gets its own ten seconds

    def _ended(self) -> None:
        self.timer.stop()
        self.ctx.clear_waiting()

    def _quiet_too_long(self) -> None:
        connection = self.ctx.connection
        if connection is None or not self.model.is_loading:
            return
        endpoint = connection.profile.endpoint_url or "Amazon S3"
        self.ctx.show_waiting(f"The server has not answered for {self.seconds:g} s ({endpoint}). It may be busy "
                              "or unreachable; Stop ends the wait, Refresh tries again.", self.model.cancel)
