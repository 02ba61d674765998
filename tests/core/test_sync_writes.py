"""Writes that cannot clobber and uploads that leave nothing billed untracked (issue 28, points 6 and 7):
conditional PUTs and completions where the server honours them, a check just before the write where
it does not, and journalled multipart uploads for sync and the Python API, on moto through a proxy."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from s3browser.core import api as core
from s3browser.core.s3.connection import Connection
from s3browser.core.settings.secrets import Secrets
from s3browser.core.sync.apply import SyncTarget, apply_plan
from s3browser.core.sync.baseline import Baseline
from s3browser.core.sync.pairs import SyncPair
from s3browser.core.sync.plan import Action, Mode
from s3browser.core.sync.run import prepare_run
from s3browser.core.transfers.conditional import conditional_writes
from s3browser.core.transfers.journal import UploadJournal
from tests.conftest import FAST_FAILING, SECRET_KEY, _profile
from tests.core.test_sync_runs import write
from tests.support.fault_proxy import s3_error

MiB = 1024 * 1024


@pytest.fixture
def proxied(fault_proxy):
    connection = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    yield connection
    connection.close()




def keys(s3_admin, bucket: str) -> dict[str, bytes]:  # noqa: ANN001
    listed = s3_admin.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3_admin.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def plan_and_apply(conn: Connection, root: Path, bucket: str, mode: Mode = Mode.TWO_WAY, before_apply=None):  # noqa: ANN001
    pair = SyncPair(name="w", profile="writes", local=str(root), bucket=bucket, prefix="team/", mode=mode)
    with Baseline(pair.id) as baseline:
        run = prepare_run(conn, pair, baseline)
        if before_apply is not None:
            before_apply(run)
        report = apply_plan(SyncTarget(conn, bucket, "team/", run.local.root, baseline), run.plan, workers=2)
        return run, report, baseline.load()


def another_writer_just_before(s3_admin, bucket: str, key: str, body: bytes):  # noqa: ANN001, ANN201
    """A proxy rule: the first time the app PUTs ``key``, another writer's PUT lands first (after any check)."""
    fired: list[bool] = []

    def rule(request):  # noqa: ANN001, ANN202
        if request.method == "PUT" and request.path.split("?")[0].endswith("/" + key) and not fired \
                and "uploadId" not in request.path:
            fired.append(True)
            s3_admin.put_object(Bucket=bucket, Key=key, Body=body)
        return None
    return rule


def test_another_writer_between_check_and_write_is_caught(s3_admin, fault_proxy, proxied, tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="race")
    root = tmp_path / "work"
    write(root, "new.txt", b"mine, new here")
    write(root, "edited.txt", b"v1")
    plan_and_apply(proxied, root, "race")  # edited.txt on both sides, in the baseline
    write(root, "edited.txt", b"v2, edited here")
    fault_proxy.rules.append(another_writer_just_before(s3_admin, "race", "team/edited.txt", b"their edit"))
    fault_proxy.rules.append(another_writer_just_before(s3_admin, "race", "team/brand-new.txt", b"theirs, first"))
    write(root, "brand-new.txt", b"mine, second")
    run, report, baseline = plan_and_apply(proxied, root, "race")
    assert {(i.action, i.path) for i in run.plan.items} == {(Action.UPLOAD, "edited.txt"),
                                                            (Action.UPLOAD, "brand-new.txt")}
    outcomes = {o.item.path: (o.status, o.message) for o in report.outcomes}
    assert outcomes["edited.txt"] == ("skipped", "changed on S3 since the plan was made; skipped, nothing overwritten")
    assert outcomes["brand-new.txt"][0] == "skipped" and "appeared on S3" in outcomes["brand-new.txt"][1]
    remote = keys(s3_admin, "race")
    assert remote["team/edited.txt"] == b"their edit" and remote["team/brand-new.txt"] == b"theirs, first"
    assert not any(".s3b-" in k for k in remote), "the probe removed its own object"
    assert "brand-new.txt" not in baseline


def strip_conditions(request):  # noqa: ANN001, ANN201
    """As rclone serve s3 does: the conditions are dropped and the write goes ahead."""
    for name in [h for h in request.headers if h.lower() in ("if-match", "if-none-match")]:
        del request.headers[name]
    return None


def refuse_conditions(request):  # noqa: ANN001, ANN201
    if any(h.lower() in ("if-match", "if-none-match") for h in request.headers) and request.method in ("PUT", "POST"):
        return s3_error(501, "NotImplemented", "A header you provided implies functionality that is not implemented.")
    return None


@pytest.mark.parametrize("server", [strip_conditions, refuse_conditions], ids=["ignores", "refuses"])
def test_a_server_without_conditional_writes_gets_the_check_just_before(s3_admin, fault_proxy, proxied,
                                                                        tmp_path: Path, caplog, server) -> None:
    s3_admin.create_bucket(Bucket="nocond")
    fault_proxy.rules.append(server)
    root = tmp_path / "work"
    write(root, "a.txt", b"mine")
    write(root, "b.txt", b"mine too")

    def someone_uploads_b(run) -> None:  # noqa: ANN001 - after the plan, before the apply
        s3_admin.put_object(Bucket="nocond", Key="team/b.txt", Body=b"theirs")

    with caplog.at_level(logging.INFO, logger="s3browser.core.transfers.conditional"):
        run, report, _ = plan_and_apply(proxied, root, "nocond", before_apply=someone_uploads_b)
    outcomes = {o.item.path: o.status for o in report.outcomes}
    assert outcomes == {"a.txt": "done", "b.txt": "skipped"}
    assert keys(s3_admin, "nocond") == {"team/a.txt": b"mine", "team/b.txt": b"theirs"}
    assert any("does not honour If-Match / If-None-Match on PutObject" in r.getMessage() for r in caplog.records)
    assert conditional_writes(proxied).put_supported(proxied, "nocond") is False  # asked once, remembered


