"""Controllers work from an application context alone: no main window is built in these tests."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from s3browser.core.s3.locations import Location
from s3browser.core.settings.secrets import Secrets
from s3browser.ui.browsing.bucket_tree import BucketTreeModel
from s3browser.ui.browsing.listing import ListingController
from s3browser.ui.browsing.navigation import NavigationController
from s3browser.ui.browsing.object_actions import ObjectActions
from s3browser.ui.browsing.object_table import ObjectTableModel
from s3browser.ui.connections.controller import ConnectionController
from s3browser.ui.transfers.actions import TransferActions
from tests.conftest import SECRET_KEY, _profile


def build(qtbot, context):  # noqa: ANN001
    """The controllers of a browser over a bare table view, wired the way the window wires them."""
    parent = QWidget()
    qtbot.addWidget(parent)
    context.dialog_parent = parent
    context.transfers.prestart_workers = False
    table_model = ObjectTableModel(context.runner, parent)
    tree_model = BucketTreeModel(context.runner, parent)
    table = QTableView(parent)
    table.setModel(table_model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    connections = ConnectionController(context)
    listing = ListingController(context, table_model, table)
    navigation = NavigationController(context, listing, tree_model)
    objects = ObjectActions(context, listing)
    transfers = TransferActions(context, listing, connections)
    return connections, listing, navigation, objects, transfers, table


def test_controllers_browse_and_select_without_a_window(qtbot, context, s3_endpoint, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="ctl")
    for key in ("a.txt", "b.txt", "docs/c.txt"):
        s3_admin.put_object(Bucket="ctl", Key=key, Body=b"12345")
    connections, listing, navigation, _objects, _transfers, table = build(qtbot, context)
    messages: list[str] = []
    errors: list[str] = []
    context.message_posted.connect(messages.append)
    context.error_posted.connect(lambda text, _detail: errors.append(text))
    stats: list[tuple[str, str]] = []
    listing.stats_changed.connect(lambda count, size: stats.append((count, size)))

    with qtbot.waitSignal(connections.connected, timeout=10000):
        connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
    assert context.connection is not None
    assert "Connected to scenario." in messages

    with qtbot.waitSignal(navigation.location_shown, timeout=5000) as shown:
        navigation.navigate(Location("ctl", ""))
    assert shown.args == [Location("ctl", "")]
    qtbot.waitUntil(lambda: not listing.model.is_loading and listing.model.rowCount() == 3, timeout=10000)
    assert stats[-1] == ("2 objects, 1 folder", "10 bytes")
    assert navigation.up_action.isEnabled() and navigation.back_action.isEnabled()

    table.selectAll()
    selection = listing.selection()
    assert selection is not None
    assert (selection.bucket, dict(selection.keys), selection.folders) == ("ctl", {"a.txt": 5, "b.txt": 5},
                                                                           ("docs/",))
    navigation.go_up()
    qtbot.waitUntil(lambda: not listing.model.is_loading, timeout=10000)
    assert listing.location == Location() and listing.selection() is None
    assert errors == []


def test_actions_refuse_with_one_sentence_through_the_context(qtbot, context, s3_endpoint) -> None:
    connections, _listing, _navigation, objects, transfers, _table = build(qtbot, context)
    errors: list[str] = []
    context.error_posted.connect(lambda text, _detail: errors.append(text))
    transfers.download_selected()
    assert errors == ["Select objects or folders to download."]
    with qtbot.waitSignal(connections.connected, timeout=10000):
        connections.connect_profile(_profile(s3_endpoint), Secrets(SECRET_KEY), remember=False)
    assert objects.new_folder() is None  # at the bucket list there is no folder to create it in
    assert errors[-1] == "Open a bucket to create a folder in it."
