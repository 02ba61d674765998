"""Both sides of a pair as plain data: one walk of the folder, one listing of the prefix.

No HEAD per object: the listing gives size, ETag and LastModified, which with the baseline is
all change detection needs.  Paths are relative to the pair's root, ``/``-separated.  Links are
never followed, and links, special files and unreadable folders are reported, not skipped in
silence.

What a scan could not see is not absent: every path in ``problems`` is also a hole in the scan,
and the planner keeps whatever lies at or under it on both sides (see :func:`unknown_root`).
A scan that was stopped before it finished has the hole ``"."``: everything.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.local.writes import TEMP_PREFIX, is_temp_name
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


WHOLE_SCAN = "."  # the problem path that covers everything: the scan did not finish
KEPT = "kept on both sides"


@dataclass
class LocalScan:
    root: Path
    exists: bool
    files: dict[str, LocalEntry] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it (and all under it) was left out


@dataclass
class RemoteScan:
    bucket: str
    prefix: str
    files: dict[str, RemoteEntry] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)  # folder markers (keys ending in "/"), relative
    problems: dict[str, str] = field(default_factory=dict)  # path -> why it (and all under it) was left out


Progress = Callable[[int], None]


def let_others_run() -> None:
    """Hand the GIL over for a moment: long scans and plans on a worker must leave the GUI thread
    (and the other scan) room, or the window stalls while a preview is being planned."""
    time.sleep(0)


def unknown_root(path: str, holes: dict[str, str] | set[str]) -> str | None:
    """The hole in a scan that ``path`` lies at or under, or None when the scan saw its place."""
    if not holes:
        return None
    if WHOLE_SCAN in holes or path in holes:
        return WHOLE_SCAN if WHOLE_SCAN in holes else path
    end = path.find("/")
    while end != -1:
        if path[:end] in holes:
            return path[:end]
        end = path.find("/", end + 1)
    return None


def _name_problem(name: str) -> str | None:
    """Local names that cannot become a key as they are: not UTF-8 (Python hands such bytes over
    as lone surrogates), or one of this app's own temporary files."""
    if not name.isascii():  # ASCII (nearly every name) is UTF-8 and no temporary name: no further cost
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            return f"its name is not valid UTF-8, so it cannot be a key; {KEPT}"
        return None
    if name.startswith(TEMP_PREFIX) and is_temp_name(name):
        return f"is an unfinished s3browser download (a temporary file); {KEPT}"
    return None


def scan_local(root: Path, ignore: IgnoreRules, progress: Progress | None = None,
               should_stop: Callable[[], bool] | None = None) -> LocalScan:
    """Every regular file under ``root`` (not ignored), with its size and mtime in nanoseconds.

    ``root`` itself may be a link (``~/Documents`` pointing elsewhere): it is followed, and nothing
    below it is.  Whatever cannot be read is a problem, and a hole in the scan."""
    result = LocalScan(root, root.is_dir())
    if not result.exists:
        return result
    pending = [("", os.fspath(root))]
    seen = 0
    while pending:
        if should_stop is not None and should_stop():
            result.problems[WHOLE_SCAN] = f"the folder scan was stopped before it finished; {KEPT}"
            break
        relative_dir, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            result.problems[relative_dir or WHOLE_SCAN] = f"cannot be read ({exc.strerror or exc}); {KEPT}"
            continue
        for entry in entries:
            name = entry.name
            relative = f"{relative_dir}/{name}" if relative_dir else name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                result.problems[relative] = f"cannot be read ({exc.strerror or exc}); {KEPT}"
                continue
            if ignore.ignores_folder(relative) if is_dir else ignore.ignores_file(relative):
                continue
            if not name.isascii() or name.startswith(TEMP_PREFIX):  # the call only where it can find something
                problem = _name_problem(name)
                if problem is not None:
                    result.problems[relative] = problem
                    continue
            if is_link:
                result.problems[relative] = f"is a link; links are not followed; {KEPT}"
                continue
            if is_dir:
                pending.append((relative, entry.path))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                result.problems[relative] = f"cannot be read ({exc.strerror or exc}); {KEPT}"
                continue
            if not stat.S_ISREG(info.st_mode):
                result.problems[relative] = f"is not a regular file (a device, socket or pipe); {KEPT}"
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
                if not folder or ignore.ignores_tree(folder):
                    continue
                if size:
                    result.problems[relative] = (f"is a folder marker that holds {size:,} bytes, which no local "
                                                 f"folder can hold; {KEPT}")
                else:
                    result.folders.add(folder)
                continue
            if ignore.ignores(relative):
                continue
            problem = _remote_path_problem(relative)
            if problem:
                result.problems[relative] = f"{problem}; {KEPT}"
                continue
            result.files[relative] = RemoteEntry(size, etag, mtime)
        seen += len(page.keys)
        let_others_run()
        if progress is not None:
            progress(seen)
    if should_stop is not None and should_stop():
        result.problems[WHOLE_SCAN] = f"the listing was stopped before it finished; {KEPT}"
    for path in _files_that_are_also_folders(result.files):
        result.problems[path] = f"is both an object and a folder on S3, which a local folder cannot hold; {KEPT}"
    return result


def _files_that_are_also_folders(files: dict[str, RemoteEntry]) -> list[str]:
    """Keys such as ``a`` beside ``a/b``: locally ``a`` can be a file or a folder, not both."""
    clashes = set()
    for path in files:
        end = path.find("/")
        while end != -1:
            if path[:end] in files:
                clashes.add(path[:end])
            end = path.find("/", end + 1)
    return sorted(clashes)


def _remote_path_problem(relative: str) -> str | None:
    """Keys that cannot be a file under the pair's folder as they are (no silent renames in a sync)."""
    parts = relative.split("/")
    if relative.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        return "has an empty, “.” or “..” path component"
    if "\x00" in relative or "\\" in relative:
        return "contains a NUL or a backslash"
    if any(len(os.fsencode(p)) > 255 for p in parts):
        return "has a name longer than 255 bytes"
    if is_temp_name(parts[-1]):
        return "has the name of an s3browser temporary file"
    return None
