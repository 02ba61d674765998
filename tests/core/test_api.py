"""The documented Python API against moto over real HTTP, with no Qt imported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import s3browser.core as core
from tests.conftest import ACCESS_KEY, SECRET_KEY


@pytest.fixture
def conn(s3_endpoint: str):
    connection = core.connect(endpoint_url=s3_endpoint, access_key_id=ACCESS_KEY,
                              secret_access_key=SECRET_KEY, path_style=True)
    yield connection
    connection.close()


def test_core_imports_no_qt() -> None:
    code = ("import sys\nfrom s3browser.core import *\nimport s3browser.core.demo\n"
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_transfer_worker_loads_its_own_room_and_not_the_whole_api() -> None:
    """Each worker process imported every room of the API through the package (a third of a second)."""
    code = "import sys, s3browser.core.transfers.worker; print('s3browser.core.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_api_names_are_there_on_first_use() -> None:
    namespace: dict[str, object] = {}
    exec("from s3browser.core import *", namespace)  # noqa: S102 - what a user's script does
    assert set(core.__all__) <= set(namespace)
    assert core.connect is namespace["connect"]
    with pytest.raises(AttributeError):
        _ = core.no_such_name


def test_upload_download_exists_list_delete(conn, s3_admin, tmp_path) -> None:
    s3_admin.create_bucket(Bucket="api-bucket")
    core.upload_bytes(conn, "api-bucket", "docs/hello.txt", b"hello")
    source = tmp_path / "report.csv"
    source.write_bytes(b"a,b\n1,2\n")
    core.upload_file(conn, "api-bucket", "docs/sub/report.csv", source)

    assert [b.name for b in core.list_buckets(conn)] == ["api-bucket"]
    assert core.exists(conn, "api-bucket", "docs/hello.txt")
    assert not core.exists(conn, "api-bucket", "docs/missing.txt")
    assert core.download_bytes(conn, "api-bucket", "docs/hello.txt") == b"hello"
    assert s3_admin.head_object(Bucket="api-bucket", Key="docs/sub/report.csv")["ContentType"] == "text/csv"

    target = core.download_file(conn, "api-bucket", "docs/sub/report.csv", tmp_path / "out" / "r.csv")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert [p.name for p in target.parent.iterdir()] == ["r.csv"]  # no temp file left behind

    one_level = core.list_objects(conn, "api-bucket", "docs/")
    assert [o.key for o in one_level] == ["docs/hello.txt"]
    assert one_level[0].size == 5
    assert core.list_folders(conn, "api-bucket", "docs/") == ["docs/sub/"]
    everything = core.list_objects(conn, "api-bucket", recursive=True)
    assert [o.key for o in everything] == ["docs/hello.txt", "docs/sub/report.csv"]

    core.delete(conn, "api-bucket", "docs/hello.txt")
    assert not core.exists(conn, "api-bucket", "docs/hello.txt")


def test_exists_raises_for_missing_bucket_instead_of_false(conn) -> None:
    with pytest.raises(Exception) as info:
        core.exists(conn, "no-such-bucket-here", "k")
    assert core.describe(info.value, bucket="no-such-bucket-here").kind in {"not_found"}


def test_api_upload_of_a_big_file_uses_the_one_multipart_uploader(conn, s3_admin, tmp_path, monkeypatch) -> None:
    from s3browser.core.transfers import options as transfers
    from s3browser.core.transfers import upload

    monkeypatch.setattr(upload, "SINGLE_PUT_LIMIT", 1024)
    monkeypatch.setattr(transfers, "DEFAULT_PART_SIZE", 5 * 1024 * 1024)
    s3_admin.create_bucket(Bucket="api-big")
    folder = tmp_path / "files"
    folder.mkdir()
    source = folder / "big.bin"
    source.write_bytes(os.urandom(11 * 1024 * 1024))
    core.upload_file(conn, "api-big", "big.bin", source)
    head = s3_admin.head_object(Bucket="api-big", Key="big.bin")
    assert head["ETag"].endswith('-3"') and head["ContentLength"] == 11 * 1024 * 1024
    assert core.download_file(conn, "api-big", "big.bin", folder / "back.bin").read_bytes() == source.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["back.bin", "big.bin"], "no temporary file left"


def test_iter_pages_yields_every_key_in_pages(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="paged")
    for i in range(25):
        s3_admin.put_object(Bucket="paged", Key=f"p/{i:03d}", Body=b"")
    s3_admin.put_object(Bucket="paged", Key="p/sub/x", Body=b"")
    pages = list(core.iter_pages(conn, "paged", "p/", page_size=10))
    assert len(pages) >= 3
    assert [k for page in pages for k in page.keys] == [f"p/{i:03d}" for i in range(25)]
    assert [f for page in pages for f in page.folders] == ["p/sub/"]
    assert pages[-1].is_last and not pages[0].is_last


def test_iter_pages_stops_between_pages(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="stoppable")
    for i in range(30):
        s3_admin.put_object(Bucket="stoppable", Key=f"{i:03d}", Body=b"")
    seen = []
    for page in core.iter_pages(conn, "stoppable", page_size=10, should_stop=lambda: len(seen) >= 1):
        seen.append(page)
    assert len(seen) == 1


def test_fast_timestamp_matches_botocore() -> None:
    from botocore.utils import parse_timestamp

    from s3browser.core.s3.connection import fast_timestamp

    for text in ("2026-11-21T05:53:59.000Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123+00:00",
                 "Sat, 21 Nov 2026 05:53:59 GMT"):
        assert fast_timestamp(text) == parse_timestamp(text)
