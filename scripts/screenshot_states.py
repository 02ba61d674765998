"""Render the states issue 30 changed, on the demo, light or dark.

    PYTHONPATH=. xvfb-run -s "-screen 0 1280x800x24" python scripts/screenshot_states.py OUT_PREFIX [--dark]

Saves OUT_PREFIX-trash.png (the Trash view: a row whose place is taken, one already back, and
the conflict question over it), -delete.png (the delete dialog of an unversioned bucket),
-resume.png (the resume question), -banner.png (the window waiting on a silent server, with
Stop), -table.png (the trash row, a cut row), -shortcuts.png (F1), -properties.png (a change
typed), -versions.png (the note of an unversioned bucket)
and -empty.png (no buckets yet, with New bucket…).
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from s3browser.core.ops.trash import trash_key
from s3browser.core.s3.locations import Location
from s3browser.ui.shell import interaction
from s3browser.ui.shell.conflict_box import ObjectConflictBox
from scripts.screenshot import app_window_and_demo


def main(prefix: str, dark: bool = False) -> int:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    app, window, demo = app_window_and_demo(dark)
    window.resize(1100, 680)
    steps: list = []

    def save(widget: QWidget, name: str) -> None:
        widget.grab().save(f"{prefix}-{name}.png")
        print(f"saved {prefix}-{name}.png")

    def later(ms: int, step) -> None:  # noqa: ANN001
        QTimer.singleShot(ms, step)

    state: dict = {}

    def connected() -> None:
        client = state["client"] = window.ctx.connection.client
        client.put_object(Bucket="demo-documents", Key=trash_key("notes/todo.txt", 1_760_000_000), Body=b"old")
        client.put_object(Bucket="demo-documents", Key="notes/todo.txt", Body=b"a newer upload")
        client.put_object(Bucket="demo-documents", Key=trash_key("README.txt", 1_760_100_000),
                          Body=client.get_object(Bucket="demo-documents", Key="README.txt")["Body"].read())
        window.navigation.navigate(Location("demo-documents", ""))
        later(1500, table)

    def table() -> None:
        model = window.table_model
        names = [model.index(r, 0).data() for r in range(model.rowCount())]
        window.table.selectRow(names.index("README.txt"))
        window.objects.copy_selection(cut=True)
        window.table.clearSelection()
        later(300, lambda: (save(window, "table"), shortcuts()))

    def shortcuts() -> None:
        dialog = window.help.show_shortcuts()
        later(500, lambda: (save(dialog, "shortcuts"), dialog.close(), properties()))

    def properties() -> None:
        model = window.table_model
        names = [model.index(r, 0).data() for r in range(model.rowCount())]
        window.table.selectRow(names.index("README.txt"))
        dialog = window.inspect.open_properties()
        later(1500, lambda: properties_typed(dialog))

    def properties_typed(dialog) -> None:  # noqa: ANN001
        dialog.tabs.setCurrentIndex(1)
        dialog.header_edits["ContentType"].setText("text/markdown")
        dialog.header_edits["ContentType"].textEdited.emit("text/markdown")
        later(300, lambda: (save(dialog, "properties"), dialog.close(), versions()))

    def versions() -> None:
        window.versions.toggle_action.trigger()
        later(1500, lambda: (save(window, "versions"), window.versions.toggle_action.trigger(), trash()))

    def trash() -> None:
        steps.append(window.objects.open_trash_dialog())
        later(1500, trash_question)

    def trash_question() -> None:
        dialog = steps[-1]
        box = ObjectConflictBox(dialog, "Restore onto existing objects?", ["notes/todo.txt"], 1)
        box.show()
        later(300, lambda: (save(dialog, "trash"), save(box, "trash-question"), box.close(), dialog.close(),
                            delete()))

    def delete() -> None:
        window.navigation.navigate(Location("demo-logs", ""))
        later(1200, delete_dialog)

    def delete_dialog() -> None:
        window.table.selectRow(0)
        dialog = window.objects.delete_selected()
        later(4000, lambda: (save(dialog, "delete"), dialog.close(), resume()))

    def resume() -> None:
        asker = interaction.Interaction()
        later(300, lambda: (save(asker.last_box, "resume"), asker.last_box.close()))
        asker.choose_resume(window, "2 transfers were not finished when s3browser last closed (48.0 MiB):\n"
                                    "• upload s3://demo-documents/backup.tar\n• download s3://demo-logs/app.log\n\n"
                                    "Resume them? Uploads continue from the parts already uploaded and large "
                                    "downloads from what was already saved. Later keeps everything and asks again "
                                    "the next time you connect. Discard deletes the uploaded parts from the server "
                                    "and removes the partly downloaded files.")
        later(500, silent)

    def silent() -> None:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        steps.append(server)
        window.listing.answer_watch.timer.setInterval(1000)
        profile = demo.profile()
        from dataclasses import replace
        silent_profile = replace(profile, endpoint_url=f"http://127.0.0.1:{server.getsockname()[1]}",
                                 name="Silent server")
        window.connections.connected.disconnect()
        window.connections.connect_profile(silent_profile, demo.secrets(), remember=False)
        later(2500, lambda: (save(window, "banner"), window.banner.stop_button.click(), empty()))

    def empty() -> None:
        client = demo_client()
        for bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]:
            for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
                client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
            for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
                for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    version = {} if entry.get("VersionId") in (None, "null") else {"VersionId": entry["VersionId"]}
                    client.delete_object(Bucket=bucket, Key=entry["Key"], **version)
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for entry in page.get("Contents", []):
                    client.delete_object(Bucket=bucket, Key=entry["Key"])
            client.delete_bucket(Bucket=bucket)
        window.connections.connect_profile(demo.profile(), demo.secrets(), remember=False)
        later(2000, lambda: (save(window, "empty"), finish()))

    def demo_client():  # noqa: ANN202
        return state["client"]

    def finish() -> None:
        window.shutdown()
        demo.stop()
        app.quit()

    window.connections.connected.connect(lambda: later(800, connected))
    from dataclasses import replace
    window.connections.connect_profile(replace(demo.profile(), soft_delete=False), demo.secrets(), remember=False)
    return app.exec()


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if a != "--dark"]
    sys.exit(main(paths[0] if paths else "states", dark="--dark" in sys.argv[1:]))
