"""The loss, hang and escape paths found by an adversarial run, each through the engine the window uses.

Plans come from ``plan_downloads`` / ``plan_uploads`` and transfers run on ``TransferEngine``
(the same engine the worker processes run), against moto over HTTP; where the network must
misbehave, a real HTTP proxy stands in between.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from pathlib import Path

import pytest

from s3browser.core.local.paths import local_target
from s3browser.core.local.writes import TargetFolder
from s3browser.core.ops.copy import plan_copy
from s3browser.core.ops.trash import move_to_trash
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.journal import UploadJournal
from s3browser.core.transfers.options import MiB, UploadOptions
from s3browser.core.transfers.plans import plan_downloads, plan_uploads
from s3browser.core.transfers.server_copy import copy_object
from tests.conftest import SECRET_KEY, _profile


def run(start, timeout: float = 60) -> BaseException | None:  # noqa: ANN001
    done = threading.Event()
    result: list[BaseException | None] = []
    start(lambda error: (result.append(error), done.set()))
    assert done.wait(timeout), "the transfer never completed"
    return result[0]


def download_all(engine: TransferEngine, plan) -> dict[str, BaseException | None]:  # noqa: ANN001
    """Every planned file at once, as the queue starts them; key -> error."""
    results: dict[str, BaseException | None] = {}
    finished = threading.Semaphore(0)
    for f in plan.files:
        engine.download(plan.bucket, f.key, f.target.path, f.size, f.etag, f.mtime, Progress(f.size),
                        lambda error, key=f.key: (results.__setitem__(key, error), finished.release()),
                        root=plan.root)
    for _ in plan.files:
        assert finished.acquire(timeout=60), "a download never completed"
    return results


@pytest.fixture
def engine(conn, tmp_path):
    eng = TransferEngine(conn, journal=UploadJournal(tmp_path / "journal.sqlite3"))
    yield eng
    eng.shutdown()


# ---------------------------------------------------------------- 1. temp-name collisions
def test_keys_named_like_temp_files_never_lose_a_download(engine, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="lookalike")
    expected = {}
    for i in range(20):
        for name in ("x.txt", ".x.txt.s3b-partial", ".s3b-0123456789abcdef.partial"):
            key = f"p{i}/{name}"
            expected[key] = f"{key} body".encode()
            s3_admin.put_object(Bucket="lookalike", Key=key, Body=expected[key])
    root = tmp_path / "out"
    plan = plan_downloads(engine.connection, "lookalike", [], [f"p{i}/" for i in range(20)], "", root)
    assert len(plan.files) == 60
    results = download_all(engine, plan)
    assert all(error is None for error in results.values()), results
    on_disk = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert on_disk == expected, "every key is a file with its own bytes; no temporary file is left"


def test_a_folder_in_place_of_the_file_is_reported_not_success(tmp_path) -> None:
    root = tmp_path / "out"
    (root / "a" / "name").mkdir(parents=True)
    (root / "a" / "name" / "inside.txt").write_text("keep me")
    with TargetFolder(root, root / "a" / "name") as folder:
        temp, handle = folder.create_temp()
        handle.write(b"data")
        handle.close()
        with pytest.raises(Exception) as raised:
            folder.commit(temp, 4)
        folder.remove(temp)
    assert "both a file and a folder" in describe(raised.value).message
    assert (root / "a" / "name" / "inside.txt").read_text() == "keep me"


# ---------------------------------------------------------------- 2. long names
@pytest.mark.parametrize("length", [243, 250, 255])
def test_names_up_to_255_bytes_download_and_complete(engine, s3_admin, tmp_path, length) -> None:
    s3_admin.create_bucket(Bucket="longnames")
    name = "n" * (length - 4) + ".txt"
    s3_admin.put_object(Bucket="longnames", Key=f"d/{name}", Body=b"long")
    plan = plan_downloads(engine.connection, "longnames", [f"d/{name}"], [], "d/", tmp_path / "out")
    assert [f.key for f in plan.files] == [f"d/{name}"]
    assert download_all(engine, plan) == {f"d/{name}": None}
    assert (tmp_path / "out" / name).read_bytes() == b"long"


def test_names_that_cannot_be_held_are_refused_at_planning(engine, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="longnames")
    too_long = "n" * 256
    deep = "/".join(["f" * 200] * 21) + "/x.txt"  # every name fits, the whole path does not
    for key in (too_long, deep):
        s3_admin.put_object(Bucket="longnames", Key=key, Body=b"x")
    plan = plan_downloads(engine.connection, "longnames", [too_long], ["f" * 200 + "/"], "", tmp_path / "out")
    assert plan.files == []
    reasons = {t.key: t.note for t in plan.refused}
    assert "longer than 255 bytes" in reasons[too_long]
    assert "full local path would be longer" in reasons[deep]


def test_completion_fires_when_the_folder_cannot_be_made(engine, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="blocked")
    s3_admin.put_object(Bucket="blocked", Key="docs/a.txt", Body=b"a")
    root = tmp_path / "out"
    plan = plan_downloads(engine.connection, "blocked", [], ["docs/"], "", root)
    root.mkdir()
    (root / "docs").write_text("a file where the folder goes")
    results = download_all(engine, plan)
    assert "both a file and a folder" in describe(results["docs/a.txt"]).message
    assert (root / "docs").read_text() == "a file where the folder goes"


# ---------------------------------------------------------------- 3. symlink race
def test_a_folder_swapped_for_a_link_after_planning_is_not_followed(engine, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="race")
    for name in ("a.txt", "b.txt", "c.txt"):
        s3_admin.put_object(Bucket="race", Key=f"sub/{name}", Body=b"payload")
    root, outside = tmp_path / "out", tmp_path / "elsewhere"
    outside.mkdir()
    plan = plan_downloads(engine.connection, "race", [], ["sub/"], "", root)
    assert len(plan.files) == 3
    root.mkdir()
    (root / "sub").symlink_to(outside, target_is_directory=True)  # after planning, before the transfer
    results = download_all(engine, plan)
    assert list(outside.iterdir()) == [], "nothing is written through the link"
    assert all("is a link" in describe(e).message for e in results.values()), results


# ---------------------------------------------------------------- 4. edits during a multipart upload
def is_part_upload(request) -> bool:  # noqa: ANN001
    return request.method == "PUT" and "partNumber=" in request.path


@pytest.fixture
def proxied(fault_proxy, s3_admin, tmp_path):
    s3_admin.create_bucket(Bucket="edits")
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)
    eng = TransferEngine(conn, journal=UploadJournal(tmp_path / "journal.sqlite3"))
    yield eng
    eng.shutdown()
    conn.close()


def edit_after_first_part(fault_proxy, edit) -> None:  # noqa: ANN001
    seen = {"parts": 0}

    def rule(request):  # noqa: ANN001
        if is_part_upload(request):
            seen["parts"] += 1
            if seen["parts"] == 1:
                edit()
        return None

    fault_proxy.rules.append(rule)


def upload_over_previous(proxied, s3_admin, source: Path) -> BaseException | None:  # noqa: ANN001
    s3_admin.put_object(Bucket="edits", Key="doc.bin", Body=b"the previous, good version")
    options = UploadOptions(part_size=5 * MiB, parallel_parts=1)
    return run(lambda done: proxied.upload(source, "edits", "doc.bin", options, Progress(source.stat().st_size),
                                           done))


def test_a_file_edited_during_upload_leaves_the_object_untouched(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "doc.bin"
    source.write_bytes(b"A" * (15 * MiB))

    def edit() -> None:
        with open(source, "r+b") as handle:
            handle.seek(12 * MiB)
            handle.write(b"B" * MiB)

    edit_after_first_part(fault_proxy, edit)
    error = upload_over_previous(proxied, s3_admin, source)
    assert error is not None and "changed while it was being uploaded" in describe(error).message
    assert s3_admin.get_object(Bucket="edits", Key="doc.bin")["Body"].read() == b"the previous, good version"
    assert s3_admin.list_multipart_uploads(Bucket="edits").get("Uploads", []) == [], "the upload was aborted"
    assert proxied.interrupted_uploads() == []


def test_an_edit_that_keeps_size_and_mtime_is_caught_by_the_bytes(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "doc.bin"
    source.write_bytes(b"A" * (12 * MiB))
    stamp = source.stat()

    def edit() -> None:
        with open(source, "r+b") as handle:
            handle.write(b"Z" * 100)  # inside the first part, already sent
        os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))

    edit_after_first_part(fault_proxy, edit)
    error = upload_over_previous(proxied, s3_admin, source)
    assert error is not None and "changed" in describe(error).message
    assert s3_admin.get_object(Bucket="edits", Key="doc.bin")["Body"].read() == b"the previous, good version"


def test_a_file_truncated_during_upload_fails_at_once(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "doc.bin"
    source.write_bytes(os.urandom(15 * MiB))
    edit_after_first_part(fault_proxy, lambda: os.truncate(source, 7 * MiB))
    started = time.monotonic()
    error = upload_over_previous(proxied, s3_admin, source)
    assert time.monotonic() - started < 30, "no waiting for bytes that never come"
    assert error is not None and "was truncated" in describe(error).message
    assert s3_admin.get_object(Bucket="edits", Key="doc.bin")["Body"].read() == b"the previous, good version"
    assert s3_admin.list_multipart_uploads(Bucket="edits").get("Uploads", []) == []


def test_a_file_removed_during_upload_says_so(proxied, fault_proxy, s3_admin, tmp_path) -> None:
    source = tmp_path / "doc.bin"
    source.write_bytes(os.urandom(15 * MiB))
    edit_after_first_part(fault_proxy, source.unlink)
    error = upload_over_previous(proxied, s3_admin, source)
    assert error is not None and "doc.bin was removed while it was being uploaded" in describe(error).message
    assert s3_admin.get_object(Bucket="edits", Key="doc.bin")["Body"].read() == b"the previous, good version"
    assert s3_admin.list_multipart_uploads(Bucket="edits").get("Uploads", []) == []


# ---------------------------------------------------------------- 6. an abort that fails stays tracked
def test_a_failed_abort_keeps_its_journal_row_until_the_next_connect(fault_proxy, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="edits")
    source = tmp_path / "doc.bin"
    source.write_bytes(os.urandom(11 * MiB))
    journal_path = tmp_path / "journal.sqlite3"

    def abort_fails(request):  # noqa: ANN001
        if request.method == "DELETE" and "uploadId=" in request.path:
            from tests.support.fault_proxy import s3_error
            return s3_error(503, "ServiceUnavailable", "try later")
        return None

    def denied_complete(request):  # noqa: ANN001  (a lasting failure: the upload must be aborted)
        if request.method == "POST" and "uploadId=" in request.path:
            from tests.support.fault_proxy import s3_error
            return s3_error(403, "AccessDenied", "Access Denied")
        return None

    fault_proxy.rules += [abort_fails, denied_complete]
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)
    engine = TransferEngine(conn, journal=UploadJournal(journal_path))
    try:
        error = run(lambda done: engine.upload(source, "edits", "doc.bin", UploadOptions(part_size=5 * MiB),
                                               Progress(11 * MiB), done))
        assert error is not None
        pending = UploadJournal(journal_path).pending_aborts(conn.identity)
        assert len(pending) == 1, "the upload id is kept while its parts may still be billed"
        assert engine.interrupted_uploads() == [], "it is not offered for resuming"
    finally:
        engine.shutdown()
    assert len(s3_admin.list_multipart_uploads(Bucket="edits").get("Uploads", [])) == 1

    fault_proxy.rules.clear()
    again = TransferEngine(conn, journal=UploadJournal(journal_path))  # the next connect
    try:
        deadline = time.monotonic() + 20
        while UploadJournal(journal_path).pending_aborts(conn.identity) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert UploadJournal(journal_path).pending_aborts(conn.identity) == []
    finally:
        again.shutdown()
        conn.close()
    assert s3_admin.list_multipart_uploads(Bucket="edits").get("Uploads", []) == []


# ---------------------------------------------------------------- 7. verification and storage class
def aws_style_kms_etags(fault_proxy) -> None:  # noqa: ANN001
    """AWS gives SSE-KMS objects an ETag that is not their MD5 (moto gives the MD5): translate."""
    def fake(real: str) -> str:
        return hashlib.md5(("kms" + real).encode()).hexdigest()

    mapping: dict[str, str] = {}

    def rewrite(request, status, headers, payload):  # noqa: ANN001
        for real in re.findall(rb"[0-9a-f]{32}", payload) + [h.strip('"').encode() for k, h in headers.items()
                                                              if k.lower() == "etag"]:
            mapping[fake(real.decode())] = real.decode()
            payload = payload.replace(real, fake(real.decode()).encode())
        headers = {k: (f'"{fake(v.strip(chr(34)))}"' if k.lower() == "etag" else v) for k, v in headers.items()}
        return status, headers, payload

    def unmap_if_match(request):  # noqa: ANN001
        for name in list(request.headers):
            if name.lower() == "if-match":
                value = request.headers[name].strip('"')
                request.headers[name] = f'"{mapping.get(value, value)}"'
        return None

    fault_proxy.rules.append(unmap_if_match)
    fault_proxy.rewriters.append(rewrite)


def test_an_sse_kms_object_downloads_though_its_etag_is_no_md5(fault_proxy, s3_endpoint, s3_admin, tmp_path) -> None:
    import boto3

    kms = boto3.client("kms", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="a",
                       aws_secret_access_key="b")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.close()
    s3_admin.create_bucket(Bucket="secrets")
    body = os.urandom(300_000)
    s3_admin.put_object(Bucket="secrets", Key="vault/data.bin", Body=body, ServerSideEncryption="aws:kms",
                        SSEKMSKeyId=key_id)
    aws_style_kms_etags(fault_proxy)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)
    engine = TransferEngine(conn)
    try:
        plan = plan_downloads(conn, "secrets", ["vault/data.bin"], [], "vault/", tmp_path / "out")
        [f] = plan.files
        assert f.etag.strip('"') != hashlib.md5(body).hexdigest(), "the ETag is not the MD5, as on AWS"
        assert download_all(engine, plan) == {"vault/data.bin": None}
    finally:
        engine.shutdown()
        conn.close()
    assert (tmp_path / "out" / "data.bin").read_bytes() == body


def test_a_checksum_header_that_does_not_match_fails_the_download(fault_proxy, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="sums")
    s3_admin.put_object(Bucket="sums", Key="f.bin", Body=b"payload", ChecksumAlgorithm="CRC32")

    def wrong_checksum(request, status, headers, payload):  # noqa: ANN001
        return status, {k: ("AAAAAA==" if k.lower() == "x-amz-checksum-crc32" else v) for k, v in headers.items()}, \
            payload

    fault_proxy.rewriters.append(wrong_checksum)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)
    engine = TransferEngine(conn)
    try:
        plan = plan_downloads(conn, "sums", ["f.bin"], [], "", tmp_path / "out")
        results = download_all(engine, plan)
    finally:
        engine.shutdown()
        conn.close()
    assert "does not match the object's checksum" in describe(results["f.bin"]).message
    assert not (tmp_path / "out" / "f.bin").exists()


def test_copies_moves_and_soft_deletes_keep_the_storage_class(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="classes")
    for key, storage_class in (("ia.txt", "STANDARD_IA"), ("gir.txt", "GLACIER_IR"), ("std.txt", "STANDARD")):
        s3_admin.put_object(Bucket="classes", Key=key, Body=b"x", StorageClass=storage_class)
    for key in ("ia.txt", "gir.txt", "std.txt"):
        copy_object(conn, "classes", key, "classes", f"copy/{key}", 1)
    list(move_to_trash(conn, "classes", {"ia.txt": 1}))  # a generator of progress

    def storage_class(key: str) -> str:
        return s3_admin.head_object(Bucket="classes", Key=key).get("StorageClass", "STANDARD")

    assert storage_class("copy/ia.txt") == "STANDARD_IA"
    assert storage_class("copy/gir.txt") == "GLACIER_IR"
    assert storage_class("copy/std.txt") == "STANDARD"
    [trashed] = [o["Key"] for o in s3_admin.list_objects_v2(Bucket="classes", Prefix=".s3browser-trash/")["Contents"]]
    assert storage_class(trashed) == "STANDARD_IA"


# ---------------------------------------------------------------- 8. plans list only what they need
@pytest.fixture
def big_prefix(s3_admin):
    """A bucket with 10,000 objects under data/, written straight into moto's backend."""
    from moto.s3.models import s3_backends

    s3_admin.create_bucket(Bucket="huge")
    backend = s3_backends["123456789012"]["aws"]
    for i in range(10_000):
        backend.put_object("huge", f"data/{i:05d}.bin", b"x")
    backend.put_object("huge", "data/report.txt", b"old report")
    return "huge"


