"""Read-only AWS profiles and environment credentials work; a refused keyring still lets you connect."""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.backends import fail
from PySide6.QtCore import Qt

from s3browser.core.settings.profiles import ProfileStore
from s3browser.core.settings.secrets import SecretStore
from s3browser.ui.main_window import MainWindow
from tests.conftest import ACCESS_KEY, SECRET_KEY
from tests.ui.conftest import table_names, wait_loaded


def write_aws_files(home: Path, endpoint: str) -> None:
    (home / "aws-config").write_text(
        f"[profile moto]\nregion = us-east-1\nendpoint_url = {endpoint}\n"
        f"[profile admin-role]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = moto\n"
        f"region = us-east-1\nendpoint_url = {endpoint}\n")
    (home / "aws-credentials").write_text(
        f"[moto]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")


def connect_and_list(qtbot, win, profile) -> list[str]:
    with qtbot.waitSignal(win.connections.connected, timeout=10000):
        win.connections.connect_profile(profile, None, remember=False)
    wait_loaded(qtbot, win)
    return table_names(win)


def test_aws_config_profiles_static_and_assume_role_work(qtbot, window, store, s3_admin, s3_endpoint,
                                                         isolated_home: Path) -> None:
    import boto3

    write_aws_files(isolated_home, s3_endpoint)
    iam = boto3.client("iam", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id=ACCESS_KEY,
                       aws_secret_access_key=SECRET_KEY)
    iam.create_role(RoleName="admin", AssumeRolePolicyDocument="{}")
    iam.close()  # its pooled socket would otherwise be closed by the garbage collector, inside a later test
    s3_admin.create_bucket(Bucket="from-aws-config")
    names = [p.name for p in store.profiles()]
    assert names == ["aws:admin-role", "aws:moto"]
    assert connect_and_list(qtbot, window, store.get("aws:moto")) == ["from-aws-config"]
    assert connect_and_list(qtbot, window, store.get("aws:admin-role")) == ["from-aws-config"]
    assert not store.path.exists()  # nothing was copied into our config


def test_environment_credentials_profile(qtbot, window, s3_admin, s3_endpoint, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    s3_admin.create_bucket(Bucket="from-env")
    store = ProfileStore(SecretStore())
    env_profile = store.get("environment")
    assert env_profile.read_only
    assert connect_and_list(qtbot, window, env_profile) == ["from-env"]


def test_refused_keyring_warns_and_still_connects_with_memory_secret(qtbot, s3_admin, s3_endpoint,
                                                                     isolated_home: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = ProfileStore(SecretStore())
        win = MainWindow(store)
        qtbot.addWidget(win)
        win.show()
        s3_admin.create_bucket(Bucket="memory-only")
        qtbot.waitUntil(lambda: "No usable keyring" in win.welcome.secrets_label.text(), timeout=10000)
        assert "keyring, never" not in win.welcome.secrets_label.text(), "never claims a keyring that is not there"
        dialog = win.connections.open_connect_dialog()
        qtbot.waitUntil(dialog.keyring_label.isVisible, timeout=10000)  # the keyring is checked on a worker
        assert "no keyring service is running" in dialog.keyring_label.text()
        assert "gnome-keyring" in dialog.keyring_label.text()
        qtbot.keyClicks(dialog.name_edit, "mem")
        qtbot.keyClicks(dialog.endpoint_edit, s3_endpoint)
        qtbot.keyClicks(dialog.access_key_edit, ACCESS_KEY)
        qtbot.keyClicks(dialog.secret_edit, SECRET_KEY)
        dialog.path_style_check.setChecked(True)
        with qtbot.waitSignal(dialog.saved, timeout=10000):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert "memory for this session only" in dialog.result_label.text()
        assert "stored in the keyring" not in dialog.secret_edit.placeholderText()
        assert dialog.secret_edit.placeholderText().startswith("kept for this session only")
        with qtbot.waitSignal(win.connections.connected, timeout=10000):
            qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        wait_loaded(qtbot, win)
        assert table_names(win) == ["memory-only"]
        for path in isolated_home.rglob("*"):
            if path.is_file():
                assert SECRET_KEY.encode() not in path.read_bytes(), path
        win.shutdown()
    finally:
        keyring.set_keyring(previous)
