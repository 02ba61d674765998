"""The sync decision table, one case per cell, and the pieces it stands on (ETags, ignore rules, guard)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from s3browser.core.sync.baseline import Baseline, BaselineEntry
from s3browser.core.sync.etags import file_matches_etag, multipart_etag, parse_etag
from s3browser.core.sync.guard import check_guard
from s3browser.core.sync.ignore import IgnoreRules
from s3browser.core.sync.plan import Action, Compare, ContentCheck, Mode, Resolution, decide, plan_sync
from s3browser.core.sync.scan import LocalEntry, LocalScan, RemoteEntry, RemoteScan, scan_local

BASE = BaselineEntry(local_size=10, local_mtime_ns=1_000_000_000_000, remote_etag='"aaa"', remote_size=10,
                     remote_mtime=1000.0)
L_SAME = LocalEntry(10, BASE.local_mtime_ns)
L_CHANGED = LocalEntry(10, BASE.local_mtime_ns + 5_000_000_000)  # same size, new mtime: a same-size edit
R_SAME = RemoteEntry(10, '"aaa"', 1000.0)
R_CHANGED = RemoteEntry(10, '"bbb"', 2000.0)  # same size, new ETag


class FixedContent(ContentCheck):
    """A content check whose answers the test chooses (the real one reads files and asks S3):
    ``proof`` for the bytes (True, False or None for "cannot tell"), ``looks`` for size and time."""

    def __init__(self, proof: bool | None, looks: bool | None = None, method: Compare = Compare.SIZE_TIME) -> None:
        super().__init__(Path("/nonexistent"), method)
        self.proof = proof
        self.looks = proof if looks is None else looks

    def proven(self, local_path, remote_path, local, remote) -> bool | None:  # noqa: ANN001
        return self.proof

    def looks_same(self, local_path, remote_path, local, remote, source) -> bool:  # noqa: ANN001
        return bool(self.looks)


DIFFERENT, EQUAL = FixedContent(False), FixedContent(True)
UNPROVEN = FixedContent(None, looks=True)  # size and time agree, the bytes cannot be compared

# (local, remote, baseline, content) -> expected action (or "in-step" / None)
TWO_WAY_TABLE = [
    # no baseline (first run, or after a reset)
    ("new locally", L_SAME, None, None, DIFFERENT, Action.UPLOAD),
    ("new on S3", None, R_SAME, None, DIFFERENT, Action.DOWNLOAD),
    ("new on both, equal", L_SAME, R_SAME, None, EQUAL, "in-step"),
    ("new on both, different", L_SAME, R_SAME, None, DIFFERENT, Action.CONFLICT),
    ("new on both, same size and time, bytes unproven", L_SAME, R_SAME, None, UNPROVEN, Action.CONFLICT),
    # with a baseline, both present
    ("unchanged both", L_SAME, R_SAME, BASE, DIFFERENT, None),
    ("changed locally", L_CHANGED, R_SAME, BASE, DIFFERENT, Action.UPLOAD),
    ("changed on S3", L_SAME, R_CHANGED, BASE, DIFFERENT, Action.DOWNLOAD),
    ("changed both, differently", L_CHANGED, R_CHANGED, BASE, DIFFERENT, Action.CONFLICT),
    ("changed both, to the same", L_CHANGED, R_CHANGED, BASE, EQUAL, "in-step"),
    ("changed both, same size and time, bytes unproven", L_CHANGED, R_CHANGED, BASE, UNPROVEN, Action.CONFLICT),
    # with a baseline, one side gone
    ("deleted on S3, unchanged locally", L_SAME, None, BASE, DIFFERENT, Action.DELETE_LOCAL),
    ("deleted on S3, changed locally", L_CHANGED, None, BASE, DIFFERENT, Action.CONFLICT),
    ("deleted locally, unchanged on S3", None, R_SAME, BASE, DIFFERENT, Action.DELETE_REMOTE),
    ("deleted locally, changed on S3", None, R_CHANGED, BASE, DIFFERENT, Action.CONFLICT),
    ("gone from both", None, None, BASE, DIFFERENT, None),
]


@pytest.mark.parametrize(("case", "local", "remote", "base", "content", "expected"), TWO_WAY_TABLE,
                         ids=[row[0] for row in TWO_WAY_TABLE])
def test_two_way_decision_table(case, local, remote, base, content, expected) -> None:  # noqa: ANN001
    decision = decide(Mode.TWO_WAY, "f.txt", local, remote, base, content)
    action = decision[0] if isinstance(decision, tuple) else decision
    assert action == expected, case


ONE_WAY_TABLE = [
    # mode, local, remote, base, content, expected
    (Mode.UPLOAD, L_SAME, None, None, DIFFERENT, Action.UPLOAD),
    (Mode.UPLOAD, None, R_SAME, None, DIFFERENT, None),  # never downloads
    (Mode.UPLOAD, None, R_SAME, BASE, DIFFERENT, None),  # never deletes
    (Mode.UPLOAD, L_CHANGED, R_SAME, BASE, DIFFERENT, Action.UPLOAD),
    (Mode.UPLOAD, L_SAME, R_CHANGED, BASE, DIFFERENT, None),  # only S3 changed: not this mode's business
    (Mode.UPLOAD, L_CHANGED, R_CHANGED, BASE, DIFFERENT, Action.CONFLICT),
    (Mode.UPLOAD, L_SAME, R_SAME, None, DIFFERENT, Action.UPLOAD),
    (Mode.DOWNLOAD, None, R_SAME, None, DIFFERENT, Action.DOWNLOAD),
    (Mode.DOWNLOAD, L_SAME, None, BASE, DIFFERENT, None),
    (Mode.DOWNLOAD, L_SAME, R_CHANGED, BASE, DIFFERENT, Action.DOWNLOAD),
    (Mode.MIRROR_TO_S3, None, R_SAME, BASE, DIFFERENT, Action.DELETE_REMOTE),
    (Mode.MIRROR_TO_S3, L_SAME, R_CHANGED, BASE, DIFFERENT, Action.UPLOAD),  # the source wins
    (Mode.MIRROR_TO_S3, L_CHANGED, R_CHANGED, BASE, DIFFERENT, Action.UPLOAD),
    (Mode.MIRROR_TO_LOCAL, L_SAME, None, None, DIFFERENT, Action.DELETE_LOCAL),
    (Mode.MIRROR_TO_LOCAL, L_CHANGED, R_SAME, BASE, DIFFERENT, Action.DOWNLOAD),
    (Mode.MIRROR_TO_LOCAL, L_SAME, R_SAME, None, EQUAL, None),  # looks the same: left alone, not recorded
    (Mode.MIRROR_TO_LOCAL, L_SAME, R_SAME, None, FixedContent(True, method=Compare.CHECKSUM), "in-step"),
    (Mode.UPLOAD, L_SAME, R_SAME, None, UNPROVEN, None),  # one-way may skip on size and time; never records it
    (Mode.UPLOAD, L_SAME, R_SAME, None, FixedContent(None, looks=True, method=Compare.CHECKSUM), None),
    (Mode.UPLOAD, L_CHANGED, R_CHANGED, BASE, UNPROVEN, Action.CONFLICT),
    (Mode.DOWNLOAD, L_CHANGED, R_CHANGED, BASE, EQUAL, "in-step"),
]


@pytest.mark.parametrize(("mode", "local", "remote", "base", "content", "expected"), ONE_WAY_TABLE)
def test_one_way_and_mirror_decisions(mode, local, remote, base, content, expected) -> None:  # noqa: ANN001
    decision = decide(mode, "f.txt", local, remote, base, content)
    assert (decision[0] if isinstance(decision, tuple) else decision) == expected


def scans(tmp_path: Path, local: dict[str, LocalEntry], remote: dict[str, RemoteEntry]) -> tuple[LocalScan,
                                                                                                 RemoteScan]:
    return LocalScan(tmp_path, True, dict(local)), RemoteScan("b", "p/", dict(remote))


def test_a_same_size_edit_is_never_missed_once_a_baseline_exists(tmp_path: Path) -> None:
    local, remote = scans(tmp_path, {"a.txt": L_CHANGED}, {"a.txt": R_SAME})
    plan = plan_sync(Mode.TWO_WAY, local, remote, {"a.txt": BASE}, EQUAL)
    assert [(i.action, i.reason) for i in plan.items] == [(Action.UPLOAD, "changed locally since last sync")]


def test_deletions_are_never_planned_in_upload_and_download_modes(tmp_path: Path) -> None:
    local, remote = scans(tmp_path, {"keep.txt": L_SAME}, {"gone-locally.txt": R_SAME})
    baseline = {"gone-locally.txt": BASE, "keep.txt": BASE}
    for mode in (Mode.UPLOAD, Mode.DOWNLOAD):
        plan = plan_sync(mode, local, remote, baseline, DIFFERENT)
        assert not any(i.deletes_local or i.deletes_remote for i in plan.items), mode


def test_conflicts_carry_the_chosen_resolution_and_skip_leaves_them_out(tmp_path: Path) -> None:
    local, remote = scans(tmp_path, {"c.txt": L_CHANGED}, {"c.txt": R_CHANGED})
    plan = plan_sync(Mode.TWO_WAY, local, remote, {"c.txt": BASE}, DIFFERENT, Resolution.KEEP_BOTH)
    assert plan.items[0].resolution == Resolution.KEEP_BOTH
    plan.items[0].resolution = Resolution.SKIP
    assert plan.selected() == []


# ---------------------------------------------------------------- guard
def test_mass_deletion_needs_review_and_max_delete(tmp_path: Path) -> None:
    base = {f"f{i}.txt": BASE for i in range(100)}
    local, remote = scans(tmp_path, {f"f{i}.txt": L_SAME for i in range(40)},
                          {f"f{i}.txt": R_SAME for i in range(100)})
    plan = plan_sync(Mode.TWO_WAY, local, remote, base, DIFFERENT)
    verdict = check_guard(plan, local, remote)
    assert verdict.refusal is None and verdict.deletions == 60 and verdict.needs_review
    assert not verdict.allows() and verdict.allows(reviewed=True)
    assert not verdict.allows(max_delete=59) and verdict.allows(max_delete=60)
    few = plan_sync(Mode.TWO_WAY, *scans(tmp_path, {f"f{i}.txt": L_SAME for i in range(95)},
                                         {f"f{i}.txt": R_SAME for i in range(100)}), base, DIFFERENT)
    assert not check_guard(few, *scans(tmp_path, {f"f{i}.txt": L_SAME for i in range(95)},
                                       {f"f{i}.txt": R_SAME for i in range(100)})).needs_review


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_a_missing_or_empty_folder_with_a_baseline_refuses_the_run(tmp_path: Path, state: str) -> None:
    root = tmp_path / "drive"
    if state == "empty":
        root.mkdir()
    local = scan_local(root, IgnoreRules())
    remote = RemoteScan("b", "p/", {f"f{i}.txt": R_SAME for i in range(3)})
    plan = plan_sync(Mode.TWO_WAY, local, remote, {f"f{i}.txt": BASE for i in range(3)}, DIFFERENT)
    verdict = check_guard(plan, local, remote)
    assert verdict.refusal is not None and "Nothing was changed" in verdict.refusal
    assert not verdict.allows(reviewed=True, max_delete=10**6)


def test_an_empty_prefix_with_a_baseline_refuses_the_run(tmp_path: Path) -> None:
    local, remote = scans(tmp_path, {"a.txt": L_SAME}, {})
    plan = plan_sync(Mode.TWO_WAY, local, remote, {"a.txt": BASE}, DIFFERENT)
    assert "s3://b/p/ is empty" in (check_guard(plan, local, remote).refusal or "")


# ---------------------------------------------------------------- ETags, ignore rules, scan, baseline
def test_multipart_etags_are_matched_against_local_files(tmp_path: Path) -> None:
    MiB = 1024 * 1024
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(17 * MiB))
    for part_size in (5 * MiB, 8 * MiB, 16 * MiB):
        assert file_matches_etag(path, f'"{multipart_etag(path, part_size)}"') is True
    assert multipart_etag(path, 8 * MiB).endswith("-3")
    other = tmp_path / "other.bin"
    other.write_bytes(path.read_bytes()[:-1] + b"x")
    assert file_matches_etag(other, multipart_etag(path, 8 * MiB)) is None, "no part size matched: not proof"
    assert file_matches_etag(other, hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()) is False
    assert file_matches_etag(path, '"not-an-md5"') is None  # an SSE-KMS ETag: unknown, not "different"
    assert parse_etag('"0123456789abcdef0123456789abcdef-12"') == ("0123456789abcdef0123456789abcdef", 12)


def test_ignore_rules_use_gitignore_syntax(tmp_path: Path) -> None:
    rules = IgnoreRules([".DS_Store", "build/", "*.log", "!keep.log", "~$*"])
    assert rules.ignores("a/.DS_Store") and rules.ignores("build/x/y.o") and rules.ignores("x.log")
    assert not rules.ignores("keep.log") and not rules.ignores("builder/x") and rules.ignores("~$report.docx")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.o").write_text("x")
    (tmp_path / "src.c").write_text("x")
    (tmp_path / "x.log").write_text("x")
    os.symlink("/etc/passwd", tmp_path / "link")
    scan = scan_local(tmp_path, rules)
    assert set(scan.files) == {"src.c"}
    assert scan.problems == {"link": "is a link; links are not followed; kept on both sides"}


def test_the_baseline_is_per_pair_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "baseline.sqlite3"
    with Baseline("one", path) as one, Baseline("two", path) as two:
        one.record("a.txt", BASE)
        two.record("b.txt", BASE)
    with Baseline("one", path) as one:
        assert one.load() == {"a.txt": BASE}
        one.reset()
        assert one.count() == 0
    with Baseline("two", path) as two:
        assert set(two.load()) == {"b.txt"}


def test_etags_with_and_without_quotes_are_the_same_and_metadata_names_ignore_case() -> None:
    """rclone serve s3 lists ETags without the quotes its PUT returned, and returns ``Mtime``."""
    from s3browser.core.sync.plan import remote_changed
    from s3browser.core.transfers.mtime import metadata_value

    base = BaselineEntry(5, 1, '"5d41402abc4b2a76b9719d911017c592"', 5, 0.0)
    assert not remote_changed(RemoteEntry(5, "5d41402abc4b2a76b9719d911017c592", 0.0), base)
    assert remote_changed(RemoteEntry(5, "674f3c2c1a8a6f90461e8a66fb5550ba", 0.0), base)
    assert metadata_value({"Mtime": "1700000000.5"}, "mtime") == "1700000000.5"
    assert metadata_value({}, "mtime") is None


def test_paths_sorted_in_slices_come_out_as_one_sorted_list() -> None:
    from s3browser.core.sync.plan import sorted_in_slices

    paths = [f"d{n % 7}/f{(n * 7919) % 1000:04d}.txt" for n in range(1000)]
    assert list(sorted_in_slices(set(paths), slice_size=64)) == sorted(set(paths))
    assert list(sorted_in_slices([])) == []
