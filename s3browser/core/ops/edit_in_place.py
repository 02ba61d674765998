"""Open and edit in place: a private local copy of an object, and the safe way to send a saved edit back.

The copy lives in the cache folder under a name derived from bucket and key, so opening the same
object again finds it.  An edit is uploaded only if the object on S3 is still the one that was
opened (same ETag); otherwise the caller is told, and may keep both by uploading under a free name.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.paths import local_target, split_extension
from s3browser.core.ops.properties import ObjectProperties, fetch_properties
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_missing_key
from s3browser.core.s3.listing import find_existing
from s3browser.core.settings.dirs import cache_dir


def open_copy_path(bucket: str, key: str, root: Path | None = None) -> Path:
    """Where the opened copy of ``s3://bucket/key`` is kept: its own folder, its own (safe) name."""
    digest = hashlib.sha256(f"{bucket}\0{key}".encode()).hexdigest()[:20]
    folder = (root or cache_dir() / "opened") / digest
    name = key.rstrip("/").rpartition("/")[2]
    target = local_target(folder, name)
    return target.path if target.path is not None else folder / "object"


def file_state(path: Path) -> tuple[int, int]:
    """(size, mtime in ns): what tells a saved edit from the copy as it was downloaded."""
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


@dataclass
class OpenedCopy:
    bucket: str
    key: str
    path: Path
    etag: str  # of the object when it was downloaded (or last uploaded)
    state: tuple[int, int]  # file_state when downloaded (or last uploaded)
    editing: bool = False

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def locally_changed(self) -> bool:
        try:
            return file_state(self.path) != self.state
        except OSError:
            return False


class ChangedOnServer(S3BrowserError):
    def __init__(self, uri: str) -> None:
        super().__init__(f"{uri} changed on S3 since you opened it; your edit was not uploaded over it.",
                         kind="changed")


def check_unchanged(conn: Connection, copy: OpenedCopy) -> ObjectProperties:
    """The object's properties if it is still the version that was opened; else ChangedOnServer.

    A deleted object counts as changed: uploading would silently bring it back.
    """
    try:
        props = fetch_properties(conn, copy.bucket, copy.key)
    except ClientError as exc:
        if is_missing_key(exc):
            raise ChangedOnServer(copy.uri) from exc
        raise
    if props.etag != copy.etag:
        raise ChangedOnServer(copy.uri)
    return props


def keep_both_key(conn: Connection, bucket: str, key: str) -> str:
    """A free key beside ``key`` for an edit that must not replace it: "name (edited).ext", then
    "name (edited 2).ext"…"""
    parent, _, name = key.rpartition("/")
    stem, suffix = split_extension(name)
    folder = parent + "/" if parent else ""
    candidates = [f"{folder}{stem} (edited{'' if n == 1 else f' {n}'}){suffix}" for n in range(1, 21)]
    taken = find_existing(conn, bucket, candidates)
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    raise S3BrowserError(f"Could not find a free name beside {key}.", kind="exists")
