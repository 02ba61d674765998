"""Help → About: the versions a bug report needs and where the logs are, with a button to open them."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from s3browser.core.base.version import __version__
from s3browser.core.settings.dirs import log_dir
from s3browser.ui.shell import icons
from s3browser.ui.shell.desktop import open_log_folder


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def about_facts(keyring_backend: str) -> list[tuple[str, str]]:
    """(label, value) rows shown in About, in order; plain text so they can be copied into a report."""
    return [
        ("s3browser", __version__),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("boto3", _package_version("boto3")),
        ("botocore", _package_version("botocore")),
        ("Keyring", keyring_backend),
        ("Log folder", str(log_dir())),
    ]


class AboutDialog(QDialog):
    def __init__(self, keyring_backend: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About s3browser")
        title = QLabel("<b>s3browser</b> — a desktop file browser for Amazon S3 and S3-compatible stores")
        title.setWordWrap(True)
        logo = QLabel()
        logo.setPixmap(icons.app_icon().pixmap(64, 64))
        logo.setAccessibleName("s3browser logo")
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, value in about_facts(keyring_backend):
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(label)
            form.addRow(f"{label}:", field)
            self.values[label] = field
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_logs_button = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_logs_button.setObjectName("openLogFolder")
        self.open_logs_button.clicked.connect(open_log_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(logo, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)
