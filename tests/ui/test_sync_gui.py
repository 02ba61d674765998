"""Guided sync in the window: the preview model, the pair dialog, the preview (ticks, filters, guard,
start label, conflicts), runs through the transfer queue, the Sync panel, logs and forgetting state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox

from s3browser.core.s3.locations import Location
from s3browser.core.sync.pairs import PairStore, SyncPair
from s3browser.core.sync.plan import Action, Mode, Resolution, SyncItem, SyncPlan
from s3browser.core.sync.runlog import latest_run_log
from s3browser.core.sync.scan import LocalEntry, RemoteEntry
from s3browser.core.transfers.queue_items import Direction, State
from s3browser.ui.sync.preview_model import COL_ACTION, COL_PATH, HEADING_ROLE, SyncPreviewModel, start_label


def synthetic_plan() -> SyncPlan:
    local, remote = LocalEntry(10, 1_700_000_000_000_000_000), RemoteEntry(20, '"e"', 1_700_000_100.0)
    items = [SyncItem(Action.CONFLICT, "c.txt", "changed on both sides since last sync", local, remote,
                      Resolution.KEEP_BOTH),
             SyncItem(Action.CONFLICT, "gone.txt", "changed locally, deleted on S3 since last sync", local, None,
                      Resolution.KEEP_BOTH)]
    items += [SyncItem(Action.UPLOAD, f"u{n}.txt", "new locally", local, None) for n in range(3)]
    items += [SyncItem(Action.DELETE_REMOTE, f"d{n}.txt", "deleted locally since last sync", None, remote)
              for n in range(2)]
    return SyncPlan(Mode.TWO_WAY, items, local_count=5, remote_count=4)


def test_preview_model_passes_modeltester_and_keeps_totals_as_boxes_are_ticked(qtmodeltester) -> None:
    model = SyncPreviewModel()
    plan = synthetic_plan()
    model.set_plan(plan)
    qtmodeltester.check(model, force_py=True)
    assert [g.action for g in model.groups] == [Action.CONFLICT, Action.UPLOAD, Action.DELETE_REMOTE]
    assert model.rowCount() == 3 + 7  # a heading per group, then its items
    row = model.group_row(Action.UPLOAD)
    uploads = model.index(row, COL_PATH)
    assert uploads.data() == "Upload (3 of 3 ticked)" and uploads.data(HEADING_ROLE)
    assert [model.index(row + n, COL_PATH).data() for n in (1, 2, 3)] == ["u0.txt", "u1.txt", "u2.txt"]
    assert start_label(model.totals()) == "Upload 3, delete 2 on S3, resolve 2 conflicts"

    model.setData(model.index(row + 2, COL_PATH), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert uploads.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    assert model.totals()[Action.UPLOAD] == (2, 20)
    assert not plan.items[3].selected  # the plan itself is what the run carries out

    row = model.group_row(Action.DELETE_REMOTE)
    deletions = model.index(row, COL_PATH)
    model.setData(deletions, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert deletions.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert [model.index(row + n, COL_PATH).data(Qt.ItemDataRole.CheckStateRole) for n in (1, 2)] == [
        Qt.CheckState.Unchecked] * 2
    assert model.deletions() == (0, 0)

    conflicts = model.group_row(Action.CONFLICT)
    gone = model.index(conflicts + 2, COL_ACTION)
    assert gone.data() == "Conflict: keep both"
    assert model.flags(gone) & Qt.ItemFlag.ItemIsEditable
    model.setData(gone, Resolution.LOCAL.value)  # the local file wins: the object is already gone, nothing deleted
    assert model.deletions() == (0, 0)
    model.setData(gone, Resolution.S3.value)  # S3 wins: the local file is deleted
    assert model.deletions() == (1, 0) and gone.data() == "Conflict: use S3"
    model.setData(model.index(conflicts + 1, COL_ACTION), Resolution.SKIP.value)
    assert model.totals()[Action.CONFLICT][0] == 1
    assert start_label(model.totals()) == "Upload 2, resolve 1 conflict"

    model.show_only(Action.DELETE_REMOTE)  # the filter: one group, its heading first
    assert model.rowCount() == 3 and model.group_row(Action.UPLOAD) == -1
    assert model.index(1, COL_PATH).data() == "d0.txt"
    model.show_only(None)
    assert model.rowCount() == 10
    model.set_all_checked(False)
    assert start_label(model.totals()) == "Nothing to do"


def write(root: Path, relative: str, data: bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_pair_from_the_tree(qtbot, win, location: Location, local: Path, mode: Mode):  # noqa: ANN001
    """*Sync with local folder…* on a bucket or folder: the pair dialog, filled in and accepted."""
    dialog = win.sync.sync_here(location)
    assert dialog is not None and dialog.uri_edit.text() == location.uri()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.local_edit.setText("relative/folder")
    assert not ok.isEnabled() and "full path" in dialog.problem_label.text()
    dialog.local_edit.setText(str(local))
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findData(mode.value))
    assert ok.isEnabled(), dialog.problem_label.text()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    preview = win.sync.preview
    assert preview is not None
    qtbot.waitUntil(lambda: preview.run is not None, timeout=15000)
    return preview


def test_mirror_preview_guards_mass_deletion_then_runs_through_the_queue(qtbot, connected, s3_admin,
                                                                         tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="mirror")
    for n in range(60):
        s3_admin.put_object(Bucket="mirror", Key=f"site/old{n:02}.html", Body=b"old")
    local = tmp_path / "site"
    write(local, "index.html", b"<h1>new</h1>")

    preview = make_pair_from_the_tree(qtbot, win, Location("mirror", "site/"), local, Mode.MIRROR_TO_S3)
    assert preview.start_button.text() == "Upload 1, delete 60 on S3"
    assert not preview.start_button.isEnabled()
    assert preview.review_check.isVisibleTo(preview)
    assert preview.review_check.text() == "I have reviewed these 60 deletions"
    assert "permanent" in preview.guard_label.text()

    preview.filter_combo.setCurrentIndex(preview.filter_combo.findData(Action.DELETE_REMOTE.value))
    assert preview.model.group_row(Action.UPLOAD) == -1 and preview.model.rowCount() == 61
    preview.filter_combo.setCurrentIndex(0)
    assert preview.model.rowCount() == 63
    delete_row = preview.model.group_row(Action.DELETE_REMOTE)

    # Space on a group's row unticks the whole group, as a click on its box would.
    preview.view.setFocus()
    preview.view.setCurrentIndex(preview.model.index(delete_row, COL_PATH))
    qtbot.keyClick(preview.view, Qt.Key.Key_Space)
    assert preview.start_button.text() == "Upload 1"
    assert preview.start_button.isEnabled() and not preview.review_check.isVisibleTo(preview)
    qtbot.keyClick(preview.view, Qt.Key.Key_Space)
    assert not preview.start_button.isEnabled()
    preview.review_check.setChecked(True)
    assert preview.start_button.isEnabled()

    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    rows = win.transfers.batch_items(batches[0])
    assert len(rows) == 61 and all(r.state == State.DONE for r in rows)
    assert {r.direction for r in rows} == {Direction.UPLOAD, Direction.DELETE_REMOTE}
    keys = [o["Key"] for o in s3_admin.list_objects_v2(Bucket="mirror").get("Contents", [])]
    assert keys == ["site/index.html"]
    assert win.sync_panel.isVisible()
    pairs = win.sync_panel.model.pairs
    assert len(pairs) == 1 and pairs[0].last_run.done == 61 and pairs[0].last_run.summary == "61 done"
    log = latest_run_log(pairs[0].id)
    assert log is not None and "done delete-remote old00.html" in log.read_text()
    assert "end: 61 done, 0 skipped, 0 failed" in log.read_text()


def test_two_way_through_the_queue_skips_what_changed_after_the_preview_and_forgets_state(
        qtbot, connected, s3_admin, answers, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="both")
    s3_admin.put_object(Bucket="both", Key="team/from-s3.txt", Body=b"remote")
    local = tmp_path / "team"
    write(local, "from-here.txt", b"local")
    changed = write(local, "edited-meanwhile.txt", b"first")
    preview = make_pair_from_the_tree(qtbot, win, Location("both", "team/"), local, Mode.TWO_WAY)
    assert preview.start_button.text() == "Upload 2, download 1"
    changed.write_bytes(b"second, longer")  # after the preview, before the start
    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    states = {r.key: (r.state, r.error) for r in win.transfers.batch_items(batches[0])}
    assert states["team/from-here.txt"][0] == State.DONE
    assert states["team/from-s3.txt"][0] == State.DONE
    assert states["team/edited-meanwhile.txt"][0] == State.SKIPPED
    assert "changed locally since the plan" in states["team/edited-meanwhile.txt"][1]
    assert (local / "from-s3.txt").read_bytes() == b"remote"
    assert "team/edited-meanwhile.txt" not in {o["Key"] for o in s3_admin.list_objects_v2(Bucket="both")["Contents"]}
    pair = win.sync_panel.model.pairs[0]
    assert pair.last_run.summary == "2 done, 1 skipped"

    # A deletion is carried over once there is a baseline...
    (local / "from-here.txt").unlink()
    win.sync_panel.select_pair(pair.id)
    qtbot.mouseClick(win.sync_panel.sync_button, Qt.MouseButton.LeftButton)
    preview = win.sync.preview
    qtbot.waitUntil(lambda: preview.run is not None, timeout=15000)
    assert preview.start_button.text() == "Upload 1, delete 1 on S3"
    reasons = {i.path: i.reason for i in preview.run.plan.items}
    assert reasons["from-here.txt"] == "deleted locally since last sync"
    preview.reject()

    # ...and after *Forget sync state…* the same difference is a new object to download, never a deletion.
    answers.answers = [True]
    with qtbot.waitSignal(win.ctx.message_posted, timeout=5000):
        qtbot.mouseClick(win.sync_panel.forget_button, Qt.MouseButton.LeftButton)
    assert "Forget what the last syncs" in answers.questions[-1]
    qtbot.mouseClick(win.sync_panel.sync_button, Qt.MouseButton.LeftButton)
    preview = win.sync.preview
    qtbot.waitUntil(lambda: preview.run is not None, timeout=15000)
    actions = {i.path: i.action for i in preview.run.plan.items}
    assert actions["from-here.txt"] == Action.DOWNLOAD
    assert Action.DELETE_REMOTE not in actions.values()
    preview.reject()


def test_conflict_resolution_chosen_in_the_preview_is_what_runs(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    s3_admin.create_bucket(Bucket="clash")
    s3_admin.put_object(Bucket="clash", Key="notes.txt", Body=b"the S3 version")
    local = tmp_path / "notes"
    write(local, "notes.txt", b"the local one")
    preview = make_pair_from_the_tree(qtbot, win, Location("clash", ""), local, Mode.TWO_WAY)
    assert preview.start_button.text() == "Resolve 1 conflict"
    cell = preview.model.index(preview.model.group_row(Action.CONFLICT) + 1, COL_ACTION)
    assert cell.data() == "Conflict: keep both"
    preview.view.setCurrentIndex(cell)
    preview.view.edit(cell)
    editor = preview.view.findChild(QComboBox, "resolutionEditor")
    assert editor is not None
    editor.setCurrentIndex(editor.findData(Resolution.LOCAL.value))
    assert cell.data() == "Conflict: use local"  # counted as soon as it is chosen; the editor is still open
    batches: list[int] = []
    win.transfers.batch_done.connect(batches.append)
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    assert s3_admin.get_object(Bucket="clash", Key="notes.txt")["Body"].read() == b"the local one"
    assert sorted(p.name for p in local.iterdir()) == ["notes.txt"]  # no conflict copy: local was chosen


def test_sync_panel_lists_pairs_per_profile_and_refuses_other_profiles(qtbot, connected, answers, isolated_home,
                                                                       tmp_path: Path) -> None:
    win = connected
    store = PairStore()
    mine = SyncPair("Photos", win.ctx.connection.profile.name, str(tmp_path), "pics", "2026/")
    theirs = SyncPair("Elsewhere", "another profile", str(tmp_path), "pics", "")
    store.save(mine)
    store.save(theirs)
    assert not win.sync_panel.isVisible()
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.sync_panel.isVisible()
    win.sync.reload()
    assert [p.name for p in win.sync_panel.model.pairs] == ["Photos"]
    assert win.sync_panel.model.index(0, 4).data() == "Never"
    errors: list[str] = []
    win.ctx.error_posted.connect(lambda text, _detail: errors.append(text))
    assert win.sync.sync_pair(theirs) is None
    assert errors == ["Connect to “another profile” first: the pair “Elsewhere” belongs to it."]

    messages: list[str] = []
    win.ctx.message_posted.connect(messages.append)
    win.sync_panel.select_pair(mine.id)
    qtbot.mouseClick(win.sync_panel.log_button, Qt.MouseButton.LeftButton)
    assert messages[-1] == "“Photos” has not been synced yet: there is no log."

    answers.answers = [True]
    qtbot.mouseClick(win.sync_panel.remove_button, Qt.MouseButton.LeftButton)
    assert win.sync_panel.model.pairs == []
    assert win.sync_panel.empty_label.isVisibleTo(win.sync_panel)
    assert [p.name for p in PairStore().pairs()] == ["Elsewhere"]
    assert PairStore().path.is_relative_to(isolated_home)  # the store wrote inside the test's home
