"""What a batch of uploads or downloads will do, worked out before anything is transferred.

Runs on a worker.  It asks the server only about the folders where a collision can happen
(:func:`listing.find_existing`), never a recursive listing of the destination.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.local.paths import (
    LocalFile,
    LocalTarget,
    local_target,
    plan_upload,
    refuse_file_and_folder,
)
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import find_existing, iter_pages


@dataclass
class UploadPlan:
    bucket: str
    prefix: str
    files: list[LocalFile]
    problems: list[str]
    existing: dict[str, tuple[int, float]]  # key -> (size, mtime) of objects the upload would replace

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    def conflicts(self) -> list[LocalFile]:
        return [f for f in self.files if f.key in self.existing]


def plan_uploads(conn: Connection, sources: list[Path], bucket: str, prefix: str) -> UploadPlan:
    files, problems = plan_upload(sources, prefix)
    found = find_existing(conn, bucket, [f.key for f in files]) if files else {}
    existing = {key: (info.size, info.mtime) for key, info in found.items()}
    return UploadPlan(bucket, prefix, files, problems, existing)


@dataclass(frozen=True)
class RemoteFile:
    key: str
    size: int
    mtime: float
    etag: str
    target: LocalTarget


@dataclass
class DownloadPlan:
    bucket: str
    root: Path
    files: list[RemoteFile] = field(default_factory=list)
    refused: list[LocalTarget] = field(default_factory=list)
    skipped: list[RemoteFile] = field(default_factory=list)  # already there locally, and the user said skip
    existing: list[RemoteFile] = field(default_factory=list)  # targets already taken when planned

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def renamed(self) -> list[RemoteFile]:
        """Files saved under another name than their key's, to fit the local file system."""
        return [f for f in self.files if f.target.note]


def plan_downloads(conn: Connection, bucket: str, keys: list[str], folders: list[str], base_prefix: str,
                   root: Path) -> DownloadPlan:
    """Objects ``keys`` and everything under ``folders``, mapped safely below ``root``.

    Paths keep the structure below ``base_prefix`` (the folder being browsed), so downloading
    ``photos/`` while browsing ``2026/`` writes ``root/photos/...``.
    """
    plan = DownloadPlan(bucket, root)
    sources: list[tuple[str, int, float, str]] = []
    if keys:
        found = find_existing(conn, bucket, keys)
        sources.extend((key, info.size, info.mtime, info.etag) for key, info in found.items())
    for folder in folders:
        for page in iter_pages(conn, bucket, folder, delimiter=""):
            sources.extend(zip(page.keys, page.sizes, page.mtimes, page.etags, strict=True))
    seen: set[Path] = set()
    for key, size, mtime, etag in sources:
        target = local_target(root, key, base_prefix)
        if target.path is not None and target.path in seen:
            target = LocalTarget(key, None, "maps to the same local file as another key")
        if target.path is None:
            if key.endswith("/") and size == 0:
                continue  # an empty "folder marker" object: nothing to download
            plan.refused.append(target)
            continue
        seen.add(target.path)
        plan.files.append(RemoteFile(key, size, mtime, etag, target))
    checked = refuse_file_and_folder([f.target for f in plan.files])
    both = [t for t in checked if t.refused]
    if both:
        plan.refused.extend(both)
        refused_keys = {t.key for t in both}
        plan.files = [f for f in plan.files if f.key not in refused_keys]
    plan.existing = existing_targets(plan)
    return plan


def existing_targets(plan: DownloadPlan) -> list[RemoteFile]:
    """The planned files whose local path is already taken (by a file, a folder or a link), in key
    order (the order they are asked about)."""
    return sorted((f for f in plan.files if f.target.path is not None and os.path.lexists(f.target.path)),
                  key=lambda f: f.key)


@dataclass
class CopyItem:
    source_key: str
    key: str
    size: int


@dataclass
class CopyPlan:
    """Which keys a copy or move of a selection touches, and where each one goes."""

    source_bucket: str
    bucket: str
    items: list[CopyItem] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # destination keys that already exist
    move: bool = False

    @property
    def total_size(self) -> int:
        return sum(i.size for i in self.items)
