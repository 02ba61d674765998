"""Screenshots of the bucket list's new columns and each tab of the bucket settings dialog, on the demo endpoint.

    xvfb-run -s "-screen 0 1280x800x24" python scripts/bucket_settings_shots.py OUTDIR [--dark]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from s3browser.core.ops.bucket_settings.policy import public_read_template
from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
from screenshot import screenshot_app  # noqa: E402


def main(folder: str, dark: bool = False) -> int:
    app = screenshot_app(dark, "s3browser-bucket-settings-shots")
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

    def then(delay: int, step: Callable[[], object]) -> None:
        QTimer.singleShot(delay, step)

    def bucket_list() -> None:
        save("buckets-1-list")
        model = window.table_model
        for row in range(model.rowCount()):
            if model.index(row, 0).data() == "demo-versioned":
                window.table.selectRow(row)
        dialog = window.bucket_settings.open_settings()
        assert dialog is not None
        tabs = dialog.all_tabs()

        def shoot(index: int) -> None:
            if index == len(tabs):
                dialog.reject()
                window.close()
                return
            tab = tabs[index]
            dialog.show_tab(tab)

            def loaded() -> None:
                if tab is dialog.general:
                    tab.count()
                if tab is dialog.policy:
                    tab.editor.setPlainText(public_read_template(dialog.bucket).replace('"Allow"', '"Allow",,', 1))
                if tab is dialog.lifecycle:
                    tab.add_rule()
                    tab.prefix_edit.setText("logs/")
                    tab.expire.check.setChecked(True)
                    tab.expire.spin.setValue(365)
                    tab._add_transition(90, "GLACIER", edited=True)
                if tab is dialog.cors:
                    tab.add_button.click()
                    tab.views.show_json(True)
                if tab is dialog.tags:
                    tab.tags.add_row("team", "photos")
                    tab.tags.add_row("cost-centre", "4711")
                then(900, lambda: (save(f"buckets-2-{tab.title.lower().replace(' ', '-')}", dialog),
                                   shoot(index + 1)))
            then(900, loaded)
        shoot(0)

    window.connections.connected.connect(lambda: then(1500, bucket_list))
    window.connections.open_demo()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], "--dark" in sys.argv))
