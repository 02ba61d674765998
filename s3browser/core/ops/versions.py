"""Versioning: whether a bucket keeps old versions, and every version and delete marker under a prefix.

Deletion and bucket emptying both need these; keeping them here lets neither import the other.
The versions view lists pages of them, restores an older version and deletes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.routes import download_file
from s3browser.core.transfers.server_copy import copy_object

Target = tuple[str, "str | None"]  # (key, version id or None)


def versioning_status(conn: Connection, bucket: str) -> str:
    """"Enabled", "Suspended", or "" when versioning was never turned on."""
    return str(conn.call(bucket, lambda c: c.get_bucket_versioning(Bucket=bucket)).get("Status", ""))


def is_versioned(conn: Connection, bucket: str) -> bool:
    """True when versioning is Enabled or Suspended: old versions may exist either way."""
    return versioning_status(conn, bucket) in ("Enabled", "Suspended")



def iter_versions(conn: Connection, bucket: str, prefix: str,
                  should_stop: Callable[[], bool] = lambda: False) -> Iterator[Target]:
    """Every version and delete marker under ``prefix``."""
    for target, _size in list_versions(conn, bucket, prefix, exact=False, should_stop=should_stop):
        yield target


def list_versions(conn: Connection, bucket: str, prefix: str, exact: bool,
              should_stop: Callable[[], bool]) -> Iterator[tuple[Target, int]]:
    kwargs = {"Bucket": bucket, "Prefix": prefix}
    while not should_stop():
        page = conn.call(bucket, lambda c: c.list_object_versions(**kwargs))
        for entry in page.get("Versions", []):
            if not exact or entry["Key"] == prefix:
                yield (entry["Key"], entry.get("VersionId")), entry.get("Size", 0)
        for entry in page.get("DeleteMarkers", []):
            if not exact or entry["Key"] == prefix:
                yield (entry["Key"], entry.get("VersionId")), 0
        if not page.get("IsTruncated"):
            return
        kwargs["KeyMarker"] = page.get("NextKeyMarker", "")
        kwargs["VersionIdMarker"] = page.get("NextVersionIdMarker", "")


# ---------------------------------------------------------------------------- the versions view

@dataclass(slots=True)
class VersionPage:
    """One ListObjectVersions answer as parallel lists: versions and delete markers of each key, the
    newest first, and the folders (common prefixes) under ``prefix``."""

    bucket: str
    prefix: str
    folders: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    version_ids: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[float] = field(default_factory=list)
    storage_classes: list[str] = field(default_factory=list)
    latest: bytearray = field(default_factory=bytearray)
    delete_markers: bytearray = field(default_factory=bytearray)
    is_last: bool = False

    def __len__(self) -> int:
        return len(self.folders) + len(self.keys)


def iter_version_pages(conn: Connection, bucket: str, prefix: str, delimiter: str = "/", page_size: int = 1000,
                       should_stop: Callable[[], bool] = lambda: False) -> Iterator[VersionPage]:
    """Every version and delete marker directly under ``prefix`` (and its folders), page by page.

    S3 sends a page's versions and its delete markers as two lists; they are merged here so each
    key's entries come together, newest first (markers before versions of the same second: a marker
    is always written after the version it hides).
    """
    kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    while not should_stop():
        response = conn.call(bucket, lambda c: c.list_object_versions(**kwargs))
        page = VersionPage(bucket, prefix, folders=[p["Prefix"] for p in response.get("CommonPrefixes", ())])
        entries = [(e, 0) for e in response.get("Versions", ())] + [(e, 1) for e in response.get("DeleteMarkers", ())]
        entries.sort(key=lambda pair: (pair[0]["Key"], -pair[0]["LastModified"].timestamp(), -pair[1],
                                       not pair[0].get("IsLatest")))
        for entry, is_marker in entries:
            if entry["Key"] == prefix and not is_marker and entry.get("Size", 0) == 0:
                continue  # the folder marker object is not a child of itself
            page.keys.append(entry["Key"])
            page.version_ids.append(entry.get("VersionId") or "null")
            page.sizes.append(entry.get("Size", 0))
            page.mtimes.append(entry["LastModified"].timestamp())
            page.storage_classes.append(entry.get("StorageClass", "") if not is_marker else "")
            page.latest.append(1 if entry.get("IsLatest") else 0)
            page.delete_markers.append(is_marker)
        page.is_last = not response.get("IsTruncated")
        yield page
        if page.is_last:
            return
        kwargs["KeyMarker"] = response.get("NextKeyMarker", "")
        kwargs["VersionIdMarker"] = response.get("NextVersionIdMarker", "")


def restore_version(conn: Connection, bucket: str, key: str, version_id: str) -> None:
    """Make an older version the latest again: a server-side copy of it onto its key, with its own
    metadata, headers, storage class and tags.  Every version stays; the old latest becomes older."""
    head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key, VersionId=version_id))
    copy_object(conn, bucket, key, bucket, key, head.get("ContentLength", 0), version_id=version_id,
                storage_class=head.get("StorageClass") or "STANDARD")


def delete_version(conn: Connection, bucket: str, key: str, version_id: str) -> None:
    """Delete one version (or delete marker) for good."""
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key, VersionId=version_id))


def download_version(conn: Connection, bucket: str, key: str, version_id: str, target: Path,
                     root: Path | None = None) -> str:
    """Download one version of ``key`` to ``target`` below ``root`` (default: the target's own folder)
    through the one download route (verified, renamed into place).  Returns a note."""
    head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key, VersionId=version_id))
    download_file(conn, bucket, key, target, root=root or target.parent, size=int(head.get("ContentLength", 0)),
                  etag=str(head.get("ETag", "")), version_id=version_id,
                  mtime=head["LastModified"].timestamp() if head.get("LastModified") else None)
    return f"Version of {_modified_text(head)} saved as {target.name}."


def _modified_text(head: dict) -> str:
    modified = head.get("LastModified")
    return modified.astimezone().strftime("%Y-%m-%d %H:%M") if modified else "unknown date"