def count_listings(conn: Connection) -> dict[str, int]:
    counts = {"ListObjectsV2": 0, "HeadObject": 0}

    def counter(model, **kwargs) -> None:  # noqa: ANN001
        if model.name in counts:
            counts[model.name] += 1

    conn.client.meta.events.register("before-call.s3.*", counter)
    return counts


def test_one_file_upload_into_a_big_prefix_asks_at_most_twice(conn, big_prefix, tmp_path) -> None:
    counts = count_listings(conn)
    local = tmp_path / "report.txt"
    local.write_text("new report")
    plan = plan_uploads(conn, [local], big_prefix, "data/")
    assert plan.existing.keys() == {"data/report.txt"}
    assert counts["ListObjectsV2"] + counts["HeadObject"] <= 2, counts
    new = tmp_path / "fresh.txt"
    new.write_text("new")
    assert plan_uploads(conn, [new], big_prefix, "").existing == {}


def test_a_folder_upload_into_a_new_folder_costs_one_request(conn, big_prefix, tmp_path) -> None:
    folder = tmp_path / "photos"
    for sub in ("a", "b", "c"):
        (folder / sub).mkdir(parents=True)
        for i in range(30):
            (folder / sub / f"{i}.jpg").write_bytes(b"j")
    counts = count_listings(conn)
    plan = plan_uploads(conn, [folder], big_prefix, "data/")
    assert len(plan.files) == 90 and plan.existing == {}
    assert counts["ListObjectsV2"] == 1, counts


