"""A big listing is sorted and filtered on a worker: the window stays live, the selection, current
row and scroll position survive the swap, a newer request replaces one in flight, and rows that
arrive meanwhile are all there, in order."""

from __future__ import annotations

import threading

from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from PySide6.QtTest import QTest

from s3browser.core.s3.listing import ListingPage
from s3browser.core.s3.locations import Location
from s3browser.ui.browsing import object_table
from s3browser.ui.browsing.object_table import COL_NAME, COL_SIZE, SIZE_ROLE, ObjectTableModel
from tests.benchmarks.probes import synthetic_pages


def names(model: ObjectTableModel) -> list[str]:
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def sizes(model: ObjectTableModel) -> list[int]:
    return [model.index(r, COL_SIZE).data(SIZE_ROLE) for r in range(model.rowCount())]


def page(keys: list[str], key_sizes: list[int], folders: tuple[str, ...] = ()) -> ListingPage:
    return ListingPage(bucket="b", prefix="", folders=list(folders), keys=keys, sizes=key_sizes,
                       mtimes=[1_700_000_000.0] * len(keys), storage_classes=["STANDARD"] * len(keys))


def load_big_listing(qtbot, window, monkeypatch) -> ObjectTableModel:  # noqa: ANN001
    """5,000 synthetic rows in the real window, with the model told they count as a big listing."""
    monkeypatch.setattr(object_table, "iter_pages", synthetic_pages(5000, page_size=500))
    model = window.table_model
    model.inline_rows = 100  # this listing counts as big
    model.set_connection(object())
    window.navigation.navigate(Location("synthetic", "data/"))
    qtbot.waitUntil(lambda: not model.is_loading and model.rowCount() == 5000 and not model.ordering, timeout=20000)
    return model


class Gate:
    """Holds every ordering on the worker until opened; records whether each was told to stop."""

    def __init__(self, monkeypatch) -> None:  # noqa: ANN001
        self.open = threading.Event()
        self.stopped: list[bool] = []
        self.started = 0
        real = object_table.compute_order

        def gated(request, should_stop):  # noqa: ANN001, ANN202
            self.started += 1
            self.open.wait(10)
            self.stopped.append(should_stop())
            return real(request, should_stop)
        monkeypatch.setattr(object_table, "compute_order", gated)


def test_the_window_sorts_and_filters_a_big_listing_keeping_selection_and_scroll(qtbot, window, monkeypatch) -> None:
    model = load_big_listing(qtbot, window, monkeypatch)
    table = window.table
    wanted = "object-00004242.dat"
    row = names(model).index(wanted)
    table.selectionModel().setCurrentIndex(model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
    bar = table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()

    table.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)
    assert model.ordering == "Sorting"
    assert "sorting…" in window.listing.stats_text()[0]
    qtbot.waitUntil(lambda: not model.ordering, timeout=20000)
    assert sizes(model) == sorted(sizes(model), reverse=True)
    assert "sorting" not in window.listing.stats_text()[0]
    assert table.currentIndex().siblingAtColumn(COL_NAME).data() == wanted
    assert [i.data() for i in table.selectionModel().selectedRows()] == [wanted]
    assert bar.value() == scrolled

    QTest.keyClicks(window.filter_edit, "42")
    qtbot.waitUntil(lambda: not model.ordering and model.filter_text == "42", timeout=20000)
    shown = names(model)
    assert shown and all("42" in name for name in shown) and len(shown) < 5000
    assert sizes(model) == sorted(sizes(model), reverse=True)
    assert [i.data() for i in table.selectionModel().selectedRows()] == [wanted]
    assert table.currentIndex().siblingAtColumn(COL_NAME).data() == wanted

    QTest.keyClicks(window.filter_edit, "1")  # "421": hides the selected row
    qtbot.waitUntil(lambda: not model.ordering and model.filter_text == "421", timeout=20000)
    assert all("421" in name for name in names(model))
    assert table.selectionModel().selectedRows() == []
    window.filter_edit.clear()
    qtbot.waitUntil(lambda: not model.ordering and model.rowCount() == 5000, timeout=20000)


