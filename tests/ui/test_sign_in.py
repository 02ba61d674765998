"""Signing in to IAM Identity Center in the window: the form, the code dialog, the pickers, the expiry
offer, and a listing and an upload that go on after *Sign in again* (issue 31)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from s3browser.core.s3.locations import Location
from s3browser.core.settings.profiles import Profile
from s3browser.core.settings.sso_login import token_cache_dir
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.queue_items import State
from s3browser.ui.connections import sign_in_dialog
from s3browser.ui.connections.sign_in_dialog import SignInDialog
from s3browser.ui.connections.sso_pickers import AccountRoleDialog
from tests.core.test_sso_access import START_URL, end_the_cached_sign_in, sign_in, sso_profile
from tests.support.sso_standin import SsoStandIn
from tests.ui.conftest import table_names, wait_loaded


@pytest.fixture
def browser(monkeypatch) -> list[str]:
    """The pages the app asked the desktop's browser to open (none is opened)."""
    opened: list[str] = []
    monkeypatch.setattr(sign_in_dialog, "open_web_page", lambda url: opened.append(url) or True)
    return opened


def top_dialog(kind: type):
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def test_a_new_identity_center_connection_signs_in_in_the_window_and_saves_only_names(
        qtbot, window, sso_standin: SsoStandIn, browser: list[str], store) -> None:
    dialog = window.connections.open_new_connection()
    assert dialog.access_key_edit.isVisibleTo(dialog) and not dialog.sso_url_edit.isVisibleTo(dialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("sso"))
    assert not dialog.access_key_edit.isVisibleTo(dialog) and not dialog.secret_edit.isVisibleTo(dialog)
    assert dialog.sso_url_edit.isVisibleTo(dialog) and dialog.sign_in_button.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.name_edit, "work")
    qtbot.keyClicks(dialog.sso_url_edit, "example.awsapps.com/start")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert "https://" in dialog.result_label.text(), "a start URL without https:// is one sentence"
    dialog.sso_url_edit.setText(START_URL)
    qtbot.keyClicks(dialog.sso_region_edit, "eu-west-1")
    sso_standin.answers = ["pending"]
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: top_dialog(SignInDialog) is not None, timeout=10000)
    signing = top_dialog(SignInDialog)
    qtbot.waitUntil(lambda: signing.code_label.text() == "ABCD-EFGH", timeout=10000)
    assert browser == ["https://device.sso.example/?user_code=ABCD-EFGH"], "the approval page opened"
    assert "https://device.sso.example/" in signing.page_label.text()
    qtbot.mouseClick(signing.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "ABCD-EFGH"

    qtbot.waitUntil(lambda: top_dialog(AccountRoleDialog) is not None, timeout=15000)
    picker = top_dialog(AccountRoleDialog)
    qtbot.waitUntil(lambda: picker.account_list.count() == 2 and picker.role_list.count() > 0, timeout=10000)
    assert [picker.account_list.item(r).text() for r in range(2)] == ["Production (111122223333)",
                                                                      "Sandbox (444455556666)"]
    picker.account_list.setCurrentRow(1)
    qtbot.waitUntil(lambda: [picker.role_list.item(r).text() for r in range(picker.role_list.count())]
                    == ["Developer"], timeout=10000)
    qtbot.keyClick(picker.role_list, Qt.Key.Key_Return)  # Enter takes the highlighted role
    qtbot.waitUntil(lambda: not picker.isVisible(), timeout=5000)
    assert dialog.sso_choice_label.text() == "Developer in account 444455556666"
    assert "Signed in until" in dialog.result_label.text()

    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = json.loads(store.path.read_text())["profiles"][0]
    assert (saved["sso_start_url"], saved["sso_region"], saved["sso_account_id"], saved["sso_role_name"]) == (
        START_URL, "eu-west-1", "444455556666", "Developer")
    assert "access-token-value" not in store.path.read_text() and store.secrets.load("work") is None
    assert any("access-token-value" in p.read_text() for p in token_cache_dir().glob("*.json")), \
        "the token is in the AWS CLI's cache"


def test_cancel_and_esc_stop_the_wait_and_enter_presses_nothing(qtbot, window, sso_standin, browser) -> None:
    from s3browser.core.settings.sso_access import SsoTarget

    sso_standin.answers = ["pending"] * 1000
    dialog = SignInDialog(window.ctx, SsoTarget(START_URL, "eu-west-1", "corp"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.code_label.text() == "ABCD-EFGH", timeout=10000)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0, "Enter is no button here"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    polls = len([r for r in sso_standin.requests if r[0] == "/token"])
    qtbot.wait(2500)
    assert len([r for r in sso_standin.requests if r[0] == "/token"]) <= polls + 1, "the wait stopped"
    assert not any("accessToken" in p.read_text() for p in token_cache_dir().glob("*.json"))


def test_a_denied_sign_in_is_one_sentence_and_can_be_tried_again(qtbot, window, sso_standin, browser) -> None:
    from s3browser.core.settings.sso_access import SsoTarget

    sso_standin.answers = ["denied"]
    dialog = SignInDialog(window.ctx, SsoTarget(START_URL, "eu-west-1", "corp"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "denied" in dialog.status_label.text(), timeout=10000)
    assert dialog.again_button.isVisible() and not dialog.copy_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        qtbot.mouseClick(dialog.again_button, Qt.MouseButton.LeftButton)
    assert dialog.signed_in_until is not None


def connect_sso(qtbot, window, profile: Profile) -> None:
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(profile, None, remember=False)
    wait_loaded(qtbot, window)


def sign_in_from_the_banner(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.banner.action_button.isVisible(), timeout=15000)
    assert window.banner.action_button.text() == "Sign in again…"
    qtbot.mouseClick(window.banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: top_dialog(SignInDialog) is not None, timeout=10000)
    qtbot.waitUntil(lambda: top_dialog(SignInDialog) is None, timeout=15000)


def test_the_status_bar_says_until_when_and_a_listing_goes_on_after_signing_in_again(
        qtbot, window, sso_standin, browser, s3_admin, s3_endpoint) -> None:
    s3_admin.create_bucket(Bucket="sso-bucket")
    sso_standin.credential_seconds = 120  # inside botocore's refresh window: renewed before every request
    profile = sso_profile(s3_endpoint)
    connect_sso(qtbot, window, profile)
    assert "has ended or was never made" in window.banner.text(), "not signed in yet: one sentence"
    sign_in_from_the_banner(qtbot, window)
    wait_loaded(qtbot, window)
    assert "sso-bucket" in table_names(window), "the listing went on after signing in"
    label = window.sign_in_watch.label
    qtbot.waitUntil(lambda: label.text().startswith("Signed in until"), timeout=5000)
    assert label.isVisible() and "ReadOnly in account 111122223333" in label.toolTip()
    assert window.sign_in_watch.sign_in_action.isEnabled()

    # The sign-in ends while browsing: the refresh fails as "sign in again", and goes on after it.
    end_the_cached_sign_in()
    window.navigation.refresh()
    wait_loaded(qtbot, window)
    sign_in_from_the_banner(qtbot, window)
    wait_loaded(qtbot, window)
    assert "sso-bucket" in table_names(window) and not window.banner.isVisible()


def test_the_offer_comes_before_the_sign_in_ends(qtbot, window, sso_standin, browser, s3_endpoint) -> None:
    from s3browser.ui.connections import sign_in_watch

    profile = sso_profile(s3_endpoint, sso_start_url="https://legacy.awsapps.com/start")
    target = window.sign_in_watch  # noqa: F841 - the watch under test
    from s3browser.core.settings.sso_access import sso_target

    resolved = sso_target(profile)
    assert resolved is not None
    sign_in(resolved)
    sign_in_watch.WARN_SECONDS = 8 * 3600  # the token (eight hours) is "near its end" at once
    try:
        connect_sso(qtbot, window, profile)
        qtbot.waitUntil(lambda: window.banner.action_button.isVisible(), timeout=15000)
    finally:
        sign_in_watch.WARN_SECONDS = 300
    assert "Your IAM Identity Center sign-in ends at" in window.banner.text()


def test_an_upload_waits_for_the_sign_in_and_finishes_after_it(
        qtbot, window, sso_standin, browser, s3_admin, s3_endpoint, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="sso-up")
    profile = sso_profile(s3_endpoint)
    target = sign_in_target(profile)
    sign_in(target)
    connect_sso(qtbot, window, profile)  # the window's credentials last an hour: it plans the upload
    # The worker's last two minutes, so every request renews them and meets the ended sign-in.
    sso_standin.credential_seconds = 120
    end_the_cached_sign_in()
    source = tmp_path / "report.txt"
    source.write_bytes(b"quarterly numbers\n")
    window.transfer_actions.upload_paths([source], Location("sso-up", ""), UploadOptions(overwrite=Overwrite.OVERWRITE))
    queue = window.ctx.transfers.queue
    qtbot.waitUntil(lambda: bool(queue.items) and queue.items[0].state == State.PAUSED, timeout=30000)
    assert queue.items[0].error_kind == "signin" and "sign in again" in queue.items[0].error
    sign_in_from_the_banner(qtbot, window)
    qtbot.waitUntil(lambda: queue.items[0].state == State.DONE, timeout=30000)
    assert s3_admin.get_object(Bucket="sso-up", Key="report.txt")["Body"].read() == b"quarterly numbers\n"

    # Secrets stay secret: not in the saved queue, the settings, the logs, nor a worker's command line.
    window.ctx.transfers.save_queue()
    qtbot.wait(500)
    secrets = [b"access-token-value", b"refresh-token-value", b"role-secret-", b"role-session-token-"]
    home = Path(isolated_home_of(window))
    for path in home.rglob("*"):
        if path.is_file() and ".aws" not in path.parts:
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), f"a secret in {path}"
    workers = window.ctx.transfers.queue.engines.current._workers  # noqa: SLF001 - the live processes
    assert workers, "the upload ran in a worker process"
    for worker in workers:
        cmdline = Path(f"/proc/{worker.process.pid}/cmdline").read_bytes()
        assert not any(secret in cmdline for secret in secrets) and b"secret" not in cmdline


def sign_in_target(profile: Profile):
    from s3browser.core.settings.sso_access import sso_target

    target = sso_target(profile)
    assert target is not None
    return target


def test_the_pickers_ok_waits_for_a_role(qtbot, window, sso_standin) -> None:
    from s3browser.core.settings.sso_access import SsoTarget

    target = SsoTarget(START_URL, "eu-west-1", "corp")
    sign_in(target)
    sso_standin.accounts["777788889999"] = ("Empty", [])
    picker = AccountRoleDialog(window.ctx, target)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.account_list.count() == 3, timeout=10000)
    picker.account_list.setCurrentRow(0)  # "Empty" sorts first
    qtbot.waitUntil(lambda: "may not take any role" in picker.status_label.text(), timeout=10000)
    assert not picker.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    qtbot.keyClick(picker, Qt.Key.Key_Escape)
    assert not picker.isVisible()


def test_the_link_dialog_says_the_credentials_cut_the_validity(qtbot, window, sso_standin, s3_admin,
                                                                s3_endpoint) -> None:
    from s3browser.ui.browsing.presign_dialog import PresignDialog

    s3_admin.create_bucket(Bucket="share")
    s3_admin.put_object(Bucket="share", Key="a.txt", Body=b"a")
    profile = sso_profile(s3_endpoint)
    sign_in(sign_in_target(profile))
    connect_sso(qtbot, window, profile)
    dialog = PresignDialog(window.ctx, window.ctx.connection, "share", "a.txt")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount_spin.setValue(7)
    dialog.unit_combo.setCurrentText("days")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "valid only until" in dialog.status_label.text(), timeout=10000)
    assert "temporary credentials" in dialog.status_label.text()
    assert "X-Amz-Expires=3" in dialog.link_edit.text(), "capped to the hour the role's credentials live"


