"""Bucket settings against SeaweedFS and rclone serve s3: what each server keeps round-trips, and
what it lacks reads as "unsupported", never as an error or a false success.

SeaweedFS has no public access block (501 NotImplemented).  rclone serve s3 ignores the bucket
sub-resources: it answers GETs as if they were listings and takes every PUT for CreateBucket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from s3browser.core.ops.bucket_settings import (
    CorsRule,
    DefaultEncryption,
    LifecycleRule,
    PublicAccessBlock,
    get_bucket_tags,
    get_cors,
    get_encryption,
    get_lifecycle,
    get_policy,
    get_public_access_block,
    get_versioning,
    set_bucket_tags,
    set_cors,
    set_encryption,
    set_lifecycle,
    set_policy,
    set_public_access_block,
    set_versioning,
)
from s3browser.core.ops.bucket_settings.policy import account_read_template
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.ui.bucket_settings.tab import UNSUPPORTED
from tests.integration.conftest import server_profile
from tests.ui.conftest import answers, wait_loaded  # noqa: F401 - scripted questions, never a real box

ALL = {"versioning", "encryption", "tags", "cors", "policy", "lifecycle", "public_access"}
UNSUPPORTED_ON = {"seaweedfs": {"public_access"}, "rclone": ALL}


@pytest.fixture
def conn(real_server):
    connection = Connection(*server_profile(real_server))
    yield connection
    connection.close()


def settings(bucket: str) -> dict[str, tuple[Callable[..., Any], Callable[..., Any], Any, Callable[[Any], Any]]]:
    """setting -> (set, get, value, what get should give back for it)."""
    policy = account_read_template(bucket)  # a deny-without-TLS policy would lock this plain-HTTP test out
    lifecycle = [LifecycleRule("tmp", True, "tmp/", expire_days=7)]
    return {
        "versioning": (set_versioning, get_versioning, True, lambda got: got.status == "Enabled"),
        "encryption": (set_encryption, get_encryption, DefaultEncryption("AES256"),
                       lambda got: got.algorithm == "AES256"),
        "tags": (set_bucket_tags, get_bucket_tags, {"team": "blue"}, lambda got: got == {"team": "blue"}),
        "cors": (set_cors, get_cors, [CorsRule(["https://a.example"], ["GET"])],
                 lambda got: [(r.origins, r.methods) for r in got] == [(["https://a.example"], ["GET"])]),
        "policy": (set_policy, get_policy, policy, lambda got: got.replace(" ", "") == policy.replace(" ", "")),
        "lifecycle": (set_lifecycle, get_lifecycle, lifecycle,
                      lambda got: [(r.rule_id, r.prefix, r.expire_days) for r in got] == [("tmp", "tmp/", 7)]),
        "public_access": (set_public_access_block, get_public_access_block, PublicAccessBlock(True, True, True, True),
                          lambda got: got.all_on),
    }


def test_each_setting_round_trips_or_reads_as_unsupported(conn, bucket, real_server) -> None:
    unsupported = set()
    for name, (write, read, value, matches) in settings(bucket).items():
        try:
            sentence = write(conn, bucket, value)
        except Exception as exc:  # noqa: BLE001 - the translator decides what it was
            error = describe(exc, bucket=bucket)
            assert error.kind == "unsupported", (name, error)
            unsupported.add(name)
            continue
        assert bucket in sentence
        assert matches(read(conn, bucket)), name
    assert unsupported == UNSUPPORTED_ON[real_server.name]


def test_settings_dialog_on_a_real_server(qtbot, window, real_server, bucket) -> None:
    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        window.connections.connect_profile(*server_profile(real_server), remember=False)
    wait_loaded(qtbot, window)
    dialog = window.bucket_settings.open_settings(bucket)
    general = dialog.general
    qtbot.waitUntil(lambda: general.loaded, timeout=15000)
    assert general.fields["region"].text() == "us-east-1"
    tab = dialog.public_access if real_server.name == "seaweedfs" else dialog.tags
    dialog.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded or tab.unsupported, timeout=15000)
    if real_server.name == "seaweedfs":
        assert tab.unsupported and tab.state_label.text() == UNSUPPORTED
        versioning = dialog.versioning
        dialog.show_tab(versioning)
        qtbot.waitUntil(lambda: versioning.loaded, timeout=15000)
        versioning.enable_radio.setChecked(True)
        with qtbot.waitSignal(versioning.applied, timeout=15000):
            qtbot.mouseClick(versioning.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: versioning.loaded and versioning.status_label.text() == "Now: Enabled",
                        timeout=15000)
    else:  # rclone reads an empty tag set, then refuses the write: said plainly, the edit kept
        tab.tags.add_row("team", "blue")
        qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab._task is None and tab.state_label.text() != "Saving…", timeout=15000)
        assert tab.state_label.text() == f"{UNSUPPORTED} Nothing was changed." and tab.dirty
    dialog.reject()
