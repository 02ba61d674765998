"""Sync's trust points on SeaweedFS and rclone serve s3 (issue 28): conditional writes found out per
server, the unknown kept, equality proven, junk metadata and rclone's mtime format."""

from __future__ import annotations

import os
from pathlib import Path

from s3browser.core.s3.connection import Connection
from s3browser.core.sync.apply import SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Action, Mode
from s3browser.core.sync.run import prepare_run
from s3browser.core.transfers.conditional import conditional_writes
from s3browser.core.transfers.mtime import MTIME_METADATA
from tests.core.test_sync_runs import write
from tests.integration.conftest import server_profile

HONOURS_CONDITIONS = {"seaweedfs": True, "rclone": False}  # rclone serve s3 answers 200 and writes anyway


def run_pair(conn: Connection, root: Path, bucket: str, mode: Mode = Mode.TWO_WAY, before_apply=None):  # noqa: ANN001
    pair = SyncPair(name=root.name, profile=conn.profile.name, local=str(root), bucket=bucket, prefix="trust/",
                    mode=mode)
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        if before_apply is not None:
            before_apply()
        report = apply_plan(SyncTarget(conn, bucket, "trust/", run.local.root, baseline), run.plan, workers=2) \
            if run.verdict.refusal is None else None
    return run, report


def test_conditional_writes_are_found_out_per_server(real_server, bucket) -> None:
    conn = Connection(*server_profile(real_server))
    try:
        writes = conditional_writes(conn)
        expected = HONOURS_CONDITIONS[real_server.name]
        assert writes.put_supported(conn, bucket, "trust/") is expected
        assert writes.complete_supported(conn, bucket, "trust/") is expected
        listed = conn.client.list_objects_v2(Bucket=bucket, Prefix="trust/").get("Contents", [])
        assert listed == [], "the probes removed their objects"
    finally:
        conn.close()


def test_a_change_made_after_the_plan_is_never_overwritten(real_server, bucket, tmp_path: Path) -> None:
    conn = Connection(*server_profile(real_server))
    try:
        root = tmp_path / "work"
        write(root, "shared.txt", b"v1")
        run_pair(conn, root, bucket)
        write(root, "shared.txt", b"v2 from here")
        write(root, "new.txt", b"mine")
        client = conn.client

        def someone_else_writes() -> None:
            client.put_object(Bucket=bucket, Key="trust/shared.txt", Body=b"their v2")
            client.put_object(Bucket=bucket, Key="trust/new.txt", Body=b"theirs")

        run, report = run_pair(conn, root, bucket, before_apply=someone_else_writes)
        assert report is not None and sorted(o.status for o in report.outcomes) == ["skipped", "skipped"]
        body = client.get_object(Bucket=bucket, Key="trust/shared.txt")["Body"].read()
        assert body == b"their v2"
        assert client.get_object(Bucket=bucket, Key="trust/new.txt")["Body"].read() == b"theirs"
    finally:
        conn.close()


def test_a_folder_replaced_by_a_link_and_junk_metadata(real_server, bucket, tmp_path: Path) -> None:
    conn = Connection(*server_profile(real_server))
    try:
        root, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
        write(root, "sub/a.txt", b"a")
        write(root, "b.txt", b"b")
        run_pair(conn, root, bucket)
        (root / "sub").rename(elsewhere)
        (root / "sub").symlink_to(elsewhere, target_is_directory=True)
        run, report = run_pair(conn, root, bucket, Mode.MIRROR_TO_S3)
        assert run.plan.items == [] and "link" in run.plan.problems["sub"]
        assert "trust/sub/a.txt" in {o["Key"] for o in conn.client.list_objects_v2(Bucket=bucket)["Contents"]}
        conn.client.put_object(Bucket=bucket, Key="trust/junk.txt", Body=b"j", Metadata={MTIME_METADATA: "nan"})
        run, report = run_pair(conn, root, bucket, Mode.DOWNLOAD)
        assert report is not None and report.failed == 0 and (root / "junk.txt").read_bytes() == b"j"
    finally:
        conn.close()


def test_mtime_is_exact_and_equal_contents_are_proven(real_server, bucket, tmp_path: Path) -> None:
    conn = Connection(*server_profile(real_server))
    try:
        root = tmp_path / "work"
        path = write(root, "t.txt", b"time")
        os.utime(path, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
        run_pair(conn, root, bucket, Mode.UPLOAD)
        head = conn.client.head_object(Bucket=bucket, Key="trust/t.txt")
        metadata = {k.lower(): v for k, v in head["Metadata"].items()}
        assert metadata[MTIME_METADATA] == "1700000000.123456789"
        other = tmp_path / "other"
        write(other, "t.txt", b"time")  # same bytes, another time: proven equal by content
        run, _ = run_pair(conn, other, bucket)
        assert run.plan.items == [] and set(run.plan.in_step) == {"t.txt"}
        write(other, "t.txt", b"TIME")
        run, _ = run_pair(conn, other, bucket)
        assert [(i.action, i.path) for i in run.plan.items] == [(Action.UPLOAD, "t.txt")]
    finally:
        conn.close()
