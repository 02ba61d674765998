"""Render the real main window on the demo endpoint and save a PNG (used for the README).

    xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot.py docs/screenshot.png [--dark]

``--dark`` renders in a dark palette (Fusion style), to check contrast there too.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from s3browser.core.demo import DemoEndpoint, start_demo_endpoint
from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.ui.main_window import MainWindow
from s3browser.ui.shell import icons
from s3browser.ui.shell.colors import sample_dark_palette


def screenshot_app(dark: bool, name: str = "s3browser-screenshot") -> QApplication:
    """The application, light or dark (Fusion), with its settings kept apart under ``name``."""
    QCoreApplication.setOrganizationName(name)
    QCoreApplication.setApplicationName(name)
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(icons.app_icon())
    if dark:
        app.setStyle("Fusion")
        app.setPalette(sample_dark_palette())
    return app


def app_window_and_demo(dark: bool) -> tuple[QApplication, MainWindow, DemoEndpoint]:
    """The application (light, or dark with Fusion), the demo endpoint, and the main window shown."""
    app = screenshot_app(dark)
    demo = start_demo_endpoint()
    window = MainWindow(ProfileStore(SecretStore(), include_aws=False))
    window.resize(1180, 760)
    window.show()
    return app, window, demo


def main(out: str, dark: bool = False) -> int:
    app, window, demo = app_window_and_demo(dark)

    def browse() -> None:
        tree = window.tree_model
        window.navigation.navigate(Location("demo-documents", "notes/"))
        conn_index = tree.connection_index()
        window.tree.expand(conn_index)
        QTimer.singleShot(800, lambda: expand_bucket(conn_index))

    def expand_bucket(conn_index) -> None:  # noqa: ANN001
        docs = window.tree_model.find_child(conn_index, "demo-documents")
        window.tree.expand(docs)
        window.tree.setCurrentIndex(docs)
        window.navigation.navigate(Location("demo-documents", ""))
        # A small upload batch, so the transfer queue shows in the picture.
        folder = Path(tempfile.mkdtemp()) / "holiday photos"
        folder.mkdir()
        for i in range(1, 6):
            (folder / f"IMG_{i:04d}.jpg").write_bytes(os.urandom(150_000 * i))
        window.transfer_actions.upload_paths([folder], Location("demo-documents", ""),
                                             UploadOptions(overwrite=Overwrite.OVERWRITE))
        QTimer.singleShot(2500, shoot)

    def shoot() -> None:
        window.grab().save(out)
        print(f"saved {out}")
        window.shutdown()
        demo.stop()
        app.quit()

    window.connections.connected.connect(lambda: QTimer.singleShot(300, browse))
    window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)
    return app.exec()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if a != "--dark"]
    raise SystemExit(main(paths[0] if paths else "screenshot.png", dark="--dark" in sys.argv[1:]))
