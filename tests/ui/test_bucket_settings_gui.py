"""Bucket settings through the real window and dialog, against the moto server: every tab set,
reloaded and compared; invalid input refused before any request; an unsupported setting and an
access denial each confined to its own tab; the bucket list's region, date and versioning badge."""

from __future__ import annotations

import json
import logging

import pytest
from botocore.exceptions import ClientError
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from s3browser.core.ops.bucket_settings.policy import TEMPLATES
from s3browser.core.s3.locations import Location
from s3browser.core.settings.secrets import Secrets
from s3browser.ui.browsing.object_table import BUCKET_HEADERS, COL_CLASS, COL_NAME, COL_SIZE
from s3browser.ui.bucket_settings.tab import UNSUPPORTED, SettingsTab
from s3browser.ui.shell.code_editor import CodeEditor
from tests.conftest import SECRET_KEY, _profile
from tests.support.fault_proxy import s3_error
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_drag_out import select_names


def open_settings(qtbot, win, bucket: str):  # noqa: ANN201 - the dialog
    """Select ``bucket`` at the bucket list and press Alt+Enter, as a user would."""
    if win.listing.location.bucket:
        win.navigation.navigate(Location())
        wait_loaded(qtbot, win)
    win.table.clearSelection()
    indexes = select_names(win, [bucket])
    win.table.setCurrentIndex(indexes[0])
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Return, Qt.KeyboardModifier.AltModifier)
    dialog = win.bucket_settings.dialog
    assert dialog is not None and dialog.bucket == bucket
    return dialog  # a child of the window: closed with it


