"""One route per kind of transfer (issue 29): the holes each separate route had, closed for every caller.

Downloads go below a folder the caller chose and are verified whoever asks (the queue, sync, the
Python API, a version download); multipart uploads are journalled whoever starts them, so a
dropped connection leaves no parts billed that nothing records; the server-side copy keeps a
version's tags and metadata.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from s3browser.core import api as core
from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.versions import download_version, restore_version
from s3browser.core.s3.errors import describe
from s3browser.core.sync.plan import Mode
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.routes import engine_for
from tests.core.test_sync_runs import write
from tests.core.test_sync_writes import journal_entries, plan_and_apply, proxied, small_parts  # noqa: F401
from tests.support.fault_proxy import DROP

MiB = 1024 * 1024


def swap_for_link(folder: Path, elsewhere: Path) -> None:
    """Replace ``folder`` with a link to ``elsewhere`` (as an attacker or an unlucky script would)."""
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(elsewhere, target_is_directory=True)


def test_an_api_download_into_a_folder_swapped_for_a_link_writes_nothing_outside(conn, s3_admin,
                                                                                  tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="links")
    s3_admin.put_object(Bucket="links", Key="report.txt", Body=b"quarterly numbers")
    root, outside = tmp_path / "downloads", tmp_path / "outside"
    (root / "reports").mkdir(parents=True)
    outside.mkdir()
    (root / "reports" / "old.txt").write_text("old")
    swap_for_link(root / "reports", outside)
    with pytest.raises(S3BrowserError) as info:
        core.download_file(conn, "links", "report.txt", root / "reports" / "report.txt", root=root)
    assert info.value.kind == "outside" and "link" in info.value.message
    assert list(outside.iterdir()) == [], "nothing was written through the link"
    # Without a link on the way the same call writes the file, verified.
    target = core.download_file(conn, "links", "report.txt", root / "fresh" / "report.txt", root=root)
    assert target.read_bytes() == b"quarterly numbers"


def test_the_engine_download_refuses_a_link_below_its_root(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="engine-links")
    etag = s3_admin.put_object(Bucket="engine-links", Key="a.txt", Body=b"abc")["ETag"]
    root, outside = tmp_path / "chosen", tmp_path / "elsewhere"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    swap_for_link(root / "sub", outside)
    engine = engine_for(conn)
    errors: list[BaseException | None] = []
    finished = threading.Event()
    engine.download("engine-links", "a.txt", root / "sub" / "a.txt", 3, etag, None, Progress(3),
                    lambda error: (errors.append(error), finished.set()), root=root)
    assert finished.wait(60) and errors[0] is not None and describe(errors[0]).kind == "outside"
    assert list(outside.iterdir()) == []


def flip_bytes_of(key: str):  # noqa: ANN201
    """A proxy rewriter: GETs of ``key`` answer other bytes of the same length, headers untouched."""
    def rewrite(request, status, headers, payload):  # noqa: ANN001, ANN202
        if request.method == "GET" and request.path.split("?")[0].endswith("/" + key) and status < 300:
            payload = bytes(b ^ 0x20 for b in payload)
        return status, headers, payload
    return rewrite


def test_a_sync_download_whose_bytes_differ_from_the_object_fails_and_writes_nothing(
        s3_admin, fault_proxy, proxied, tmp_path: Path) -> None:  # noqa: F811
    s3_admin.create_bucket(Bucket="garbled")
    s3_admin.put_object(Bucket="garbled", Key="team/notes.txt", Body=b"the real notes, 30 bytes long.")
    fault_proxy.rewriters.append(flip_bytes_of("team/notes.txt"))
    root = tmp_path / "work"
    root.mkdir()
    run, report, baseline = plan_and_apply(proxied, root, "garbled", Mode.DOWNLOAD)
    assert [o.status for o in report.outcomes] == ["failed"]
    message = report.outcomes[0].message
    assert "checksum" in message and "Traceback" not in message
    assert list(root.iterdir()) == [], "no file, no temporary file"
    assert baseline == {}, "nothing recorded as in step"


def drop_parts_from(number: int):  # noqa: ANN201
    """A proxy rule: every UploadPart from ``number`` on loses its connection (the network went away)."""
    def rule(request):  # noqa: ANN001, ANN202
        if request.method == "PUT" and "uploadId=" in request.path:
            part = int(request.path.split("partNumber=")[1].split("&")[0])
            if part >= number:
                return DROP
        return None
    return rule


def test_a_sync_upload_cut_off_by_a_dropped_connection_leaves_only_recorded_parts(
        s3_admin, fault_proxy, proxied, small_parts, tmp_path: Path) -> None:  # noqa: F811
    s3_admin.create_bucket(Bucket="dropped-sync")
    root = tmp_path / "work"
    data = os.urandom(12 * MiB)
    write(root, "big.bin", data)
    fault_proxy.rules.append(drop_parts_from(2))
    run, report, baseline = plan_and_apply(proxied, root, "dropped-sync", Mode.UPLOAD)
    assert [o.status for o in report.outcomes] == ["failed"] and baseline == {}
    on_server = s3_admin.list_multipart_uploads(Bucket="dropped-sync").get("Uploads", [])
    assert on_server and [u["UploadId"] for u in on_server] == [e.upload_id for e in journal_entries(proxied)]
    fault_proxy.rules.clear()
    run, report, baseline = plan_and_apply(proxied, root, "dropped-sync", Mode.UPLOAD)
    assert [o.status for o in report.outcomes] == ["done"]
    assert s3_admin.get_object(Bucket="dropped-sync", Key="team/big.bin")["Body"].read() == data
    assert s3_admin.list_multipart_uploads(Bucket="dropped-sync").get("Uploads", []) == []
    assert journal_entries(proxied) == []


def test_an_api_upload_cut_off_by_a_dropped_connection_leaves_only_recorded_parts(
        s3_admin, fault_proxy, proxied, small_parts, tmp_path: Path) -> None:  # noqa: F811
    s3_admin.create_bucket(Bucket="dropped-api")
    source = write(tmp_path, "big.bin", os.urandom(11 * MiB))
    fault_proxy.rules.append(drop_parts_from(2))
    with pytest.raises(Exception):  # noqa: B017 - whatever the network failure is, it is raised
        core.upload_file(proxied, "dropped-api", "big.bin", source)
    on_server = s3_admin.list_multipart_uploads(Bucket="dropped-api").get("Uploads", [])
    assert on_server and [u["UploadId"] for u in on_server] == [e.upload_id for e in journal_entries(proxied)]
    fault_proxy.rules.clear()
    core.upload_file(proxied, "dropped-api", "big.bin", source)
    assert s3_admin.get_object(Bucket="dropped-api", Key="big.bin")["Body"].read() == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="dropped-api").get("Uploads", []) == []


def test_download_bytes_is_verified_like_a_download(s3_admin, fault_proxy, proxied) -> None:  # noqa: F811
    s3_admin.create_bucket(Bucket="bytes")
    s3_admin.put_object(Bucket="bytes", Key="k.txt", Body=b"exact bytes")
    assert core.download_bytes(proxied, "bytes", "k.txt") == b"exact bytes"
    fault_proxy.rewriters.append(flip_bytes_of("k.txt"))
    with pytest.raises(Exception) as info:  # noqa: PT011 - botocore's checksum error or ours
        core.download_bytes(proxied, "bytes", "k.txt")
    assert "checksum" in describe(info.value).message


def test_a_version_download_and_restore_go_through_the_routes(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="ver-routes")
    s3_admin.put_bucket_versioning(Bucket="ver-routes", VersioningConfiguration={"Status": "Enabled"})
    old = s3_admin.put_object(Bucket="ver-routes", Key="a.txt", Body=b"first", Metadata={"owner": "ann"},
                              Tagging="team=blue")["VersionId"]
    s3_admin.put_object(Bucket="ver-routes", Key="a.txt", Body=b"second")
    root = tmp_path / "versions"
    note = download_version(conn, "ver-routes", "a.txt", old, root / "deep" / "a.txt", root=root)
    assert (root / "deep" / "a.txt").read_bytes() == b"first" and "saved as a.txt" in note
    restore_version(conn, "ver-routes", "a.txt", old)
    head = s3_admin.head_object(Bucket="ver-routes", Key="a.txt")
    assert head["Metadata"] == {"owner": "ann"}
    assert s3_admin.get_object_tagging(Bucket="ver-routes", Key="a.txt")["TagSet"] == [
        {"Key": "team", "Value": "blue"}]
    assert s3_admin.get_object(Bucket="ver-routes", Key="a.txt")["Body"].read() == b"first"


def test_sync_uploads_are_held_to_the_engines_memory_budget(s3_admin, fault_proxy, proxied, small_parts,  # noqa: F811
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sync no longer reads files whole outside any budget: every byte it sends is counted by the one
    budget of the engine it runs on, as the queue's are, and no more is held at once than it allows."""
    from s3browser.core.transfers.multipart import MemoryBudget

    held: list[int] = []
    most = [0]
    budgets: set[int] = set()
    real_acquire, real_release = MemoryBudget.acquire, MemoryBudget.release

    def acquire(self, amount: int) -> int:  # noqa: ANN001
        got = real_acquire(self, amount)
        held.append(got)
        budgets.add(id(self))
        most[0] = max(most[0], self.capacity - self._free)
        return got

    monkeypatch.setattr(MemoryBudget, "acquire", acquire)
    monkeypatch.setattr(MemoryBudget, "release", real_release)
    s3_admin.create_bucket(Bucket="budgeted")
    root = tmp_path / "work"
    sizes = [12 * MiB, 11 * MiB, 300 * 1024]
    for n, size in enumerate(sizes):
        write(root, f"f{n}.bin", os.urandom(size))
    engine = engine_for(proxied)
    engine._budget.capacity = engine._budget._free = 10 * MiB  # room for two 5 MiB parts at once
    run, report, baseline = plan_and_apply(proxied, root, "budgeted", Mode.UPLOAD)
    assert [o.status for o in report.outcomes] == ["done"] * 3
    assert sum(held) >= sum(sizes[:2]), "every part of the multipart uploads was counted"
    assert budgets == {id(engine._budget)}, "the engine's one budget, not one of its own per file"
    assert most[0] <= 10 * MiB, "never more held than the budget"
