"""Properties, versions, undelete, search, folder size and preview in core, against moto over HTTP."""

from __future__ import annotations

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.folder_stats import iter_folder_stats
from s3browser.core.ops.preview import TEXT_LIMIT, decode_text, fetch_preview
from s3browser.core.ops.properties import (
    PropertyChanges,
    apply_changes,
    fetch_properties,
    metadata_problem,
    request_restore,
    tags_problem,
)
from s3browser.core.ops.search import iter_search_pages, name_matcher
from s3browser.core.ops.undelete import plan_undelete, undelete
from s3browser.core.ops.versions import delete_version, iter_version_pages, restore_version


@pytest.fixture
def versioned(s3_admin) -> str:
    s3_admin.create_bucket(Bucket="vers")
    s3_admin.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
    return "vers"


def _body(s3_admin, bucket: str, key: str) -> bytes:
    return s3_admin.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_properties_round_trip_keeps_what_was_not_changed(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="props")
    s3_admin.put_object(Bucket="props", Key="doc.txt", Body=b"hello", ContentType="text/plain",
                        CacheControl="max-age=60", Metadata={"owner": "ann"}, Tagging="team=blue")
    props = fetch_properties(conn, "props", "doc.txt")
    assert (props.size, props.headers["ContentType"], props.metadata, props.tags) == (
        5, "text/plain", {"owner": "ann"}, {"team": "blue"})
    assert props.etag.strip('"') == "5d41402abc4b2a76b9719d911017c592"

    note = apply_changes(conn, "props", "doc.txt", PropertyChanges(headers={"ContentType": "text/markdown"}))
    assert "copied" in note
    after = fetch_properties(conn, "props", "doc.txt")
    assert after.headers == {"ContentType": "text/markdown", "CacheControl": "max-age=60"}
    assert (after.metadata, after.tags, _body(s3_admin, "props", "doc.txt")) == (
        {"owner": "ann"}, {"team": "blue"}, b"hello")

    apply_changes(conn, "props", "doc.txt", PropertyChanges(metadata={"owner": "bob", "x-y": "1"},
                                                            storage_class="STANDARD_IA"))
    after = fetch_properties(conn, "props", "doc.txt")
    assert (after.metadata, after.storage_class, after.tags, after.headers["ContentType"]) == (
        {"owner": "bob", "x-y": "1"}, "STANDARD_IA", {"team": "blue"}, "text/markdown")

    modified = after.last_modified
    assert apply_changes(conn, "props", "doc.txt", PropertyChanges(tags={"team": "red", "stage": "2"})) == "Tags saved."
    after = fetch_properties(conn, "props", "doc.txt")
    assert (after.tags, after.metadata, after.storage_class, after.last_modified) == (
        {"team": "red", "stage": "2"}, {"owner": "bob", "x-y": "1"}, "STANDARD_IA", modified)

    apply_changes(conn, "props", "doc.txt", PropertyChanges(headers={"CacheControl": ""}, tags={}))
    after = fetch_properties(conn, "props", "doc.txt")
    assert "CacheControl" not in after.headers and after.tags == {}


def test_bad_tags_and_metadata_are_refused_in_one_sentence() -> None:
    assert "at most 10" in tags_problem({str(i): "v" for i in range(11)})
    assert "128" in tags_problem({"k" * 129: "v"})
    assert tags_problem({"ok": "fine"}) is None
    assert "letters" in metadata_problem({"bad name": "v"})
    assert "ASCII" in metadata_problem({"name": "café"})
    assert metadata_problem({"good-name": "value"}) is None


def test_archived_object_shows_and_requests_a_restore(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="cold")
    s3_admin.put_object(Bucket="cold", Key="old.tar", Body=b"x", StorageClass="GLACIER")
    props = fetch_properties(conn, "cold", "old.tar")
    assert props.is_archived and "restore it" in props.restore_status
    with pytest.raises(S3BrowserError, match="archived"):
        apply_changes(conn, "cold", "old.tar", PropertyChanges(metadata={"a": "b"}))
    sentence = request_restore(conn, "cold", "old.tar", 3, "Standard", "GLACIER")
    assert "3–5 hours" in sentence and "3 days" in sentence
    assert fetch_properties(conn, "cold", "old.tar").restore_status.startswith("Restored")
    with pytest.raises(S3BrowserError, match="Expedited"):
        request_restore(conn, "cold", "old.tar", 3, "Expedited", "DEEP_ARCHIVE")


