"""The tree agrees with the table: it selects the folder shown, shows folders the app creates, and
keeps its expansion when buckets come and go."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from s3browser.core.s3.locations import Location
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_browsing import arrange_buckets
from tests.ui.test_drag_out import select_names
from tests.ui.test_transfers_gui import wait_transfers


def tree_path(win, index: QModelIndex) -> list[str]:  # noqa: ANN001
    """The labels from the bucket down to ``index``."""
    labels = []
    while index.isValid() and index.parent().isValid():
        labels.append(index.data())
        index = index.parent()
    return labels[::-1]


def current_tree_path(win) -> list[str]:  # noqa: ANN001
    return tree_path(win, win.tree.currentIndex())


def children(win, location: Location) -> list[str]:  # noqa: ANN001
    model = win.tree_model
    index = model.index_for(location)
    return [model.index(row, 0, index).data() for row in range(model.rowCount(index))]


def go(qtbot, win, location: Location) -> None:  # noqa: ANN001
    win.navigation.navigate(location)
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: win.tree_follower.pending is None, timeout=10000)


def test_tree_selects_and_expands_to_the_folder_shown(qtbot, connected, s3_admin) -> None:
    win = connected
    arrange_buckets(s3_admin)
    win.tree_model.refresh(win.tree_model.connection_index())  # the buckets were made after connecting
    win.path_bar.clear()
    qtbot.keyClicks(win.path_bar, "s3://alpha/docs/guide/")
    qtbot.keyClick(win.path_bar, Qt.Key.Key_Return)
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: current_tree_path(win) == ["alpha", "docs", "guide"], timeout=10000)
    model = win.tree_model
    for location in (Location("alpha"), Location("alpha", "docs/")):
        assert win.tree.isExpanded(model.index_for(location)), location
    assert win.tree.selectionModel().isSelected(win.tree.currentIndex())

    # Up, back and a folder opened in the table move the tree's selection with them.
    win.navigation.go_up()
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: current_tree_path(win) == ["alpha", "docs"], timeout=10000)
    win.navigation.go_back()
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: current_tree_path(win) == ["alpha", "docs", "guide"], timeout=10000)
    go(qtbot, win, Location("alpha", "docs/guide/deep/"))
    assert current_tree_path(win) == ["alpha", "docs", "guide", "deep"]

    # A folder that holds nothing has no node: its nearest ancestor is selected.
    go(qtbot, win, Location("alpha", "photos/nothing/here/"))
    assert current_tree_path(win) == ["alpha", "photos"]

    # The bucket list selects the connection.
    go(qtbot, win, Location())
    assert win.tree.currentIndex() == win.tree_model.connection_index()


def test_new_folder_and_paste_appear_in_the_tree(qtbot, connected, s3_admin) -> None:
    win = connected
    arrange_buckets(s3_admin)
    win.tree_model.refresh(win.tree_model.connection_index())
    go(qtbot, win, Location("alpha", "docs/"))
    assert children(win, Location("alpha", "docs/")) == ["guide"]

    dialog = win.objects.new_folder()
    qtbot.keyClicks(dialog.name_edit, "2026 reports")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: children(win, Location("alpha", "docs/")) == ["2026 reports", "guide"], timeout=10000)

    # Cut "guide" here, paste it into beta: beta gains it, docs loses it, expansion stays.
    win.tree.expand(win.tree_model.index_for(Location("alpha", "docs/")))
    select_names(win, ["guide"])
    win.objects.cut_action.trigger()
    go(qtbot, win, Location("beta"))
    win.objects.paste()
    wait_transfers(qtbot, win)
    qtbot.waitUntil(lambda: children(win, Location("beta")) == ["guide"], timeout=10000)
    qtbot.waitUntil(lambda: children(win, Location("alpha", "docs/")) == ["2026 reports"], timeout=10000)
    assert win.tree.isExpanded(win.tree_model.index_for(Location("alpha", "docs/")))


def test_folders_uploaded_onto_a_tree_node_appear_under_it(qtbot, connected, s3_admin, tmp_path: Path) -> None:
    win = connected
    arrange_buckets(s3_admin)
    win.tree_model.refresh(win.tree_model.connection_index())
    go(qtbot, win, Location("alpha", "photos/"))
    model = win.tree_model
    win.tree.expand(model.index_for(Location("alpha", "docs/")))
    qtbot.waitUntil(lambda: children(win, Location("alpha", "docs/")) == ["guide"], timeout=10000)
    holiday = tmp_path / "holiday"
    (holiday / "day one").mkdir(parents=True)
    (holiday / "day one" / "a.jpg").write_bytes(b"jpg")
    win.transfer_actions.upload_paths([holiday], Location("alpha", "docs/"))  # as a drop on the docs node
    wait_transfers(qtbot, win)
    qtbot.waitUntil(lambda: children(win, Location("alpha", "docs/")) == ["guide", "holiday"], timeout=10000)
    wait_loaded(qtbot, win)  # the table lists its folder again after the batch (by the transfer worker)
    assert win.table_model.location == Location("alpha", "photos/")
    assert table_names(win) == ["cat.png", "dog.jpg"], "the table stays where it was"


def test_creating_and_deleting_buckets_keeps_the_tree_expanded(qtbot, connected, s3_admin) -> None:
    win = connected
    arrange_buckets(s3_admin)
    model = win.tree_model
    model.refresh(model.connection_index())
    go(qtbot, win, Location("alpha", "docs/guide/"))
    expanded = [Location("alpha"), Location("alpha", "docs/")]
    assert all(win.tree.isExpanded(model.index_for(loc)) for loc in expanded)

    dialog = win.objects.open_create_bucket_dialog()
    qtbot.keyClicks(dialog.name_edit, "aardvark")
    with qtbot.waitSignal(dialog.created, timeout=10000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: children(win, Location()) == ["aardvark", "alpha", "beta"], timeout=10000)
    assert all(win.tree.isExpanded(model.index_for(loc)) for loc in expanded)
    assert current_tree_path(win) == ["alpha", "docs", "guide"], "the selection stays on the folder shown"

    dialog = win.objects.open_delete_bucket_dialog("beta")
    qtbot.keyClicks(dialog.name_edit, "beta")
    with qtbot.waitSignal(dialog.deleted, timeout=15000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: children(win, Location()) == ["aardvark", "alpha"], timeout=10000)
    assert all(win.tree.isExpanded(model.index_for(loc)) for loc in expanded)
    assert children(win, Location("alpha", "docs/")) == ["guide"]


def test_table_listing_merges_into_the_tree_and_modeltester_watches(qtmodeltester, qtbot, connected,
                                                                     s3_admin) -> None:
    """Folders made and removed behind the app's back show up in the tree once the table lists them."""
    win = connected
    arrange_buckets(s3_admin)
    model = win.tree_model
    model.refresh(model.connection_index())
    go(qtbot, win, Location("alpha"))
    qtbot.waitUntil(lambda: children(win, Location("alpha")) == ["docs", "photos"], timeout=10000)
    qtmodeltester.check(model, force_py=True)
    for key in ("a-first/x", "middle/x", "zzz/x"):
        s3_admin.put_object(Bucket="alpha", Key=key, Body=b"")
    for key in ("photos/cat.png", "photos/dog.jpg"):
        s3_admin.delete_object(Bucket="alpha", Key=key)
    win.navigation.refresh()
    wait_loaded(qtbot, win)
    qtbot.waitUntil(lambda: children(win, Location("alpha")) == ["a-first", "docs", "middle", "zzz"],
                    timeout=10000)
    assert table_names(win)[:4] == ["a-first", "docs", "middle", "zzz"]
