"""Sync flows on SeaweedFS and rclone serve s3: the engine, the command line and the window."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import Qt

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.locations import Location
from s3browser.core.sync.apply import SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Action, Compare, Mode
from s3browser.core.sync.run import prepare_run
from s3browser.core.transfers.queue_items import State
from tests.core.test_sync_runs import run_cli, write
from tests.integration.conftest import server_profile
from tests.ui.test_sync_gui import make_pair_from_the_tree


def sync_once(conn: Connection, root: Path, bucket: str, compare: Compare = Compare.SIZE_TIME):  # noqa: ANN201
    pair = SyncPair(name=root.name, profile=conn.profile.name, local=str(root), bucket=bucket, prefix="shared/",
                    mode=Mode.TWO_WAY, compare=compare)
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        assert run.verdict.refusal is None, run.verdict.refusal
        report = apply_plan(SyncTarget(conn, bucket, "shared/", root, baseline), run.plan, workers=4)
    assert report.failed == 0, [o.message for o in report.outcomes if o.status == "failed"]
    return run, pair


def test_two_way_sync_between_two_folders_sharing_a_prefix(real_server, bucket, tmp_path: Path) -> None:
    conn = Connection(*server_profile(real_server))
    try:
        alice, bob = tmp_path / "alice", tmp_path / "bob"
        write(alice, "plans/a.txt", b"from alice")
        write(alice, "same-size.txt", b"AAAA")
        write(bob, "b.txt", b"from bob")
        sync_once(conn, alice, bucket)
        sync_once(conn, bob, bucket)
        sync_once(conn, alice, bucket)
        assert (alice / "b.txt").read_bytes() == b"from bob" and (bob / "plans/a.txt").read_bytes() == b"from alice"

        (alice / "plans/a.txt").unlink()  # a deletion by one user...
        same = alice / "same-size.txt"
        stat = same.stat()
        same.write_bytes(b"BBBB")  # ...and a same-size edit
        os.utime(same, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        run, _ = sync_once(conn, alice, bucket)
        assert {(i.action, i.path) for i in run.plan.items} == {(Action.DELETE_REMOTE, "plans/a.txt"),
                                                                (Action.UPLOAD, "same-size.txt")}
        run, _ = sync_once(conn, bob, bucket)  # ...reach the other user
        assert {(i.action, i.path) for i in run.plan.items} == {(Action.DELETE_LOCAL, "plans/a.txt"),
                                                                (Action.DOWNLOAD, "same-size.txt")}
        assert not (bob / "plans/a.txt").exists() and (bob / "same-size.txt").read_bytes() == b"BBBB"
        again, _ = sync_once(conn, bob, bucket)
        assert again.plan.items == []

        # With no baseline (a third machine holding the same files), checksums find everything in step.
        carol = tmp_path / "carol"
        for path in ("b.txt", "same-size.txt"):
            write(carol, path, (bob / path).read_bytes())
            os.utime(carol / path, (time.time() - 86400 * 30,) * 2)  # older: time alone would not say "same"
        run, _ = sync_once(conn, carol, bucket, Compare.CHECKSUM)
        assert run.plan.items == [] and set(run.plan.in_step) == {"b.txt", "same-size.txt"}
    finally:
        conn.close()


def test_command_line_sync_on_a_real_server(real_server, bucket, tmp_path: Path) -> None:
    root = tmp_path / "cli"
    write(root, "one.txt", b"1")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=real_server.access_key, AWS_SECRET_ACCESS_KEY=real_server.secret_key,
               AWS_DEFAULT_REGION="us-east-1")
    common = [str(root), f"s3://{bucket}/cli", "--mode", "mirror-to-s3", "--endpoint-url", real_server.endpoint]
    dry = run_cli(*common, "--dry-run", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    assert [(a["action"], a["path"]) for a in json.loads(dry.stdout)["actions"]] == [("upload", "one.txt")]
    done = run_cli(*common, "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert real_server.client().get_object(Bucket=bucket, Key="cli/one.txt")["Body"].read() == b"1"
    (root / "one.txt").unlink()
    refused = run_cli(*common, "--yes", env=env)  # the folder is now empty but the baseline is not
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "cli/one.txt" in [o["Key"] for o in real_server.client().list_objects_v2(Bucket=bucket)["Contents"]]


def test_gui_sync_preview_and_queue_on_a_real_server(qtbot, window, real_server, bucket, tmp_path: Path) -> None:
    real_server.client().put_object(Bucket=bucket, Key="work/remote.txt", Body=b"remote")
    local = tmp_path / "work"
    write(local, "local.txt", b"local")
    with qtbot.waitSignal(window.connections.connected, timeout=15000):
        window.connections.connect_profile(*server_profile(real_server), remember=False)
    preview = make_pair_from_the_tree(qtbot, window, Location(bucket, "work/"), local, Mode.TWO_WAY)
    assert preview.start_button.text() == "Upload 1, download 1"
    batches: list[int] = []
    window.transfers.batch_done.connect(batches.append)
    qtbot.mouseClick(preview.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(batches), timeout=30000)
    assert all(r.state == State.DONE for r in window.transfers.batch_items(batches[0]))
    assert (local / "remote.txt").read_bytes() == b"remote"
    assert real_server.client().get_object(Bucket=bucket, Key="work/local.txt")["Body"].read() == b"local"
