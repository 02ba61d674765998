"""A download onto files that are already there asks: replace, skip or keep both, once or for all."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from s3browser.core.local.paths import LocalTarget
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.conflicts import Conflict, free_name, resolve_conflicts
from s3browser.core.transfers.plans import DownloadPlan, RemoteFile
from s3browser.core.transfers.queue_items import State
from s3browser.ui.shell.conflict_box import ConflictBox
from tests.ui.conftest import wait_loaded
from tests.ui.test_transfers_gui import wait_transfers


@pytest.fixture
def arranged(qtbot, connected, s3_admin, tmp_path: Path, answers):  # noqa: ANN001
    s3_admin.create_bucket(Bucket="dl-conflicts")
    for name in ("a.txt", "b.txt", "c.tar.gz", "new.txt"):
        s3_admin.put_object(Bucket="dl-conflicts", Key=name, Body=f"remote {name}".encode())
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.tar.gz"):
        (folder / name).write_text(f"local {name}")
    (folder / "c (1).tar.gz").write_text("an earlier copy")
    answers.folder = folder
    connected.navigation.navigate(Location("dl-conflicts", ""))
    wait_loaded(qtbot, connected)
    connected.table.selectAll()
    return folder


def test_each_conflict_gets_its_own_answer(qtbot, connected, arranged: Path, answers) -> None:
    answers.conflict_answers = [(Conflict.REPLACE, False), (Conflict.SKIP, False), (Conflict.KEEP_BOTH, False)]
    connected.transfer_actions.download_selected()
    wait_transfers(qtbot, connected)
    assert answers.conflict_questions == [("a.txt", 2), ("b.txt", 1), ("c.tar.gz", 0)]
    assert (arranged / "a.txt").read_text() == "remote a.txt", "replaced"
    assert (arranged / "b.txt").read_text() == "local b.txt", "skipped"
    assert (arranged / "c.tar.gz").read_text() == "local c.tar.gz", "kept"
    assert (arranged / "c (1).tar.gz").read_text() == "an earlier copy", "a taken name is never reused"
    assert (arranged / "c (2).tar.gz").read_text() == "remote c.tar.gz", "both kept"
    assert (arranged / "new.txt").read_text() == "remote new.txt"
    by_key = {item.key: item for item in connected.transfers.model.items}
    assert by_key["b.txt"].state == State.SKIPPED and "skipped" in by_key["b.txt"].error
    assert "c (2).tar.gz" in by_key["c.tar.gz"].note


def test_apply_to_all_answers_once_and_cancel_changes_nothing(qtbot, connected, arranged: Path, answers) -> None:
    answers.conflict_answers = [None]
    connected.transfer_actions.download_selected()
    qtbot.waitUntil(lambda: "cancelled" in connected.message_label.text(), timeout=10000)
    assert not connected.transfers.model.items and (arranged / "a.txt").read_text() == "local a.txt"

    answers.conflict_questions.clear()
    answers.conflict_answers = [(Conflict.KEEP_BOTH, True)]
    connected.transfer_actions.download_selected()
    wait_transfers(qtbot, connected)
    assert answers.conflict_questions == [("a.txt", 2)], "asked once"
    assert (arranged / "a (1).txt").read_text() == "remote a.txt"
    assert (arranged / "b (1).txt").read_text() == "remote b.txt"
    assert (arranged / "a.txt").read_text() == "local a.txt"


def test_the_real_question_defaults_to_keep_both_and_reads_its_answer(qtbot, tmp_path: Path) -> None:
    remote = RemoteFile("docs/report.pdf", 2048, 0.0, "", LocalTarget("docs/report.pdf", tmp_path / "report.pdf"))
    box = ConflictBox(None, remote, tmp_path, remaining=3)
    qtbot.addWidget(box)
    assert "“report.pdf” already exists" in box.text()
    assert box.defaultButton() is box.keep_both_button, "Enter never replaces"
    assert box.apply_all_check is not None and box.apply_all_check.text() == "Do the same for the other 3 conflicts"
    box.show()
    box.apply_all_check.setChecked(True)
    qtbot.mouseClick(box.skip_button, Qt.MouseButton.LeftButton)
    assert box.answer() == (Conflict.SKIP, True)

    last = ConflictBox(None, remote, tmp_path, remaining=0)
    qtbot.addWidget(last)
    assert last.apply_all_check is None, "no “for all” on the last one"
    last.show()
    qtbot.mouseClick(last.cancel_button, Qt.MouseButton.LeftButton)
    assert last.answer() is None


def test_free_name_and_resolution_in_core(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("")
    assert free_name(tmp_path / "x.txt", set()) == tmp_path / "x (1).txt"
    assert free_name(tmp_path / "x.txt", {tmp_path / "x (1).txt"}) == tmp_path / "x (2).txt"
    assert free_name(tmp_path / ".bashrc", set()).name == ".bashrc (1)"
    long = tmp_path / ("é" * 127 + ".txt")
    assert len(free_name(long, set()).name.encode()) <= 255

    files = [RemoteFile(k, 1, 0.0, "", LocalTarget(k, tmp_path / k)) for k in ("x.txt", "y.txt")]
    plan = DownloadPlan("b", tmp_path, files=list(files))
    assert not resolve_conflicts(plan, [files[0]], lambda remote, remaining: None)
    assert plan.files == files, "a cancel leaves the plan as it was"
    assert resolve_conflicts(plan, [files[0]], lambda remote, remaining: (Conflict.SKIP, False))
    assert [f.key for f in plan.files] == ["y.txt"] and [f.key for f in plan.skipped] == ["x.txt"]