def isolated_home_of(_window) -> str:
    import os

    return os.environ["HOME"]


def test_an_aws_config_sso_profile_signs_in_from_connections_and_from_the_banner(
        qtbot, window, store, sso_standin, browser, s3_admin, s3_endpoint, isolated_home: Path) -> None:
    (isolated_home / "aws-config").write_text(
        f"[profile corp-dev]\nsso_session = corp\nsso_account_id = 444455556666\nsso_role_name = Developer\n"
        f"region = us-east-1\nendpoint_url = {s3_endpoint}\n\n"
        f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n")
    s3_admin.create_bucket(Bucket="corp-bucket")
    profile = store.get("aws:corp-dev")
    assert profile is not None
    connect_sso(qtbot, window, profile)  # not signed in: botocore's own SSO provider says so
    sign_in_from_the_banner(qtbot, window)
    wait_loaded(qtbot, window)
    assert "corp-bucket" in table_names(window)
    assert "Developer in account 444455556666" in window.tree_model.index(0, 0).data()

    end_the_cached_sign_in()
    dialog = window.connections.open_connect_dialog()
    items = [dialog.profile_list.item(i) for i in range(dialog.profile_list.count())]
    dialog.profile_list.setCurrentItem(next(i for i in items if "corp-dev" in i.text()))
    qtbot.waitUntil(dialog.aws_sign_in_button.isVisible, timeout=10000)
    qtbot.mouseClick(dialog.aws_sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: top_dialog(SignInDialog) is not None, timeout=10000)
    qtbot.waitUntil(lambda: "Signed in until" in dialog.result_label.text(), timeout=15000)
    assert top_dialog(AccountRoleDialog) is None, "an AWS-config profile names its own account and role"
