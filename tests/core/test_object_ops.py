"""Bucket, delete and object operations against moto over HTTP."""

from __future__ import annotations

import urllib.request

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.buckets import bucket_name_problem, create_bucket, delete_bucket
from s3browser.core.ops.copy import (
    create_folder,
    object_name_problem,
    plan_copy,
    plan_rename,
)
from s3browser.core.ops.delete import BATCH_SIZE, count_for_delete, delete_batches
from s3browser.core.ops.links import MAX_PRESIGN_SECONDS, presigned_url
from s3browser.core.ops.versions import is_versioned
from s3browser.core.transfers.server_copy import copy_object


@pytest.mark.parametrize("name, reason", [
    ("ab", "at least 3"), ("a" * 64, "at most 63"), ("My-Bucket", "capital"), ("my_bucket", "'_'"),
    ("-bucket", "start and end"), ("bucket.", "start and end"), ("my..bucket", "adjacent dots"),
    ("my.-bucket", "next to a hyphen"), ("192.168.1.7", "IP address"), ("xn--bucket", "xn--"),
    ("bucket-s3alias", "-s3alias"), ("with space", "U+0020"),
])
def test_invalid_bucket_names_say_why(name: str, reason: str) -> None:
    problem = bucket_name_problem(name)
    assert problem and reason in problem, problem


def test_valid_bucket_names_pass() -> None:
    for name in ("abc", "my-bucket-2026", "logs.example.com", "a" * 63):
        assert bucket_name_problem(name) is None, name


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_create_bucket_handles_the_location_constraint_rule(conn, s3_admin, region) -> None:
    create_bucket(conn, f"made-in-{region}", region)
    location = s3_admin.get_bucket_location(Bucket=f"made-in-{region}")["LocationConstraint"]
    assert (location or "us-east-1") == region


def test_create_bucket_refuses_an_invalid_name_without_a_request(conn, s3_admin) -> None:
    with pytest.raises(S3BrowserError, match="capital"):
        create_bucket(conn, "Bad-Name")
    assert "Bad-Name" not in [b["Name"] for b in s3_admin.list_buckets()["Buckets"]]


def test_delete_bucket_empties_versions_and_markers_first(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="doomed")
    s3_admin.put_bucket_versioning(Bucket="doomed", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"1", b"2"):
        s3_admin.put_object(Bucket="doomed", Key="a.txt", Body=body)
    s3_admin.delete_object(Bucket="doomed", Key="a.txt")  # a delete marker
    s3_admin.put_object(Bucket="doomed", Key="dir/b.txt", Body=b"b")
    progress = delete_bucket(conn, "doomed")
    assert progress.deleted == 4
    assert "doomed" not in [b["Name"] for b in s3_admin.list_buckets()["Buckets"]]


def test_delete_of_more_than_a_thousand_keys_in_batches(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="many-keys")
    for index in range(BATCH_SIZE + 205):
        s3_admin.put_object(Bucket="many-keys", Key=f"logs/{index:05d}.log", Body=b"x" * 3)
    s3_admin.put_object(Bucket="many-keys", Key="logs/", Body=b"")  # the folder marker goes too
    s3_admin.put_object(Bucket="many-keys", Key="keep.txt", Body=b"k")
    counted: list[int] = []
    plan = count_for_delete(conn, "many-keys", {}, ["logs/"], on_progress=lambda p: counted.append(p.count))
    assert plan.complete and plan.count == BATCH_SIZE + 206 and plan.total_size == 3 * (BATCH_SIZE + 205)
    assert counted[0] < plan.count, "the count is reported while it grows"
    assert not plan.versioned and plan.first_names(2) == ["logs/", "logs/00000.log"]
    results = list(delete_batches(conn, "many-keys", plan.targets))
    assert [r.deleted for r in results] == [BATCH_SIZE, 206] and not any(r.failures for r in results)
    assert [o["Key"] for o in s3_admin.list_objects_v2(Bucket="many-keys")["Contents"]] == ["keep.txt"]


