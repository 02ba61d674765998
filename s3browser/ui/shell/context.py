"""The application context: what controllers, actions and dialogs are handed instead of the window.

It holds the shared services (profile store, task runner, transfer queue), the current
connection, the flags of how the app was started and is ending, and the two ways to tell the
user something (the status line's message and error).  Nothing in it knows the window's layout,
so a controller or dialog can be built and tested with a context and a bare parent widget.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from s3browser.core.s3.connection import BROWSING, Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import ProfileStore
from s3browser.ui.shell.mfa_prompt import MfaPrompter
from s3browser.ui.shell.tasks import TaskRunner
from s3browser.ui.shell.transfer_queue import TransferController

log = logging.getLogger(__name__)

SIGN_IN_KINDS = frozenset({"signin", "expired"})  # failures a new sign-in mends


class AppContext(QObject):
    connection_changed = Signal(object)  # the new Connection
    message_posted = Signal(str)
    error_posted = Signal(str, str)  # one sentence, and the technical detail ("" when none)
    messages_cleared = Signal()
    transfers_requested = Signal()  # something was queued: show the transfer queue
    contents_changed = Signal(list)  # Locations whose direct contents the app created or removed
    wait_posted = Signal(str, object)  # the server is slow to answer: one sentence, and what Stop calls
    wait_cleared = Signal()  # ... and now it answered, or the wait ended
    offer_posted = Signal(str, str, object)  # a failure the user can mend: sentence, button, what it calls
    sign_in_needed = Signal(str)  # a request failed because the sign-in or temporary credentials ended

    def __init__(self, store: ProfileStore, runner: TaskRunner | None = None,
                 dialog_parent: QWidget | None = None) -> None:
        super().__init__(dialog_parent)
        self.store = store
        self.runner = runner or TaskRunner(self)
        self.dialog_parent = dialog_parent  # the parent (and modality anchor) of every dialog
        self.connection: Connection | None = None
        self.connection_options: dict[str, Any] = dict(BROWSING)  # Connection settings (retries, timeouts)
        self.transfers = TransferController(self)
        self.mfa_prompt = MfaPrompter(self, dialog_parent)  # asks for MFA codes for the connection's workers
        self.connection_changed.connect(self.transfers.set_connection)
        self.quit_without_asking = False  # the system asked us to quit (SIGTERM at logout)
        self.resume_without_asking = False  # --resume-transfers
        self.shutting_down = False
        self._sign_in_offered = False  # Sign in again is on show: more failures of that kind add nothing

    def set_connection(self, connection: Connection) -> Connection | None:
        """Make ``connection`` current and tell every listener; returns the previous one."""
        old, self.connection = self.connection, connection
        self.connection_changed.emit(connection)
        return old

    def show_message(self, text: str) -> None:
        self.message_posted.emit(text)

    def show_error(self, text: str, detail: str = "", kind: str = "") -> None:
        """A failure in one sentence (in the banner above the table), never a traceback; the app keeps working.
        A ``kind`` a new sign-in mends is offered *Sign in again* where the connection can sign in."""
        if kind in SIGN_IN_KINDS and self._sign_in_offered:
            log.info("not shown (Sign in again is offered already): %s", text)  # the first sentence says why
            return
        log.warning("error shown: %s%s", text, f" ({detail})" if detail else "")
        self.error_posted.emit(text, detail)
        if kind in SIGN_IN_KINDS:
            self.sign_in_needed.emit(text)

    def show_waiting(self, text: str, stop: Any) -> None:
        """The server has not answered for a while: say so (in the banner, with Stop) until it does."""
        log.info("waiting shown: %s", text)
        self.wait_posted.emit(text, stop)

    def clear_waiting(self) -> None:
        self.wait_cleared.emit()

    def report(self, exc: BaseException, bucket: str | None = None, key: str | None = None) -> None:
        """Show what went wrong in ``exc`` as the error translator words it, with its detail."""
        error = describe(exc, bucket=bucket, key=key)
        self.show_error(error.message, error.detail, error.kind)

    def offer(self, text: str, label: str, action: Any) -> None:
        """Show a failure with the one button that mends it (Sign in again)."""
        log.info("offered %s: %s", label, text)
        self._sign_in_offered = True
        self.offer_posted.emit(text, label, action)

    def offer_gone(self) -> None:
        """The offer was dismissed or taken: a new failure of its kind is shown again."""
        self._sign_in_offered = False

    def clear_messages(self) -> None:
        """The user moved on (another folder, a refresh): old news and old failures go."""
        self._sign_in_offered = False
        self.message_posted.emit("")
        self.messages_cleared.emit()

    def announce_changes(self, *locations: Location) -> None:
        """Tell the views that the app changed what is stored directly under ``locations``."""
        self.contents_changed.emit(list(locations))

    def reveal_transfers(self) -> None:
        self.transfers_requested.emit()

    def shutdown(self) -> None:
        """Stop the transfers, drain the worker pools and close the connection; safe to call twice."""
        if self.shutting_down:
            return
        self.shutting_down = True
        self.mfa_prompt.close()  # a worker waiting for a code gets none, so the pools drain
        self.transfers.shutdown()
        self.runner.shutdown()
        if self.connection is not None:
            self.connection.close()
