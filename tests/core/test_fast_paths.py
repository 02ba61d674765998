"""The fast transfer paths against moto over HTTP: small PUTs through awscrt with botocore as the
fallback, downloads in parallel ranges written in place, large parts streamed from the file."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers import crt_transport, multipart
from s3browser.core.transfers import download as download_module
from s3browser.core.transfers import upload as upload_module
from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.options import MiB, UploadOptions
from s3browser.core.transfers.ranged_download import TrackedFile
from tests.conftest import SECRET_KEY, _profile
from tests.support.fault_proxy import Request, s3_error

pytestmark = pytest.mark.skipif(not crt_transport.crt_available(), reason="awscrt is not installed")


def _header(request: Request, name: str) -> str:
    return next((v for k, v in request.headers.items() if k.lower() == name.lower()), "")


def _from_crt(request: Request) -> bool:
    """botocore's requests carry our User-Agent; awscrt's do not."""
    return "s3browser/" not in _header(request, "User-Agent")


def run(start) -> BaseException | None:  # noqa: ANN001
    done = threading.Event()
    result: list[BaseException | None] = []

    def on_done(error: BaseException | None) -> None:
        result.append(error)
        done.set()

    start(on_done)
    assert done.wait(60)
    return result[0]


def _engine(endpoint: str) -> TransferEngine:
    return TransferEngine(Connection(_profile(endpoint), Secrets(SECRET_KEY)))


def test_small_files_go_through_awscrt_with_their_headers(s3_endpoint, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="fast-small")
    engine = _engine(s3_endpoint)
    try:
        assert engine.fast is not None
        options = UploadOptions(storage_class="STANDARD_IA", metadata={"owner": "ada"})
        files = []
        for i in range(20):
            path = tmp_path / f"note {i} ü.txt"
            path.write_bytes(os.urandom(100 + i))
            files.append(path)
        for path in files:
            assert run(lambda done, p=path: engine.upload(p, "fast-small", f"in/{p.name}", options,
                                                          Progress(p.stat().st_size), done)) is None
        assert engine.fast.requests == 20 and engine.fast.enabled
        for path in files:
            answer = s3_admin.get_object(Bucket="fast-small", Key=f"in/{path.name}")
            assert answer["Body"].read() == path.read_bytes()
            assert answer["ContentType"] == "text/plain"
            assert answer["Metadata"] == {"owner": "ada"}
            assert answer["StorageClass"] == "STANDARD_IA"
    finally:
        engine.shutdown()


def test_finished_fast_requests_are_freed(s3_endpoint, s3_admin, tmp_path: Path) -> None:
    """A finished request must not stay alive through a cycle the garbage collector cannot see
    (it did: 160 MiB for 5,000 files)."""
    s3_admin.create_bucket(Bucket="freed")
    engine = _engine(s3_endpoint)
    try:
        for i in range(30):
            path = tmp_path / f"f{i}"
            path.write_bytes(b"y" * i)
            assert run(lambda done, p=path, n=i: engine.upload(p, "freed", p.name, UploadOptions(), Progress(n),
                                                          done)) is None
        assert engine.fast is not None and engine.fast.requests == 30
        deadline = time.monotonic() + 10
        while True:  # the native side lets go of a request a moment after its on_done
            gc.collect()
            alive = sum(1 for o in gc.get_objects() if type(o).__name__ == "S3Request")
            if alive == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert alive == 0
    finally:
        engine.shutdown()


def test_without_awscrt_every_request_goes_through_botocore(s3_endpoint, s3_admin, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crt_transport.DISABLE_ENV, "1")
    s3_admin.create_bucket(Bucket="no-crt")
    engine = _engine(s3_endpoint)
    try:
        assert engine.fast is None
        path = tmp_path / "a.txt"
        path.write_bytes(b"plain")
        assert run(lambda done: engine.upload(path, "no-crt", "a.txt", UploadOptions(), Progress(5), done)) is None
        assert s3_admin.get_object(Bucket="no-crt", Key="a.txt")["Body"].read() == b"plain"
    finally:
        engine.shutdown()


def test_a_server_that_refuses_the_fast_path_gets_botocore(fault_proxy, s3_admin, tmp_path: Path) -> None:
    """The refused PUT is sent again through botocore, and the connection stops using awscrt."""
    s3_admin.create_bucket(Bucket="refuses-crt")
    refused: list[str] = []

    def refuse_crt(request: Request):
        if request.method == "PUT" and _from_crt(request):
            refused.append(request.path)
            return s3_error(400, "InvalidRequest", "Unsupported payload signing.")
        return None

    fault_proxy.rules.append(refuse_crt)
    engine = _engine(fault_proxy.url)
    try:
        for i in range(3):
            path = tmp_path / f"f{i}.bin"
            path.write_bytes(bytes([i]) * 10)
            assert run(lambda done, p=path: engine.upload(p, "refuses-crt", p.name, UploadOptions(),
                                                          Progress(10), done)) is None
            assert s3_admin.get_object(Bucket="refuses-crt", Key=path.name)["Body"].read() == path.read_bytes()
        assert engine.fast is not None and not engine.fast.enabled
        assert len(refused) == 1  # only the first: after it, botocore sends everything
    finally:
        engine.shutdown()


def test_a_refusal_botocore_gets_too_is_reported_and_keeps_the_fast_path(fault_proxy, s3_admin,
                                                                         tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="denies-all")
    fault_proxy.rules.append(lambda r: s3_error(403, "AccessDenied", "Access Denied") if r.method == "PUT" else None)
    engine = _engine(fault_proxy.url)
    try:
        path = tmp_path / "x.txt"
        path.write_bytes(b"x")
        error = run(lambda done: engine.upload(path, "denies-all", "x.txt", UploadOptions(), Progress(1), done))
        assert error is not None and describe(error).kind == "denied"
        assert engine.fast is not None and engine.fast.enabled  # botocore was refused as well
    finally:
        engine.shutdown()


def test_a_busy_server_does_not_turn_the_fast_path_off(fault_proxy, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="busy")
    busy = {"left": 6}  # awscrt retries a 503 itself; then botocore's PUT gets through

    def slow_down(request: Request):
        if request.method == "PUT" and _from_crt(request) and busy["left"] > 0:
            busy["left"] -= 1
            return s3_error(503, "SlowDown", "Please reduce your request rate.")
        return None

    fault_proxy.rules.append(slow_down)
    engine = _engine(fault_proxy.url)
    try:
        path = tmp_path / "b.txt"
        path.write_bytes(b"busy")
        assert run(lambda done: engine.upload(path, "busy", "b.txt", UploadOptions(), Progress(4), done)) is None
        assert s3_admin.get_object(Bucket="busy", Key="b.txt")["Body"].read() == b"busy"
        assert engine.fast is not None and engine.fast.enabled
    finally:
        engine.shutdown()


def test_a_file_changed_during_a_fast_upload_fails(s3_endpoint, s3_admin, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    s3_admin.create_bucket(Bucket="changes")
    engine = _engine(s3_endpoint)
    path = tmp_path / "moving.txt"
    path.write_bytes(b"one")
    assert engine.fast is not None
    real_put = engine.fast.put_object

    def put_then_edit(*args, **kwargs):  # noqa: ANN002, ANN003
        request = real_put(*args, **kwargs)
        path.write_bytes(b"two, longer")
        return request

    monkeypatch.setattr(engine.fast, "put_object", put_then_edit)
    try:
        error = run(lambda done: engine.upload(path, "changes", "moving.txt", UploadOptions(), Progress(3), done))
        assert error is not None and describe(error).kind == "changed"
    finally:
        engine.shutdown()


def test_tracked_file_knows_its_complete_start_and_hashes_it(tmp_path: Path) -> None:
    data = os.urandom(3 * MiB + 123)
    with open(tmp_path / "t", "w+b") as raw:
        advanced: list[int] = []
        tracked = TrackedFile(raw, on_advance=advanced.append, journal_step=MiB, hash_md5=True)
        pieces = [(start, data[start:start + 512 * 1024]) for start in range(0, len(data), 512 * 1024)]
        for start, piece in reversed(pieces):  # the last range first: nothing is complete until the first
            tracked.write_at(start, piece)
            if start:
                assert tracked.prefix == 0
        assert tracked.prefix == len(data)
        assert advanced and advanced[-1] <= len(data)
        assert tracked.md5_hex(len(data)) == hashlib.md5(data).hexdigest()
        raw.seek(0)
        assert raw.read() == data


def test_download_in_ranges_writes_the_object_and_checks_its_md5(s3_endpoint, s3_admin, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(download_module, "DOWNLOAD_PART_SIZE", 1 * MiB)
    s3_admin.create_bucket(Bucket="ranges")
    data = os.urandom(5 * MiB + 77)
    etag = s3_admin.put_object(Bucket="ranges", Key="big.bin", Body=data)["ETag"]
    engine = _engine(s3_endpoint)
    target = tmp_path / "out" / "big.bin"
    target.parent.mkdir()
    try:
        progress = Progress(len(data))
        assert run(lambda done: engine.download("ranges", "big.bin", target, len(data), etag, 1_700_000_000.0,
                                                progress, done, root=target.parent)) is None
        assert target.read_bytes() == data and progress.done == len(data)
        assert os.path.getmtime(target) == 1_700_000_000.0
        assert [p.name for p in target.parent.iterdir()] == ["big.bin"]  # no temporary file left
    finally:
        engine.shutdown()


def test_a_range_refused_by_if_match_fails_as_changed(fault_proxy, s3_admin, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(download_module, "DOWNLOAD_PART_SIZE", 1 * MiB)
    s3_admin.create_bucket(Bucket="replaced")
    data = os.urandom(3 * MiB)
    etag = s3_admin.put_object(Bucket="replaced", Key="o.bin", Body=data)["ETag"]
    seen: list[str] = []

    def replaced_midway(request: Request):
        if request.method == "GET" and "bytes=2097152-" in _header(request, "Range"):
            seen.append(_header(request, "If-Match"))
            return s3_error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
        return None

    fault_proxy.rules.append(replaced_midway)
    engine = _engine(fault_proxy.url)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "o.bin"
    try:
        error = run(lambda done: engine.download("replaced", "o.bin", target, len(data), etag, 0.0,
                                                 Progress(len(data)), done, root=target.parent))
        assert error is not None and describe(error).kind == "changed"
        assert seen == [etag]
        assert list(target.parent.iterdir()) == []  # nor its temporary file
    finally:
        engine.shutdown()


def test_large_files_stream_their_parts_from_the_file(s3_endpoint, s3_admin, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multipart, "REREAD_LIMIT", 1 * MiB)  # as if the file were larger than 64 MiB
    s3_admin.create_bucket(Bucket="streamed")
    data = os.urandom(11 * MiB + 5)
    path = tmp_path / "large.bin"
    path.write_bytes(data)
    engine = _engine(s3_endpoint)
    try:
        options = UploadOptions(part_size=5 * MiB, parallel_parts=3)
        assert run(lambda done: engine.upload(path, "streamed", "large.bin", options, Progress(len(data)),
                                              done)) is None
        answer = s3_admin.get_object(Bucket="streamed", Key="large.bin")
        assert answer["Body"].read() == data and answer["ETag"].strip('"').endswith("-3")
    finally:
        engine.shutdown()


def test_small_fast_uploads_start_on_the_callers_thread(s3_endpoint, s3_admin, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No hop through a pool per small file; a file that cannot be read fails before upload returns.
    Only when asked (the worker process): an engine driven from a GUI thread must not read files there."""
    s3_admin.create_bucket(Bucket="inline")
    engine = TransferEngine(Connection(_profile(s3_endpoint), Secrets(SECRET_KEY)), start_small_inline=True)
    default_engine = _engine(s3_endpoint)
    small = tmp_path / "small.txt"
    small.write_bytes(b"s" * 1000)
    big = tmp_path / "over-the-inline-limit.bin"
    big.write_bytes(b"b" * (upload_module.INLINE_START_LIMIT + 1))
    reading_threads: list[str] = []
    real_read_whole = upload_module.read_whole

    def read_whole(path: Path, size: int, *rest: bool) -> bytes:
        reading_threads.append(threading.current_thread().name)
        return real_read_whole(path, size, *rest)

    monkeypatch.setattr(upload_module, "read_whole", read_whole)
    try:
        assert run(lambda done: engine.upload(small, "inline", "small.txt", UploadOptions(), Progress(1000),
                                              done)) is None
        assert run(lambda done: engine.upload(big, "inline", "big.bin", UploadOptions(), Progress(0), done)) is None
        assert reading_threads[0] == threading.current_thread().name, "the small file was read right here"
        assert reading_threads[1] != threading.current_thread().name, "a larger one is read on the pool"
        assert s3_admin.get_object(Bucket="inline", Key="small.txt")["Body"].read() == b"s" * 1000
        assert run(lambda done: default_engine.upload(small, "inline", "default.txt", UploadOptions(),
                                                      Progress(1000), done)) is None
        assert reading_threads[2] != threading.current_thread().name, "by default it is read on the pool"

        gone = tmp_path / "gone.txt"
        gone.write_bytes(b"g")

        def removed_first(path: Path, size: int, *rest: bool) -> bytes:  # removed between the size check and the read
            path.unlink()
            return real_read_whole(path, size, *rest)

        monkeypatch.setattr(upload_module, "read_whole", removed_first)
        errors: list[BaseException | None] = []
        engine.upload(gone, "inline", "gone.txt", UploadOptions(), Progress(1), errors.append)
        assert len(errors) == 1 and isinstance(errors[0], FileNotFoundError), "failed before upload returned"
        described = describe(errors[0], bucket="inline", key="gone.txt")
        assert described.kind == "local" and "Errno" not in described.message
    finally:
        engine.shutdown()
        default_engine.shutdown()