def test_versioned_delete_adds_markers_and_permanent_delete_removes_versions(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="versions")
    s3_admin.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2", b"v3"):
        s3_admin.put_object(Bucket="versions", Key="doc.txt", Body=body)
    assert is_versioned(conn, "versions")

    plan = count_for_delete(conn, "versions", {"doc.txt": 2}, [])
    assert plan.versioned and not plan.all_versions and plan.count == 1
    list(delete_batches(conn, "versions", plan.targets))
    listing = s3_admin.list_object_versions(Bucket="versions")
    assert len(listing["Versions"]) == 3 and len(listing["DeleteMarkers"]) == 1, "the data is still there"

    plan = count_for_delete(conn, "versions", {"doc.txt": 2}, [], all_versions=True)
    assert plan.all_versions and plan.count == 4 and plan.object_count == 1 and plan.total_size == 6
    list(delete_batches(conn, "versions", plan.targets))
    listing = s3_admin.list_object_versions(Bucket="versions")
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")


def test_access_denied_in_the_middle_of_a_batch_fails_only_that_key(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="locked-docs", ObjectLockEnabledForBucket=True)
    for index in range(30):
        s3_admin.put_object(Bucket="locked-docs", Key=f"d/{index:02d}", Body=b"x")
    held = s3_admin.head_object(Bucket="locked-docs", Key="d/17")["VersionId"]
    s3_admin.put_object_legal_hold(Bucket="locked-docs", Key="d/17", VersionId=held, LegalHold={"Status": "ON"})
    plan = count_for_delete(conn, "locked-docs", {}, ["d/"], all_versions=True)
    [result] = list(delete_batches(conn, "locked-docs", plan.targets))
    assert result.deleted == 29 and [f[0] for f in result.failures] == ["d/17"]
    assert "Access denied" in result.failures[0][2]
    remaining = s3_admin.list_object_versions(Bucket="locked-docs")["Versions"]
    assert [v["Key"] for v in remaining] == ["d/17"]
    s3_admin.put_object_legal_hold(Bucket="locked-docs", Key="d/17", VersionId=held, LegalHold={"Status": "OFF"})


def test_copy_keeps_metadata_content_type_and_tags_also_multipart(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="src-b")
    s3_admin.create_bucket(Bucket="dst-b")
    body = b"m" * (6 * 1024 * 1024)
    s3_admin.put_object(Bucket="src-b", Key="a.bin", Body=body, ContentType="image/png", Metadata={"who": "me"},
                        Tagging="team=blue&year=2026")
    copy_object(conn, "src-b", "a.bin", "dst-b", "single.bin", len(body))
    progress: list[int] = []
    copy_object(conn, "src-b", "a.bin", "dst-b", "multi.bin", len(body), multipart_threshold=5 * 1024 * 1024,
                on_progress=progress.append)
    for key, parts in (("single.bin", None), ("multi.bin", 2)):
        head = s3_admin.head_object(Bucket="dst-b", Key=key)
        assert head["ContentType"] == "image/png" and head["Metadata"] == {"who": "me"}
        tags = {t["Key"]: t["Value"] for t in s3_admin.get_object_tagging(Bucket="dst-b", Key=key)["TagSet"]}
        assert tags == {"team": "blue", "year": "2026"}
        assert s3_admin.get_object(Bucket="dst-b", Key=key)["Body"].read() == body
        if parts:
            assert head["ETag"].endswith(f'-{parts}"'), "copied with UploadPartCopy"
    assert sum(progress) == len(body)


def test_rename_folder_with_nested_keys_plans_a_move_of_each(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="ren")
    for key in ("docs/", "docs/a.txt", "docs/sub/b.txt", "docsx/other.txt", "taken/x"):
        s3_admin.put_object(Bucket="ren", Key=key, Body=key.encode())
    plan = plan_rename(conn, "ren", "docs/", "papers", is_folder=True)
    assert plan.move and sorted((i.source_key, i.key) for i in plan.items) == [
        ("docs/", "papers/"), ("docs/a.txt", "papers/a.txt"), ("docs/sub/b.txt", "papers/sub/b.txt")]
    with pytest.raises(S3BrowserError, match="already exists"):
        plan_rename(conn, "ren", "docs/", "taken", is_folder=True)
    with pytest.raises(S3BrowserError, match="“/”"):
        plan_rename(conn, "ren", "docs/a.txt", "x/y", is_folder=False)


def test_copy_plan_across_buckets_finds_existing_and_refuses_into_itself(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="from-b")
    s3_admin.create_bucket(Bucket="to-b")
    for key in ("photos/a.png", "photos/raw/b.raw", "top.txt"):
        s3_admin.put_object(Bucket="from-b", Key=key, Body=b"1")
    s3_admin.put_object(Bucket="to-b", Key="in/photos/a.png", Body=b"old")
    plan = plan_copy(conn, "from-b", "", {"top.txt": 1}, ["photos/"], "to-b", "in/", move=True)
    assert sorted(i.key for i in plan.items) == ["in/photos/a.png", "in/photos/raw/b.raw", "in/top.txt"]
    assert plan.existing == ["in/photos/a.png"] and plan.total_size == 3
    with pytest.raises(S3BrowserError, match="into itself"):
        plan_copy(conn, "from-b", "", {}, ["photos/"], "from-b", "photos/raw/")


