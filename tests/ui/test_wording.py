"""Wording and safe defaults: plurals, Cancel as the default answer, Rename's selection, queue routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from s3browser.core.s3.locations import Location
from s3browser.core.transfers.queue_items import Direction, State, TransferItem
from s3browser.ui.browsing.name_dialog import NameDialog, name_stem_length
from s3browser.ui.shell import interaction
from s3browser.ui.shell.formatting import already_exist, count_of, tr_n
from s3browser.ui.shell.transfer_queue_model import COL_ROUTE, TransferQueueModel
from s3browser.ui.transfers.panel import queue_button_states
from tests.ui.conftest import wait_loaded
from tests.ui.test_drag_out import select_names


@pytest.mark.parametrize("count, text", [(0, "0 files uploaded"), (1, "1 file uploaded"), (2, "2 files uploaded"),
                                         (12345, "12,345 files uploaded")])
def test_plural_forms_through_qt(qapp, count: int, text: str) -> None:
    assert tr_n("%n file(s) uploaded", count) == text


def test_counts_and_agreement_read_as_english(qapp) -> None:
    assert count_of(1, "item") == "1 item" and count_of(3, "item") == "3 items"
    assert count_of(2, "entry", "entries") == "2 entries"
    assert already_exist(1, 1, "object") == "The object already exists"
    assert already_exist(3, 3, "file") == "All 3 files already exist"
    assert already_exist(1, 4, "file") == "1 of 4 files already exists"
    assert already_exist(2, 4, "file") == "2 of 4 files already exist"


@pytest.mark.parametrize("name, stem", [("report.pdf", 6), ("archive.tar.gz", 11), (".bashrc", 7), ("notes", 5)])
def test_rename_selects_the_name_without_its_extension(qtbot, name: str, stem: int) -> None:
    assert name_stem_length(name) == stem
    dialog = NameDialog("Rename", "New name:", name, lambda _text: None, select_stem=True)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.selectedText() == name[:stem]


def test_a_long_problem_is_never_clipped(qtbot) -> None:
    reason = "A name cannot be “..” or contain “/..”, since S3 tools and file systems treat it as the parent folder."
    dialog = NameDialog("New folder", "Name:", "", lambda text: reason if ".." in text else None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("..")
    label = dialog.problem_label
    assert label.text() == reason
    needed = label.heightForWidth(label.width())
    assert label.height() >= needed, (label.height(), needed)


def test_overwrite_question_defaults_to_cancel(qtbot) -> None:
    real = interaction.Interaction()
    seen: list[QMessageBox] = []

    def press_enter() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen.append(box)
        box.defaultButton().click()

    QTimer.singleShot(50, press_enter)
    assert real.choose_overwrite(None, ["a.txt"], 1) is None, "Enter cancels; nothing is overwritten"
    assert "The file already exists at the destination" in seen[0].text()


def test_delete_dialog_defaults_to_cancel(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="safe-default")
    s3_admin.put_object(Bucket="safe-default", Key="keep.txt", Body=b"x")
    win = connected
    win.navigation.navigate(Location("safe-default"))
    wait_loaded(qtbot, win)
    select_names(win, ["keep.txt"])
    dialog = win.objects.delete_selected()
    qtbot.waitUntil(lambda: dialog.delete_button.isEnabled(), timeout=10000)
    assert dialog.cancel_button.isDefault() and not dialog.delete_button.isDefault()
    assert not dialog.delete_button.autoDefault()
    dialog.close()


def test_queue_rows_show_where_from_and_where_to(qapp) -> None:
    model = TransferQueueModel()
    shown = Rows(model)
    upload = TransferItem(Direction.UPLOAD, "b", "docs/a.txt", Path("/home/u/a.txt"), 10, 1)
    download = TransferItem(Direction.DOWNLOAD, "b", "docs/a.txt", Path("/tmp/a.txt"), 10, 1)
    copy = TransferItem(Direction.COPY, "b2", "x/a.txt", None, 10, 1, source_bucket="b", source_key="docs/a.txt")
    shown.add([upload, download, copy])
    routes = [model.index(row, COL_ROUTE).data() for row in range(3)]
    assert routes == ["/home/u/a.txt → s3://b/docs/a.txt", "s3://b/docs/a.txt → /tmp/a.txt",
                      "s3://b/docs/a.txt → s3://b2/x/a.txt"]
    assert model.headerData(COL_ROUTE, Qt.Orientation.Horizontal) == "From → To"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "From: /home/u/a.txt\nTo: s3://b/docs/a.txt"


class Rows:
    """Rows for the queue's model without a queue: what the queue tells the model when rows come."""

    def __init__(self, model: TransferQueueModel) -> None:
        self.items: list[TransferItem] = []
        self.model = model
        model.show(self)

    def states_present(self) -> set[State]:
        return {item.state for item in self.items}

    def add(self, items: list[TransferItem]) -> None:
        self.model.inserting(len(self.items), len(self.items) + len(items) - 1)
        for item in items:
            item.row = len(self.items)
            self.items.append(item)
        self.model.inserted()


