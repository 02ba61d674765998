"""Render a big listing being sorted on a worker (issue 32), light or dark.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_big_listing.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-sorting.png (a million synthetic rows, a row selected, the status bar saying
"sorting…" while the order is made on a worker, held there for the picture) and -sorted.png (the
same selection after the sort by size is swapped in).
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer

from s3browser.core.s3.locations import Location
from s3browser.ui.browsing import object_table
from s3browser.ui.browsing.object_table import COL_SIZE
from scripts.screenshot import app_window_and_demo
from tests.benchmarks.probes import synthetic_pages


def main(prefix: str, dark: bool = False) -> int:
    app, window, demo = app_window_and_demo(dark)  # connected to the demo, then fed synthetic rows
    window.resize(1100, 680)
    gate = threading.Event()
    real = object_table.compute_order

    def held(request, should_stop):  # noqa: ANN001, ANN202
        gate.wait(30)
        return real(request, should_stop)

    object_table.iter_pages = synthetic_pages(1_000_000)
    model = window.table_model

    def connected() -> None:
        model.remote_listing = None  # the synthetic rows are made here, not listed by the worker
        window.navigation.navigate(Location("synthetic", "data/"))
        QTimer.singleShot(500, loaded)

    window.connections.connected.connect(lambda: QTimer.singleShot(300, connected))
    window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)

    def loaded() -> None:
        if model.is_loading or model.ordering:
            QTimer.singleShot(200, loaded)
            return
        row = 12
        flags = QItemSelectionModel.SelectionFlag
        window.table.selectionModel().setCurrentIndex(model.index(row, 0), flags.ClearAndSelect | flags.Rows)
        object_table.compute_order = held
        window.table.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)
        QTimer.singleShot(400, sorting)

    def sorting() -> None:
        window.grab().save(f"{prefix}-sorting.png")
        print(f"saved {prefix}-sorting.png")
        gate.set()
        QTimer.singleShot(1500, sorted_)

    def sorted_() -> None:
        window.table.scrollTo(window.table.currentIndex())
        window.grab().save(f"{prefix}-sorted.png")
        print(f"saved {prefix}-sorted.png")
        window.shutdown()
        app.quit()

    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], "--dark" in sys.argv[2:]))
