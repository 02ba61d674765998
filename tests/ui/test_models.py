"""Both models under pytest-qt's qtmodeltester, with data loaded, plus paging/sorting invariants."""

from __future__ import annotations

from PySide6.QtCore import Qt

from s3browser.core.s3.listing import ListingPage
from s3browser.core.s3.locations import Location
from s3browser.core.transfers.handles import Progress
from s3browser.ui.browsing.bucket_tree import BucketTreeModel
from s3browser.ui.browsing.object_table import (
    COL_MODIFIED,
    COL_NAME,
    COL_SIZE,
    KEY_ROLE,
    ObjectTableModel,
)
from tests.ui.conftest import wait_loaded
from tests.ui.test_browsing import arrange_buckets


def page(prefix: str, folders: list[str], keys: list[str], is_last: bool = False) -> ListingPage:
    return ListingPage(bucket="b", prefix=prefix, folders=[prefix + f for f in folders],
                       keys=[prefix + k for k in keys], sizes=[len(k) * 10 for k in keys],
                       mtimes=[1_700_000_000.0 + i for i in range(len(keys))],
                       storage_classes=["STANDARD" if i % 2 else "GLACIER" for i in range(len(keys))],
                       is_last=is_last)


def test_object_table_model_passes_modeltester_while_pages_arrive(qtmodeltester, qtbot, runner) -> None:
    model = ObjectTableModel(runner, parent=runner)
    model._location = Location("b", "p/")
    model.append_page(page("p/", ["sub1/", "sub2/"], ["a.txt", "b.png", "c.gz"]))
    qtmodeltester.check(model, force_py=True)  # checks the loaded model, then watches every change below
    model.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    model.append_page(page("p/", ["sub3/"], ["zz.log", "zzz.csv"]))  # smaller sizes: re-sorted
    model.set_filter("a")
    model.set_filter("")
    assert model.rowCount() == 8
    names = [model.index(r, COL_NAME).data() for r in range(model.rowCount())]
    assert names[:3] == ["sub1", "sub2", "sub3"]  # folders first; equal sizes stay in key order
    sizes = [model.index(r, COL_SIZE).data(Qt.ItemDataRole.UserRole + 3) for r in range(3, 8)]
    assert sizes == sorted(sizes, reverse=True)
    assert model.index(0, COL_NAME).data(KEY_ROLE) == "p/sub1/"
    assert model.index(3, COL_MODIFIED).data()


def release(controller) -> None:  # noqa: ANN001
    """Delete a parentless controller here, on the GUI thread: left to the garbage collector it was
    destroyed on whatever thread collected it, timers and all, and crashed a later test."""
    import shiboken6

    shiboken6.delete(controller)


def _names(model: ObjectTableModel) -> list[str]:
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def test_filter_typed_widened_and_cleared_keeps_the_order(qtmodeltester, qtbot, runner) -> None:
    model = ObjectTableModel(runner, parent=runner)
    model._location = Location("b", "p/")
    model.append_page(page("p/", ["Straße/", "sub/"], ["STRASSE.txt", "a.txt", "Ab.PNG", "ab.gz", "zab.log"]))
    qtmodeltester.check(model, force_py=True)
    model.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    everything = _names(model)
    for typed in ("a", "ab", "ab.", "a", "", "STRASSE", "strasse", "ß", ""):  # narrow, widen, clear, fold
        expected = [name for name in everything if typed.casefold() in name.casefold()]
        model.set_filter(typed)
        assert _names(model) == expected, typed
    assert _names(model) == everything
    assert [model.index(r, COL_NAME).data() for r in range(2)] == ["Straße", "sub"]


def test_rows_arriving_under_a_filter_are_all_there_when_it_is_cleared(qtbot, runner) -> None:
    model = ObjectTableModel(runner, parent=runner)
    model._location = Location("b", "")
    model.append_page(page("", ["m/"], ["b1", "d1"]))
    model.set_filter("1")
    model.append_page(page("", ["a1/"], ["a1", "c2"]))  # out of order: re-sorted under the filter
    assert _names(model) == ["a1", "a1", "b1", "d1"]
    model.set_filter("")
    assert _names(model) == ["a1", "m", "a1", "b1", "c2", "d1"]
    model.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)
    model.set_filter("d")
    model.set_filter("")
    assert sorted(_names(model)) == sorted(["a1", "m", "a1", "b1", "c2", "d1"])


