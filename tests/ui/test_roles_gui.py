"""*Assume a role* on top of another connection, from the connection form (issue 31): saved as names
only, the role's arguments sent, the role shown beside the connection's name, transfers signed with it."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt

from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import Profile
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.queue_items import State
from tests.conftest import ACCESS_KEY, SECRET_KEY
from tests.ui.conftest import table_names, wait_loaded

ROLE = "arn:aws:iam::123456789012:role/team/admin"


def test_a_role_assumed_on_another_connection_from_the_form(qtbot, window, store, sts_standin, s3_admin,
                                                            s3_endpoint, tmp_path: Path) -> None:
    store.save(Profile(name="base", endpoint_url=s3_endpoint, region="us-east-1", access_key_id=ACCESS_KEY,
                       path_style=True), Secrets(SECRET_KEY))
    s3_admin.create_bucket(Bucket="role-bucket")
    dialog = window.connections.open_new_connection()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("role"))
    fields = dialog.role_fields
    assert fields.arn_edit.isVisibleTo(dialog) and not dialog.access_key_edit.isVisibleTo(dialog)
    assert not dialog.sso_url_edit.isVisibleTo(dialog)
    assert [fields.base_combo.itemData(i) for i in range(fields.base_combo.count())] == ["base"]
    qtbot.keyClicks(dialog.name_edit, "admin-role")
    qtbot.keyClicks(fields.arn_edit, "admin")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "arn:aws:iam::123456789012:role/NAME" in dialog.result_label.text(), "one sentence, nothing saved"
    assert not store.path.read_text().count("admin-role")
    fields.arn_edit.setText(ROLE)
    qtbot.keyClicks(fields.external_id_edit, "ext-42")
    qtbot.keyClicks(fields.session_edit, "alice")
    fields.duration_spin.setValue(30)
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = {p["name"]: p for p in json.loads(store.path.read_text())["profiles"]}["admin-role"]
    assert (saved["role_arn"], saved["role_base"], saved["external_id"], saved["duration_seconds"]) == (
        ROLE, "base", "ext-42", 1800)
    assert store.secrets.load("admin-role") is None, "the base keeps the secret; the role keeps names"

    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, window)
    assert "role-bucket" in table_names(window)
    call = sts_standin.calls[-1]
    assert (call["action"], call["role"], call["external_id"], call["session_name"]) == (
        "AssumeRole", ROLE, "ext-42", "alice")
    root = window.tree_model.index(0, 0)
    assert "admin-role — role admin" in root.data()
    assert "(role admin)" in window.windowTitle()

    source = tmp_path / "a.txt"
    source.write_bytes(b"as the role")
    window.transfer_actions.upload_paths([source], Location("role-bucket", ""),
                                         UploadOptions(overwrite=Overwrite.OVERWRITE))
    queue = window.ctx.transfers.queue
    qtbot.waitUntil(lambda: bool(queue.items) and queue.items[0].state == State.DONE, timeout=30000)
    assert len([c for c in sts_standin.calls if c["action"] == "AssumeRole"]) == 1, \
        "the worker signs with the window's role credentials"


def test_a_role_whose_base_is_gone_is_one_sentence(qtbot, window, store, s3_endpoint) -> None:
    store.save(Profile(name="orphan", role_arn=ROLE, role_base="gone"), None)
    window.connections.connect_profile(store.get("orphan"), None, remember=False)
    qtbot.waitUntil(lambda: "that assumes this role is gone" in window.banner.text(), timeout=10000)
