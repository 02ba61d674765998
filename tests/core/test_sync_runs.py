"""Sync runs against the moto server over HTTP: first sync, deletions carried, two folders sharing a
prefix, changes between plan and apply, conflicts kept both ways, and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from s3browser.core.sync.apply import MTIME_METADATA, SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Action, Mode
from s3browser.core.sync.run import prepare_run
from tests.conftest import ACCESS_KEY, FAST_FAILING, SECRET_KEY, _profile


@pytest.fixture
def conn(s3_endpoint: str):
    connection = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY), **FAST_FAILING)
    yield connection
    connection.close()


def write(root: Path, relative: str, data: bytes, mtime: float | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def sync(conn: Connection, root: Path, bucket: str, prefix: str = "team/", mode: Mode = Mode.TWO_WAY,
         select=None):  # noqa: ANN001
    """Plan and carry out one run (the way the window and the command line do); returns (run, report)."""
    pair = SyncPair(name=root.name, profile="scenario", local=str(root), bucket=bucket, prefix=prefix, mode=mode)
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        if select is not None:
            select(run.plan)
        report = apply_plan(SyncTarget(conn, bucket, prefix, root, baseline), run.plan, workers=4) \
            if run.verdict.refusal is None else None
    return run, report


def remote_keys(s3_admin, bucket: str) -> dict[str, bytes]:
    keys = [o["Key"] for o in s3_admin.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: s3_admin.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def test_two_way_first_sync_then_deletions_carried_both_ways(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="twoway")
    root = tmp_path / "mine"
    write(root, "a.txt", b"local a", mtime=1_700_000_000.25)
    write(root, "docs/b.txt", b"local b")
    s3_admin.put_object(Bucket="twoway", Key="team/c.txt", Body=b"remote c", Metadata={MTIME_METADATA: "1600000000.5"})
    run, report = sync(conn, root, "twoway")
    assert {(i.action, i.path) for i in run.plan.items} == {
        (Action.UPLOAD, "a.txt"), (Action.UPLOAD, "docs/b.txt"), (Action.DOWNLOAD, "c.txt")}
    assert report is not None and report.done == 3 and report.failed == 0
    assert remote_keys(s3_admin, "twoway") == {"team/a.txt": b"local a", "team/docs/b.txt": b"local b",
                                               "team/c.txt": b"remote c"}
    head = s3_admin.head_object(Bucket="twoway", Key="team/a.txt")
    assert float(head["Metadata"][MTIME_METADATA]) == pytest.approx(1_700_000_000.25, abs=1e-6)
    assert (root / "c.txt").read_bytes() == b"remote c"
    assert (root / "c.txt").stat().st_mtime == pytest.approx(1_600_000_000.5, abs=1e-3), "mtime from metadata"

    second, nothing = sync(conn, root, "twoway")
    assert second.plan.items == [] and nothing is not None and nothing.done == 0, "in step: nothing to do"

    (root / "a.txt").unlink()  # deleted locally: the deletion is carried to S3
    s3_admin.delete_object(Bucket="twoway", Key="team/c.txt")  # deleted on S3: carried to the folder
    third, report = sync(conn, root, "twoway", select=lambda plan: None)
    assert {(i.action, i.path) for i in third.plan.items} == {(Action.DELETE_REMOTE, "a.txt"),
                                                              (Action.DELETE_LOCAL, "c.txt")}
    assert third.verdict.needs_review, "2 of 3 files is over a quarter of a side"
    assert report is not None and report.done == 2
    assert set(remote_keys(s3_admin, "twoway")) == {"team/docs/b.txt"}
    assert not (root / "c.txt").exists()
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
    assert (trash / "c.txt").read_bytes() == b"remote c", "a local deletion goes to the desktop trash"


def test_two_folders_sharing_one_prefix_carry_a_deletion_to_each_other(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="shared")
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for name in ("one.txt", "two.txt", "three.txt", "four.txt", "five.txt"):
        write(alice, name, name.encode())
    sync(conn, alice, "shared")
    bob.mkdir()
    run, report = sync(conn, bob, "shared")  # bob's first run: everything comes down
    assert report is not None and report.done == 5 and sorted(p.name for p in bob.iterdir()) == sorted(
        ["one.txt", "two.txt", "three.txt", "four.txt", "five.txt"])
    (alice / "two.txt").unlink()
    write(alice, "six.txt", b"six")
    run, report = sync(conn, alice, "shared")
    assert {(i.action, i.path) for i in run.plan.items} == {(Action.DELETE_REMOTE, "two.txt"),
                                                            (Action.UPLOAD, "six.txt")}
    run, report = sync(conn, bob, "shared")
    assert {(i.action, i.path) for i in run.plan.items} == {(Action.DELETE_LOCAL, "two.txt"),
                                                            (Action.DOWNLOAD, "six.txt")}
    assert not (bob / "two.txt").exists() and (bob / "six.txt").read_bytes() == b"six"


def test_items_changed_between_plan_and_apply_are_skipped_not_overwritten(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="racing")
    root = tmp_path / "folder"
    write(root, "local.txt", b"v1")
    s3_admin.put_object(Bucket="racing", Key="team/remote.txt", Body=b"r1")
    pair = SyncPair(name="f", profile="scenario", local=str(root), bucket="racing", prefix="team/")
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        assert len(run.plan.items) == 2
        write(root, "local.txt", b"v2 edited after the plan")  # would be uploaded as planned: now changed
        s3_admin.put_object(Bucket="racing", Key="team/remote.txt", Body=b"r2 changed after the plan")
        report = apply_plan(SyncTarget(conn, "racing", "team/", root, baseline), run.plan)
        assert report.skipped == 2 and report.done == 0
        assert baseline.load() == {}, "nothing skipped enters the baseline"
    assert "team/local.txt" not in remote_keys(s3_admin, "racing")
    assert not (root / "remote.txt").exists()


def test_a_conflict_keeps_both_versions(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="conflicts")
    root = tmp_path / "folder"
    write(root, "report.txt", b"mine, written here")
    s3_admin.put_object(Bucket="conflicts", Key="team/report.txt", Body=b"theirs, from S3")
    run, report = sync(conn, root, "conflicts")
    assert [(i.action, i.reason) for i in run.plan.items] == [
        (Action.CONFLICT, "new on both sides, contents differ")]
    assert report is not None and report.done == 1
    copies = sorted(p.name for p in root.iterdir() if "S3 conflict" in p.name)
    assert len(copies) == 1 and copies[0].startswith("report (S3 conflict ") and copies[0].endswith(").txt")
    assert (root / copies[0]).read_bytes() == b"theirs, from S3"
    assert (root / "report.txt").read_bytes() == b"mine, written here"
    remote = remote_keys(s3_admin, "conflicts")
    assert remote["team/report.txt"] == b"mine, written here" and remote[f"team/{copies[0]}"] == b"theirs, from S3"
    again, _ = sync(conn, root, "conflicts")
    assert again.plan.items == [], "both copies are in step afterwards"


def test_mirror_to_local_replaces_files_through_the_trash(conn, s3_admin, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="mirror")
    root = tmp_path / "copy"
    write(root, "stale.txt", b"only here")
    write(root, "same-size.txt", b"AAAA", mtime=1_000_000_000)
    s3_admin.put_object(Bucket="mirror", Key="team/same-size.txt", Body=b"BBBB")
    s3_admin.put_object(Bucket="mirror", Key="team/folder-marker/", Body=b"")
    run, report = sync(conn, root, "mirror", mode=Mode.MIRROR_TO_LOCAL, select=None)
    assert {(i.action, i.path) for i in run.plan.items} == {(Action.DELETE_LOCAL, "stale.txt"),
                                                            (Action.DOWNLOAD, "same-size.txt")}
    assert report is not None and report.done == 2
    assert (root / "same-size.txt").read_bytes() == b"BBBB" and (root / "folder-marker").is_dir()
    trash = Path(os.environ["XDG_DATA_HOME"]) / "Trash" / "files"
    assert sorted(p.read_bytes() for p in trash.iterdir()) == [b"AAAA", b"only here"]


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "s3browser", "sync", *args], env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


@pytest.fixture
def cli_env(s3_endpoint: str) -> dict[str, str]:
    return dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                AWS_DEFAULT_REGION="us-east-1", QT_QPA_PLATFORM="offscreen")


def test_command_line_json_dry_run_and_exit_codes(s3_endpoint: str, s3_admin, tmp_path: Path, cli_env) -> None:
    s3_admin.create_bucket(Bucket="cli")
    root = tmp_path / "work"
    write(root, "notes/a.txt", b"12345")
    write(root, "skip.tmp", b"x")
    s3_admin.put_object(Bucket="cli", Key="p/remote.txt", Body=b"abc")
    common = [str(root), "s3://cli/p", "--mode", "two-way", "--endpoint-url", s3_endpoint, "--exclude", "*.tmp"]

    dry = run_cli(*common, "--dry-run", "--json", env=cli_env)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert sorted((a["action"], a["path"], a["size"]) for a in plan["actions"]) == [
        ("download", "remote.txt", 3), ("upload", "notes/a.txt", 5)]
    assert all(a["reason"] for a in plan["actions"]) and plan["summary"]["upload"] == {"count": 1, "bytes": 5}
    assert "p/notes/a.txt" not in remote_keys(s3_admin, "cli"), "a dry run changes nothing"

    unconfirmed = run_cli(*common, env=cli_env, stdin="")
    assert unconfirmed.returncode == 3 and "--yes" in unconfirmed.stderr

    done = run_cli(*common, "--yes", env=cli_env)
    assert done.returncode == 0, done.stderr
    assert remote_keys(s3_admin, "cli")["p/notes/a.txt"] == b"12345" and (root / "remote.txt").exists()
    assert "skip.tmp" not in str(remote_keys(s3_admin, "cli"))

    for i in range(60):
        write(root, f"bulk/{i}.txt", b"x")
    assert run_cli(*common, "--yes", env=cli_env).returncode == 0
    for i in range(60):
        (root / "bulk" / f"{i}.txt").unlink()
    guarded = run_cli(*common, "--yes", "--json", env=cli_env)
    assert guarded.returncode == 3 and "--max-delete 60" in guarded.stderr
    assert len(json.loads(guarded.stdout)["actions"]) == 60
    assert run_cli(*common, "--yes", "--max-delete", "60", env=cli_env).returncode == 0
    assert not any(k.startswith("p/bulk/") for k in remote_keys(s3_admin, "cli"))

    moved = tmp_path / "unmounted"
    root.rename(moved)
    refused = run_cli(*common, "--yes", "--max-delete", "100000", env=cli_env)
    assert refused.returncode == 2 and "does not exist" in refused.stderr
    assert "p/notes/a.txt" in remote_keys(s3_admin, "cli"), "nothing deleted when the folder is gone"

    assert run_cli(str(moved), "not-an-s3-uri", "--mode", "upload", env=cli_env).returncode == 2
    unreachable = run_cli(str(moved), "s3://cli/p", "--mode", "upload", "--endpoint-url", "http://127.0.0.1:9",
                          "--yes", env=dict(cli_env, AWS_MAX_ATTEMPTS="1"))
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1, unreachable.stderr
    time.sleep(0)


def test_server_stopped_mid_run_then_rerun_finishes_with_nothing_duplicated_or_lost(
        s3_admin, fault_proxy, s3_endpoint: str, tmp_path: Path) -> None:
    """The server goes away after a third of the items (connection refused); the rerun, against the
    server again, carries out exactly what is left, and a third run has nothing to do."""
    s3_admin.create_bucket(Bucket="midrun")
    root = tmp_path / "midrun"
    for n in range(30):
        write(root, f"up/{n:02}.txt", f"local {n}".encode())
        s3_admin.put_object(Bucket="midrun", Key=f"team/down/{n:02}.txt", Body=f"remote {n}".encode())
    through_proxy = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    pair = SyncPair(name="midrun", profile="scenario", local=str(root), bucket="midrun", prefix="team/",
                    mode=Mode.TWO_WAY)
    outcomes = []

    def stop_server_after_twenty(outcome) -> None:  # noqa: ANN001
        outcomes.append(outcome)
        if len(outcomes) == 20:
            fault_proxy.go_down()

    try:
        with Baseline(pair.id) as baseline:
            run = prepare_run(through_proxy, pair, baseline)
            assert len(run.plan.items) == 60
            report = apply_plan(SyncTarget(through_proxy, "midrun", "team/", root, baseline), run.plan, workers=1,
                                on_outcome=stop_server_after_twenty)
    finally:
        through_proxy.close()
    assert report.done == 20 and report.failed == 40, [o.message for o in report.outcomes if o.status != "done"][:3]

    direct = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY), **FAST_FAILING)
    try:
        rerun, rerun_report = sync(direct, root, "midrun")
        assert rerun.verdict.refusal is None
        assert len(rerun.plan.items) == 40  # exactly what failed: nothing done twice
        assert {item.action for item in rerun.plan.items} <= {Action.UPLOAD, Action.DOWNLOAD}
        assert rerun_report is not None and rerun_report.failed == 0
        third, _ = sync(direct, root, "midrun")
        assert third.plan.items == []
    finally:
        direct.close()

    expected = {f"up/{n:02}.txt" for n in range(30)} | {f"down/{n:02}.txt" for n in range(30)}
    local_files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert local_files == expected  # no temp files left, no conflict copies
    remote = remote_keys(s3_admin, "midrun")
    assert set(remote) == {f"team/{path}" for path in expected}
    assert all(remote[f"team/up/{n:02}.txt"] == f"local {n}".encode() for n in range(30))
    assert all((root / f"down/{n:02}.txt").read_bytes() == f"remote {n}".encode() for n in range(30))
