"""Render the window at its default size with the local files, preview and transfer panes open.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_panes.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-panes.png and prints which table columns are in view, to check that Name, Size
and Last modified still show when every pane is open.
"""

from __future__ import annotations

import os
import sys
import tempfile

from PySide6.QtCore import QTimer

from s3browser.core.s3.locations import Location
from scripts.screenshot import app_window_and_demo


def main(prefix: str, dark: bool = False) -> int:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # a first start: no saved layout
    app, window, demo = app_window_and_demo(dark)
    window.resize(1100, 680)  # the size a first start opens at

    def connected() -> None:
        window.navigation.navigate(Location("demo-documents", ""))
        window.local_panel.show()
        window.preview_pane.show()
        window.transfer_panel.show()
        window.transfer_panel.raise_()
        QTimer.singleShot(1500, select)

    def select() -> None:
        window.table.selectRow(min(2, window.table_model.rowCount() - 1))
        QTimer.singleShot(1500, shoot)

    def shoot() -> None:
        header = window.table.horizontalHeader()
        shown = window.table.viewport().width()
        for column in range(window.table_model.columnCount()):
            left = header.sectionViewportPosition(column)
            name = window.table_model.headerData(column, header.orientation())
            print(f"column {name}: {left}..{left + header.sectionSize(column)} of {shown}")
        window.grab().save(f"{prefix}-panes.png")
        print(f"saved {prefix}-panes.png")
        window.shutdown()
        demo.stop()
        app.quit()

    window.connections.connected.connect(lambda: QTimer.singleShot(800, connected))
    window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--dark" in sys.argv))
