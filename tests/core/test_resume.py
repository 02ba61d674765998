"""Interrupted multipart uploads resume from their completed parts, in-process and in worker processes.

The network is a real HTTP proxy in front of moto whose rules slow down or drop UploadPart
requests, so the interruptions happen where they do in life: between and during parts.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.journal import UploadJournal
from s3browser.core.transfers.options import MiB, UploadOptions
from s3browser.core.transfers.process_engine import ProcessTransferEngine
from tests.conftest import SECRET_KEY, _profile

OPTIONS = UploadOptions(part_size=5 * MiB, parallel_parts=1)


def is_part_upload(request) -> bool:  # noqa: ANN001
    return request.method == "PUT" and "partNumber=" in request.path


def wait_done(engine, path: Path, bucket: str, key: str, progress: Progress) -> tuple[BaseException | None, object]:
    finished = threading.Event()
    errors: list[BaseException | None] = []
    handle = engine.upload(path, bucket, key, OPTIONS, progress, lambda e: (errors.append(e), finished.set()))
    assert finished.wait(60)
    return errors[0], handle


@pytest.fixture
def proxied(fault_proxy, s3_admin):
    s3_admin.create_bucket(Bucket="resume")
    return Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)


def test_failed_upload_keeps_its_parts_and_retry_resumes(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(23 * MiB))  # 5 parts: 4 x 5 MiB + 3 MiB
    parts_seen = {"count": 0}

    def network_drops_after_two_parts(request):  # noqa: ANN001
        if is_part_upload(request):
            parts_seen["count"] += 1
            if parts_seen["count"] > 2:
                raise ConnectionResetError("network gone")
        return None

    fault_proxy.rules.append(network_drops_after_two_parts)
    journal = UploadJournal(tmp_path / "journal.sqlite3")
    engine = TransferEngine(proxied, journal=journal)
    try:
        error, _ = wait_done(engine, source, "resume", "in/video.mp4", Progress(source.stat().st_size))
        assert error is not None and describe(error).kind == "network"
        uploads = s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", [])
        assert len(uploads) == 1, "a failed upload keeps its parts for resuming"
        kept = s3_admin.list_parts(Bucket="resume", Key="in/video.mp4", UploadId=uploads[0]["UploadId"])["Parts"]
        assert len(kept) == 2  # parts run in parallel: which two arrived first varies
        [entry] = engine.interrupted_uploads()
        assert entry.upload_id == uploads[0]["UploadId"] and entry.local_path == source

        fault_proxy.rules.clear()
        parts_seen["count"] = 0
        fault_proxy.rules.append(lambda r: (parts_seen.__setitem__("count", parts_seen["count"] + is_part_upload(r)),
                                            None)[1])
        progress = Progress(source.stat().st_size)
        error, handle = wait_done(engine, source, "resume", "in/video.mp4", progress)
        assert error is None
        assert handle.resumed_bytes == sum(p["Size"] for p in kept)
        assert parts_seen["count"] == 3, "only the missing parts were sent"
        assert progress.done == source.stat().st_size
    finally:
        engine.shutdown()
    body = s3_admin.get_object(Bucket="resume", Key="in/video.mp4")["Body"].read()
    assert body == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", []) == []
    assert journal.entries(proxied.identity) == []


def test_a_changed_file_is_not_resumed_onto_old_parts(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "data.bin"
    source.write_bytes(os.urandom(12 * MiB))
    fault_proxy.rules.append(lambda r: (_ for _ in ()).throw(ConnectionResetError()) if is_part_upload(r)
                             and "partNumber=2" in r.path else None)
    engine = TransferEngine(proxied, journal=UploadJournal(tmp_path / "journal.sqlite3"))
    try:
        error, _ = wait_done(engine, source, "resume", "data.bin", Progress(source.stat().st_size))
        assert error is not None and len(engine.interrupted_uploads()) == 1
        fault_proxy.rules.clear()
        source.write_bytes(os.urandom(11 * MiB))
        error, handle = wait_done(engine, source, "resume", "data.bin", Progress(source.stat().st_size))
        assert error is None and handle.resumed_bytes == 0
    finally:
        engine.shutdown()
    assert s3_admin.get_object(Bucket="resume", Key="data.bin")["Body"].read() == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", []) == [], "the stale upload was aborted"


def test_quitting_keeps_the_upload_and_a_new_process_resumes_it(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    """Workers are real processes: the first is stopped mid-upload, a second one (after "restart") finishes."""
    source = tmp_path / "backup.tar"
    source.write_bytes(os.urandom(30 * MiB))
    fault_proxy.rules.append(slow_parts)
    journal_path = tmp_path / "journal.sqlite3"
    engine = ProcessTransferEngine(proxied, processes=1, journal_path=journal_path)
    progress = Progress(source.stat().st_size)
    errors: list[BaseException | None] = []
    engine.upload(source, "resume", "backup.tar", OPTIONS, progress, errors.append)
    deadline = time.monotonic() + 30
    while progress.done < 10 * MiB and time.monotonic() < deadline:
        time.sleep(0.05)
    assert progress.done >= 10 * MiB
    engine.shutdown(keep_multipart=True)
    assert errors and errors[0] is not None  # interrupted, reported as not done
    uploads = s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", [])
    assert len(uploads) == 1, "quitting keeps the parts"

    fault_proxy.rules.clear()
    restarted = ProcessTransferEngine(proxied, processes=1, journal_path=journal_path)
    try:
        [entry] = restarted.interrupted_uploads()
        assert entry.key == "backup.tar" and entry.options["part_size"] == 5 * MiB
        finished = threading.Event()
        results: list[BaseException | None] = []
        progress = Progress(source.stat().st_size)
        handle = restarted.upload(source, "resume", "backup.tar", OPTIONS, progress,
                                  lambda e: (results.append(e), finished.set()))
        assert finished.wait(60) and results == [None]
        assert handle.resumed_bytes >= 10 * MiB
        assert restarted.interrupted_uploads() == []
    finally:
        restarted.shutdown()
    assert s3_admin.get_object(Bucket="resume", Key="backup.tar")["Body"].read() == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", []) == []


def slow_parts(request):  # noqa: ANN001
    if is_part_upload(request):
        time.sleep(0.4)
    return None


def test_user_cancel_in_a_worker_aborts_the_upload(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="cancel-worker")
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(30 * MiB))
    fault_proxy.rules.append(slow_parts)
    engine = ProcessTransferEngine(proxied, processes=1, journal_path=tmp_path / "journal.sqlite3")
    try:
        progress = Progress(source.stat().st_size)
        finished = threading.Event()
        errors: list[BaseException | None] = []
        handle = engine.upload(source, "cancel-worker", "big.bin", OPTIONS, progress,
                               lambda e: (errors.append(e), finished.set()))
        deadline = time.monotonic() + 30
        while progress.done == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        handle.cancel()
        assert finished.wait(30) and errors[0] is not None
        assert engine.interrupted_uploads() == []
    finally:
        engine.shutdown()
    assert s3_admin.list_multipart_uploads(Bucket="cancel-worker").get("Uploads", []) == []
    assert "Contents" not in s3_admin.list_objects_v2(Bucket="cancel-worker")


def test_worker_processes_upload_many_small_files_and_download(s3_endpoint, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="many")
    engine = ProcessTransferEngine(Connection(_profile(s3_endpoint), Secrets(SECRET_KEY)), processes=2)
    files = []
    for index in range(40):
        path = tmp_path / f"f{index:02d}.txt"
        path.write_bytes(os.urandom(100 + index))
        files.append(path)
    finished = threading.Semaphore(0)
    errors: list[BaseException | None] = []
    try:
        for path in files:
            engine.upload(path, "many", f"small/{path.name}", UploadOptions(), Progress(0),
                          lambda e: (errors.append(e), finished.release()))
        for _ in files:
            assert finished.acquire(timeout=60)
        assert errors == [None] * len(files)
        assert len(engine._workers) == 2, "both worker processes took part"
        target = tmp_path / "down" / "f07.txt"
        head = s3_admin.head_object(Bucket="many", Key="small/f07.txt")
        progress = Progress(head["ContentLength"])
        engine.download("many", "small/f07.txt", target, head["ContentLength"], head["ETag"],
                        head["LastModified"].timestamp(), progress, lambda e: (errors.append(e), finished.release()),
                        root=target.parent)
        assert finished.acquire(timeout=60) and errors[-1] is None
    finally:
        engine.shutdown()
    assert target.read_bytes() == files[7].read_bytes() and progress.done == progress.total
    keys = [o["Key"] for o in s3_admin.list_objects_v2(Bucket="many")["Contents"]]
    assert len(keys) == 40


def test_a_lasting_failure_aborts_instead_of_keeping_parts(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    """Access denied is no network hiccup: nothing to resume, so no parts are left behind."""
    from tests.support.fault_proxy import s3_error

    source = tmp_path / "denied.bin"
    source.write_bytes(os.urandom(12 * MiB))
    fault_proxy.rules.append(lambda r: s3_error(403, "AccessDenied", "Access Denied")
                             if is_part_upload(r) and "partNumber=2" in r.path else None)
    engine = TransferEngine(proxied, journal=UploadJournal(tmp_path / "journal.sqlite3"))
    try:
        error, _ = wait_done(engine, source, "resume", "denied.bin", Progress(source.stat().st_size))
        assert error is not None and describe(error).kind == "denied"
        assert engine.interrupted_uploads() == []
    finally:
        engine.shutdown()
    assert s3_admin.list_multipart_uploads(Bucket="resume").get("Uploads", []) == []


def test_a_prestarted_worker_reports_ready_once_its_connection_is_open(s3_endpoint, tmp_path) -> None:
    engine = ProcessTransferEngine(Connection(_profile(s3_endpoint), Secrets(SECRET_KEY)), processes=1)
    try:
        assert not engine.ready(), "no worker runs before one is asked for"
        engine.prestart()
        deadline = time.monotonic() + 60
        while not engine.ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert engine.ready()
    finally:
        engine.shutdown()
    assert not engine.ready(), "a stopped engine has no ready worker"


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="reads the worker's environment from /proc")
def test_workers_keep_download_chunks_on_the_heap_and_the_users_own_tunables(s3_endpoint, monkeypatch) -> None:
    from s3browser.core.transfers.process_engine import worker_environment

    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")
    tunables = worker_environment()["GLIBC_TUNABLES"].split(":")
    assert "glibc.malloc.mmap_threshold=4194304" in tunables
    assert tunables[-1] == "glibc.malloc.arena_max=2", "the user's own setting comes last and wins"
    monkeypatch.delenv("GLIBC_TUNABLES")
    engine = ProcessTransferEngine(Connection(_profile(s3_endpoint), Secrets(SECRET_KEY)), processes=1)
    try:
        engine.prestart()
        deadline = time.monotonic() + 60
        while not engine.ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        environ = Path(f"/proc/{engine._workers[0].process.pid}/environ").read_bytes().split(b"\0")
    finally:
        engine.shutdown()
    # glibc rewrites the variable in place as it parses it; what the worker started with comes first.
    assert any(entry.startswith(b"GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4194304") for entry in environ)


def test_a_worker_freezes_its_connection_once_open_so_collections_skip_it(s3_endpoint) -> None:
    """Full collections in a worker walked botocore's model again and again (5-10 % of its CPU
    in a 1 GiB download); once the connection is open it is frozen and they skip it."""
    import gc
    from multiprocessing import Pipe

    from s3browser.core.transfers.pipe_batches import unbatched
    from s3browser.core.transfers.worker import WorkerSpec, _Worker

    parent_end, child_end = Pipe()
    worker = _Worker(child_end)
    try:
        worker._open(WorkerSpec(_profile(s3_endpoint), Secrets(SECRET_KEY)))
        assert ("ready",) in list(unbatched(parent_end.recv()))
        client = worker.engine.connection.client
        assert not any(obj is client for obj in gc.get_objects()), "the open connection is still walked"
    finally:
        gc.unfreeze()
        if worker.engine is not None:
            worker.engine.shutdown()
        parent_end.close()
        child_end.close()