def _arrange_history(s3_admin, bucket: str) -> None:
    s3_admin.put_object(Bucket=bucket, Key="docs/a.txt", Body=b"first")
    s3_admin.put_object(Bucket=bucket, Key="docs/a.txt", Body=b"second!")
    s3_admin.put_object(Bucket=bucket, Key="docs/gone.txt", Body=b"gone")
    s3_admin.delete_object(Bucket=bucket, Key="docs/gone.txt")
    s3_admin.put_object(Bucket=bucket, Key="docs/old/x.txt", Body=b"x")
    s3_admin.put_object(Bucket=bucket, Key="docs/old/y.txt", Body=b"yy")
    s3_admin.delete_object(Bucket=bucket, Key="docs/old/x.txt")
    s3_admin.delete_object(Bucket=bucket, Key="docs/old/y.txt")


def test_version_pages_group_each_key_newest_first_with_markers(conn, s3_admin, versioned) -> None:
    _arrange_history(s3_admin, versioned)
    pages = list(iter_version_pages(conn, versioned, "docs/", page_size=2))
    assert len(pages) > 1 and pages[-1].is_last
    folders = [f for p in pages for f in p.folders]
    rows = [(k, s, bool(lt), bool(m)) for p in pages
            for k, s, lt, m in zip(p.keys, p.sizes, p.latest, p.delete_markers, strict=True)]
    assert folders == ["docs/old/"]
    assert rows == [("docs/a.txt", 7, True, False), ("docs/a.txt", 5, False, False),
                    ("docs/gone.txt", 0, True, True), ("docs/gone.txt", 4, False, False)]


def test_restore_an_older_version_makes_it_latest(conn, s3_admin, versioned) -> None:
    s3_admin.put_object(Bucket=versioned, Key="a.txt", Body=b"first", Metadata={"v": "1"}, Tagging="k=1")
    s3_admin.put_object(Bucket=versioned, Key="a.txt", Body=b"second")
    page = next(iter_version_pages(conn, versioned, ""))
    old = page.version_ids[page.sizes.index(5)]
    restore_version(conn, versioned, "a.txt", old)
    assert _body(s3_admin, versioned, "a.txt") == b"first"
    props = fetch_properties(conn, versioned, "a.txt")
    assert (props.metadata, props.tags) == ({"v": "1"}, {"k": "1"})
    assert len(next(iter_version_pages(conn, versioned, "")).keys) == 3  # nothing was lost
    delete_version(conn, versioned, "a.txt", old)
    assert len(next(iter_version_pages(conn, versioned, "")).keys) == 2


def test_undelete_an_object_and_a_folder(conn, s3_admin, versioned) -> None:
    _arrange_history(s3_admin, versioned)
    s3_admin.delete_object(Bucket=versioned, Key="docs/old/y.txt")  # deleted twice over
    version = s3_admin.put_object(Bucket=versioned, Key="docs/never.txt", Body=b"n")["VersionId"]
    s3_admin.delete_object(Bucket=versioned, Key="docs/never.txt")
    s3_admin.delete_object(Bucket=versioned, Key="docs/never.txt", VersionId=version)  # only a marker is left

    one = plan_undelete(conn, versioned, ["docs/gone.txt"], [])
    assert (one.count, one.total_size, one.complete) == (1, 4, True)
    assert undelete(conn, versioned, one) == (1, [])
    assert _body(s3_admin, versioned, "docs/gone.txt") == b"gone"

    folder = plan_undelete(conn, versioned, [], ["docs/"])
    assert sorted(k for k, _ in folder.markers) == ["docs/old/x.txt", "docs/old/y.txt"]
    assert (folder.total_size, folder.gone_for_good) == (3, 1)
    restored, failures = undelete(conn, versioned, folder)
    assert (restored, failures) == (2, [])
    assert _body(s3_admin, versioned, "docs/old/y.txt") == b"yy"
    assert plan_undelete(conn, versioned, [], ["docs/"]).count == 0


def test_search_streams_matches_at_every_depth(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="find")
    for key in ("a/report-2024.pdf", "a/b/Report-final.PDF", "a/b/notes.txt", "a/c/", "other/report.pdf",
                "a/report/readme.md"):
        s3_admin.put_object(Bucket="find", Key=key, Body=b"x" if not key.endswith("/") else b"")
    found = [k for p in iter_search_pages(conn, "find", "a/", "report", ) for k in p.keys]
    assert found == ["a/b/Report-final.PDF", "a/report-2024.pdf"]
    glob = [k for p in iter_search_pages(conn, "find", "a/", "*.pdf") for k in p.keys]
    assert glob == ["a/b/Report-final.PDF", "a/report-2024.pdf"]
    assert [k for p in iter_search_pages(conn, "find", "a/", "b/*") for k in p.keys] == [
        "a/b/Report-final.PDF", "a/b/notes.txt"]
    assert name_matcher("read*")("x/readme.md") and not name_matcher("read")("read/me.txt")