def test_download_and_copy_plans_of_selected_keys_do_not_list_the_prefix(conn, big_prefix, tmp_path) -> None:
    counts = count_listings(conn)
    plan = plan_downloads(conn, big_prefix, ["data/00007.bin", "data/report.txt"], [], "data/", tmp_path / "out")
    assert sorted(f.key for f in plan.files) == ["data/00007.bin", "data/report.txt"]
    assert counts["ListObjectsV2"] <= 2, counts
    counts["ListObjectsV2"] = 0
    copy = plan_copy(conn, big_prefix, "data/", {"data/report.txt": 10}, [], big_prefix, "data/archive/")
    assert copy.existing == [] and counts["ListObjectsV2"] <= 1, counts


# ---------------------------------------------------------------- 9. downloads resume from their temporary file
def test_an_interrupted_download_resumes_with_a_guarded_range(fault_proxy, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="resume-dl")
    body = os.urandom(40 * MiB)  # two ranges: 32 MiB and 8 MiB
    s3_admin.put_object(Bucket="resume-dl", Key="big.bin", Body=body)
    requests: list[dict[str, str]] = []
    network = {"down": True}

    def second_range_drops(request):  # noqa: ANN001  (every attempt, s3transfer's own retries included)
        if request.method == "GET" and "big.bin" in request.path:
            requests.append({k.lower(): v for k, v in request.headers.items()})
            if request.headers.get("Range", "").startswith("bytes=33554432-") and network["down"]:
                time.sleep(1.0)  # the first range is well under way by then
                raise ConnectionResetError("network gone")
        return None

    fault_proxy.rules.append(second_range_drops)
    journal_path = tmp_path / "journal.sqlite3"
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), max_attempts=1)
    root = tmp_path / "out"
    plan = plan_downloads(conn, "resume-dl", ["big.bin"], [], "", root)
    [f] = plan.files
    engine = TransferEngine(conn, journal=UploadJournal(journal_path))
    try:
        first = download_all(engine, plan)["big.bin"]
        assert first is not None
        assert [p.name for p in root.iterdir()] and not (root / "big.bin").exists()
    finally:
        engine.shutdown()
    requests.clear()
    network["down"] = False
    restarted = TransferEngine(conn, journal=UploadJournal(journal_path))
    try:
        progress = Progress(f.size)
        error = run(lambda done: restarted.download("resume-dl", "big.bin", f.target.path, f.size, f.etag, f.mtime,
                                                    progress, done, root=root))
    finally:
        restarted.shutdown()
        conn.close()
    assert error is None
    assert (root / "big.bin").read_bytes() == body
    [request] = requests
    start = int(re.fullmatch(r"bytes=(\d+)-", request["range"]).group(1))
    assert 0 < start < f.size, "one GET for the bytes after the complete part of the temporary file"
    assert request.get("if-match") == f.etag, "guarded by the ETag"
    assert [p.name for p in root.iterdir()] == ["big.bin"], "no temporary file is left"


def test_safe_mapping_still_refuses_escapes(tmp_path) -> None:
    assert local_target(tmp_path, "../escape.txt").refused
