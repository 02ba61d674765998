"""Screenshots of the "look inside" states on the demo endpoint: preview (picture and text),
properties, versions, search results and folder size.

    xvfb-run -s "-screen 0 1280x800x24" python scripts/inspect_shots.py OUTDIR [--dark]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
from screenshot import screenshot_app  # noqa: E402


def main(folder: str, dark: bool = False) -> int:
    app = screenshot_app(dark, "s3browser-inspect-shots")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "-dark" if dark else ""
    window = MainWindow(ProfileStore(SecretStore(), include_aws=False))
    window.resize(1180, 720)
    window.show()

    def save(name: str, widget: QWidget | None = None) -> None:
        path = out / f"{name}{suffix}.png"
        (widget or window).grab().save(str(path))
        print(f"saved {path}")

    def then(delay: int, step) -> None:  # noqa: ANN001
        QTimer.singleShot(delay, step)

    def select(name: str) -> None:
        model = window.table_model
        for row in range(model.rowCount()):
            if model.index(row, 0).data() == name:
                window.table.selectRow(row)
                return

    def picture() -> None:
        window.navigation.navigate(Location("demo-photos", "2026/01-january/"))
        then(1200, picture_shown)

    def picture_shown() -> None:
        window.table.selectRow(0)
        window.preview_pane.show()
        then(1200, lambda: (save("inspect-1-preview"), text()))

    def text() -> None:
        window.navigation.navigate(Location("demo-documents", "notes/"))
        then(1200, lambda: (select("meeting notes.txt"), then(1200, text_shown)))

    def text_shown() -> None:
        save("inspect-2-preview-text")
        window.preview_pane.hide()
        dialog = window.inspect.open_properties()
        then(1200, lambda: (save("inspect-3-properties", dialog), dialog.tabs.setCurrentIndex(1),
                            then(300, lambda: (save("inspect-3b-properties-headers", dialog), dialog.reject(),
                                               versions()))))

    def versions() -> None:
        window.navigation.navigate(Location("demo-versioned", ""))
        then(800, lambda: (window.versions.toggle_action.setChecked(True), then(1200, versions_shown)))

    def versions_shown() -> None:
        window.versions_view.expandAll()
        window.versions_view.resizeColumnToContents(3)
        then(300, lambda: (save("inspect-4-versions"), undelete()))

    def undelete() -> None:
        dialog = window.versions.undelete([], [""])
        then(1000, lambda: (save("inspect-4b-undelete", dialog), dialog.reject(),
                            window.versions.toggle_action.setChecked(False), thumbnails()))

    def thumbnails() -> None:
        window.thumbnails_action.setChecked(True)
        window.navigation.navigate(Location("demo-photos", "2026/02-february/"))
        then(2000, lambda: (save("inspect-7-thumbnails"), window.thumbnails_action.setChecked(False), search()))

    def search() -> None:
        window.navigation.navigate(Location("demo-documents", ""))
        then(1000, lambda: (window.search_edit.setText("*.md"), window.search.search("*.md"),
                            then(1500, searched)))

    def searched() -> None:
        save("inspect-5-search")
        window.navigation.navigate(Location())
        then(1000, size)

    def size() -> None:
        select("demo-photos")
        dialog = window.inspect.calculate_size()
        then(1500, lambda: (save("inspect-6-size", dialog), dialog.reject(), window.close()))

    window.connections.connected.connect(lambda: then(600, picture))
    window.connections.open_demo()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--dark" in sys.argv))