def test_read_whole_notices_a_file_longer_than_its_size(tmp_path: Path) -> None:
    path = tmp_path / "grown.bin"
    path.write_bytes(b"0123456789")
    assert upload_module.read_whole(path, 10) == b"0123456789"
    assert upload_module.read_whole(path, 4) == b"01234", "one byte past the size shows it grew"
    assert upload_module.read_whole(path, 20) == b"0123456789"
    (tmp_path / "empty").write_bytes(b"")
    assert upload_module.read_whole(tmp_path / "empty", 0) == b""


def test_the_deadline_watch_ends_once_no_request_is_left(conn, s3_admin) -> None:
    """One thread per transport watches small PUTs' deadlines; once none is left it ends, so a
    transport no longer used leaves no thread behind (the suite had a hundred of them)."""
    from s3browser.core.transfers.crt_transport import WATCH_INTERVAL, CrtTransport, crt_available

    if not crt_available():
        pytest.skip("awscrt is not installed")
    s3_admin.create_bucket(Bucket="watched")
    transport = CrtTransport(conn)
    finished = threading.Event()
    transport.put_object("watched", "k", b"body", {}, lambda error, _answer: finished.set())
    assert finished.wait(10)
    watch = transport._watchdog
    assert watch is not None
    watch.join(timeout=10 * WATCH_INTERVAL)
    assert not watch.is_alive() and transport._watchdog is None
    done_again = threading.Event()
    transport.put_object("watched", "k2", b"more", {}, lambda error, _answer: done_again.set())
    assert done_again.wait(10)  # requests go on after the watch ended