def test_a_newer_request_replaces_the_one_in_flight_and_rows_arriving_meanwhile_are_kept(
        qtbot, runner, monkeypatch, qtmodeltester) -> None:
    gate = Gate(monkeypatch)
    model = ObjectTableModel(runner, parent=runner)
    model.inline_rows = 0
    model._location = Location("b", "")
    model.append_page(page([f"k{i:03d}" for i in range(0, 200, 2)], [(i * 37) % 101 for i in range(0, 200, 2)]))
    qtmodeltester.check(model, force_py=True)
    held = QPersistentModelIndex(model.index(50, 0))  # "k100": the filter below keeps it
    held_name = held.data()

    model.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)  # held on the worker
    qtbot.waitUntil(lambda: gate.started == 1, timeout=5000)
    model.append_page(page([f"k{i:03d}" for i in range(1, 200, 2)], [(i * 37) % 101 for i in range(1, 200, 2)],
                           folders=("f/",)))
    model.set_filter("k1")  # replaces the sort in flight: its result must never be shown
    assert model.ordering == "Sorting"
    gate.open.set()
    qtbot.waitUntil(lambda: not model.ordering, timeout=10000)
    assert gate.stopped[0] is True
    everything = [f"k{i:03d}" for i in range(200)]
    expected = sorted((n for n in everything if "k1" in n), key=lambda n: (int(n[1:]) * 37) % 101)
    assert names(model) == expected  # sorted, filtered, with the rows that came while it was held
    assert held.data() == held_name and held_name in expected

    model.set_filter("")
    qtbot.waitUntil(lambda: not model.ordering and model.rowCount() == 201, timeout=10000)
    assert names(model)[0] == "f" and sizes(model)[1:] == sorted(sizes(model)[1:])


def test_a_new_listing_drops_the_order_of_the_old_one(qtbot, runner, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    model = ObjectTableModel(runner, parent=runner)
    model.inline_rows = 0
    model._location = Location("b", "")
    model.append_page(page(["a", "b", "c"], [3, 1, 2]))
    model.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: gate.started == 1, timeout=5000)
    model.load(Location("b", "other/"))  # no connection: the table is simply emptied
    assert not model.ordering
    gate.open.set()
    qtbot.waitUntil(lambda: len(gate.stopped) == 1, timeout=5000)
    qtbot.wait(50)
    assert model.rowCount() == 0 and gate.stopped == [True]


def test_rows_loaded_under_a_size_sort_end_in_order(qtbot, runner, qtmodeltester) -> None:
    model = ObjectTableModel(runner, parent=runner)
    model.inline_rows = 0
    model._location = Location("b", "")
    qtmodeltester.check(model, force_py=True)
    model.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    for first in range(0, 3000, 300):
        model.append_page(page([f"k{i:05d}" for i in range(first, first + 300)],
                               [(i * 7919) % 1009 for i in range(first, first + 300)]))
        qtbot.wait(1)
    qtbot.waitUntil(lambda: not model.ordering, timeout=20000)
    assert model.rowCount() == 3000
    assert sizes(model) == sorted(((i * 7919) % 1009 for i in range(3000)), reverse=True)
    tied = [n for n in names(model) if (int(n[1:]) * 7919) % 1009 == 500]
    assert tied == sorted(tied)  # equal sizes stay in key order


def test_pages_arriving_together_are_added_together_and_all_by_the_end(qtbot, runner) -> None:
    """After the first page, pages are added at most ten times a second (one repaint for many), and
    the listing's end adds whatever is still waiting."""
    from s3browser.core.s3.packed_pages import pack

    model = ObjectTableModel(runner, parent=runner)
    model._location = Location("b", "")
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    pages = [pack(page([f"k{p}-{i:03d}" for i in range(100)], [1] * 100)) for p in range(5)]
    model._take_page(pages[0])
    assert model.rowCount() == 100  # the first page shows at once
    for later in pages[1:4]:
        model._take_page(later)
    assert model.rowCount() == 100  # the next ones wait for the pace
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=2000)
    model._take_page(pages[4])
    model._on_finished()  # the end adds the rest at once
    assert model.rowCount() == 500 and sum(inserted) == 500


def test_the_swap_on_the_window_never_joins_a_whole_column(qtbot, window, monkeypatch) -> None:
    """Rows a finished order did not track (a header keeps an index of its own across the layout
    change) were found by joining the whole shown column on the GUI thread: a 50-85 ms stall at a
    million rows.  They are looked for a chunk at a time now, and the selection still follows."""
    from s3browser.ui.browsing import packed_rows

    gui = threading.get_ident()
    joined_here: list[int] = []
    for kind in (packed_rows.Frozen, packed_rows.ChunkedArray):
        real = kind.array

        def array(self, real=real):  # noqa: ANN001, ANN202
            if threading.get_ident() == gui:
                joined_here.append(len(self) if hasattr(self, "__len__") else self.n)
            return real(self)
        monkeypatch.setattr(kind, "array", array)
    model = load_big_listing(qtbot, window, monkeypatch)
    wanted = "object-00001234.dat"
    window.table.selectionModel().setCurrentIndex(
        model.index(names(model).index(wanted), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    joined_here.clear()
    window.table.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.ordering, timeout=20000)
    assert sizes(model) == sorted(sizes(model), reverse=True)
    assert window.table.currentIndex().siblingAtColumn(COL_NAME).data() == wanted
    assert joined_here == []
