"""A click or a key does what the user asked, once, and never something else (issue 30)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import table_names
from tests.ui.test_inspect_gui import history, show_versions  # noqa: F401 - fixture
from tests.ui.test_local_files import local_pane
from tests.ui.test_object_operations import open_folder


def double_click(qtbot, view, index) -> None:  # noqa: ANN001
    """A real double-click as a user makes it: press, release, press again, release."""
    viewport = view.viewport()
    view.scrollTo(index)
    center = view.visualRect(index).center()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=center)


def test_a_double_click_opens_an_object_once(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="once")
    s3_admin.put_object(Bucket="once", Key="report.txt", Body=b"r")
    open_folder(qtbot, connected, "once")
    opened: list[tuple[str, str]] = []
    connected.navigation.file_activated.connect(lambda bucket, key: opened.append((bucket, key)))
    row = table_names(connected).index("report.txt")
    double_click(qtbot, connected.table, connected.table_model.index(row, 0))
    qtbot.wait(50)
    assert opened == [("once", "report.txt")]


def test_a_double_click_opens_a_version_once(qtbot, connected, history, monkeypatch) -> None:  # noqa: F811
    open_folder(qtbot, connected, history, "docs/")
    show_versions(qtbot, connected)
    calls = []
    monkeypatch.setattr(connected.versions, "open_version", lambda index: calls.append(index.row()))
    model = connected.versions_model
    connected.versions_view.expandAll()
    version = model.index(1, 0, model.index(1, 0))
    double_click(qtbot, connected.versions_view, version)
    qtbot.wait(50)
    assert calls == [1]


def test_a_double_click_in_the_local_pane_opens_a_file_once_and_enters_a_folder_once(
        qtbot, connected, tmp_path: Path) -> None:
    folder = tmp_path / "pane"
    (folder / "sub" / "sub").mkdir(parents=True)  # entered twice, a double-click would land in sub/sub
    (folder / "a.txt").write_text("a")
    panel = local_pane(qtbot, connected, folder)
    launched: list[Path] = []
    panel.opener = lambda path: launched.append(path) or True
    root = panel.view.rootIndex()
    qtbot.waitUntil(lambda: panel.model.rowCount(root) == 2, timeout=10000)
    by_name = {panel.model.index(r, 0, root).data(): panel.model.index(r, 0, root) for r in range(2)}
    double_click(qtbot, panel.view, by_name["a.txt"])
    qtbot.wait(50)
    assert launched == [folder / "a.txt"]
    double_click(qtbot, panel.view, by_name["sub"])
    qtbot.wait(50)
    assert panel.folder == folder / "sub"


def test_files_dropped_from_another_application_are_taken_as_a_copy_never_a_move(
        qtbot, connected, s3_admin, tmp_path: Path) -> None:
    from PySide6.QtCore import QMimeData, QUrl

    s3_admin.create_bucket(Bucket="drops")
    open_folder(qtbot, connected, "drops")
    source = tmp_path / "original.txt"
    source.write_text("keep me")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(source))])
    viewport = connected.table.viewport()
    pos = viewport.rect().center()
    buttons, shift = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier
    both = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    answers = []
    for event in (QDragEnterEvent(pos, both, mime, buttons, shift), QDragMoveEvent(pos, both, mime, buttons, shift),
                  QDropEvent(QPointF(pos), both, mime, buttons, shift)):
        QApplication.sendEvent(viewport, event)
        assert event.proposedAction() == Qt.DropAction.MoveAction, "Shift held: the file manager proposes a move"
        answers.append((event.isAccepted(), event.dropAction()))
    assert answers == [(True, Qt.DropAction.CopyAction)] * 3, "the source is told copy: it keeps the original"
    qtbot.waitUntil(lambda: "original.txt" in table_names(connected), timeout=20000)
    assert source.read_text() == "keep me"

    move_only = QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime, buttons, shift)
    QApplication.sendEvent(viewport, move_only)
    assert not move_only.isAccepted(), "a source that only allows a move is refused"


def test_the_local_pane_offers_its_files_as_a_copy_only(qtbot, connected, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtGui import QDrag

    folder = tmp_path / "pane"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    panel = local_pane(qtbot, connected, folder)
    root = panel.view.rootIndex()
    qtbot.waitUntil(lambda: panel.model.rowCount(root) == 1, timeout=10000)
    flags = QItemSelectionModel.SelectionFlag
    panel.view.selectionModel().select(panel.model.index(0, 0, root), flags.Select | flags.Rows)
    offered = []

    def exec_drag(drag, supported, default=Qt.DropAction.IgnoreAction):  # noqa: ANN001, ANN202
        offered.append(supported)
        return Qt.DropAction.MoveAction  # a drop target that says Move

    monkeypatch.setattr(QDrag, "exec", exec_drag)
    panel.view.startDrag(Qt.DropAction.CopyAction | Qt.DropAction.MoveAction)
    assert offered == [Qt.DropAction.CopyAction]
    assert (folder / "a.txt").read_text() == "a", "the view did not remove the file it dragged"


def test_the_resume_question_answers_enter_with_resume_and_esc_with_later(qtbot) -> None:
    from PySide6.QtCore import QTimer

    from s3browser.ui.shell.interaction import Interaction, Resume

    asker = Interaction()
    for key, expected in ((Qt.Key.Key_Return, Resume.RESUME), (Qt.Key.Key_Escape, Resume.LATER)):
        QTimer.singleShot(0, lambda key=key: qtbot.keyClick(asker.last_box, key))
        assert asker.choose_resume(None, "2 transfers were not finished.") == expected
        assert asker.last_box.defaultButton().text() == "&Resume"
        asker.last_box.deleteLater()


def test_the_delete_dialog_says_permanently_only_when_nothing_keeps_a_copy_and_keys_never_delete(
        qtbot, connected, s3_admin) -> None:
    from tests.ui.test_drag_out import select_names
    from tests.ui.test_object_operations import keys, wait_counted

    s3_admin.create_bucket(Bucket="plain")
    s3_admin.create_bucket(Bucket="kept")
    s3_admin.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
    for bucket in ("plain", "kept"):
        s3_admin.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    wording = {}
    for bucket in ("plain", "kept"):
        open_folder(qtbot, connected, bucket)
        select_names(connected, ["a.txt"])
        dialog = connected.objects.delete_selected()
        wait_counted(qtbot, dialog)
        wording[bucket] = (dialog.summary_label.text(), dialog.delete_button.text())
        for key in (Qt.Key.Key_Space, Qt.Key.Key_Return):  # the focused button, then the default one
            qtbot.keyClick(dialog.focusWidget(), key)
        assert not dialog.isVisible() and keys(s3_admin, bucket) == ["a.txt"], "no key deleted anything"
    assert "permanently delete 1 object" in wording["plain"][0] and wording["plain"][1] == "Delete permanently"
    assert "permanently" not in wording["kept"][0] and "add delete markers" in wording["kept"][0]
    assert wording["kept"][1] == "Delete"


def test_the_properties_form_stays_put_while_typing_and_enter_in_the_metadata_table_does_not_save(
        qtbot, connected, s3_admin) -> None:
    from tests.ui.test_inspect_gui import select_only

    s3_admin.create_bucket(Bucket="props")
    s3_admin.put_object(Bucket="props", Key="doc.txt", Body=b"hello", ContentType="text/plain")
    open_folder(qtbot, connected, "props")
    select_only(connected, ["doc.txt"])
    dialog = connected.inspect.open_properties()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.properties is not None, timeout=10000)
    dialog.tabs.setCurrentIndex(1)
    qtbot.wait(20)
    edit = dialog.header_edits["ContentType"]
    places = [(w, w.mapTo(dialog, w.rect().topLeft()), w.size()) for w in (edit, dialog.metadata.table,
                                                                          dialog.buttons, dialog.tabs)]
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_X)
    qtbot.wait(20)
    assert dialog.note_label.isVisible(), "the first keystroke is a change that rewrites the object"
    for widget, where, size in places:
        assert (widget.mapTo(dialog, widget.rect().topLeft()), widget.size()) == (where, size), widget

    saved = []
    dialog.save_requested.connect(lambda *args: saved.append(args))
    dialog.metadata.add_row()  # a new row, its name cell open for typing
    editor = dialog.metadata.table.focusWidget()
    qtbot.keyClicks(editor, "owner")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(20)
    assert dialog.isVisible() and saved == [], "Enter ended the cell's editing, not the form"
    assert dialog.metadata.rows() == [("owner", "")]
    dialog.metadata.table.setCurrentCell(0, 1)
    qtbot.keyClick(dialog.metadata.table, Qt.Key.Key_Return)  # Enter on a cell opens it for typing
    qtbot.keyClicks(dialog.metadata.table.focusWidget(), "ann")
    qtbot.keyClick(dialog.metadata.table.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(20)
    assert dialog.isVisible() and saved == [] and dialog.metadata.values() == {"owner": "ann"}
    qtbot.keyClick(dialog.metadata.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and saved == [], "Esc closes without saving"


def test_the_trash_is_shown_as_the_trash_opened_as_the_trash_and_never_deleted_or_dragged_as_a_folder(
        qtbot, connected, s3_admin) -> None:
    from s3browser.core.ops.trash import trash_key
    from s3browser.ui.browsing.object_table import COL_NAME
    from tests.ui.test_drag_out import select_names
    from tests.ui.test_object_operations import press_on_table

    s3_admin.create_bucket(Bucket="with-trash")
    s3_admin.put_object(Bucket="with-trash", Key=trash_key("old.txt", 1_700_000_000), Body=b"old")
    s3_admin.put_object(Bucket="with-trash", Key="new.txt", Body=b"new")
    open_folder(qtbot, connected, "with-trash")
    assert table_names(connected) == ["Trash", "new.txt"]
    model = connected.table_model
    trash = model.index(0, COL_NAME)
    assert model.is_trash_at(0) and not model.is_trash_at(1)
    assert not (model.flags(trash) & Qt.ItemFlag.ItemIsDragEnabled), "a stray drag cannot take the trash away"
    assert "soft delete" in trash.data(Qt.ItemDataRole.ToolTipRole)

    errors: list[str] = []
    connected.ctx.error_posted.connect(lambda text, _detail: errors.append(text))
    select_names(connected, ["Trash"])
    press_on_table(qtbot, connected, Qt.Key.Key_Delete)
    assert errors[-1].startswith("The trash is not moved, copied, renamed or deleted like a folder")
    assert connected.objects.dialog is None or not connected.objects.dialog.isVisible()
    select_names(connected, ["Trash", "new.txt"])
    assert connected.listing.selection().folders == (), "with other rows, the trash is left out"

    connected.table.setCurrentIndex(trash)
    press_on_table(qtbot, connected, Qt.Key.Key_Return)
    dialog = connected.objects.dialog
    assert dialog is not None and dialog.windowTitle() == "Trash of with-trash"
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10000)
    dialog.close()


def test_enter_in_the_trash_view_closes_it_and_restores_or_deletes_nothing(qtbot, connected, s3_admin) -> None:
    from s3browser.core.ops.trash import trash_key

    s3_admin.create_bucket(Bucket="enter-trash")
    s3_admin.put_object(Bucket="enter-trash", Key=trash_key("a.txt", 1_700_000_000), Body=b"a")
    open_folder(qtbot, connected, "enter-trash")
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        trash = connected.objects.open_trash_dialog()
        qtbot.waitUntil(lambda trash=trash: trash.tree.topLevelItemCount() == 1, timeout=10000)
        trash.tree.topLevelItem(0).setSelected(True)
        trash.tree.setFocus()
        qtbot.keyClick(trash.tree, key)
        assert not trash.isVisible()
        assert [o["Key"] for o in s3_admin.list_objects_v2(Bucket="enter-trash")["Contents"]] == \
            [trash_key("a.txt", 1_700_000_000)]