def test_append_in_order_keeps_selection_on_the_same_object(qtbot, runner) -> None:
    model = ObjectTableModel(runner, parent=runner)
    model._location = Location("b", "")
    model.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    model.append_page(page("", ["m/"], ["b", "d"]))
    from PySide6.QtCore import QPersistentModelIndex

    held = QPersistentModelIndex(model.index(2, 0))  # "d"
    model.append_page(page("", ["a/"], ["a", "c"]))  # forces a re-sort
    assert held.data() == "d"
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["a", "m", "a", "b", "c", "d"]


def test_bucket_tree_model_passes_modeltester_with_data(qtmodeltester, qtbot, connected, s3_admin) -> None:
    arrange_buckets(s3_admin)
    model: BucketTreeModel = connected.tree_model
    conn_index = model.connection_index()
    model.refresh(conn_index)
    qtbot.waitUntil(lambda: model.rowCount(conn_index) == 2, timeout=10000)
    alpha = model.find_child(conn_index, "alpha")
    model.fetchMore(alpha)
    qtbot.waitUntil(lambda: model.rowCount(alpha) == 2, timeout=10000)
    docs = model.find_child(alpha, "docs")
    model.fetchMore(docs)
    qtbot.waitUntil(lambda: model.rowCount(docs) == 1, timeout=10000)
    qtmodeltester.check(model, force_py=True)  # it also calls fetchMore on "guide": let that finish
    qtbot.waitUntil(lambda: model.index(0, 0, docs).data() == "guide", timeout=10000)
    guide = model.index(0, 0, docs)
    qtbot.waitUntil(lambda: model.index(0, 0, guide).data() == "deep", timeout=10000)


def test_object_table_model_with_real_listing_passes_modeltester(qtmodeltester, qtbot, connected, s3_admin) -> None:
    arrange_buckets(s3_admin)
    connected.navigation.navigate(Location("alpha", ""))
    wait_loaded(qtbot, connected)
    qtmodeltester.check(connected.table_model, force_py=True)


def test_transfer_queue_model_passes_modeltester(qtmodeltester, qtbot, tmp_path) -> None:
    """The model over the real core queue (nothing starts: no room to run), rows added, changed, cleared."""
    from s3browser.core.transfers.queue import TransferQueue
    from s3browser.core.transfers.queue_items import Direction, State, TransferItem
    from s3browser.ui.shell.transfer_queue import TransferController
    from s3browser.ui.shell.transfer_queue_model import COL_PROGRESS, PROGRESS_ROLE

    controller = TransferController()  # the view the queue talks to (its model shows this queue below)
    model = controller.model
    queue = TransferQueue(controller, lambda call: call(), max_active=0, store_path=tmp_path / "queue.sqlite3")
    from types import SimpleNamespace

    queue.engines.current = SimpleNamespace(connection=SimpleNamespace(identity="model-test"))  # nothing starts
    model.show(queue)
    items = [TransferItem(Direction.UPLOAD, "b", f"k/{i}.bin", tmp_path / f"{i}.bin", 100 * (i + 1), batch=1)
             for i in range(4)]
    queue._add(items[:2])
    qtmodeltester.check(model, force_py=True)  # checks now, then watches every change below
    queue._add(items[2:])
    queue._set_state(items[0], State.DONE)
    queue._set_state(items[1], State.RUNNING)
    items[1].progress = Progress(items[1].size)  # as the queue gives a starting item
    items[1].progress.done = 50
    queue.tick()
    model.refresh_progress()
    model.item_changed(items[0])
    assert model.index(1, COL_PROGRESS).data(PROGRESS_ROLE) == 0.25
    assert model.states_present() == {State.DONE, State.RUNNING, State.QUEUED}
    queue.clear_finished()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["1.bin", "2.bin", "3.bin"]
    assert [i.row for i in model.items] == [0, 1, 2]
    queue.shutdown()
    import shiboken6

    shiboken6.delete(model._repaint)  # the model stays for the tester; its timer goes here, on this thread


