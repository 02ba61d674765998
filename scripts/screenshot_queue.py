"""Render the transfer queue with a done, a skipped and a failed row, and its Details… box, on the demo.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_queue.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-queue.png (the window with the queue: the failed row selected, Details… enabled)
and OUT_PREFIX-details.png (the Details… box of the failed row, its technical detail shown).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.plans import plan_uploads
from s3browser.core.transfers.queue_items import State
from scripts.screenshot import app_window_and_demo


def main(prefix: str, dark: bool = False) -> int:
    app, window, demo = app_window_and_demo(dark)
    folder = Path(tempfile.mkdtemp())
    for name in ("report.pdf", "notes.txt"):
        (folder / name).write_bytes(b"x" * 2048)
    state: dict = {}

    def save(widget, name: str) -> None:  # noqa: ANN001
        widget.grab().save(f"{prefix}-{name}.png")
        print(f"saved {prefix}-{name}.png")

    def connected() -> None:
        conn = window.ctx.connection
        good = plan_uploads(conn, [folder / "report.pdf"], "demo-documents", "")
        window.transfers.add_uploads(good, UploadOptions(overwrite=Overwrite.OVERWRITE))
        gone = plan_uploads(conn, [folder / "notes.txt"], "demo-documents", "")
        gone.bucket = "demo-archive-2019"  # a bucket that is not there (any more)
        window.transfers.add_uploads(gone, UploadOptions(overwrite=Overwrite.OVERWRITE))
        window.transfer_panel.show()
        window.transfer_panel.raise_()
        QTimer.singleShot(3000, shoot_queue)

    def shoot_queue() -> None:
        panel = window.transfer_panel
        failed = next(i for i in window.transfers.model.items if i.state == State.FAILED)
        panel.view.selectRow(failed.row)
        save(window, "queue")
        state["box"] = panel.show_details()
        QTimer.singleShot(300, open_details)

    def open_details() -> None:
        box = state["box"]
        for button in box.findChildren(QPushButton):  # QMessageBox's own "Show Details..." toggle
            if "Details" in button.text():
                button.click()
        QTimer.singleShot(300, shoot_details)

    def shoot_details() -> None:
        save(state["box"], "details")
        state["box"].close()
        window.shutdown()
        demo.stop()
        app.quit()

    window.connections.connected.connect(lambda: QTimer.singleShot(300, connected))
    window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)
    return app.exec()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if a != "--dark"]
    raise SystemExit(main(paths[0] if paths else "queue", dark="--dark" in sys.argv[1:]))
