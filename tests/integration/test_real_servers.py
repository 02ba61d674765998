"""Core flows and a GUI browse flow against SeaweedFS and rclone serve s3 over loopback."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import s3browser.core as core
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from tests.integration.conftest import server_profile
from tests.ui.conftest import table_names, wait_loaded
from tests.ui.test_browsing import double_click_row


@pytest.fixture
def conn(real_server):
    connection = Connection(*server_profile(real_server))
    yield connection
    connection.close()


def test_core_api_round_trip(conn, bucket, tmp_path) -> None:
    core.upload_bytes(conn, bucket, "docs/hello world.txt", b"hello")
    core.upload_bytes(conn, bucket, "docs/ünïcødé/файл.txt", "привет".encode())
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 40_000)  # 10 MB: multipart through s3transfer
    core.upload_file(conn, bucket, "blobs/big.bin", big)

    assert core.exists(conn, bucket, "docs/hello world.txt")
    assert not core.exists(conn, bucket, "docs/nope.txt")
    assert core.download_bytes(conn, bucket, "docs/ünïcødé/файл.txt") == "привет".encode()
    out = core.download_file(conn, bucket, "blobs/big.bin", tmp_path / "out" / "big.bin")
    assert out.read_bytes() == big.read_bytes()
    assert [o.key for o in core.list_objects(conn, bucket, "docs/")] == ["docs/hello world.txt"]
    assert core.list_folders(conn, bucket, "docs/") == ["docs/ünïcødé/"]
    assert bucket in [b.name for b in core.list_buckets(conn)]
    core.delete(conn, bucket, "docs/hello world.txt")
    assert not core.exists(conn, bucket, "docs/hello world.txt")


def test_paged_listing_returns_every_key_once(conn, bucket, real_server) -> None:
    client = real_server.client()
    keys = [f"many/{i:04d}.txt" for i in range(120)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: client.put_object(Bucket=bucket, Key=k, Body=b"x"), keys))
    client.put_object(Bucket=bucket, Key="many/sub/inner.txt", Body=b"")
    pages = list(core.iter_pages(conn, bucket, "many/", page_size=50))
    assert len(pages) >= 3
    listed = [k for page in pages for k in page.keys]
    assert listed == keys
    assert [f for page in pages for f in page.folders] == ["many/sub/"]


def test_listing_in_key_ranges_equals_one_listing(conn, bucket, real_server) -> None:
    """Ranges cut by StartAfter probes and narrower prefixes give the rows of one sequential listing,
    on each server's own ordering, delimiter roll-up and StartAfter handling."""
    from botocore.exceptions import ClientError

    from tests.support.listing_check import assert_ranges_match, key_shapes

    client = real_server.client()
    keys = [f"{shape}/{name}" for shape, names in key_shapes().items() for name in names]

    def put(key: str) -> bool:
        try:
            client.put_object(Bucket=bucket, Key=key, Body=key.encode()[:5])
        except ClientError:  # rclone keeps files on disk: "c" and "c/d" cannot both exist
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        stored = sum(pool.map(put, keys))
    assert stored > len(keys) * 0.9
    for shape in key_shapes():
        for delimiter in ("/", ""):
            assert assert_ranges_match(conn, bucket, f"{shape}/", delimiter, 7, 4) > 0
    assert_ranges_match(conn, bucket, "", "/", 3, 4)


def test_wrong_secret_is_reported_clearly(real_server) -> None:
    conn = Connection(*server_profile(real_server, secret="definitely-wrong"), max_attempts=1)
    with pytest.raises(Exception) as info:
        core.list_buckets(conn)
    error = core.describe(info.value)
    assert error.kind == "auth", error.message


def test_gui_browse_flow(qtbot, window, real_server, bucket) -> None:
    client = real_server.client()
    for key in ("photos/2026/a.png", "photos/2026/b.png", "photos/readme.txt", "top.txt"):
        client.put_object(Bucket=bucket, Key=key, Body=b"data")
    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        window.connections.connect_profile(*server_profile(real_server), remember=False)
    wait_loaded(qtbot, window)
    assert bucket in table_names(window)

    window.navigation.navigate(Location(bucket, ""))
    wait_loaded(qtbot, window)
    assert table_names(window) == ["photos", "top.txt"]
    double_click_row(qtbot, window, "photos")
    wait_loaded(qtbot, window)
    assert window.path_bar.text() == f"s3://{bucket}/photos/"
    assert table_names(window) == ["2026", "readme.txt"]
    qtbot.keyClicks(window.filter_edit, "read")
    assert table_names(window) == ["readme.txt"]
    window.navigation.up_action.trigger()
    wait_loaded(qtbot, window)
    assert window.path_bar.text() == f"s3://{bucket}/"

    conn_index = window.tree_model.connection_index()
    qtbot.waitUntil(lambda: window.tree_model.find_child(conn_index, bucket).isValid(), timeout=15000)
    bucket_index = window.tree_model.find_child(conn_index, bucket)
    window.tree.expand(bucket_index)
    qtbot.waitUntil(lambda: window.tree_model.rowCount(bucket_index) == 1, timeout=15000)
    assert window.tree_model.index(0, 0, bucket_index).data() == "photos"


