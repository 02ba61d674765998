"""Sync tried as an unlucky user and as an attacker would, on the moto server over HTTP: what the
app cannot see or cannot prove is never treated as deleted or as equal (issue 28, points 1-5, 8)."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from s3browser.core.sync.apply import SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import LastRun, SyncPair
from s3browser.core.sync.plan import Action, Compare, Mode
from s3browser.core.sync.run import prepare_run
from s3browser.core.transfers.mtime import MTIME_METADATA, format_mtime, parse_mtime
from tests.conftest import FAST_FAILING, SECRET_KEY, _profile
from tests.core.test_sync_runs import write

ROOT_CAN_READ_ANYTHING = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def conn(s3_endpoint: str):
    connection = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY), **FAST_FAILING)
    yield connection
    connection.close()






def pair_for(root: Path, bucket: str, mode: Mode = Mode.TWO_WAY, **changes) -> SyncPair:  # noqa: ANN003
    return SyncPair(name="p", profile="trust", local=str(root), bucket=bucket, prefix="team/", mode=mode, **changes)


def sync(conn: Connection, root: Path, bucket: str, mode: Mode = Mode.TWO_WAY, **changes):  # noqa: ANN003
    """Plan and carry out one run with everything selected; (run, report or None when refused)."""
    pair = pair_for(root, bucket, mode, **changes)
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        report = None
        if run.verdict.refusal is None:
            report = apply_plan(SyncTarget(conn, bucket, "team/", run.local.root, baseline), run.plan, workers=4)
    return run, report


def keys(s3_admin, bucket: str) -> dict[str, bytes]:  # noqa: ANN001
    listed = s3_admin.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3_admin.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def deletions(run) -> list[str]:  # noqa: ANN001
    return [i.path for i in run.plan.items if i.deletes_local or i.deletes_remote]


# ---------------------------------------------------------------- 1. unknown is not absent
def make_unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 0; where the tests run as root (CI does), which reads anything, scandir refuses it instead."""
    folder.chmod(0)
    if ROOT_CAN_READ_ANYTHING:
        import s3browser.core.sync.scan as scan_module

        real = os.scandir

        def refusing(path):  # noqa: ANN001, ANN202
            if os.fspath(path) == os.fspath(folder):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path)

        monkeypatch.setattr(scan_module.os, "scandir", refusing)