def test_folder_stats_by_class_with_the_largest(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="sizes")
    for i in range(15):
        s3_admin.put_object(Bucket="sizes", Key=f"d/f{i:02}", Body=b"x" * i,
                            StorageClass="STANDARD_IA" if i % 5 == 0 else "STANDARD")
    s3_admin.put_object(Bucket="sizes", Key="elsewhere", Body=b"x" * 100)
    snapshots = list(iter_folder_stats(conn, "sizes", "d/"))
    final = snapshots[-1]
    assert final.complete and (final.objects, final.total_bytes) == (15, sum(range(15)))
    assert final.by_class == {"STANDARD_IA": [3, 15], "STANDARD": [12, sum(range(15)) - 15]}
    assert [size for size, _ in final.largest_first()] == list(range(14, 4, -1))
    assert final.largest_first()[0][1] == "d/f14"


def test_preview_reads_the_start_and_guesses_the_encoding(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="peek")
    big = ("é" * (TEXT_LIMIT // 2 + 10)).encode()
    s3_admin.put_object(Bucket="peek", Key="big.txt", Body=big, ContentType="text/plain")
    data = fetch_preview(conn, "peek", "big.txt", len(big))
    assert (len(data.data), data.size, data.truncated) == (TEXT_LIMIT, len(big), True)
    text, encoding = decode_text(data.data, truncated=True)
    assert encoding == "UTF-8" and set(text) == {"é"}
    assert decode_text("naïve".encode("cp1252")) == ("naïve", "Windows-1252")
    assert decode_text(b"\xff\xfeh\x00i\x00") == ("hi", "utf-16 (with BOM)")
    assert decode_text(b"\x89PNG\r\n\x1a\n\x00\x00") is None


def test_download_an_older_version_verified_and_atomic(conn, s3_admin, versioned, tmp_path) -> None:
    from s3browser.core.ops.versions import download_version

    old = s3_admin.put_object(Bucket=versioned, Key="a.txt", Body=b"first")["VersionId"]
    s3_admin.put_object(Bucket=versioned, Key="a.txt", Body=b"second")
    target = tmp_path / "out" / "a.txt"
    target.parent.mkdir()
    note = download_version(conn, versioned, "a.txt", old, target)
    assert target.read_bytes() == b"first" and "saved as a.txt" in note
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt"]  # no temporary file left


def test_multipart_copy_in_place_keeps_metadata_and_tags(conn, s3_admin) -> None:
    """Above the CopyObject limit the copy is multipart (lowered here to 5 MiB) and carries everything over."""
    s3_admin.create_bucket(Bucket="large")
    data = bytes(range(256)) * (6 * 1024 * 4)  # 6 MiB
    s3_admin.put_object(Bucket="large", Key="big.bin", Body=data, ContentType="application/x-big",
                        Metadata={"keep": "me"}, Tagging="t=1")
    progress: list[int] = []
    apply_changes(conn, "large", "big.bin", PropertyChanges(headers={"CacheControl": "no-cache"}),
                  on_progress=progress.append, multipart_threshold=5 * 1024 * 1024)
    after = fetch_properties(conn, "large", "big.bin")
    assert after.etag.strip('"').endswith("-2")  # written in parts
    assert (after.headers, after.metadata, after.tags) == (
        {"ContentType": "application/x-big", "CacheControl": "no-cache"}, {"keep": "me"}, {"t": "1"})
    assert sum(progress) == len(data)
    assert _body(s3_admin, "large", "big.bin") == data


def test_with_soft_delete_and_versioning_undelete_and_the_trash_agree(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import list_trash, move_to_trash, plan_restore, restore

    s3_admin.create_bucket(Bucket="both-on")
    s3_admin.put_bucket_versioning(Bucket="both-on", VersioningConfiguration={"Status": "Enabled"})
    for key in ("a.txt", "b.txt"):
        s3_admin.put_object(Bucket="both-on", Key=key, Body=key.encode() * 3)
    list(move_to_trash(conn, "both-on", {"a.txt": 15, "b.txt": 15}))

    # a.txt comes back through Undelete: the trash no longer offers it as deleted
    assert undelete(conn, "both-on", plan_undelete(conn, "both-on", ["a.txt"], []))[0] == 1
    plan = plan_restore(conn, "both-on", list_trash(conn, "both-on"))
    a_entry = next(e for e in plan.entries if e.original_key == "a.txt")
    assert plan.back == {a_entry.trash_key} and not plan.taken

    # b.txt comes back through the trash: its trash copy's delete marker is no deleted object of the user's
    result = restore(conn, "both-on", plan)
    assert (result.restored, result.already_back) == (1, 1) and list_trash(conn, "both-on") == []
    everything = plan_undelete(conn, "both-on", [], [""])
    assert everything.markers == [], "nothing is left to undelete: both objects are back, once each"
    keys = {v["Key"] for v in s3_admin.list_object_versions(Bucket="both-on").get("Versions", [])}
    assert {"a.txt", "b.txt"} <= keys
    assert s3_admin.get_object(Bucket="both-on", Key="b.txt")["Body"].read() == b"b.txtb.txtb.txt"
