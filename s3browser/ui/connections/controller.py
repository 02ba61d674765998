"""Choosing and opening a connection: the Connections dialog, connecting on a worker, remembering.

A connection's client is built on a worker (it may look up a region or read a credentials
file); the context then makes it current, and the navigation, listing and transfer controllers
follow through ``AppContext.connection_changed``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.profiles import SOURCE_ADHOC, SOURCE_DEMO, Profile
from s3browser.core.settings.secrets import Secrets
from s3browser.ui.connections.connect_dialog import ConnectDialog
from s3browser.ui.shell.actions import make_action
from s3browser.ui.shell.context import AppContext
from s3browser.ui.shell.gc_pause import freeze_first_connection
from s3browser.ui.shell.settings import LAST_PROFILE
from s3browser.ui.shell.tasks import Task

if TYPE_CHECKING:
    from s3browser.core.demo import DemoEndpoint

log = logging.getLogger(__name__)



class ConnectionController(QObject):
    connected = Signal()
    # Profiles may have been added or removed: the Connections dialog closed, or a profile for
    # this run (the demo) was added.
    profiles_changed = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self._task: Task | None = None
        self.dialog: ConnectDialog | None = None  # the last Connections dialog opened (tests drive it)
        self.demo: DemoEndpoint | None = None  # started from the first-run screen
        self.connect_action = make_action(self, "&Connections…", self.open_connect_dialog, icon="connect",
                                          shortcut="Ctrl+Shift+O",
                                          tooltip="Manage and choose connections (Ctrl+Shift+O)")

    def open_connect_dialog(self) -> ConnectDialog:
        """Open the profile manager without blocking; returns it (tests drive it)."""
        last = LAST_PROFILE.get()
        dialog = ConnectDialog(self.ctx, selected=last)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.connect_requested.connect(self.connect_profile)
        dialog.finished.connect(lambda _result: self.profiles_changed.emit())
        dialog.open()
        self.dialog = dialog
        return dialog

    def open_new_connection(self) -> ConnectDialog:
        """The Connections dialog with an empty form, ready for a new profile."""
        dialog = self.open_connect_dialog()
        dialog.start_new()
        return dialog

    def open_demo(self) -> None:
        """Start the built-in demo endpoint on a worker, then connect to it (first-run screen)."""
        if self.demo is not None:
            self.connect_profile(self.demo.profile(), self.demo.secrets())
            return
        from s3browser.core.demo import start_demo_endpoint

        self.ctx.show_message("Starting the demo endpoint…")
        self.ctx.runner.run("start demo", start_demo_endpoint, on_result=self.use_demo,
                            on_error=lambda exc: self.ctx.report(exc), owner=self)

    def use_demo(self, demo: DemoEndpoint) -> None:
        """Connect to a started demo endpoint, which this controller stops at :meth:`shutdown`."""
        if self.ctx.shutting_down:
            demo.stop()
            return
        self.demo = demo
        log.info("demo endpoint at %s", demo.endpoint_url)
        self.connect_profile(demo.profile(), demo.secrets())

    def shutdown(self) -> None:
        """Stop the demo endpoint (from --demo or the first-run screen)."""
        if self.demo is not None:
            self.demo.stop()
            self.demo = None

    def connect_profile(self, profile: Profile, secrets: Secrets | None, remember: bool = True) -> None:
        """Build the connection's client on a worker, then make it current.

        A profile for this run only (the demo, a command-line endpoint) is offered again in the
        Connections dialog, but never becomes the one the next start opens."""
        if profile.source in (SOURCE_DEMO, SOURCE_ADHOC):
            self.ctx.store.add_session_profile(profile, secrets)
            remember = False
            self.profiles_changed.emit()
        if self._task is not None:
            self._task.cancel()
        self.ctx.show_message(f"Connecting to {profile.display_name}…")
        self.ctx.mfa_prompt.connection_name = profile.display_name
        store, prompt, options = self.ctx.store, self.ctx.mfa_prompt, self.ctx.connection_options

        def connect() -> Connection:  # on a worker: a role's base is read from the keyring
            return Connection(profile, secrets, mfa_prompt=prompt, base=store.role_base(profile), **options)

        self._task = self.ctx.runner.run(
            f"connect {profile.name}", connect,
            on_result=lambda conn: self.use_connection(conn, remember),
            on_error=lambda exc: self.ctx.report(exc), owner=self)

    def use_connection(self, connection: Connection, remember: bool = False) -> None:
        """Make an open connection current (also used by benchmarks that build one themselves)."""
        self._task = None
        profile = connection.profile
        log.info("connected to %s (%s)", profile.display_name, profile.describe_endpoint())
        if remember:
            LAST_PROFILE.set(profile.name)
        old = self.ctx.set_connection(connection)
        self.ctx.show_message(f"Connected to {profile.display_name}.")
        if old is not None:
            QTimer.singleShot(0, old.close)
        self.connected.emit()
        QTimer.singleShot(0, freeze_first_connection)
