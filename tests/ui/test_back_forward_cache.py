"""Back and Forward show a recent folder at once, then refresh it in the background."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from s3browser.core.s3.locations import Location
from s3browser.ui.browsing.listing_cache import ListingCache
from tests.ui.conftest import table_names, wait_loaded


def test_back_shows_the_cached_rows_at_once_then_the_fresh_ones(qtmodeltester, qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="cache-bucket")
    for key in ("a.txt", "b.txt", "sub/c.txt"):
        s3_admin.put_object(Bucket="cache-bucket", Key=key, Body=b"1")
    win = connected
    win.navigation.navigate(Location("cache-bucket", ""))
    wait_loaded(qtbot, win)
    win.navigation.navigate(Location("cache-bucket", "sub/"))
    wait_loaded(qtbot, win)
    qtmodeltester.check(win.table_model, force_py=True)  # and watches every change below

    # Unchanged: the cached rows appear synchronously and the background refresh keeps them
    # (no reset, so the selection made meanwhile stays).
    win.navigation.go_back()
    assert table_names(win) == ["sub", "a.txt", "b.txt"], "shown before any listing came back"
    assert win.table_model.is_loading
    win.table.selectionModel().select(win.table_model.index(2, 0),
                                      QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    resets: list[int] = []
    win.table_model.modelReset.connect(lambda: resets.append(1))
    wait_loaded(qtbot, win)
    assert resets == [] and win.listing.selected_keys_and_folders() == (["b.txt"], [])

    # Changed behind the app's back: the fresh rows replace the cached ones, selection kept by name.
    s3_admin.put_object(Bucket="cache-bucket", Key="0-new.txt", Body=b"1")
    s3_admin.delete_object(Bucket="cache-bucket", Key="a.txt")
    win.navigation.go_forward()
    wait_loaded(qtbot, win)
    win.navigation.go_back()
    assert table_names(win) == ["sub", "a.txt", "b.txt"]
    win.table.selectionModel().select(win.table_model.index(2, 0),
                                      QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    wait_loaded(qtbot, win)
    assert table_names(win) == ["sub", "0-new.txt", "b.txt"]
    assert win.listing.selected_keys_and_folders() == (["b.txt"], [])
    assert win.count_label.text() == "2 objects, 1 folder"

    # A plain navigation (not back/forward) never shows cached rows.
    win.navigation.navigate(Location("cache-bucket", "sub/"))
    assert table_names(win) == []


def test_listing_cache_keeps_recent_locations_within_a_row_budget() -> None:
    cache = ListingCache(max_locations=2, max_rows=100)
    a, b, c = (Location("b", p) for p in ("a/", "b/", "c/"))
    cache.put(a, {"_names": ["x"]}, 10)
    cache.put(b, {"_names": ["y"]}, 10)
    assert cache.get(a) == {"_names": ["x"]}  # a is now the most recent
    cache.put(c, {"_names": ["z"]}, 10)
    assert cache.get(b) is None and cache.get(a) is not None, "the least recently used goes first"
    cache.put(b, {}, 95)
    assert cache.rows <= 100 and cache.get(b) is not None
    cache.put(a, {}, 101)
    assert cache.get(a) is None, "a listing over the whole budget is not kept"