def click(qtbot, button) -> None:  # noqa: ANN001
    """Click a check box or radio button on its indicator (its centre may lie past the label's end)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def show(qtbot, dialog, tab: SettingsTab) -> SettingsTab:
    dialog.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded or tab.unsupported or tab.retry_button.isVisible(), timeout=10000)
    return tab


def apply(qtbot, tab: SettingsTab) -> None:
    """Click Apply and wait until the tab has read the setting back from the server."""
    assert tab.apply_button.isEnabled(), tab.problem_label.text() or tab.state_label.text()
    with qtbot.waitSignal(tab.applied, timeout=10000):
        qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.loaded and tab._task is None and not tab.dirty, timeout=10000)


def reopened(qtbot, win, dialog, tab_name: str) -> SettingsTab:
    """Close the dialog and open a fresh one: what the server stored, not what the widgets kept."""
    bucket = dialog.bucket
    dialog.close()
    fresh = open_settings(qtbot, win, bucket)
    return show(qtbot, fresh, getattr(fresh, tab_name))


@pytest.fixture
def bucket_window(qtbot, connected, s3_admin):
    s3_admin.create_bucket(Bucket="settings")
    connected.navigation.refresh()
    wait_loaded(qtbot, connected)
    return connected


# ---------------------------------------------------------------------------- bucket list

def test_bucket_list_shows_region_date_and_versioning_badge(qtbot, qtmodeltester, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="plain")
    s3_admin.create_bucket(Bucket="kept")
    s3_admin.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
    s3_admin.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    win.navigation.refresh()
    wait_loaded(qtbot, win)
    model = win.table_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == list(BUCKET_HEADERS)
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    qtbot.waitUntil(lambda: model.index(rows["plain"], COL_CLASS).data() == "Off", timeout=10000)
    assert model.index(rows["kept"], COL_CLASS).data() == "Enabled"
    assert model.index(rows["euro"], COL_SIZE).data() == "eu-west-1"
    assert model.index(rows["plain"], COL_SIZE).data() == "us-east-1"
    assert model.index(rows["plain"], 2).data()  # the creation date
    badge = model.index(rows["kept"], COL_NAME).data(Qt.ItemDataRole.DecorationRole).pixmap(32, 32).toImage()
    plain = model.index(rows["plain"], COL_NAME).data(Qt.ItemDataRole.DecorationRole).pixmap(32, 32).toImage()
    corner = QColor(badge.pixel(24, 24))
    assert corner.blue() > 150 and corner.red() < 80, corner.name()  # the blue badge, bottom right
    assert QColor(plain.pixel(24, 24)).red() > 150  # no badge: the bucket's own red
    assert model.index(rows["kept"], COL_CLASS).data(Qt.ItemDataRole.DecorationRole) is None  # the name only
    win.table.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)  # by region
    assert model.index(0, COL_SIZE).data() == "us-east-1"
    assert model.index(model.rowCount() - 1, COL_SIZE).data() == "eu-west-1"
    qtmodeltester.check(model, force_py=True)
    win.navigation.navigate(Location("plain", ""))
    wait_loaded(qtbot, win)
    assert model.headerData(COL_SIZE, Qt.Orientation.Horizontal) == "Size"


# ---------------------------------------------------------------------------- the tabs

def test_general_tab_facts_and_counting(qtbot, bucket_window, s3_admin) -> None:
    for i in range(3):
        s3_admin.put_object(Bucket="settings", Key=f"f{i}.txt", Body=b"x" * 1000)
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.general)
    assert dialog.tabs.currentWidget() is dialog.general and not tab.apply_button.isVisible()
    assert tab.fields["region"].text() == "us-east-1"
    assert tab.fields["created"].text() not in ("", "Unknown")
    assert tab.fields["object_lock"].text().startswith("Off")
    assert tab.fields["requester_pays"].text().startswith("No")
    assert tab.size_label.text() == "Not counted yet."  # only on request
    qtbot.mouseClick(tab.count_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.size_label.text().startswith("3 objects"), timeout=10000)
    assert "so far" not in tab.size_label.text()


def test_versioning_round_trip_logged_and_badged(qtbot, bucket_window, s3_admin, caplog) -> None:
    caplog.set_level(logging.INFO, logger="s3browser")
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.versioning)
    assert tab.status_label.text() == "Now: Never enabled" and not tab.apply_button.isEnabled()
    assert "MFA delete: disabled" in tab.mfa_label.text()
    click(qtbot, tab.suspend_radio)
    assert not tab.apply_button.isEnabled() and "never enabled" in tab.problem_label.text()
    click(qtbot, tab.enable_radio)
    assert s3_admin.get_bucket_versioning(Bucket="settings").get("Status") is None  # nothing sent yet
    apply(qtbot, tab)
    assert s3_admin.get_bucket_versioning(Bucket="settings")["Status"] == "Enabled"
    sentence = "Versioning of bucket “settings” is now enabled."
    assert bucket_window.message_label.text() == sentence
    assert sentence in [record.getMessage() for record in caplog.records]
    row = table_names(bucket_window).index("settings")
    assert bucket_window.table_model.index(row, COL_CLASS).data() == "Enabled"
    again = reopened(qtbot, bucket_window, dialog, "versioning")
    assert again.status_label.text() == "Now: Enabled" and again.enable_radio.isChecked()


def test_encryption_round_trip_and_key_check(qtbot, bucket_window, s3_admin) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.encryption)
    assert tab.algorithm_combo.currentData() == "" and not tab.key_edit.isEnabled()
    tab.algorithm_combo.setCurrentIndex(tab.algorithm_combo.findData("aws:kms"))
    assert tab.key_edit.isEnabled() and tab.bucket_key_check.isEnabled()
    qtbot.keyClicks(tab.key_edit, "my key")
    assert not tab.apply_button.isEnabled() and "alias/my-key" in tab.problem_label.text()
    tab.key_edit.clear()
    qtbot.keyClicks(tab.key_edit, "alias/team")
    tab.bucket_key_check.setChecked(True)
    apply(qtbot, tab)
    rule = s3_admin.get_bucket_encryption(Bucket="settings")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/team"}
    assert rule["BucketKeyEnabled"] is True
    again = reopened(qtbot, bucket_window, dialog, "encryption")
    assert (again.algorithm_combo.currentData(), again.key_edit.text(), again.bucket_key_check.isChecked()) == \
        ("aws:kms", "alias/team", True)


def test_tags_round_trip_with_the_fifty_tag_limit(qtbot, bucket_window, s3_admin) -> None:
    s3_admin.put_bucket_tagging(Bucket="settings", Tagging={"TagSet": [{"Key": "team", "Value": "blue"}]})
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.tags)
    assert tab.tags.values() == {"team": "blue"} and tab.count_label.text().startswith("1 of 50")
    for i in range(49):
        tab.tags.add_row(f"k{i}", "v")
    assert tab.apply_button.isEnabled()
    tab.tags.add_row("one-too-many", "v")
    assert not tab.apply_button.isEnabled() and "at most 50" in tab.problem_label.text()
    tab.tags.table.selectRow(tab.tags.table.rowCount() - 1)
    qtbot.mouseClick(tab.tags.remove_button, Qt.MouseButton.LeftButton)
    apply(qtbot, tab)
    stored = {t["Key"]: t["Value"] for t in s3_admin.get_bucket_tagging(Bucket="settings")["TagSet"]}
    assert len(stored) == 50 and stored["team"] == "blue"
    assert reopened(qtbot, bucket_window, dialog, "tags").tags.values() == stored


def test_cors_table_and_json_round_trip(qtbot, bucket_window, s3_admin) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.cors)
    assert tab.table.rowCount() == 0
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    tab.table.item(0, 0).setText("https://app.example.com, https://admin.example.com")
    tab.table.item(0, 1).setText("get, put")
    tab.table.item(0, 2).setText("*")
    tab.table.item(0, 4).setText("soon")
    assert not tab.apply_button.isEnabled() and "whole number" in tab.problem_label.text()
    tab.table.item(0, 4).setText("600")
    tab.views.show_json(True)
    rules = json.loads(tab.views.editor.toPlainText())
    assert rules == [{"AllowedOrigins": ["https://app.example.com", "https://admin.example.com"],
                      "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"], "MaxAgeSeconds": 600}]
    tab.views.editor.setPlainText('[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"],\n "MaxAgeSeconds": }]')
    assert not tab.apply_button.isEnabled() and "line 2" in tab.problem_label.text()
    assert tab.views.editor.error_line == 2
    tab.views.show_json(False)  # refused: the JSON stays, with its problem
    assert tab.views.in_json
    rules.append({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag"]})
    tab.views.editor.setPlainText(json.dumps(rules))
    tab.views.show_json(False)
    assert not tab.views.in_json and tab.table.rowCount() == 2 and tab.table.item(1, 3).text() == "ETag"
    apply(qtbot, tab)
    assert s3_admin.get_bucket_cors(Bucket="settings")["CORSRules"][0]["AllowedMethods"] == ["GET", "PUT"]
    again = reopened(qtbot, bucket_window, dialog, "cors")
    assert again.table_rules() == tab.table_rules() and again.table.rowCount() == 2


def test_policy_templates_public_warning_and_delete(qtbot, bucket_window, s3_admin, answers) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.policy)
    assert "no policy" in tab.status_label.text() and not tab.delete_button.isEnabled()
    tab.template_combo.setCurrentIndex(tab.template_combo.findText("Public read of one prefix"))
    tab.template_combo.activated.emit(tab.template_combo.findText("Public read of one prefix"))
    assert json.loads(tab.editor.toPlainText())["Statement"][0]["Resource"] == "arn:aws:s3:::settings/public/*"
    answers.answers = [False]
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    assert "anyone on the internet" in answers.questions[-1]
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):  # "no" sent nothing
        s3_admin.get_bucket_policy(Bucket="settings")
    answers.answers = [True]
    apply(qtbot, tab)
    assert json.loads(s3_admin.get_bucket_policy(Bucket="settings")["Policy"]) == json.loads(
        TEMPLATES["Public read of one prefix"]("settings"))
    assert "makes objects public" in tab.status_label.text()
    answers.answers = [False]
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert "Delete the policy" in answers.questions[-1]
    assert s3_admin.get_bucket_policy(Bucket="settings")["Policy"]
    answers.answers = [True]
    with qtbot.waitSignal(tab.applied, timeout=10000):
        qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.loaded and tab.editor.toPlainText() == "", timeout=10000)
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):
        s3_admin.get_bucket_policy(Bucket="settings")


def test_a_deny_without_tls_policy_on_plain_http_asks_first(qtbot, bucket_window, s3_admin, answers) -> None:
    """Found on SeaweedFS, which enforces policies: on an http:// endpoint this template locks the app out."""
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.policy)
    index = tab.template_combo.findText("Deny requests without TLS")
    tab.template_combo.setCurrentIndex(index)
    tab.template_combo.activated.emit(index)
    answers.answers = [False]
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    assert "plain HTTP" in answers.questions[-1] and "lose access" in answers.questions[-1]
    qtbot.wait(100)
    with pytest.raises(ClientError, match="NoSuchBucketPolicy"):  # "no" sent nothing
        s3_admin.get_bucket_policy(Bucket="settings")
    assert tab.dirty  # the text is kept for another try


