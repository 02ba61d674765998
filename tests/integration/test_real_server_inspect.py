"""Properties, preview, search, folder size and versions against SeaweedFS and rclone serve s3.

These servers differ from moto where it matters here: which headers a copy in place keeps, whether
object tags and versioning exist at all, and how ranged GETs answer.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from s3browser.core.ops.folder_stats import iter_folder_stats
from s3browser.core.ops.preview import fetch_preview
from s3browser.core.ops.properties import PropertyChanges, apply_changes, fetch_properties
from s3browser.core.ops.search import iter_search_pages
from s3browser.core.ops.undelete import plan_undelete, undelete
from s3browser.core.ops.versions import iter_version_pages, restore_version
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_unsupported
from tests.integration.conftest import server_profile


def lower(metadata: dict[str, str]) -> dict[str, str]:
    """rclone serve s3 answers metadata names capitalised ("Owner"); S3 treats them case-insensitively."""
    return {name.lower(): value for name, value in metadata.items()}


@pytest.fixture
def conn(real_server):
    connection = Connection(*server_profile(real_server))
    yield connection
    connection.close()


def test_properties_edit_keeps_the_body_and_the_rest(conn, bucket, real_server) -> None:
    client = real_server.client()
    client.put_object(Bucket=bucket, Key="d/doc.txt", Body=b"hello", ContentType="text/plain",
                      Metadata={"owner": "ann"})
    props = fetch_properties(conn, bucket, "d/doc.txt")
    assert (props.size, props.headers.get("ContentType"), lower(props.metadata)) == (5, "text/plain",
                                                                                     {"owner": "ann"})
    apply_changes(conn, bucket, "d/doc.txt", PropertyChanges(headers={"ContentType": "text/markdown"}))
    after = fetch_properties(conn, bucket, "d/doc.txt")
    assert (after.headers.get("ContentType"), lower(after.metadata)) == ("text/markdown", {"owner": "ann"})
    assert client.get_object(Bucket=bucket, Key="d/doc.txt")["Body"].read() == b"hello"
    if after.tags is not None:  # this server keeps object tags: a tag change must not touch the rest
        apply_changes(conn, bucket, "d/doc.txt", PropertyChanges(tags={"team": "blue"}))
        tagged = fetch_properties(conn, bucket, "d/doc.txt")
        assert (tagged.tags, lower(tagged.metadata)) == ({"team": "blue"}, {"owner": "ann"})


def test_preview_search_and_size(conn, bucket, real_server) -> None:
    client = real_server.client()
    for key in ("a/report-1.csv", "a/b/report-2.CSV", "a/b/notes.txt", "other/report-3.csv"):
        client.put_object(Bucket=bucket, Key=key, Body=b"x" * 300_000)
    data = fetch_preview(conn, bucket, "a/b/notes.txt", 300_000)
    assert (len(data.data), data.size, data.truncated) == (256 * 1024, 300_000, True)
    found = [k for page in iter_search_pages(conn, bucket, "a/", "*.csv") for k in page.keys]
    assert found == ["a/b/report-2.CSV", "a/report-1.csv"]
    stats = list(iter_folder_stats(conn, bucket, "a/"))[-1]
    assert (stats.complete, stats.objects, stats.total_bytes) == (True, 3, 900_000)


def test_versions_restore_and_undelete(conn, bucket, real_server) -> None:
    client = real_server.client()
    try:
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        enabled = client.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"
    except ClientError as exc:
        if not is_unsupported(exc):
            raise
        enabled = False
    if not enabled:
        pytest.skip(f"{real_server.name} does not keep versions")
    client.put_object(Bucket=bucket, Key="v/a.txt", Body=b"first")
    client.put_object(Bucket=bucket, Key="v/a.txt", Body=b"second!")
    client.put_object(Bucket=bucket, Key="v/gone.txt", Body=b"gone")
    client.delete_object(Bucket=bucket, Key="v/gone.txt")
    pages = list(iter_version_pages(conn, bucket, "v/"))
    rows = [(k, s, bool(m)) for p in pages for k, s, m in zip(p.keys, p.sizes, p.delete_markers, strict=True)]
    assert rows == [("v/a.txt", 7, False), ("v/a.txt", 5, False), ("v/gone.txt", 0, True), ("v/gone.txt", 4, False)]
    old = pages[0].version_ids[1]
    restore_version(conn, bucket, "v/a.txt", old)
    assert client.get_object(Bucket=bucket, Key="v/a.txt")["Body"].read() == b"first"
    plan = plan_undelete(conn, bucket, [], ["v/"])
    assert [k for k, _ in plan.markers] == ["v/gone.txt"]
    assert undelete(conn, bucket, plan) == (1, [])
    assert client.get_object(Bucket=bucket, Key="v/gone.txt")["Body"].read() == b"gone"
