"""The transfer engine against moto over HTTP: multipart, cancel without orphans, safe downloads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.options import MiB, Overwrite, UploadOptions, needs_upload, validate_part_settings
from s3browser.core.transfers.plans import plan_downloads, plan_uploads
from tests.conftest import SECRET_KEY, _profile


@pytest.fixture
def engine(s3_endpoint):
    conn = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY))
    eng = TransferEngine(conn)
    yield eng
    eng.shutdown()


def run(start) -> BaseException | None:  # noqa: ANN001
    done = threading.Event()
    result: list[BaseException | None] = []

    def on_done(error: BaseException | None) -> None:
        result.append(error)
        done.set()

    start(on_done)
    assert done.wait(60)
    return result[0]


def test_part_settings_are_validated() -> None:
    assert validate_part_settings(4 * MiB, 4) and "5 MiB" in validate_part_settings(4 * MiB, 4)
    assert "5 GiB" in validate_part_settings(6 * 1024 * MiB, 4)
    assert "10,000 parts" in validate_part_settings(5 * MiB, 4, largest_file=60_000 * MiB)
    assert validate_part_settings(8 * MiB, 10, largest_file=60_000 * MiB) is None
    assert "between 1 and 64" in validate_part_settings(8 * MiB, 0)


def test_overwrite_policies() -> None:
    assert needs_upload(Overwrite.SKIP, 5, 100.0, None)
    assert not needs_upload(Overwrite.SKIP, 5, 100.0, (5, 50.0))
    assert needs_upload(Overwrite.OVERWRITE, 5, 100.0, (5, 500.0))
    assert not needs_upload(Overwrite.IF_DIFFERENT, 5, 100.0, (5, 500.0))
    assert needs_upload(Overwrite.IF_DIFFERENT, 6, 100.0, (5, 500.0))
    assert needs_upload(Overwrite.IF_DIFFERENT, 5, 900.0, (5, 500.0))


def test_multipart_upload_then_verified_download_with_mtime(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="xfer")
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(12 * MiB))
    options = UploadOptions(part_size=5 * MiB, parallel_parts=3, storage_class="STANDARD_IA",
                            metadata={"origin": "test"})
    progress = Progress(source.stat().st_size)
    assert run(lambda done: engine.upload(source, "xfer", "blobs/big.bin", options, progress, done)) is None
    assert progress.done == 12 * MiB
    head = s3_admin.head_object(Bucket="xfer", Key="blobs/big.bin")
    assert head["ETag"].endswith('-3"')  # three parts
    assert head["Metadata"] == {"origin": "test"} and head["StorageClass"] == "STANDARD_IA"
    assert head["ContentType"] == "application/octet-stream"

    plan = plan_downloads(engine.connection, "xfer", [], ["blobs/"], "", tmp_path / "out")
    item = plan.files[0]
    down = Progress(item.size)
    assert run(lambda done: engine.download("xfer", item.key, item.target.path, item.size, item.etag,
                                            item.mtime, down, done, root=plan.root)) is None
    target = tmp_path / "out" / "blobs" / "big.bin"
    assert target.read_bytes() == source.read_bytes()
    assert abs(target.stat().st_mtime - head["LastModified"].timestamp()) < 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["big.bin"]


def test_cancelled_upload_leaves_no_multipart_upload(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="cancel-me")
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(30 * MiB))
    started = threading.Event()

    class Watch(Progress):
        def on_progress(self, future, bytes_transferred, **kwargs):  # noqa: ANN001
            super().on_progress(future, bytes_transferred, **kwargs)
            started.set()

    progress = Watch(source.stat().st_size)
    finished = threading.Event()
    errors: list[BaseException | None] = []
    future = engine.upload(source, "cancel-me", "big.bin", UploadOptions(part_size=5 * MiB, parallel_parts=1),
                           progress, lambda e: (errors.append(e), finished.set()))
    assert started.wait(30)
    future.cancel()
    assert finished.wait(30)
    assert errors[0] is not None
    assert s3_admin.list_multipart_uploads(Bucket="cancel-me").get("Uploads", []) == []
    assert "Contents" not in s3_admin.list_objects_v2(Bucket="cancel-me")


def test_download_that_fails_leaves_no_file(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="dl-bucket")
    s3_admin.put_object(Bucket="dl-bucket", Key="a.txt", Body=b"hello")
    folder = tmp_path / "downloads"
    folder.mkdir()
    target = folder / "a.txt"
    error = run(lambda done: engine.download("dl-bucket", "a.txt", target, 5, '"00000000000000000000000000000000"',
                                             0.0, Progress(5), done, root=folder))
    # The ETag from the listing is sent as If-Match: the server refuses an object that is not that one.
    assert error is not None and "changed on the server" in describe(error).message
    assert list(folder.iterdir()) == []
    error = run(lambda done: engine.download("dl-bucket", "missing.txt", target, 5, "", 0.0, Progress(5), done,
                                             root=folder))
    assert error is not None and list(folder.iterdir()) == []


def test_file_changing_during_upload_is_reported(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="changing")
    source = tmp_path / "grows.log"
    source.write_bytes(b"x" * (12 * MiB))

    class Grow(Progress):
        def on_progress(self, future, bytes_transferred, **kwargs):  # noqa: ANN001
            super().on_progress(future, bytes_transferred, **kwargs)
            with open(source, "ab") as handle:
                handle.write(b"more")

    error = run(lambda done: engine.upload(source, "changing", "grows.log", UploadOptions(part_size=5 * MiB),
                                           Grow(source.stat().st_size), done))
    assert error is not None and "changed while it was being uploaded" in describe(error).message


def test_upload_plan_finds_conflicts_with_one_listing(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="plans")
    s3_admin.put_object(Bucket="plans", Key="in/album/a.txt", Body=b"old")
    album = tmp_path / "album"
    album.mkdir()
    (album / "a.txt").write_bytes(b"new!")
    (album / "b.txt").write_bytes(b"b")
    plan = plan_uploads(engine.connection, [album], "plans", "in/")
    assert [f.key for f in plan.files] == ["in/album/a.txt", "in/album/b.txt"]
    assert [f.key for f in plan.conflicts()] == ["in/album/a.txt"]
    assert plan.existing["in/album/a.txt"][0] == 3
    assert plan.total_size == 5


def test_download_plan_reports_hostile_keys_and_writes_nothing_outside(engine, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="hostile")
    for key in ("docs/ok.txt", "docs/../../escape.txt", "docs/ctl\x01.txt", "docs/sub/deep.txt"):
        s3_admin.put_object(Bucket="hostile", Key=key, Body=key.encode())
    root = tmp_path / "root"
    plan = plan_downloads(engine.connection, "hostile", [], ["docs/"], "", root)
    assert sorted(f.target.path.relative_to(root).as_posix() for f in plan.files) == [
        "docs/ctl_.txt", "docs/ok.txt", "docs/sub/deep.txt"]
    assert [r.key for r in plan.refused] == ["docs/../../escape.txt"]
    for item in plan.files:
        assert run(lambda done, i=item: engine.download("hostile", i.key, i.target.path, i.size, i.etag,
                                                        i.mtime, Progress(i.size), done, root=plan.root)) is None
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "home" not in p.relative_to(tmp_path).parts]
    assert all(p.resolve().is_relative_to(root.resolve()) for p in written)
    assert len(written) == 3


WRITE_LIMITED_DOWNLOAD = r"""
import resource, signal, sys, threading
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)          # writes past the limit fail with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))  # the "disk" holds 1 MiB per file
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile
from s3browser.core.settings.secrets import Secrets
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.engine import TransferEngine
endpoint, folder = sys.argv[1], Path(sys.argv[2])
engine = TransferEngine(Connection(Profile(name="t", endpoint_url=endpoint, access_key_id="k", path_style=True,
                                           source=SOURCE_ADHOC), Secrets("s")))
done, errors = threading.Event(), []
engine.download("disk-full", "big.bin", folder / "big.bin", 3 << 20, "", 0.0, Progress(3 << 20),
                lambda e: (errors.append(e), done.set()), root=folder)
done.wait(60)
engine.shutdown()
print(describe(errors[0]).message if errors[0] else "OK")
"""


def test_download_onto_a_full_disk_fails_cleanly(s3_endpoint, s3_admin, tmp_path: Path) -> None:
    """The file system refuses the writes (RLIMIT_FSIZE); no partial file is left anywhere."""
    import subprocess
    import sys

    s3_admin.create_bucket(Bucket="disk-full")
    s3_admin.put_object(Bucket="disk-full", Key="big.bin", Body=os.urandom(3 << 20))
    folder = tmp_path / "small-disk"
    folder.mkdir()
    result = subprocess.run([sys.executable, "-c", WRITE_LIMITED_DOWNLOAD, s3_endpoint, str(folder)],
                            capture_output=True, text=True, timeout=120)
    message = result.stdout.strip().splitlines()[-1]
    assert message.startswith("Local file error:") and "too large" in message.lower(), result.stdout + result.stderr
    assert list(folder.iterdir()) == []