def test_lifecycle_rules_edited_in_the_form(qtbot, bucket_window, s3_admin) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.lifecycle)
    assert tab.rule_list.count() == 0 and not tab.form.isEnabled()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.form.isEnabled() and tab.abort.check.isChecked()
    tab.id_edit.setText("logs")
    qtbot.keyClicks(tab.prefix_edit, "logs/")
    tab.expire.check.setChecked(True)
    tab.expire.spin.setValue(365)
    tab.noncurrent.check.setChecked(True)
    tab.noncurrent.spin.setValue(30)
    tab._add_transition(90, "GLACIER", edited=True)
    assert "logs/" in tab.rule_list.item(0).text() and "GLACIER" in tab.rule_list.item(0).text()
    apply(qtbot, tab)
    [rule] = s3_admin.get_bucket_lifecycle_configuration(Bucket="settings")["Rules"]
    assert rule["ID"] == "logs" and rule["Filter"] == {"Prefix": "logs/"}
    assert rule["Expiration"] == {"Days": 365} and rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    assert rule["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]
    again = reopened(qtbot, bucket_window, dialog, "lifecycle")
    assert again.rules == tab.rules and again.prefix_edit.text() == "logs/" and again.expire.spin.value() == 365


def test_public_access_switches_round_trip_and_ask_before_unblocking(qtbot, bucket_window, s3_admin,
                                                                     answers) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.public_access)
    assert not any(check.isChecked() for check in tab.checks.values())
    assert tab.body.findChildren(QLabel)  # each switch has its one-line meaning
    click(qtbot, tab.all_check)
    assert all(check.isChecked() for check in tab.checks.values())
    apply(qtbot, tab)
    stored = s3_admin.get_public_access_block(Bucket="settings")["PublicAccessBlockConfiguration"]
    assert all(stored.values()) and len(stored) == 4
    tab.checks["block_public_policy"].setChecked(False)
    assert tab.all_check.checkState() == Qt.CheckState.PartiallyChecked
    answers.answers = [False]
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    assert "Block public policies" in answers.questions[-1]
    assert s3_admin.get_public_access_block(Bucket="settings")["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]
    answers.answers = [True]
    apply(qtbot, tab)
    assert not s3_admin.get_public_access_block(
        Bucket="settings")["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]
    again = reopened(qtbot, bucket_window, dialog, "public_access")
    assert again.current_value() == tab.current_value()


# ---------------------------------------------------------------------------- refusals and failures

@pytest.fixture
def proxied_window(qtbot, window, s3_admin, fault_proxy):
    """The window connected through the fault proxy, which records every request it forwards."""
    s3_admin.create_bucket(Bucket="settings")
    fault_proxy.seen = []

    def record(request):  # noqa: ANN001, ANN202
        fault_proxy.seen.append((request.method, request.path))
    fault_proxy.rules.append(record)
    with qtbot.waitSignal(window.connections.connected, timeout=10000):
        window.connections.connect_profile(_profile(fault_proxy.url), Secrets(SECRET_KEY), remember=False)
    wait_loaded(qtbot, window)
    return window


def writes(fault_proxy) -> list[str]:  # noqa: ANN001
    return [path for method, path in fault_proxy.seen if method in ("PUT", "DELETE", "POST")]


def test_invalid_input_is_refused_before_any_request(qtbot, proxied_window, fault_proxy) -> None:
    dialog = open_settings(qtbot, proxied_window, "settings")
    policy = show(qtbot, dialog, dialog.policy)
    policy.editor.setPlainText('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",,}\n  ]\n}')
    assert "line 4" in policy.problem_label.text() and policy.editor.error_line == 4
    tags = show(qtbot, dialog, dialog.tags)
    for i in range(51):
        tags.tags.add_row(f"k{i}", "v")
    assert "at most 50" in tags.problem_label.text()
    lifecycle = show(qtbot, dialog, dialog.lifecycle)
    qtbot.mouseClick(lifecycle.add_button, Qt.MouseButton.LeftButton)
    lifecycle.abort.check.setChecked(False)
    assert "no action" in lifecycle.problem_label.text()
    cors = show(qtbot, dialog, dialog.cors)
    qtbot.mouseClick(cors.add_button, Qt.MouseButton.LeftButton)
    cors.table.item(0, 1).setText("FETCH")
    assert "FETCH" in cors.problem_label.text()
    for tab in (policy, tags, lifecycle, cors):
        assert not tab.apply_button.isEnabled()
        tab.apply()  # even called directly (a stray Enter), nothing is sent
    qtbot.wait(200)
    assert writes(fault_proxy) == []


def test_unsupported_and_denied_tabs_leave_the_others_working(qtbot, proxied_window, fault_proxy, s3_admin) -> None:
    fault_proxy.rules.insert(0, lambda request: s3_error(501, "NotImplemented", "Not implemented here.")
                             if "lifecycle" in request.path else None)
    fault_proxy.rules.insert(0, lambda request: s3_error(403, "AccessDenied", "Access Denied")
                             if "policy" in request.path else None)
    dialog = open_settings(qtbot, proxied_window, "settings")
    lifecycle = show(qtbot, dialog, dialog.lifecycle)
    assert lifecycle.unsupported and lifecycle.state_label.text() == UNSUPPORTED
    assert lifecycle.apply_button.isHidden() and lifecycle.body.isHidden()
    policy = show(qtbot, dialog, dialog.policy)
    assert policy.state_label.text().startswith("Access denied to bucket “settings”")
    assert not policy.retry_button.isHidden() and "Traceback" not in policy.state_label.text()
    tags = show(qtbot, dialog, dialog.tags)
    tags.tags.add_row("still", "works")
    apply(qtbot, tags)
    assert s3_admin.get_bucket_tagging(Bucket="settings")["TagSet"] == [{"Key": "still", "Value": "works"}]
    fault_proxy.rules.pop(0)  # access granted again: Try again reads it
    qtbot.mouseClick(policy.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: policy.loaded, timeout=10000)
    assert policy.retry_button.isHidden() and not policy.body.isHidden()


def test_a_put_taken_for_create_bucket_reads_as_unsupported(qtbot, proxied_window, fault_proxy, s3_admin) -> None:
    """rclone serve s3 ignores the ?cors sub-resource and answers a PUT like CreateBucket."""
    fault_proxy.rules.insert(0, lambda request: s3_error(409, "BucketAlreadyExists", "BucketAlreadyExists")
                             if request.method == "PUT" else None)
    dialog = open_settings(qtbot, proxied_window, "settings")
    cors = show(qtbot, dialog, dialog.cors)
    qtbot.mouseClick(cors.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(cors.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cors._task is None, timeout=10000)
    assert cors.state_label.text() == f"{UNSUPPORTED} Nothing was changed."
    assert cors.dirty  # the edit is kept


def test_an_edit_made_the_moment_a_tab_shows_can_be_applied(qtbot, bucket_window) -> None:
    """The read's result and its "finished" arrive as two events; an edit between them (a quick user,
    a busy machine) must find Apply enabled, not wait for the second."""
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = dialog.tags
    original, seen = tab._show, []

    def show_then_edit(value) -> None:  # noqa: ANN001
        original(value)
        tab.tags.add_row("quick", "1")
        seen.append(tab.apply_button.isEnabled())
    tab._show = show_then_edit
    dialog.show_tab(tab)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen == [True]


def test_closing_with_unapplied_changes_asks_first(qtbot, bucket_window, answers) -> None:
    dialog = open_settings(qtbot, bucket_window, "settings")
    tab = show(qtbot, dialog, dialog.tags)
    tab.tags.add_row("draft", "1")
    answers.answers = [False]
    dialog.close()
    assert dialog.isVisible() and "Tags" in answers.questions[-1]
    answers.answers = [True]
    dialog.close()
    assert not dialog.isVisible()


def test_tree_context_menu_opens_bucket_settings(qtbot, bucket_window) -> None:
    win = bucket_window
    tree = win.tree
    root = win.tree_model.connection_index()
    qtbot.waitUntil(lambda: win.tree_model.find_child(root, "settings").isValid(), timeout=10000)
    index = win.tree_model.find_child(root, "settings")
    tree.scrollTo(index)
    menu = win.menus.tree_menu(tree, win.tree_model, tree.visualRect(index).center())
    action = next(a for a in menu.actions() if a.text() == "Bucket &settings…")
    menu.close()
    action.trigger()
    assert win.bucket_settings.dialog is not None and win.bucket_settings.dialog.bucket == "settings"


# ---------------------------------------------------------------------------- the painted gutter

def test_code_editor_gutter_numbers_lines_and_marks_the_error(qtbot) -> None:
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.resize(400, 200)
    editor.setPlainText("{\n  \"a\": ,\n}\n")
    editor.show()
    qtbot.waitExposed(editor)
    editor.mark_error_line(2)
    image = editor.gutter.grab().toImage()
    width = editor.gutter.width()
    assert width >= editor.fontMetrics().horizontalAdvance("99")
    line_height = editor.fontMetrics().height()
    background = QColor(image.pixel(1, 1))

    def inked_rows(x_from: int) -> list[int]:
        return [y for y in range(min(image.height(), line_height * 4))
                if any(QColor(image.pixel(x, y)) != background for x in range(x_from, width - 1))]

    rows = inked_rows(0)
    assert rows and rows[0] < line_height  # line 1's number is at the top, not the bottom
    error_color = QColor(image.pixel(1, line_height + line_height // 2))  # line 2, left edge: the tint
    assert error_color != background and error_color.red() > error_color.blue()
    assert isinstance(image, QImage)
    editor.mark_error_line(0)
    assert QColor(editor.gutter.grab().toImage().pixel(1, line_height + line_height // 2)) == background

