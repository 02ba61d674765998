"""What every bucket-settings tab shares: load on a worker the first time it is shown, edit locally,
send only on *Apply*, and say what happened in one sentence.

A tab is a small state machine: not loaded → loading → shown (or failed, or unsupported).  A
server that does not implement the setting shows "Not supported by this server." instead of an
error; any other failure (say, access denied) is the error translator's sentence with *Try again*,
and the other tabs are not affected.  Input is checked as it is typed and *Apply* stays disabled
while there is a problem, so invalid input never becomes a request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.shell.colors import color_style
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.tasks import Task

log = logging.getLogger(__name__)

UNSUPPORTED = "Not supported by this server."


class SettingsTab(QWidget):
    """Subclasses set ``title`` and ``what`` and implement the five hooks below."""

    title = ""
    what = ""  # the setting, as a sentence names it ("versioning", "the bucket policy")
    applied = Signal(str)  # the sentence that says what changed
    has_apply = True

    def __init__(self, ctx: AppContext, connection: Connection, bucket: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.connection = connection
        self.bucket = bucket
        self.value: Any = None  # as last loaded from the server
        self.loaded = False
        self.unsupported = False
        self.dirty = False
        self._task: Task | None = None
        self._showing = False  # show_value is filling the widgets: not an edit
        self.state_label = QLabel()
        self.state_label.setObjectName("settingsState")
        self.state_label.setWordWrap(True)
        self.retry_button = QPushButton("&Try again")
        self.retry_button.clicked.connect(self.reload)
        self.retry_button.hide()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(color_style("error"))
        self.problem_label.hide()
        self.apply_button = QPushButton("Appl&y")  # "&Add" is taken on the tables
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.setToolTip("Forget the edits on this tab and show what the server has")
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch()
        self.button_row.addWidget(self.revert_button)
        self.button_row.addWidget(self.apply_button)
        self.apply_button.setVisible(self.has_apply)
        self.revert_button.setVisible(self.has_apply)
        layout = QVBoxLayout(self)
        state_row = QHBoxLayout()
        state_row.addWidget(self.state_label, 1)
        state_row.addWidget(self.retry_button)
        layout.addLayout(state_row)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(self.button_row)
        self.body.hide()

    # ---------------------------------------------------------------- hooks
    def fetch(self, connection: Connection, bucket: str) -> Any:
        """Read the setting (runs on a worker: plain core calls only)."""
        raise NotImplementedError

    def send(self, connection: Connection, bucket: str, value: Any) -> str:
        """Write ``value`` (runs on a worker); the sentence saying what changed."""
        raise NotImplementedError

    def show_value(self, value: Any) -> None:
        """Fill the widgets from ``value``."""
        raise NotImplementedError

    def current_value(self) -> Any:
        """What the widgets say now."""
        raise NotImplementedError

    def problem(self) -> str | None:
        """Why the current input would be refused (None when fine)."""
        return None

    def confirm_apply(self, value: Any) -> bool:
        """A last question before sending (a public policy, public access unblocked)."""
        return True

    # ---------------------------------------------------------------- loading
    def ensure_loaded(self) -> None:
        if not self.loaded and not self.unsupported and self._task is None and self.retry_button.isHidden():
            self.reload()

    def reload(self) -> None:
        self._cancel()
        self.retry_button.hide()
        self.state_label.setText("Loading…")
        self.state_label.show()
        self.body.setEnabled(False)
        self.apply_button.setEnabled(False)
        self._task = self._run(f"read {self.what}", self.fetch, self._loaded, self._load_failed)

    def _run(self, name: str, fn: Callable[..., Any], on_result: Callable[[Any], None],
             on_error: Callable[[BaseException], None], *args: Any) -> Task:
        started: list[Task] = []

        def finished() -> None:
            if started and self._task is started[0]:  # not a newer task started from on_result
                self._task = None
                self.update_state()

        task = self.ctx.runner.run(f"bucket settings of {self.bucket}: {name}", fn, self.connection, self.bucket,
                                   *args, on_result=on_result, on_error=on_error, on_finished=finished, owner=self)
        started.append(task)
        return task

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _loaded(self, value: Any) -> None:
        self._task = None  # done: edits made before its "finished" arrives may be applied at once
        self.value = value
        self.loaded = True
        self.state_label.hide()
        self.body.show()
        self.body.setEnabled(True)
        self._show(value)

    def _show(self, value: Any) -> None:
        self._showing = True
        try:
            self.show_value(value)
        finally:
            self._showing = False
        self.dirty = False
        self.update_state()

    def _load_failed(self, exc: BaseException) -> None:
        self._task = None
        error = describe(exc, bucket=self.bucket)
        self.body.hide()
        if error.kind == "unsupported":
            self.unsupported = True
            self.state_label.setText(UNSUPPORTED)
            self.apply_button.hide()
            self.revert_button.hide()
            log.info("bucket %s: %s is not supported by this server (%s)", self.bucket, self.what, error.detail)
            return
        self.state_label.setText(error.message)
        self.retry_button.show()
        log.warning("bucket %s: reading %s failed: %s", self.bucket, self.what, error.detail)

    # ---------------------------------------------------------------- editing
    def edited(self, *_args: object) -> None:
        """Connected to every editor's change signal."""
        if self._showing:
            return
        self.dirty = True
        self.update_state()

    def update_state(self) -> None:
        problem = self.problem() if self.loaded and self.dirty else None
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(bool(problem))
        idle = self._task is None
        self.apply_button.setEnabled(self.loaded and self.dirty and problem is None and idle)
        self.revert_button.setEnabled(self.loaded and self.dirty and idle)

    def revert(self) -> None:
        if self.loaded:
            self._show(self.value)

    # ---------------------------------------------------------------- applying
    def apply(self) -> None:
        if not self.loaded or self._task is not None:
            return
        problem = self.problem()
        if problem:
            self.update_state()
            return
        value = self.current_value()
        if not self.confirm_apply(value):
            return
        self.send_value(value)

    def send_value(self, value: Any, send: Callable[..., str] | None = None) -> None:
        """Send ``value`` with ``send`` (default: :meth:`send`) on a worker."""
        self.apply_button.setEnabled(False)
        self.revert_button.setEnabled(False)
        self.state_label.setText("Saving…")
        self.state_label.show()
        self._task = self._run(f"write {self.what}", send or self.send, self._applied, self._apply_failed, value)

    def _applied(self, sentence: str) -> None:
        log.info(sentence)
        self.ctx.show_message(sentence)
        self.applied.emit(sentence)
        self.dirty = False
        self._task = None
        self.reload()  # show what the server stored, not what was typed

    def _apply_failed(self, exc: BaseException) -> None:
        self._task = None
        error = describe(exc, bucket=self.bucket)
        message = f"{UNSUPPORTED} Nothing was changed." if error.kind == "unsupported" else error.message
        self.state_label.setText(message)
        self.state_label.show()
        log.warning("bucket %s: changing %s failed: %s", self.bucket, self.what, error.detail)
        self.update_state()