def test_conditions_are_honoured_on_moto_and_remembered(s3_endpoint) -> None:
    conn = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY), **FAST_FAILING)
    try:
        admin = conn.client
        admin.create_bucket(Bucket="honoured")
        writes = conditional_writes(conn)
        assert writes.put_supported(conn, "honoured", "p/") is True
        assert writes.complete_supported(conn, "honoured", "p/") is False, "moto ignores If-Match on completion"
        assert admin.list_objects_v2(Bucket="honoured").get("KeyCount", 0) == 0, "the probe cleaned up"
        assert admin.list_multipart_uploads(Bucket="honoured").get("Uploads", []) == []
    finally:
        conn.close()


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    from s3browser.core.transfers import options as engine
    from s3browser.core.transfers import upload

    monkeypatch.setattr(upload, "SINGLE_PUT_LIMIT", 1024)
    monkeypatch.setattr(engine, "DEFAULT_PART_SIZE", 5 * MiB)


def fail_part(number: int):  # noqa: ANN201
    def rule(request):  # noqa: ANN001, ANN202
        if request.method == "PUT" and f"partNumber={number}&" in request.path + "&":
            return s3_error(500, "InternalError", "We encountered an internal error.")
        return None
    return rule


def journal_entries(conn: Connection) -> list:
    journal = UploadJournal()
    try:
        return journal.entries(conn.identity)
    finally:
        journal.close()


def test_a_failed_sync_multipart_upload_is_journalled_and_resumed(s3_admin, fault_proxy, proxied, small_parts,
                                                                  tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="bigsync")
    root = tmp_path / "work"
    data = os.urandom(12 * MiB)
    write(root, "big.bin", data)
    fault_proxy.rules.append(fail_part(3))
    run, report, baseline = plan_and_apply(proxied, root, "bigsync", Mode.UPLOAD)
    assert [o.status for o in report.outcomes] == ["failed"] and baseline == {}
    on_server = s3_admin.list_multipart_uploads(Bucket="bigsync").get("Uploads", [])
    recorded = journal_entries(proxied)
    assert [u["UploadId"] for u in on_server] == [e.upload_id for e in recorded], "every part on the server is recorded"
    fault_proxy.rules.clear()
    parts_before = len(s3_admin.list_parts(Bucket="bigsync", Key="team/big.bin", UploadId=recorded[0].upload_id)
                       .get("Parts", []))
    assert parts_before == 2

    run, report, baseline = plan_and_apply(proxied, root, "bigsync", Mode.UPLOAD)
    assert [o.status for o in report.outcomes] == ["done"]
    assert s3_admin.get_object(Bucket="bigsync", Key="team/big.bin")["Body"].read() == data
    assert s3_admin.list_multipart_uploads(Bucket="bigsync").get("Uploads", []) == []
    assert journal_entries(proxied) == [] and set(baseline) == {"big.bin"}


def test_the_python_api_journals_its_multipart_uploads(s3_admin, fault_proxy, proxied, small_parts,
                                                       tmp_path: Path) -> None:
    s3_admin.create_bucket(Bucket="bigapi")
    source = write(tmp_path, "big.bin", os.urandom(11 * MiB))
    fault_proxy.rules.append(fail_part(2))
    with pytest.raises(Exception):  # noqa: B017 - whatever the server's failure is, it is raised
        core.upload_file(proxied, "bigapi", "big.bin", source)
    on_server = s3_admin.list_multipart_uploads(Bucket="bigapi").get("Uploads", [])
    assert [u["UploadId"] for u in on_server] == [e.upload_id for e in journal_entries(proxied)] != []
    fault_proxy.rules.clear()
    core.upload_file(proxied, "bigapi", "big.bin", source)
    assert s3_admin.get_object(Bucket="bigapi", Key="big.bin")["Body"].read() == source.read_bytes()
    assert s3_admin.list_multipart_uploads(Bucket="bigapi").get("Uploads", []) == []
    assert journal_entries(proxied) == []


def test_a_completion_the_server_refuses_leaves_no_parts(s3_admin, fault_proxy, proxied, small_parts,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A multipart upload of a new file whose key another writer took meanwhile: the completion is
    refused (If-None-Match, which moto honours on completion; it ignores If-Match there, which is
    why each kind is probed), the upload is aborted, and nothing stays billed."""
    from s3browser.core.transfers.conditional import ConditionalWrites

    monkeypatch.setattr(ConditionalWrites, "complete_supported", lambda self, conn, bucket, prefix="": True)
    s3_admin.create_bucket(Bucket="refused")
    root = tmp_path / "work"
    write(root, "big.bin", os.urandom(11 * MiB))
    run, report, _ = plan_and_apply(proxied, root, "refused", Mode.UPLOAD,
                                    before_apply=lambda run: s3_admin.put_object(Bucket="refused", Key="team/big.bin",
                                                                                 Body=b"theirs, again"))
    outcomes = [(o.status, o.message) for o in report.outcomes]
    assert outcomes == [("skipped", "appeared on S3 since the plan was made; skipped, nothing overwritten")]
    assert s3_admin.get_object(Bucket="refused", Key="team/big.bin")["Body"].read() == b"theirs, again"
    assert s3_admin.list_multipart_uploads(Bucket="refused").get("Uploads", []) == []
    assert journal_entries(proxied) == []