def test_fast_listing_parser_matches_botocore(conn, bucket, real_server) -> None:
    from tests.support.parser_check import (
        HOSTILE_KEYS,
        assert_same_listings,
        stock_client,
    )

    client = real_server.client()
    for key in HOSTILE_KEYS:
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    stock = stock_client(real_server.endpoint, real_server.access_key, real_server.secret_key)
    assert assert_same_listings(conn, stock, bucket) >= 8


def test_bucket_policy_denial_shows_message_and_other_buckets_work(qtbot, window, seaweedfs_server) -> None:
    """A real bucket policy (SeaweedFS enforces them) denies one bucket; its siblings keep working."""
    import json
    import uuid

    client = seaweedfs_server.client()
    locked, opened = f"locked-{uuid.uuid4().hex[:8]}", f"open-{uuid.uuid4().hex[:8]}"
    for name in (locked, opened):
        client.create_bucket(Bucket=name)
        client.put_object(Bucket=name, Key="inside/file.txt", Body=b"x")
    client.put_bucket_policy(Bucket=locked, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{locked}", f"arn:aws:s3:::{locked}/*"]}]}))

    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        window.connections.connect_profile(*server_profile(seaweedfs_server), remember=False)
    wait_loaded(qtbot, window)
    window.navigation.navigate(Location(locked, ""))
    qtbot.waitUntil(lambda: f"Access denied to bucket “{locked}”" in window.banner.text(), timeout=15000)
    assert window.table_model.rowCount() == 0
    window.navigation.navigate(Location(opened, ""))
    wait_loaded(qtbot, window)
    assert table_names(window) == ["inside"]
    assert window.banner.text() == ""


def test_transfer_engine_multipart_cancel_and_download(conn, bucket, real_server, tmp_path) -> None:
    import os
    import threading

    from s3browser.core.transfers.engine import TransferEngine
    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.options import MiB, UploadOptions
    from s3browser.core.transfers.plans import plan_downloads

    engine = TransferEngine(conn)
    try:
        source = tmp_path / "big.bin"
        source.write_bytes(os.urandom(11 * MiB))
        done = threading.Event()
        errors = []
        engine.upload(source, bucket, "x/big.bin", UploadOptions(part_size=5 * MiB), Progress(11 * MiB),
                      lambda e: (errors.append(e), done.set()))
        assert done.wait(60) and errors == [None]

        plan = plan_downloads(conn, bucket, [], ["x/"], "", tmp_path / "out")
        item = plan.files[0]
        done.clear()
        engine.download(bucket, item.key, item.target.path, item.size, item.etag, item.mtime,
                        Progress(item.size), lambda e: (errors.append(e), done.set()), root=plan.root)
        assert done.wait(60) and errors == [None, None]
        assert (tmp_path / "out" / "x" / "big.bin").read_bytes() == source.read_bytes()

        started, done = threading.Event(), threading.Event()

        class Watch(Progress):
            def on_progress(self, future, bytes_transferred, **kwargs):  # noqa: ANN001
                super().on_progress(future, bytes_transferred, **kwargs)
                started.set()

        future = engine.upload(source, bucket, "x/cancelled.bin", UploadOptions(part_size=5 * MiB, parallel_parts=1),
                               Watch(11 * MiB), lambda e: done.set())
        assert started.wait(30)
        future.cancel()
        assert done.wait(30)
        assert real_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    finally:
        engine.shutdown()


def test_gui_upload_by_drop_and_download_by_drag_out(qtbot, window, real_server, bucket, tmp_path) -> None:
    """The window's whole transfer path (worker processes, queue, multipart) on a real server."""
    import os

    from tests.ui.test_drag_out import FileManagerStandIn, drop_on, select_names
    from tests.ui.test_transfers_gui import drop, wait_transfers

    album = tmp_path / "album"
    (album / "raw").mkdir(parents=True)
    files = {"album/a.txt": b"a" * 10, "album/raw/big.bin": os.urandom(12 * 1024 * 1024)}
    for relative, body in files.items():
        (tmp_path / relative).write_bytes(body)
    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        window.connections.connect_profile(*server_profile(real_server), remember=False)
    window.navigation.navigate(Location(bucket, ""))
    wait_loaded(qtbot, window)
    drop(window.table, [album], window.table.viewport().rect().center())
    wait_transfers(qtbot, window, timeout=60000)
    assert {i.key: i.state.label for i in window.transfers.model.items} == {
        "album/a.txt": "Done", "album/raw/big.bin": "Done"}
    client = real_server.client()
    for key, body in files.items():
        assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    qtbot.waitUntil(lambda: "album" in table_names(window), timeout=15000)

    select_names(window, ["album"])
    mime = window.table_model.mimeData(window.table.selectionModel().selectedIndexes())
    desktop = tmp_path / "desktop"
    desktop.mkdir()
    file_manager = FileManagerStandIn(desktop)
    qtbot.addWidget(file_manager)
    drop_on(file_manager, mime)
    copied = {p.relative_to(desktop).as_posix(): p.read_bytes() for p in desktop.rglob("*") if p.is_file()}
    assert copied == files


def test_interrupted_upload_resumes_from_its_parts(conn, bucket, real_server, tmp_path) -> None:
    import os
    import threading
    import time

    from s3browser.core.transfers.engine import TransferEngine
    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.journal import UploadJournal
    from s3browser.core.transfers.options import MiB, UploadOptions

    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(60 * MiB))  # 12 parts sent one by one: time to interrupt on loopback
    options = UploadOptions(part_size=5 * MiB, parallel_parts=1)
    journal = UploadJournal(tmp_path / "journal.sqlite3")
    engine = TransferEngine(conn, max_concurrent_files=1, journal=journal)
    try:
        progress = Progress(source.stat().st_size)
        finished = threading.Event()
        handle = engine.upload(source, bucket, "big.bin", options, progress, lambda e: finished.set())
        deadline = time.monotonic() + 30
        while progress.done < 11 * MiB and time.monotonic() < deadline:
            time.sleep(0.001)
        handle.interrupt()
        assert finished.wait(30)
        [entry] = engine.interrupted_uploads()
        results: list = []
        finished.clear()
        progress = Progress(source.stat().st_size)
        handle = engine.upload(source, bucket, "big.bin", options, progress, lambda e: (results.append(e),
                                                                                        finished.set()))
        assert finished.wait(60) and results == [None]
    finally:
        engine.shutdown()
    assert handle.resumed_bytes >= 5 * MiB, "at least one part was kept and not sent again"
    assert real_server.client().get_object(Bucket=bucket, Key="big.bin")["Body"].read() == source.read_bytes()
    assert journal.entries(conn.identity) == []
    uploads = real_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u for u in uploads if u["Key"] == "big.bin"] == []


def test_fast_path_uploads_small_files_and_parts_on_a_real_server(conn, bucket, real_server, tmp_path) -> None:
    """awscrt's requests (small PUTs, UploadPart) are accepted as they are: nothing falls back to botocore."""
    import os
    import threading

    from s3browser.core.transfers import crt_transport
    from s3browser.core.transfers.engine import TransferEngine
    from s3browser.core.transfers.handles import Progress
    from s3browser.core.transfers.options import MiB, UploadOptions

    if not crt_transport.crt_available():
        pytest.skip("awscrt is not installed")
    engine = TransferEngine(conn)
    try:
        assert engine.fast is not None
        files = {}
        for i in range(30):
            path = tmp_path / f"small {i} é.txt"
            path.write_bytes(os.urandom(50 + 97 * i))
            files[f"fast/{path.name}"] = path
        big = tmp_path / "parts.bin"
        big.write_bytes(os.urandom(12 * MiB))  # three parts of 5 MiB, read whole and sent by awscrt
        files["fast/parts.bin"] = big
        finished = threading.Semaphore(0)
        errors: list[BaseException | None] = []
        for key, path in files.items():
            options = UploadOptions(part_size=5 * MiB)
            engine.upload(path, bucket, key, options, Progress(path.stat().st_size),
                          lambda e: (errors.append(e), finished.release()))
        for _ in files:
            assert finished.acquire(timeout=120)
        assert errors == [None] * len(files)
        assert engine.fast.enabled, "the server accepted every fast request"
        assert engine.fast.requests == 30 + 3, "30 PUTs and 3 parts went through awscrt"
        client = real_server.client()
        for key, path in files.items():
            assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == path.read_bytes(), key
    finally:
        engine.shutdown()
