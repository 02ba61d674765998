"""Hostile keys never escape the chosen folder; local folders map to keys with relative paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3browser.core.local.paths import local_target, plan_upload

HOSTILE = {
    "../escape.txt": None,
    "a/../../escape.txt": None,
    "/etc/passwd": None,
    "/": None,
    "//": None,
    "folder/": None,
    "nul\x00byte.txt": None,
    "./dot.txt": None,
    "ctrl\x07bell.txt": "ctrl_bell.txt",
    "tab\tname.txt": "tab_name.txt",
    "back\\slash\\file.txt": "back/slash/file.txt",
    "..\\..\\win-escape.txt": None,
    "CON": "_CON",
    "dir/aux.txt": "dir/_aux.txt",
    "trailing.": "trailing_",
    "x" * 300: None,
    "normal/ünïcødé file.txt": "normal/ünïcødé file.txt",
    "emoji 😀.bin": "emoji 😀.bin",
}


@pytest.mark.parametrize("key, expected", HOSTILE.items(), ids=[repr(k)[:30] for k in HOSTILE])
def test_hostile_keys_are_renamed_or_refused(tmp_path: Path, key: str, expected: str | None) -> None:
    root = tmp_path / "target"
    root.mkdir()
    target = local_target(root, key)
    if expected is None:
        assert target.refused and target.note
    else:
        assert target.path == root / expected
        assert target.path.resolve().is_relative_to(root.resolve())


def test_symlinked_folder_cannot_lead_outside(tmp_path: Path) -> None:
    root = tmp_path / "target"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    assert local_target(root, "link/outside.txt").refused


def test_prefix_is_stripped(tmp_path: Path) -> None:
    assert local_target(tmp_path, "photos/2026/a.png", "photos/").path == tmp_path / "2026" / "a.png"


def test_plan_upload_keeps_relative_paths_and_reports_unreadable(tmp_path: Path) -> None:
    src = tmp_path / "album"
    (src / "sub").mkdir(parents=True)
    (src / "a.jpg").write_bytes(b"a")
    (src / "sub" / "b.txt").write_bytes(b"bb")
    single = tmp_path / "single.csv"
    single.write_bytes(b"ccc")
    dangling = src / "gone.bin"
    dangling.symlink_to(tmp_path / "deleted-meanwhile")  # unreadable for root too
    files, problems = plan_upload([src, single], "dest")
    assert {f.key: f.size for f in files} == {"dest/album/a.jpg": 1, "dest/album/sub/b.txt": 2,
                                              "dest/single.csv": 3}
    assert len(problems) == 1 and "gone.bin" in problems[0] and "No such file" in problems[0]


def test_content_types_do_not_depend_on_the_host(monkeypatch) -> None:
    import importlib
    import mimetypes

    from s3browser.core.local import content_types

    # A host whose mime.types maps .md and .txt oddly must not change what s3browser sends.
    mimetypes.add_type("application/x-host-oddity", ".txt")
    mimetypes.add_type("application/x-host-oddity", ".md")
    try:
        fresh = importlib.reload(content_types)
        assert fresh.guess_content_type("notes.md") == "text/markdown"
        assert fresh.guess_content_type("a.txt") == "text/plain"
        assert fresh.guess_content_type("photo.JPG") == "image/jpeg"
        assert fresh.guess_content_type("data.parquet") == "application/vnd.apache.parquet"
        assert fresh.guess_content_type("no-extension") == "application/octet-stream"
    finally:
        mimetypes.init()
        importlib.reload(content_types)


def test_split_extension_keeps_double_suffixes_and_dot_files() -> None:
    from s3browser.core.local.paths import split_extension

    assert split_extension("report.pdf") == ("report", ".pdf")
    assert split_extension("backup.tar.gz") == ("backup", ".tar.gz")
    assert split_extension(".bashrc") == (".bashrc", "")
    assert split_extension("README") == ("README", "")
    assert split_extension(".tar.gz") == (".tar", ".gz")
