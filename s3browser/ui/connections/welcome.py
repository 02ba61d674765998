"""The first-run screen: shown instead of the empty table while there is no connection profile.

A new user sees what the app is and two ways to start: add a connection, or open the built-in
demo (when the ``demo`` extra is installed), instead of an empty window and a form.
"""

from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.shell import icons
from s3browser.ui.shell.tasks import TaskRunner


def demo_available() -> bool:
    """Whether the built-in demo endpoint can start (it needs moto, the ``demo`` extra)."""
    return importlib.util.find_spec("moto") is not None


def secret_storage_sentence(known: bool, refusal: str | None) -> str:
    """Where secret keys go, as it really is on this machine (the keyring's answer may not be in yet)."""
    if not known:
        return "Secret keys go to your system's keyring when it has one, never to a file."
    if refusal:
        return ("No usable keyring was found here, so secret keys are kept in memory for this session only "
                "(you type them again next time), never in a file.")
    return "Secret keys are kept in your system's keyring, never in a file."


class WelcomePanel(QWidget):
    add_requested = Signal()
    demo_requested = Signal()

    _checking: bool  # the keyring check is under way (set in __init__)

    def set_secret_storage(self, known: bool, refusal: str | None) -> None:
        self.secrets_label.setText(secret_storage_sentence(known, refusal))

    def follow_secret_storage(self, secrets: SecretStore, runner: TaskRunner) -> None:
        """Say where secrets go now, and again once the keyring has been checked (on a worker, once)."""
        known, refusal, _name = secrets.peek()  # never waits for the keyring
        self.set_secret_storage(known, refusal)
        if not known and not self._checking:
            self._checking = True
            runner.run("check the keyring", secrets.warm_up, owner=self,
                       on_result=lambda _none: self.set_secret_storage(*secrets.peek()[:2]))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self._checking = False  # the keyring check is under way
        logo = QLabel()
        logo.setPixmap(icons.app_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.title_label = QLabel("Welcome to s3browser")
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text_label = QLabel(
            "Browse, upload, download and sync files in Amazon S3 and any S3-compatible store.\n\n"
            "• Amazon S3: add a connection and leave the endpoint empty, or pick a profile from your "
            "AWS configuration (~/.aws), which is listed by itself once it exists.\n"
            "• MinIO, Ceph, SeaweedFS, Cloudflare R2, Backblaze B2, Wasabi…: add a connection with "
            "the service's endpoint URL and your access key.\n"
            "• Not sure yet? Try the built-in demo: sample buckets held in memory, gone when you quit.")
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        # At most 560 px wide but free to shrink with the window. Centred by stretches, not by an
        # alignment flag: a layout that aligns an item asks for its plain size hint, which for
        # wrapped text is a line short.
        self.text_label.setMaximumWidth(560)
        self.secrets_label = QLabel(secret_storage_sentence(False, None))
        self.secrets_label.setObjectName("secretsNote")
        self.secrets_label.setWordWrap(True)
        self.secrets_label.setMaximumWidth(560)
        self.add_button = QPushButton(icons.icon("connect"), "&Add a connection…")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_requested)
        self.demo_button = QPushButton("Try the &demo")
        self.demo_button.clicked.connect(self.demo_requested)
        self.demo_button.setVisible(demo_available())
        self.demo_button.setToolTip("Starts an S3 server inside s3browser on 127.0.0.1 with sample buckets; "
                                    "it is gone when you quit.")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(logo)
        layout.addSpacing(8)
        layout.addWidget(self.title_label)
        layout.addSpacing(8)
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(self.text_label, 100)
        text_row.addStretch(1)
        layout.addLayout(text_row)
        secrets_row = QHBoxLayout()
        secrets_row.addStretch(1)
        secrets_row.addWidget(self.secrets_label, 100)
        secrets_row.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(secrets_row)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
