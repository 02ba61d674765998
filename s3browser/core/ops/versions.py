"""Versioning: whether a bucket keeps old versions, and every version and delete marker under a prefix.

Deletion and bucket emptying both need these; keeping them here lets neither import the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from s3browser.core.s3.connection import Connection

Target = tuple[str, "str | None"]  # (key, version id or None)


def is_versioned(conn: Connection, bucket: str) -> bool:
    """True when versioning is Enabled or Suspended: old versions may exist either way."""
    status = conn.call(bucket, lambda c: c.get_bucket_versioning(Bucket=bucket)).get("Status", "")
    return status in ("Enabled", "Suspended")



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
