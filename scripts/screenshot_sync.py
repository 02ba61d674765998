"""Render the Sync panel and a sync preview on the demo endpoint and save three PNGs.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_sync.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-panel.png (the window with the Sync panel after a run) and
OUT_PREFIX-preview.png (a two-way preview with uploads and downloads) and OUT_PREFIX-mirror.png
(a mirror to S3 that would delete: deletions in red, the permanent-deletion note).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

from s3browser.core.sync.pairs import PairStore, SyncPair
from s3browser.core.sync.plan import Mode
from scripts.screenshot import app_window_and_demo


def main(prefix: str, dark: bool = False) -> int:
    app, window, demo = app_window_and_demo(dark)
    folder = Path(tempfile.mkdtemp()) / "Notes"
    folder.mkdir()
    for name in ("meeting 2026-11-20.md", "todo.txt", "ideas/app.md", "ideas/garden.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"local copy of {name}\n" * 20)
    state: dict = {}

    def save(widget, name: str) -> None:  # noqa: ANN001
        widget.grab().save(f"{prefix}-{name}.png")
        print(f"saved {prefix}-{name}.png")

    def connected() -> None:
        profile = window.ctx.connection.profile.name
        pair = SyncPair("Notes", profile, str(folder), "demo-documents", "notes/", mode=Mode.TWO_WAY)
        PairStore().save(pair)
        window.sync.reload()
        window.sync_panel.show()
        window.sync_panel.raise_()
        state["preview"] = window.sync.sync_pair(pair)
        QTimer.singleShot(2500, shoot_preview)

    def shoot_preview() -> None:
        preview = state["preview"]
        preview.resize(1000, 560)
        save(preview, "preview")
        preview.start_button.click()
        QTimer.singleShot(4000, shoot_panel)

    def shoot_panel() -> None:
        window.sync_panel.raise_()
        save(window, "panel")
        mirror = SyncPair("Docs mirror", window.ctx.connection.profile.name, str(folder), "demo-documents", "",
                          mode=Mode.MIRROR_TO_S3)
        state["mirror"] = window.sync.sync_pair(mirror)
        QTimer.singleShot(2500, shoot_mirror)

    def shoot_mirror() -> None:
        preview = state["mirror"]
        preview.resize(1000, 560)
        save(preview, "mirror")
        preview.reject()
        window.shutdown()
        demo.stop()
        app.quit()

    window.connections.connected.connect(lambda: QTimer.singleShot(300, connected))
    window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)
    return app.exec()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if a != "--dark"]
    raise SystemExit(main(paths[0] if paths else "sync", dark="--dark" in sys.argv[1:]))
