"""Once the transfer worker is up, the table's listings are made there and cross as packed pages:
the window's interpreter parses nothing, and failures still read as one sentence."""

from __future__ import annotations

from s3browser.core.s3.locations import Location
from s3browser.core.s3.packed_pages import PackedPage
from tests.ui.conftest import table_names, wait_loaded


def calls_of(window) -> list[str]:  # noqa: ANN001
    """The S3 operations the window's own client makes from now on."""
    made: list[str] = []
    window.ctx.connection.client.meta.events.register("before-call.s3", lambda model, **_: made.append(model.name))
    return made


def worker_ready(qtbot, window) -> None:  # noqa: ANN001
    engine = window.transfers.queue.engine
    qtbot.waitUntil(engine.listing_ready, timeout=30000)


def test_a_folder_is_listed_by_the_worker_not_the_window(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="big")
    for i in range(1205):  # two pages and a bit
        s3_admin.put_object(Bucket="big", Key=f"docs/n{i:05d}.txt", Body=b"x" * (i % 7))
    s3_admin.put_object(Bucket="big", Key="docs/sub/inner.txt", Body=b"y")
    s3_admin.put_object(Bucket="big", Key="docs/Ünïcode Name.TXT", Body=b"z")
    worker_ready(qtbot, connected)
    made = calls_of(connected)
    pages: list[object] = []
    connected.table_model.page_arrived.connect(pages.append)
    connected.navigation.navigate(Location("big", "docs/"))
    wait_loaded(qtbot, connected)
    names = table_names(connected)
    assert len(names) == 1207 and names[0] == "sub" and "Ünïcode Name.TXT" in names
    assert "ListObjectsV2" not in made  # the worker listed it
    assert sum(pages) == 1207
    model = connected.table_model
    row = names.index("n00006.txt")
    assert model.size_at(row) == 6 and model.key_at(row) == "docs/n00006.txt"


def test_a_failed_listing_in_the_worker_is_one_sentence(qtbot, connected) -> None:
    worker_ready(qtbot, connected)
    made = calls_of(connected)
    connected.navigation.navigate(Location("no-such-bucket", ""))
    wait_loaded(qtbot, connected)
    assert "ListObjectsV2" not in made
    sentence = connected.table_model.load_error
    assert "no-such-bucket" in sentence and "Traceback" not in sentence and "\n" not in sentence


def test_the_worker_lists_page_by_page_and_stops_when_asked(qtbot, connected, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="many")
    for i in range(2500):
        s3_admin.put_object(Bucket="many", Key=f"k{i:05d}", Body=b"")
    worker_ready(qtbot, connected)
    engine = connected.transfers.queue.engine
    stop = [False]
    pages = engine.list_pages("many", "", lambda: stop[0])
    first = next(pages)
    assert isinstance(first, PackedPage) and len(first) == 1000
    stop[0] = True
    list(pages)  # ends: the worker is told to stop
    worker = next(w for w in engine._workers if w.alive)
    qtbot.waitUntil(lambda: not worker.listings, timeout=5000)
    again = list(engine.list_pages("many", "", lambda: False))
    assert sum(len(page) for page in again) == 2500  # the worker lists on after a stopped listing