def test_new_folder_and_names(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="folders")
    assert create_folder(conn, "folders", "a/", "new one") == "a/new one/"
    assert s3_admin.head_object(Bucket="folders", Key="a/new one/")["ContentLength"] == 0
    with pytest.raises(S3BrowserError, match="already exists"):
        create_folder(conn, "folders", "a/", "new one")
    for bad in ("", "a/b", "..", "tab\there"):
        assert object_name_problem(bad)


def test_presigned_link_downloads_and_expiry_is_limited(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="share")
    s3_admin.put_object(Bucket="share", Key="report 2026.pdf", Body=b"%PDF shared")
    url = presigned_url(conn, "share", "report 2026.pdf", 3600)
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Expires=3600" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback moto URL
        assert response.read() == b"%PDF shared"
    with pytest.raises(S3BrowserError, match="7 days"):
        presigned_url(conn, "share", "report 2026.pdf", MAX_PRESIGN_SECONDS + 1)


def test_soft_delete_moves_to_trash_and_restores(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import (
        TRASH_PREFIX,
        delete_from_trash,
        list_trash,
        move_to_trash,
        plan_restore,
        restore,
    )

    s3_admin.create_bucket(Bucket="soft")
    s3_admin.put_object(Bucket="soft", Key="docs/a.txt", Body=b"aaa", ContentType="text/plain",
                        Metadata={"k": "v"})
    s3_admin.put_object(Bucket="soft", Key="b.txt", Body=b"bb")
    [result] = list(move_to_trash(conn, "soft", {"docs/a.txt": 3, "b.txt": 2}))
    assert result.deleted == 2 and not result.failures
    remaining = [o["Key"] for o in s3_admin.list_objects_v2(Bucket="soft")["Contents"]]
    assert all(k.startswith(TRASH_PREFIX) for k in remaining) and len(remaining) == 2
    entries = list_trash(conn, "soft")
    assert sorted(e.original_key for e in entries) == ["b.txt", "docs/a.txt"]
    a = next(e for e in entries if e.original_key == "docs/a.txt")
    assert restore(conn, "soft", plan_restore(conn, "soft", [a])).restored == 1
    head = s3_admin.head_object(Bucket="soft", Key="docs/a.txt")
    assert head["Metadata"] == {"k": "v"} and head["ContentType"] == "text/plain"
    assert [e.original_key for e in list_trash(conn, "soft")] == ["b.txt"]
    assert delete_from_trash(conn, "soft", list_trash(conn, "soft")).deleted == 1
    assert list_trash(conn, "soft") == []
    assert [o["Key"] for o in s3_admin.list_objects_v2(Bucket="soft")["Contents"]] == ["docs/a.txt"]


def test_creating_a_bucket_you_already_own_says_so(conn, s3_admin) -> None:
    s3_admin.create_bucket(Bucket="demo-logs")
    with pytest.raises(S3BrowserError, match="You already have a bucket named “demo-logs”") as raised:
        create_bucket(conn, "demo-logs")
    assert raised.value.kind == "exists"


def _trash_one(conn, s3_admin, bucket: str, key: str, body: bytes):  # noqa: ANN001, ANN202
    from s3browser.core.ops.trash import list_trash, move_to_trash

    s3_admin.put_object(Bucket=bucket, Key=key, Body=body)
    list(move_to_trash(conn, bucket, {key: len(body)}))
    return next(e for e in list_trash(conn, bucket) if e.original_key == key)


def test_restoring_onto_a_newer_object_never_replaces_it_unless_told(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import list_trash, plan_restore, restore
    from s3browser.core.transfers.conflicts import Conflict

    s3_admin.create_bucket(Bucket="taken")
    entry = _trash_one(conn, s3_admin, "taken", "notes.txt", b"old 12 bytes")
    s3_admin.put_object(Bucket="taken", Key="notes.txt", Body=b"a newer upload of thirty-eight bytes!!")
    plan = plan_restore(conn, "taken", [entry])
    assert plan.conflicts == ["notes.txt"] and not plan.back
    result = restore(conn, "taken", plan)  # the default: skip
    assert (result.restored, result.skipped) == (0, 1)
    assert s3_admin.get_object(Bucket="taken", Key="notes.txt")["Body"].read().startswith(b"a newer")
    assert list_trash(conn, "taken") == [entry], "a skipped entry stays in the trash"

    result = restore(conn, "taken", plan_restore(conn, "taken", [entry]), Conflict.KEEP_BOTH)
    assert result.renamed == [("notes.txt", "notes (1).txt")] and result.restored == 1
    assert s3_admin.get_object(Bucket="taken", Key="notes (1).txt")["Body"].read() == b"old 12 bytes"
    assert s3_admin.get_object(Bucket="taken", Key="notes.txt")["Body"].read().startswith(b"a newer")

    again = _trash_one(conn, s3_admin, "taken", "b.txt", b"trashed b")
    s3_admin.put_object(Bucket="taken", Key="b.txt", Body=b"new b")
    plan = plan_restore(conn, "taken", [again])
    s3_admin.put_object(Bucket="taken", Key="b.txt", Body=b"newer still, after the question")
    result = restore(conn, "taken", plan, Conflict.REPLACE)
    assert result.restored == 0 and "changed on S3" in result.failures[0][2]
    assert s3_admin.get_object(Bucket="taken", Key="b.txt")["Body"].read() == b"newer still, after the question"
    result = restore(conn, "taken", plan_restore(conn, "taken", [again]), Conflict.REPLACE)
    assert result.restored == 1 and s3_admin.get_object(Bucket="taken", Key="b.txt")["Body"].read() == b"trashed b"


def test_a_place_taken_after_the_plan_is_not_overwritten(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import plan_restore, restore

    s3_admin.create_bucket(Bucket="race")
    entry = _trash_one(conn, s3_admin, "race", "c.txt", b"old")
    plan = plan_restore(conn, "race", [entry])
    assert not plan.taken
    s3_admin.put_object(Bucket="race", Key="c.txt", Body=b"appeared meanwhile")
    result = restore(conn, "race", plan)
    assert result.restored == 0 and "appeared on S3" in result.failures[0][2]
    assert s3_admin.get_object(Bucket="race", Key="c.txt")["Body"].read() == b"appeared meanwhile"


def test_an_object_already_back_is_not_restored_twice_and_two_deletions_take_one_place(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import list_trash, plan_restore, restore, trash_key

    s3_admin.create_bucket(Bucket="back")
    entry = _trash_one(conn, s3_admin, "back", "d.txt", b"same bytes")
    s3_admin.put_object(Bucket="back", Key="d.txt", Body=b"same bytes")  # brought back by other means
    plan = plan_restore(conn, "back", [entry])
    assert plan.back == {entry.trash_key} and not plan.taken
    result = restore(conn, "back", plan)
    assert (result.restored, result.already_back, result.failures) == (0, 1, [])
    assert list_trash(conn, "back") == []

    s3_admin.put_object(Bucket="back", Key=trash_key("e.txt", 1_700_000_000), Body=b"first deletion")
    s3_admin.put_object(Bucket="back", Key=trash_key("e.txt", 1_800_000_000), Body=b"second deletion")
    entries = list_trash(conn, "back")
    plan = plan_restore(conn, "back", entries)
    assert [e.deleted_at for e in plan.taken] == [1_700_000_000], "the newest deletion takes the place"
    result = restore(conn, "back", plan)
    assert (result.restored, result.skipped) == (1, 1)
    assert s3_admin.get_object(Bucket="back", Key="e.txt")["Body"].read() == b"second deletion"


def test_a_trash_copy_whose_object_left_again_after_the_plan_is_kept(conn, s3_admin) -> None:
    from s3browser.core.ops.trash import list_trash, plan_restore, restore

    s3_admin.create_bucket(Bucket="gone-again")
    entry = _trash_one(conn, s3_admin, "gone-again", "f.txt", b"same bytes")
    s3_admin.put_object(Bucket="gone-again", Key="f.txt", Body=b"same bytes")
    plan = plan_restore(conn, "gone-again", [entry])
    assert plan.back == {entry.trash_key}
    s3_admin.delete_object(Bucket="gone-again", Key="f.txt")  # gone again before the restore runs
    result = restore(conn, "gone-again", plan)
    assert result.already_back == 0 and "trash copy was kept" in result.failures[0][2]
    assert list_trash(conn, "gone-again") == [entry], "the only copy left is not deleted"