def test_the_transfer_queue_repaints_many_changes_at_once(qtbot, tmp_path) -> None:
    """A thousand rows changing state in one burst (small files finishing) are one dataChanged over
    their span, told within a screen refresh or so, not a thousand."""
    from types import SimpleNamespace

    from s3browser.core.transfers.queue import TransferQueue
    from s3browser.core.transfers.queue_items import Direction, State, TransferItem
    from s3browser.ui.shell.transfer_queue import TransferController
    from s3browser.ui.shell.transfer_queue_model import COL_STATE

    controller = TransferController()
    model = controller.model
    queue = TransferQueue(controller, lambda call: call(), max_active=0, store_path=tmp_path / "queue.sqlite3")
    queue.engines.current = SimpleNamespace(connection=SimpleNamespace(identity="model-test"))  # nothing starts
    model.show(queue)
    items = [TransferItem(Direction.UPLOAD, "b", f"k/{i}.bin", tmp_path / f"{i}.bin", 1, batch=1) for i in range(1000)]
    queue._add(items)
    told: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, *_: told.append((first.row(), last.row())))
    for item in items[10:900]:
        queue._set_state(item, State.DONE)
        queue._changed(item)
    assert model.index(10, COL_STATE).data() == "Done"  # the data is current at once
    qtbot.waitUntil(lambda: bool(told), timeout=2000)
    qtbot.wait(100)
    assert told == [(10, 899)]
    queue.shutdown()
    release(controller)


def test_reports_from_engine_threads_wake_the_window_once_and_run_a_slice_per_turn(qtbot) -> None:
    """Thousands of small files finish a second on the engines' threads: their reports wait together,
    one queued signal wakes the GUI thread for all of them, and they run in order, on the GUI thread,
    at most a slice per turn of the event loop (so a flood never stalls the window)."""
    import threading

    from s3browser.ui.shell import transfer_queue
    from s3browser.ui.shell.transfer_queue import TransferController

    controller = TransferController()
    wakes: list[object] = []
    continuations: list[object] = []
    controller._relay.call.connect(wakes.append)
    controller._relay.later.connect(continuations.append)
    ran: list[tuple[int, bool]] = []
    gui = threading.get_ident()
    count = 3 * transfer_queue.POSTED_PER_TURN + 7

    def post_all() -> None:
        for n in range(count):
            controller.queue._post(lambda n=n: ran.append((n, threading.get_ident() == gui)))

    poster = threading.Thread(target=post_all)
    poster.start()
    poster.join()  # every report is in before the GUI thread runs any
    assert ran == []
    qtbot.waitUntil(lambda: len(ran) == count, timeout=5000)
    assert ran == [(n, True) for n in range(count)]
    assert wakes == [None], "one wake-up for everything that came meanwhile"
    assert len(continuations) == 3, "the rest went a slice per turn"
    controller.queue._post(lambda: ran.append((-1, True)))  # on the GUI thread itself: at once
    assert ran[-1] == (-1, True)
    controller.queue.shutdown()
    release(controller)


def test_sync_pairs_model_passes_modeltester(qtmodeltester, qtbot) -> None:
    import time

    from s3browser.core.sync.pairs import LastRun, SyncPair
    from s3browser.core.sync.plan import Mode
    from s3browser.ui.sync.pairs_model import COL_LAST_RUN, COL_MODE, SyncPairsModel

    model = SyncPairsModel()
    photos = SyncPair(name="Photos", profile="p", local="/home/u/Photos", bucket="b", prefix="photos/",
                      mode=Mode.TWO_WAY, last_run=LastRun(time.time(), 3, 0, 0, "3 done"))
    docs = SyncPair(name="docs", profile="p", local="/home/u/docs", bucket="b", prefix="", mode=Mode.UPLOAD)
    model.set_pairs([photos])
    qtmodeltester.check(model, force_py=True)  # checks now, then watches every change below
    model.set_pairs([photos, docs])
    assert [model.index(r, 0).data() for r in range(2)] == ["docs", "Photos"], "sorted by name, any case"
    assert model.index(0, COL_LAST_RUN).data() == "Never"
    assert model.index(1, COL_LAST_RUN).data().endswith(": 3 done")
    assert model.index(1, COL_MODE).data() == Mode.TWO_WAY.label
    assert model.row_of(docs.id) == 0 and model.row_of("missing") == -1
    model.set_pairs([])
    assert model.rowCount() == 0