def test_awscrt_threads_keep_their_python_thread_state_between_callbacks(conn, s3_admin) -> None:
    """awscrt's event loop calls into Python for every request; a thread state made afresh for each
    call mapped and unmapped a stack chunk every time (a tenth of the worker's CPU with small files).
    Kept, what a callback leaves in a thread-local is still there at the next one on that thread."""
    from s3browser.core.transfers.crt_transport import CrtTransport, crt_available

    if not crt_available():
        pytest.skip("awscrt is not installed")
    s3_admin.create_bucket(Bucket="kept-states")
    transport = CrtTransport(conn)
    local = threading.local()
    seen: list[tuple[int, int]] = []  # (thread, callbacks this thread state had seen before)

    def answered(error, _answer) -> None:  # noqa: ANN001 - runs on awscrt's thread
        assert error is None
        count = getattr(local, "count", 0)
        seen.append((threading.get_ident(), count))
        local.count = count + 1

    for n in range(6):
        done = threading.Event()
        transport.put_object("kept-states", f"k{n}", b"body", {}, lambda e, a, done=done: (answered(e, a), done.set()))
        assert done.wait(10)
    by_thread: dict[int, list[int]] = {}
    for thread, count in seen:
        by_thread.setdefault(thread, []).append(count)
    assert all(counts == list(range(len(counts))) for counts in by_thread.values()), by_thread


def test_keys_that_never_change_are_not_asked_for_per_request(conn, s3_admin, monkeypatch) -> None:
    """With keys typed into a profile, awscrt signs with the keys it was given once; asking Python for
    them on every request was a thread hop and a GIL hand-off per small file."""
    from s3browser.core.transfers.crt_transport import CrtTransport, crt_available

    if not crt_available():
        pytest.skip("awscrt is not installed")
    assert conn.fixed_credentials() is not None
    s3_admin.create_bucket(Bucket="fixed-keys")
    asked: list[int] = []
    real = type(conn).frozen_credentials
    monkeypatch.setattr(type(conn), "frozen_credentials", lambda self: asked.append(1) or real(self))
    transport = CrtTransport(conn)
    for n in range(3):
        transport.send("PUT", "fixed-keys", f"k{n}", "", {"Content-Length": "4"}, b"body", "PutObject")
    assert asked == []
    assert [o["Key"] for o in s3_admin.list_objects_v2(Bucket="fixed-keys")["Contents"]] == ["k0", "k1", "k2"]
