"""Messages a user can cause: one sentence each, in place while typing, in the banner when it needs action."""

from __future__ import annotations

import botocore.exceptions as bce
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location, location_problem
from tests.ui.conftest import wait_loaded


@pytest.mark.parametrize("text, reason", [
    ("s3://my bucket/x", "“my bucket” is not a bucket name"),
    ("s3://a!b/", "is not a bucket name"),
    ("https://example.com/x", "not a web address"),
    ("ftp://bucket/x", "Only s3:// paths"),
])
def test_typed_paths_that_cannot_be_browsed_get_a_reason(text: str, reason: str) -> None:
    assert reason in (location_problem(text) or "")


@pytest.mark.parametrize("text", ["", "s3://", "s3://bucket", "bucket/folder/", "/Old_Bucket.v2/x y/"])
def test_typed_paths_that_can_be_browsed_pass(text: str) -> None:
    assert location_problem(text) is None


def test_botocore_validation_and_endpoint_errors_become_sentences() -> None:
    invalid = bce.ParamValidationError(report='Invalid bucket name "my bucket": Bucket name must match the regex '
                                              '"^[a-zA-Z0-9.\\-_]{1,255}$"')
    error = describe(invalid, bucket="my bucket")
    assert error.message.startswith("The bucket name “my bucket” is not valid")
    assert "regex" not in error.message and "Parameter validation" not in error.message
    assert "regex" in error.detail
    endpoint = describe(ValueError("Invalid endpoint: http://under_score:9000"))
    assert "ValueError" not in endpoint.message and endpoint.message.startswith("The endpoint URL is not valid")
    unexpected = describe(KeyError("boom"))
    assert "KeyError" not in unexpected.message and "KeyError" in unexpected.detail


def test_a_bad_typed_path_is_marked_in_place_and_never_sent(qtbot, connected, s3_admin) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="still-here")
    win.navigation.navigate(Location("still-here"))
    wait_loaded(qtbot, win)
    bar = win.path_bar
    bar.setFocus()
    bar.selectAll()
    qtbot.keyClicks(bar, "s3://my bucket!/x")
    assert bar.field_check.problem is not None
    assert "is not a bucket name" in bar.toolTip()
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert win.listing.location == Location("still-here")
    text = win.banner.text()
    assert text.startswith("“my bucket!” is not a bucket name")
    assert "Parameter validation" not in text and "regex" not in text
    bar.selectAll()
    qtbot.keyClicks(bar, "s3://still-here/")
    assert bar.field_check.problem is None and not bar.toolTip().startswith("“")


def test_banner_keeps_a_failure_with_its_detail_until_dismissed_or_moving_on(qtbot, connected) -> None:
    win = connected
    win.ctx.report(bce.ParamValidationError(report="Invalid bucket name \"x y\": must match the regex"),
                   bucket="x y")
    banner = win.banner
    assert banner.isVisible() and banner.text().startswith("The bucket name “x y” is not valid")
    assert "not valid" not in win.message_label.text(), "failures go to the banner, not the status bar"
    assert not banner.detail_edit.isVisible()
    qtbot.mouseClick(banner.details_button, Qt.MouseButton.LeftButton)
    assert banner.detail_edit.isVisible() and "must match the regex" in banner.detail_edit.toPlainText()
    qtbot.mouseClick(banner.copy_button, Qt.MouseButton.LeftButton)
    assert "must match the regex" in QGuiApplication.clipboard().text()
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden() and banner.text() == ""
    win.ctx.show_error("Access denied to bucket “x”.")
    assert not banner.details_button.isVisible(), "no detail, no Details button"
    win.navigation.refresh()
    assert banner.isHidden()


def test_an_invalid_endpoint_is_marked_while_typing_and_test_says_one_sentence(qtbot, window) -> None:
    dialog = window.connections.open_connect_dialog()
    qtbot.waitExposed(dialog)
    dialog.new_button.click()
    dialog.name_edit.setText("typo")
    qtbot.keyClicks(dialog.endpoint_edit, "http://under_score:9000")
    assert "“under_score” is not valid" in dialog.endpoint_edit.toolTip()
    dialog.test_button.click()
    text = dialog.result_label.text()
    assert "“under_score” is not valid" in text and "ValueError" not in text and "Unexpected" not in text
    dialog.endpoint_edit.clear()
    qtbot.keyClicks(dialog.endpoint_edit, "http://127.0.0.1:9000")
    assert dialog.endpoint_check.problem is None
    dialog.reject()
