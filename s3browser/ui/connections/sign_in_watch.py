"""How long the connection's sign-in lasts, told before it bites; *Sign in again* in place.

For a connection that signs in to IAM Identity Center, the status bar says until when, and which
role in which account is in use; for one whose credentials took an MFA code, until when they last.
Five minutes before the end an Identity Center token is renewed if it can be (on a worker); if not,
and always for MFA, the banner offers *Sign in again* (a new sign-in, or a new code).  The same
offer follows any request that fails because the sign-in or its temporary credentials ended: the
listing and the transfers that failed wait for it, and go on after it (the folder is listed
again; transfers held by the queue are resumed).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.sso_access import SsoTarget, access_token, signed_in_until
from s3browser.ui.connections.sign_in_dialog import SignInDialog, sign_in
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import SIGN_IN_KINDS, AppContext
from s3browser.ui.shell.formatting import format_clock

log = logging.getLogger(__name__)

WARN_SECONDS = 300  # the offer comes this long before the sign-in ends
MAX_TIMER_MS = 2**31 - 1
CREDENTIALS_LOOK_MS = 2000  # how often to look whether the first MFA credentials have come


class SignInWatch(QObject):
    signed_in = Signal()  # signed in again: what failed for want of it can go on

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.target: SsoTarget | None = None
        self.until: datetime | None = None
        self.label = QLabel()
        self.label.setObjectName("signInLabel")
        self.label.setAccessibleName("Sign-in")
        self.label.setVisible(False)
        self.dialog: SignInDialog | None = None
        self._connection: Connection | None = None
        self._renewing = False
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        self._warn_timer.timeout.connect(self._near_the_end)
        self.sign_in_action = make_action(self, "&Sign in again…", self.sign_in_again,
                                          tooltip="Sign in again (IAM Identity Center, or a new MFA code) "
                                                  "for this connection")
        self.sign_in_action.setEnabled(False)
        ctx.connection_changed.connect(self.follow)
        ctx.sign_in_needed.connect(self._offer_after_failure)
        ctx.transfers.sign_in_wanted.connect(self._offer_after_failure)

    # ---------------------------------------------------------------- following the connection
    def follow(self, connection: Connection) -> None:
        self._connection = connection
        self.target = connection.sign_in_target
        self.until = None
        self._warn_timer.stop()
        self.label.setVisible(False)
        self.sign_in_action.setEnabled(connection.can_sign_in)
        self.ctx.transfers.hold_for_sign_in(SIGN_IN_KINDS if connection.can_sign_in else frozenset())
        if self.target is not None:
            self._read_until()
        elif connection.mfa_serial:
            self._read_credentials_end(connection)

    def _read_credentials_end(self, connection: Connection) -> None:
        """When the MFA credentials end, once the first request has asked for the code (this never
        fetches, so it never asks, and never races the listing for the dialog); looked at again soon
        while there are none yet."""
        if connection is not self._connection or self.until is not None:
            return

        def known(until: datetime | None) -> None:
            if until is None:
                QTimer.singleShot(CREDENTIALS_LOOK_MS, lambda: self._read_credentials_end(connection))
            else:
                self._show_credentials_until(connection, until)

        self.ctx.runner.run("read the credentials", connection.credentials_end, False, owner=self.label,
                            on_result=known, on_error=lambda _exc: None)

    def _show_credentials_until(self, connection: Connection, until: datetime | None) -> None:
        if connection is not self._connection or until is None:
            return
        self.until = until
        self.label.setText(f"Credentials until {format_clock(until.timestamp())}")
        self.label.setToolTip(f"Temporary credentials made with a code from the MFA device {connection.mfa_serial}")
        self.label.setVisible(True)
        self._warn_timer.stop()
        wait = until.timestamp() - WARN_SECONDS - time.time()
        self._warn_timer.start(int(min(max(wait, 0) * 1000, MAX_TIMER_MS)))

    def _read_until(self) -> None:
        target = self.target
        if target is None:
            return
        self.ctx.runner.run("read the sign-in", signed_in_until, target, owner=self.label,
                            on_result=lambda until: self._show_until(target, until), on_error=lambda _exc: None)

    def _show_until(self, target: SsoTarget, until: datetime | None) -> None:
        if target is not self.target:
            return  # another connection since
        self.until = until
        role = f"{target.role_name} in account {target.account_id}" if target.role_name else "no role chosen"
        if until is None or until.timestamp() <= time.time():
            self.label.setText("Not signed in")
        else:
            self.label.setText(f"Signed in until {format_clock(until.timestamp())}")
        self.label.setToolTip(f"IAM Identity Center at {target.start_url}: {role}")
        self.label.setVisible(True)
        self._warn_timer.stop()
        if until is not None:
            wait = until.timestamp() - WARN_SECONDS - time.time()
            self._warn_timer.start(int(min(max(wait, 0) * 1000, MAX_TIMER_MS)))

    def _near_the_end(self) -> None:
        """Renew the token if it can be (on a worker); else offer to sign in again before it ends."""
        target = self.target
        if target is None:
            if self._connection is not None and self._connection.mfa_serial:
                self._offer_mfa_before_the_end(self._connection)
            return

        def renew() -> datetime | None:
            access_token(target)
            return signed_in_until(target)

        def renewed(until: datetime | None) -> None:
            if until is not None and until.timestamp() > time.time() + WARN_SECONDS:
                self._show_until(target, until)
            else:
                self._offer_before_the_end(target, until)

        self.ctx.runner.run("renew the sign-in", renew, owner=self.label, on_result=renewed,
                            on_error=lambda _exc: self._offer_before_the_end(target, self.until))

    def _offer_before_the_end(self, target: SsoTarget, until: datetime | None) -> None:
        if target is not self.target:
            return
        if until is not None and until.timestamp() > time.time():
            text = f"Your IAM Identity Center sign-in ends at {format_clock(until.timestamp())}."
        else:
            text = "Your IAM Identity Center sign-in has ended."
        self.ctx.offer(text, "Sign in again…", self.sign_in_again)

    def _offer_mfa_before_the_end(self, connection: Connection) -> None:
        if connection is not self._connection or self.until is None:
            return
        if self.until.timestamp() > time.time():
            text = f"The temporary credentials of this connection end at {format_clock(self.until.timestamp())}."
        else:
            text = "The temporary credentials of this connection have ended."
        self.ctx.offer(text + " Sign in again with a new code from your MFA device.", "Sign in again…",
                       self.sign_in_again)

    def _offer_after_failure(self, message: str) -> None:
        if self._connection is not None and self._connection.can_sign_in:
            self.ctx.offer(message, "Sign in again…", self.sign_in_again)

    # ---------------------------------------------------------------- signing in again
    def sign_in_again(self) -> None:
        self.ctx.offer_gone()  # what fails from here on is told again
        target = self.target
        if target is None:
            self._renew_mfa()
            return
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        self.dialog = sign_in(self.ctx, target, self.ctx.dialog_parent,
                              lambda until: self._signed_in(target, until))
        self.dialog.finished.connect(self._dialog_closed)

    def _renew_mfa(self) -> None:
        """New MFA credentials: the code is asked for (the dialog opens from the worker's request)."""
        connection = self._connection
        if connection is None or not connection.mfa_serial or self._renewing:
            return
        self._renewing = True

        def renewed(until: datetime | None) -> None:
            self._renewing = False
            if connection is not self._connection:
                return
            self._show_credentials_until(connection, until)
            self._went_on(f"Signed in; the credentials last until {format_clock(until.timestamp())}."
                          if until is not None else "Signed in.")

        def failed(exc: BaseException) -> None:
            self._renewing = False
            self.ctx.offer_gone()  # the answer to the user's own Sign in again is always told, over older news
            self.ctx.report(exc)

        self.ctx.runner.run("sign in again", connection.renew_credentials, owner=self.label,
                            on_result=renewed, on_error=failed)

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None

    def _signed_in(self, target: SsoTarget, until: datetime) -> None:
        log.info("signed in again at %s", target.start_url)
        self._show_until(target, until)
        self._went_on(f"Signed in until {format_clock(until.timestamp())}.")

    def _went_on(self, news: str) -> None:
        """What waited for the sign-in goes on: the folder is listed again, held transfers resume."""
        self.ctx.clear_messages()
        self.signed_in.emit()
        self.ctx.transfers.resume_after_sign_in()
        self.ctx.show_message(news)