@pytest.mark.parametrize("mode", [Mode.TWO_WAY, Mode.MIRROR_TO_S3])
def test_an_unreadable_folder_keeps_its_objects_on_s3(conn, s3_admin, tmp_path: Path, mode: Mode,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    s3_admin.create_bucket(Bucket="unreadable")
    root = tmp_path / "work"
    for name in ("a.txt", "private/one.txt", "private/deep/two.txt"):
        write(root, name, name.encode())
    sync(conn, root, "unreadable")  # baseline: all three on both sides
    make_unreadable(root / "private", monkeypatch)
    try:
        run, report = sync(conn, root, "unreadable", mode)
    finally:
        (root / "private").chmod(0o755)
    assert deletions(run) == []
    assert set(keys(s3_admin, "unreadable")) == {"team/a.txt", "team/private/one.txt", "team/private/deep/two.txt"}
    assert "kept on both sides" in run.plan.problems["private"]
    assert "not readable" in run.plan.problems["private/one.txt"]
    with Baseline(pair_for(root, "unreadable").id) as baseline:
        assert set(baseline.load()) == {"a.txt", "private/one.txt", "private/deep/two.txt"}, "baseline kept"


@pytest.mark.parametrize("mode", [Mode.TWO_WAY, Mode.MIRROR_TO_S3, Mode.MIRROR_TO_LOCAL])
def test_a_folder_replaced_by_a_link_deletes_nothing_and_is_not_followed(conn, s3_admin, tmp_path: Path,
                                                                         mode: Mode) -> None:
    s3_admin.create_bucket(Bucket="linked")
    root, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    write(root, "keep.txt", b"keep")
    write(root, "photos/1.jpg", b"one")
    write(root, "photos/2.jpg", b"two")
    sync(conn, root, "linked")
    (root / "photos").rename(elsewhere)  # moved elsewhere, a link left in its place
    (root / "photos").symlink_to(elsewhere, target_is_directory=True)
    s3_admin.put_object(Bucket="linked", Key="team/photos/3.jpg", Body=b"new on S3")
    run, report = sync(conn, root, "linked", mode)
    assert deletions(run) == [] and [i.path for i in run.plan.items] == []
    assert set(keys(s3_admin, "linked")) == {"team/keep.txt", "team/photos/1.jpg", "team/photos/2.jpg",
                                             "team/photos/3.jpg"}
    assert sorted(p.name for p in elsewhere.iterdir()) == ["1.jpg", "2.jpg"], "nothing written through the link"
    assert "link" in run.plan.problems["photos"]


def test_special_files_and_undecodable_names_are_kept_not_deleted(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="special")
    root = tmp_path / "work"
    write(root, "pipe", b"was a file")
    write(root, "plain.txt", b"x")
    sync(conn, root, "special")
    (root / "pipe").unlink()
    os.mkfifo(root / "pipe")
    bad_name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes: not UTF-8
    with open(os.path.join(os.fsencode(root), b"caf\xe9.txt"), "wb") as file:
        file.write(b"latin-1 name")
    run, report = sync(conn, root, "special", Mode.MIRROR_TO_S3)
    assert deletions(run) == [] and "team/pipe" in keys(s3_admin, "special")
    assert "not a regular file" in run.plan.problems["pipe"]
    assert "not valid UTF-8" in run.plan.problems[bad_name]
    assert report is not None and report.failed == 0


def test_keys_that_cannot_be_files_are_kept_on_both_sides(conn, s3_admin, tmp_path: Path) -> None:
    """A key beside a folder of the same name, a folder marker with bytes, a key with ``..``."""
    s3_admin.create_bucket(Bucket="oddkeys")
    root = tmp_path / "work"
    write(root, "local.txt", b"x")
    s3_admin.put_object(Bucket="oddkeys", Key="team/a", Body=b"file")
    s3_admin.put_object(Bucket="oddkeys", Key="team/a/b.txt", Body=b"under it")
    s3_admin.put_object(Bucket="oddkeys", Key="team/marker/", Body=b"bytes in a folder marker")
    s3_admin.put_object(Bucket="oddkeys", Key="team/x/../escape.txt", Body=b"dots")
    run, report = sync(conn, root, "oddkeys", Mode.MIRROR_TO_S3)
    assert deletions(run) == [] and [i.path for i in run.plan.items] == ["local.txt"]
    assert set(keys(s3_admin, "oddkeys")) == {"team/local.txt", "team/a", "team/a/b.txt", "team/marker/",
                                              "team/x/../escape.txt"}
    assert "both an object and a folder" in run.plan.problems["a"]
    assert "a/b.txt" in run.plan.problems
    assert "folder marker that holds" in run.plan.problems["marker/"]


# ---------------------------------------------------------------- 2. exclusions are symmetric
def test_a_key_that_looks_like_a_temporary_file_is_never_deleted(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="tempnames")
    root = tmp_path / "work"
    write(root, "real.txt", b"x")
    ours = ".s3b-0123456789abcdef.partial"
    s3_admin.put_object(Bucket="tempnames", Key=f"team/{ours}", Body=b"someone's data")
    s3_admin.put_object(Bucket="tempnames", Key="team/.s3b-notes.partial", Body=b"a user's name, synced")
    run, report = sync(conn, root, "tempnames", Mode.MIRROR_TO_S3)
    assert deletions(run) == ["team/.s3b-notes.partial".removeprefix("team/")] or deletions(run) == [
        ".s3b-notes.partial"]
    assert f"team/{ours}" in keys(s3_admin, "tempnames") and "temporary file" in run.plan.problems[ours]
    # In two-way the user's look-alike is an ordinary file: it comes down, and goes back up.
    s3_admin.put_object(Bucket="tempnames", Key="team/.s3b-notes.partial", Body=b"a user's name, synced")
    two_way, _ = sync(conn, root, "tempnames")
    assert (root / ".s3b-notes.partial").read_bytes() == b"a user's name, synced"
    assert not (root / ours).exists() and f"team/{ours}" in keys(s3_admin, "tempnames")


def test_a_local_temporary_file_is_not_uploaded_nor_makes_its_key_deleted(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="localtemp")
    root = tmp_path / "work"
    write(root, "real.txt", b"x")
    s3_admin.put_object(Bucket="localtemp", Key="team/real.txt", Body=b"x")
    ours = ".s3b-fedcba9876543210.partial"
    write(root, ours, b"half a download")
    s3_admin.put_object(Bucket="localtemp", Key=f"team/{ours}", Body=b"an object with that name")
    run, _ = sync(conn, root, "localtemp", Mode.MIRROR_TO_LOCAL)
    assert deletions(run) == [] and (root / ours).read_bytes() == b"half a download"
    assert keys(s3_admin, "localtemp")[f"team/{ours}"] == b"an object with that name"


def test_ignore_rules_hide_a_name_on_both_sides(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="ignored")
    root = tmp_path / "work"
    write(root, "keep.txt", b"x")
    write(root, "build/out.o", b"local build")
    s3_admin.put_object(Bucket="ignored", Key="team/build/other.o", Body=b"remote build")
    s3_admin.put_object(Bucket="ignored", Key="team/debug.log", Body=b"remote log")
    for mode in (Mode.MIRROR_TO_S3, Mode.MIRROR_TO_LOCAL, Mode.TWO_WAY):
        run, _ = sync(conn, root, "ignored", mode, ignore=("build/", "*.log"))
        assert all(not i.path.startswith("build/") and not i.path.endswith(".log") for i in run.plan.items), mode
    assert {"team/build/other.o", "team/debug.log"} <= set(keys(s3_admin, "ignored"))
    assert (root / "build" / "out.o").exists() and not (root / "debug.log").exists()


# ---------------------------------------------------------------- 3. the local root
@pytest.mark.parametrize("state", ["missing", "a file"])
@pytest.mark.parametrize("mode", list(Mode))
def test_a_missing_root_is_an_error_in_every_mode(conn, s3_admin, tmp_path: Path, state: str, mode: Mode) -> None:
    s3_admin.create_bucket(Bucket="noroot")
    s3_admin.put_object(Bucket="noroot", Key="team/a.txt", Body=b"a")
    root = tmp_path / "typo"
    if state == "a file":
        root.write_bytes(b"")
    with pytest.raises(S3BrowserError, match="does not exist"):
        sync(conn, root, "noroot", mode)
    assert "team/a.txt" in keys(s3_admin, "noroot") and (state == "a file") == root.exists()


@pytest.mark.parametrize("mode", [Mode.MIRROR_TO_S3, Mode.TWO_WAY])
def test_an_emptied_root_never_deletes_the_other_side(conn, s3_admin, tmp_path: Path, mode: Mode) -> None:
    s3_admin.create_bucket(Bucket="emptied")
    for n in range(3):
        s3_admin.put_object(Bucket="emptied", Key=f"team/{n}.txt", Body=b"x")
    root = tmp_path / "empty"
    root.mkdir()
    write(root, ".DS_Store", b"ignored")  # an emptied folder may still hold hidden junk
    if mode == Mode.TWO_WAY:
        write(root, "0.txt", b"x")
        sync(conn, root, "emptied", Mode.TWO_WAY)  # a baseline
        (root / "0.txt").unlink()
        for n in (1, 2):
            (root / f"{n}.txt").unlink()
    run, report = sync(conn, root, "emptied", mode)
    assert run.verdict.refusal is not None and "empty" in run.verdict.refusal
    assert not run.verdict.allows(reviewed=True, max_delete=10**6)
    assert report is None and len(keys(s3_admin, "emptied")) == 3


def test_a_root_given_through_a_link_is_followed_and_only_the_root(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="linkroot")
    real = tmp_path / "data" / "docs"
    write(real, "a.txt", b"a")
    (real / "inner").symlink_to(tmp_path / "data", target_is_directory=True)
    documents = tmp_path / "Documents"
    documents.symlink_to(real, target_is_directory=True)
    s3_admin.put_object(Bucket="linkroot", Key="team/b.txt", Body=b"b")
    run, report = sync(conn, documents, "linkroot")
    assert {(i.action, i.path) for i in run.plan.items} == {(Action.UPLOAD, "a.txt"), (Action.DOWNLOAD, "b.txt")}
    assert report is not None and report.done == 2 and (real / "b.txt").read_bytes() == b"b"
    assert "link" in run.plan.problems["inner"]


# ---------------------------------------------------------------- 4. equality is proven
def test_same_size_edits_on_both_sides_are_a_conflict_not_in_step(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="bothedit")
    root = tmp_path / "work"
    write(root, "notes.txt", b"version 1")
    sync(conn, root, "bothedit")
    write(root, "notes.txt", b"version A", mtime=2_000_000_000)  # same size, both sides, same time
    s3_admin.put_object(Bucket="bothedit", Key="team/notes.txt", Body=b"version B",
                        Metadata={MTIME_METADATA: "2000000000"})
    run, report = sync(conn, root, "bothedit")
    assert [(i.action, i.path) for i in run.plan.items] == [(Action.CONFLICT, "notes.txt")]
    assert report is not None and report.done == 1
    copies = [p for p in root.iterdir() if "S3 conflict" in p.name]
    assert (root / "notes.txt").read_bytes() == b"version A" and copies[0].read_bytes() == b"version B"


def test_a_first_two_way_run_compares_contents_not_size_and_time(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="firstrun")
    root = tmp_path / "work"
    write(root, "same.txt", b"identical", mtime=1_700_000_000)
    write(root, "differs.txt", b"mine!!", mtime=1_700_000_000)
    s3_admin.put_object(Bucket="firstrun", Key="team/same.txt", Body=b"identical")
    s3_admin.put_object(Bucket="firstrun", Key="team/differs.txt", Body=b"theirs",
                        Metadata={MTIME_METADATA: "1700000000"})
    run, _ = sync(conn, root, "firstrun")
    assert set(run.plan.in_step) == {"same.txt"}
    assert [(i.action, i.path) for i in run.plan.items] == [(Action.CONFLICT, "differs.txt")]


def test_an_unprovable_equality_is_a_conflict(conn, s3_admin, tmp_path: Path) -> None:
    """A multipart ETag whose part size is none of the likely ones cannot prove equal bytes."""
    s3_admin.create_bucket(Bucket="unprovable")
    root = tmp_path / "work"
    data = os.urandom(6 * 1024 * 1024 + 10)
    write(root, "big.bin", data)
    upload = s3_admin.create_multipart_upload(Bucket="unprovable", Key="team/big.bin")
    part_size = 6 * 1024 * 1024  # not a size anyone uses by default
    parts = []
    for n, start in enumerate(range(0, len(data), part_size), 1):
        etag = s3_admin.upload_part(Bucket="unprovable", Key="team/big.bin", UploadId=upload["UploadId"],
                                    PartNumber=n, Body=data[start:start + part_size])["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})
    s3_admin.complete_multipart_upload(Bucket="unprovable", Key="team/big.bin", UploadId=upload["UploadId"],
                                       MultipartUpload={"Parts": parts})
    run, _ = sync(conn, root, "unprovable", conflict="skip")
    assert [(i.action, i.reason) for i in run.plan.items] == [
        (Action.CONFLICT, "new on both sides; the contents could not be compared")]
    assert run.plan.in_step == {}


@pytest.mark.parametrize("local_form", ["NFD", "NFC"])
def test_names_differing_only_in_normalization_are_one_path(conn, s3_admin, tmp_path: Path, local_form: str) -> None:
    s3_admin.create_bucket(Bucket="unicode")
    root = tmp_path / "work"
    name = "Café/résumé.txt"
    key_form = "NFC" if local_form == "NFD" else "NFD"
    write(root, unicodedata.normalize(local_form, name), b"same bytes")
    remote_key = "team/" + unicodedata.normalize(key_form, name)
    s3_admin.put_object(Bucket="unicode", Key=remote_key, Body=b"same bytes")
    run, report = sync(conn, root, "unicode")
    assert run.plan.items == [] and len(run.plan.in_step) == 1, "no duplicate upload, no download"
    write(root, unicodedata.normalize(local_form, name), b"edited here")
    run, report = sync(conn, root, "unicode")
    assert [i.action for i in run.plan.items] == [Action.UPLOAD] and report is not None and report.done == 1
    assert set(keys(s3_admin, "unicode")) == {remote_key}, "the key keeps its form"
    assert keys(s3_admin, "unicode")[remote_key] == b"edited here"
    again, _ = sync(conn, root, "unicode")
    assert again.plan.items == [], "no ping-pong"
    assert [p.name for p in (root / unicodedata.normalize(local_form, "Café")).iterdir()] == [
        unicodedata.normalize(local_form, "résumé.txt")]


# ---------------------------------------------------------------- 5. the baseline records only what is proven
def test_a_one_way_run_does_not_make_a_later_two_way_run_skip_an_edit(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="oneway")
    root = tmp_path / "work"
    s3_admin.put_object(Bucket="oneway", Key="team/report.txt", Body=b"from S3 :)")
    write(root, "report.txt", b"edited here", mtime=4_000_000_000)  # different size, newer locally
    write(root, "same-size.txt", b"local edit", mtime=4_000_000_000)
    s3_admin.put_object(Bucket="oneway", Key="team/same-size.txt", Body=b"S3 version")
    run, report = sync(conn, root, "oneway", Mode.DOWNLOAD)
    # download mode: the local file is newer with the same size: left alone, and not recorded as equal
    assert "same-size.txt" not in run.plan.in_step
    with Baseline(pair_for(root, "oneway").id) as baseline:
        assert "same-size.txt" not in baseline.load()
    later, _ = sync(conn, root, "oneway", Mode.TWO_WAY)
    assert {i.path: i.action for i in later.plan.items}["same-size.txt"] == Action.CONFLICT


# ---------------------------------------------------------------- 8. metadata from elsewhere
@pytest.mark.parametrize("junk", ["nan", "inf", "-inf", "1e30", "letters", "", "1" * 40, "12.3.4", " "])
def test_junk_mtime_metadata_is_ignored_and_the_object_downloads(conn, s3_admin, tmp_path: Path, junk: str) -> None:
    s3_admin.create_bucket(Bucket="junkmeta")
    s3_admin.put_object(Bucket="junkmeta", Key="team/a.txt", Body=b"data", Metadata={MTIME_METADATA: junk})
    root = tmp_path / "work"
    root.mkdir()
    run, report = sync(conn, root, "junkmeta", Mode.DOWNLOAD)
    assert report is not None and report.done == 1, [o.message for o in report.outcomes]
    last_modified = s3_admin.head_object(Bucket="junkmeta", Key="team/a.txt")["LastModified"].timestamp()
    assert (root / "a.txt").read_bytes() == b"data"
    assert (root / "a.txt").stat().st_mtime == pytest.approx(last_modified, abs=1)


def test_mtime_is_written_and_read_as_rclone_does(conn, s3_admin, tmp_path: Path) -> None:
    assert format_mtime(1_354_040_105_123_456_789) == "1354040105.123456789"
    assert format_mtime(1_700_000_000_250_000_000) == "1700000000.25"
    assert format_mtime(1_700_000_000_000_000_000) == "1700000000"
    assert format_mtime(-1_500_000_000) == "-1.5"
    assert parse_mtime("1354040105.123456789") == 1_354_040_105_123_456_789
    assert parse_mtime("1354040105.1234567891") == 1_354_040_105_123_456_789
    s3_admin.create_bucket(Bucket="rclonemeta")
    root = tmp_path / "work"
    path = write(root, "a.txt", b"a")
    os.utime(path, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    sync(conn, root, "rclonemeta", Mode.UPLOAD)
    head = s3_admin.head_object(Bucket="rclonemeta", Key="team/a.txt")
    assert head["Metadata"][MTIME_METADATA] == "1700000000.123456789", "exact, from the integer nanoseconds"
    s3_admin.put_object(Bucket="rclonemeta", Key="team/b.txt", Body=b"b",
                        Metadata={MTIME_METADATA: "1600000000.987654321"})
    sync(conn, root, "rclonemeta", Mode.DOWNLOAD)
    assert (root / "b.txt").stat().st_mtime_ns == 1_600_000_000_987_654_321


# ---------------------------------------------------------------- 9. a damaged baseline
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_baseline_is_kept_aside_and_the_run_carries_no_deletions(conn, s3_admin, tmp_path: Path,
                                                                           damage: str) -> None:
    from s3browser.core.sync.baseline import default_baseline_path

    s3_admin.create_bucket(Bucket="damaged")
    root = tmp_path / "work"
    for n in range(40):
        write(root, f"{n:02}.txt", f"file {n}".encode())
    sync(conn, root, "damaged")
    (root / "00.txt").unlink()  # a deletion that a healthy baseline would carry to S3
    path = default_baseline_path()
    original = path.read_bytes()
    broken = os.urandom(4096) if damage == "garbage" else original[: len(original) // 3]
    path.write_bytes(broken)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    run, report = sync(conn, root, "damaged", last_run=LastRun(finished_at=1.0))
    assert deletions(run) == [] and "team/00.txt" in keys(s3_admin, "damaged")
    assert any("damaged" in note for note in run.plan.notes)
    aside = [p for p in path.parent.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == broken, "kept aside, byte for byte"


def test_a_missing_baseline_of_a_pair_that_ran_before_is_said(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="forgotten")
    root = tmp_path / "work"
    write(root, "a.txt", b"a")
    run, _ = sync(conn, root, "forgotten", last_run=LastRun(finished_at=1_700_000_000.0))
    assert any(note.startswith("Sync state missing: deletions are not carried this run") for note in run.plan.notes)


def test_checksum_of_multipart_etag_by_likely_part_size_proves_equality(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="mpequal")
    root = tmp_path / "work"
    data = os.urandom(9 * 1024 * 1024)
    write(root, "big.bin", data)
    upload = s3_admin.create_multipart_upload(Bucket="mpequal", Key="team/big.bin")
    parts = []
    for n, start in enumerate(range(0, len(data), 8 * 1024 * 1024), 1):
        etag = s3_admin.upload_part(Bucket="mpequal", Key="team/big.bin", UploadId=upload["UploadId"],
                                    PartNumber=n, Body=data[start:start + 8 * 1024 * 1024])["ETag"]
        parts.append({"PartNumber": n, "ETag": etag})
    s3_admin.complete_multipart_upload(Bucket="mpequal", Key="team/big.bin", UploadId=upload["UploadId"],
                                       MultipartUpload={"Parts": parts})
    run, _ = sync(conn, root, "mpequal", compare=Compare.SIZE_TIME)
    assert run.plan.items == [] and set(run.plan.in_step) == {"big.bin"}
    assert hashlib.md5(data, usedforsecurity=False).hexdigest()  # the file was read, not its time trusted


def test_a_full_object_checksum_proves_what_the_etag_cannot(s3_admin, fault_proxy, tmp_path: Path) -> None:
    """ETags that are no MD5 (as SSE-KMS objects have): the CRC32 the server keeps decides."""
    import re

    s3_admin.create_bucket(Bucket="checksums")
    root = tmp_path / "work"
    for name, local, remote, algorithm in (("same.bin", b"identical bytes", b"identical bytes", "CRC32"),
                                           ("differs.bin", b"mine, 15 bytes!", b"their 15 bytes!", "CRC32"),
                                           ("unknown.bin", b"no checksum :-)", b"no checksum :-)", None)):
        write(root, name, local)
        extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        s3_admin.put_object(Bucket="checksums", Key=f"team/{name}", Body=remote, **extra)

    def kms_like_etags(request, status, headers, payload):  # noqa: ANN001, ANN202
        if request.method == "GET" and "list-type=2" in request.path:
            payload = re.sub(rb"<ETag>[^<]*</ETag>", b"<ETag>&quot;kms-7f3a9c&quot;</ETag>", payload)
        if request.method == "HEAD" and request.path.split("?")[0].endswith("unknown.bin"):
            # moto, like AWS since 2025, keeps a CRC64NVME of every new object: this server keeps none
            headers = {k: v for k, v in headers.items() if not k.lower().startswith("x-amz-checksum")}
        return status, headers, payload

    fault_proxy.rewriters.append(kms_like_etags)
    proxied = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    try:
        run, _ = sync(proxied, root, "checksums", conflict="skip")
    finally:
        proxied.close()
    assert set(run.plan.in_step) == {"same.bin"}
    reasons = {i.path: i.reason for i in run.plan.items}
    assert reasons == {"differs.bin": "new on both sides, contents differ",
                       "unknown.bin": "new on both sides; the contents could not be compared"}


def test_an_unreadable_root_is_an_error_not_an_empty_plan(conn, s3_admin, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    s3_admin.create_bucket(Bucket="rootperm")
    s3_admin.put_object(Bucket="rootperm", Key="team/a.txt", Body=b"a")
    root = tmp_path / "locked"
    root.mkdir()
    make_unreadable(root, monkeypatch)
    try:
        with pytest.raises(S3BrowserError, match="cannot be read"):
            sync(conn, root, "rootperm", Mode.MIRROR_TO_S3)
    finally:
        root.chmod(0o755)
    assert "team/a.txt" in keys(s3_admin, "rootperm")


def test_two_local_names_for_one_path_are_kept_not_uploaded_twice(conn, s3_admin, tmp_path: Path) -> None:
    """Linux lets "é.txt" exist in NFC and in NFD side by side: which one is the key's? Neither is chosen."""
    s3_admin.create_bucket(Bucket="twonames")
    root = tmp_path / "work"
    write(root, unicodedata.normalize("NFC", "é.txt"), b"one")
    write(root, unicodedata.normalize("NFD", "é.txt"), b"two")
    write(root, "plain.txt", b"x")
    run, report = sync(conn, root, "twonames", Mode.MIRROR_TO_S3)
    assert [i.path for i in run.plan.items] == ["plain.txt"]
    assert "differ only in Unicode normalization" in run.plan.problems[unicodedata.normalize("NFC", "é.txt")]
    assert set(keys(s3_admin, "twonames")) == {"team/plain.txt"}
