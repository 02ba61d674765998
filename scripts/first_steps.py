"""Render the README's "First steps" pictures from a fresh start, as a new user sees them.

    xvfb-run -s "-screen 0 1280x800x24" python scripts/first_steps.py docs/ [--dark]

Writes first-steps-1-welcome.png (no profile yet: the first-run screen), first-steps-2-demo.png
(Try the demo, then a folder opened: the tree follows) and first-steps-3-local.png (View → Local
files beside the bucket, a download in the queue).  Run it with HOME set to an empty folder, so
no saved profile or window state shows.  QT_SCALE_FACTOR=2 renders them at 200%.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import screenshot_app  # noqa: E402  # the sibling script's app setup


def main(folder: str, dark: bool = False) -> int:
    app = screenshot_app(dark, "s3browser-first-steps")
    out = Path(folder)
    suffix = "-dark" if dark else ""
    window = MainWindow(ProfileStore(SecretStore(), include_aws=False))
    window.resize(1180, 720)
    window.show()

    def save(name: str) -> None:
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        print(f"saved {path}")

    def welcome() -> None:
        save("first-steps-1-welcome")
        window.connections.connected.connect(lambda: QTimer.singleShot(400, open_folder))
        window.welcome.demo_button.click()

    def open_folder() -> None:
        window.navigation.navigate(Location("demo-documents", "reports/2026/q1/"))
        QTimer.singleShot(1500, demo_shown)

    def demo_shown() -> None:
        save("first-steps-2-demo")
        home = Path(tempfile.mkdtemp()) / "Documents"
        (home / "Invoices").mkdir(parents=True)
        (home / "budget.ods").write_bytes(b"x" * 40_000)
        (home / "letter.odt").write_bytes(b"x" * 12_000)
        window.local_panel.show()
        window.local_panel.show_folder(home)
        window.navigation.navigate(Location("demo-photos", "2026/01-january/"))
        QTimer.singleShot(1200, lambda: download(home))

    def download(home: Path) -> None:
        window.table.selectAll()
        window.transfer_actions.download_selected(home / "Invoices")
        QTimer.singleShot(2500, local_shown)

    def local_shown() -> None:
        save("first-steps-3-local")
        window.shutdown()
        app.quit()

    QTimer.singleShot(500, welcome)
    return app.exec()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(args[0] if args else "docs", dark="--dark" in sys.argv))
