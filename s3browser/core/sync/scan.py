"""Both sides of a pair as plain data: one walk of the folder, one listing of the prefix.

No HEAD per object: the listing gives size, ETag and LastModified, which with the baseline is
all change detection needs.  Paths are relative to the pair's root, ``/``-separated.  Links are
never followed, and links, special files and unreadable folders are reported, not skipped in
silence.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.local.writes import is_temp_name
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import iter_pages
from s3browser.core.sync.ignore import IgnoreRules


@dataclass(frozen=True, slots=True)
class LocalEntry:
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class RemoteEntry:
    size: int
    etag: str
    mtime: float  # LastModified, epoch seconds


@dataclass
class LocalScan:
    root: Path
    exists: bool
    files: dict[str, LocalEntry] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it was left out


@dataclass
class RemoteScan:
    bucket: str
    prefix: str
    files: dict[str, RemoteEntry] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)  # folder markers (keys ending in "/"), relative
    problems: dict[str, str] = field(default_factory=dict)


Progress = Callable[[int], None]


def let_others_run() -> None:
    """Hand the GIL over for a moment: long scans and plans on a worker must leave the GUI thread
    (and the other scan) room, or the window stalls while a preview is being planned."""
    time.sleep(0)


def scan_local(root: Path, ignore: IgnoreRules, progress: Progress | None = None,
               should_stop: Callable[[], bool] | None = None) -> LocalScan:
    """Every regular file under ``root`` (not ignored), with its size and mtime in nanoseconds."""
    result = LocalScan(root, root.is_dir() and not root.is_symlink())
    if not result.exists:
        return result
    pending = [("", os.fspath(root))]
    seen = 0
    while pending:
        if should_stop is not None and should_stop():
            break
        relative_dir, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            result.problems[relative_dir or "."] = f"cannot be read ({exc.strerror or exc})"
            continue
        for entry in entries:
            name = entry.name
            relative = f"{relative_dir}/{name}" if relative_dir else name
            try:
                if entry.is_symlink():
                    if not ignore.ignores(relative):
                        result.problems[relative] = "is a link; links are not followed"
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not ignore.ignores_folder(relative):
                        pending.append((relative, entry.path))
                    continue
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                result.problems[relative] = f"cannot be read ({exc.strerror or exc})"
                continue
            if is_temp_name(name) or ignore.ignores_file(relative):
                continue
            if not stat.S_ISREG(info.st_mode):
                result.problems[relative] = "is not a regular file (a device, socket or pipe)"
                continue
            result.files[relative] = LocalEntry(info.st_size, info.st_mtime_ns)
            seen += 1
            if seen % 1000 == 0:
                let_others_run()
                if progress is not None:
                    progress(seen)
    if progress is not None:
        progress(seen)
    return result


def scan_remote(conn: Connection, bucket: str, prefix: str, ignore: IgnoreRules,
                progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> RemoteScan:
    """Every object under ``prefix`` (one recursive listing), relative to it."""
    result = RemoteScan(bucket, prefix)
    seen = 0
    for page in iter_pages(conn, bucket, prefix, delimiter="", should_stop=should_stop):
        for key, size, mtime, etag in zip(page.keys, page.sizes, page.mtimes, page.etags, strict=True):
            relative = key[len(prefix):]
            if relative.endswith("/"):
                folder = relative.rstrip("/")
                if folder and not ignore.ignores_tree(folder):
                    result.folders.add(folder)
                continue
            if ignore.ignores(relative):
                continue
            problem = _remote_path_problem(relative)
            if problem:
                result.problems[relative] = problem
                continue
            result.files[relative] = RemoteEntry(size, etag, mtime)
        seen += len(page.keys)
        let_others_run()
        if progress is not None:
            progress(seen)
    return result


def _remote_path_problem(relative: str) -> str | None:
    """Keys that cannot be a file under the pair's folder as they are (no silent renames in a sync)."""
    parts = relative.split("/")
    if relative.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        return "has an empty, “.” or “..” path component"
    if "\x00" in relative or "\\" in relative:
        return "contains a NUL or a backslash"
    if any(len(os.fsencode(p)) > 255 for p in parts):
        return "has a name longer than 255 bytes"
    return None