def test_queue_rows_say_what_failed_with_its_detail_and_labels_not_codes(qapp) -> None:
    from s3browser.ui.shell.transfer_queue_model import COL_DIRECTION, COL_ERROR, COL_STATE

    model = TransferQueueModel()
    failed = TransferItem(Direction.DELETE_REMOTE, "b", "a.txt", None, 1, 1, state=State.FAILED,
                          error="The server did not answer in time.", error_kind="timeout",
                          error_detail="ReadTimeoutError: Read timeout on endpoint URL")
    Rows(model).add([failed])
    assert model.index(0, COL_DIRECTION).data() == "Delete on S3" and model.index(0, COL_STATE).data() == "Failed"
    assert model.index(0, COL_ERROR).data() == "The server did not answer in time."
    tip = model.index(0, COL_ERROR).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("The server did not answer in time.") and "ReadTimeoutError: Read timeout" in tip


def test_queue_buttons_enable_only_for_rows_they_apply_to() -> None:
    done = queue_button_states([State.DONE], [State.DONE])
    assert not done["pause"] and not done["retry"] and not done["cancel"] and not done["resume"]
    assert done["clear"] and not done["cancel_all"] and not done["retry_failed"]
    running = queue_button_states([State.RUNNING], [State.RUNNING, State.FAILED])
    assert running["pause"] and running["cancel"] and not running["retry"] and running["retry_failed"]
    failed = queue_button_states([State.FAILED], [State.FAILED])
    assert failed["retry"] and not failed["pause"]
    assert queue_button_states([State.PAUSED], [State.PAUSED])["resume"]
    assert not any(queue_button_states([], []).values())


def test_queue_panel_buttons_follow_the_selection(qtbot, connected, s3_admin, tmp_path) -> None:
    from s3browser.core.transfers.options import Overwrite, UploadOptions

    s3_admin.create_bucket(Bucket="buttons")
    source = tmp_path / "one.txt"
    source.write_bytes(b"1")
    win = connected
    panel = win.transfer_panel
    assert not panel.pause_button.isEnabled() and not panel.clear_button.isEnabled()
    win.transfer_actions.upload_paths([source], Location("buttons"), UploadOptions(overwrite=Overwrite.OVERWRITE))
    qtbot.waitUntil(lambda: bool(win.transfers.model.items)
                    and win.transfers.model.items[0].state == State.DONE, timeout=10000)
    qtbot.waitUntil(panel.clear_button.isEnabled)
    panel.view.selectRow(0)
    assert not panel.pause_button.isEnabled() and not panel.retry_button.isEnabled()
    assert not panel.cancel_button.isEnabled()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.clear_button.isEnabled())



def test_no_count_is_pasted_before_a_plural_noun_in_the_sources() -> None:
    """A count goes through tr_n / count_of (or core's files()), never "{n} files" pasted in an f-string,
    which reads "1 files" when n is 1."""
    import re

    import s3browser

    pattern = re.compile(r"\{[^{}]+\} (files|objects|items|folders|keys|buckets|transfers|conflicts|versions)\b")
    offenders = []
    for path in Path(s3browser.__file__).parent.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_sync_wording_counts_agree(qapp) -> None:
    from s3browser.core.sync.guard import files
    from s3browser.core.sync.plan import Action
    from s3browser.ui.sync.preview_model import start_label

    assert files(1) == "1 file" and files(2000) == "2,000 files"
    totals = {action: (0, 0) for action in Action}
    totals[Action.UPLOAD] = (1200, 0)
    totals[Action.CONFLICT] = (1, 0)
    assert start_label(totals) == "Upload 1,200, resolve 1 conflict"
