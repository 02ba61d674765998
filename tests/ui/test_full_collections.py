"""Full garbage collections wait while a listing streams into the table, and only then."""

from __future__ import annotations

import gc

from s3browser.core.s3.locations import Location
from s3browser.ui import full_collections
from tests.ui.conftest import wait_loaded


def test_holds_nest_and_restore_the_threshold() -> None:
    before = gc.get_threshold()
    full_collections.hold()
    full_collections.hold()
    assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > before[2]
    full_collections.release()
    assert gc.get_threshold()[2] > before[2], "one listing still loads"
    full_collections.release()
    full_collections.release()  # one too many does not lower it further
    assert gc.get_threshold() == before


def test_a_listing_holds_them_until_it_ends(qtbot, connected, s3_admin) -> None:
    before = gc.get_threshold()
    s3_admin.create_bucket(Bucket="held")
    s3_admin.put_object(Bucket="held", Key="a.txt", Body=b"a")
    connected.navigation.navigate(Location("held", ""))
    assert connected.table_model.is_loading and gc.get_threshold()[2] > before[2]
    wait_loaded(qtbot, connected)
    assert gc.get_threshold() == before
    connected.navigation.navigate(Location("held", ""))
    connected.table_model.cancel()  # stopped by the user: released too
    assert gc.get_threshold() == before
