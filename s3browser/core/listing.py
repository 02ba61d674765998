"""ListObjectsV2 pages turned into compact plain data; never a HEAD per object.

A page is a handful of parallel lists (keys, sizes, epoch seconds, storage classes), so a
million-object prefix costs a few lists of ints and strings instead of a million boto3 dicts.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from typing import Callable, Iterator

from s3browser.core.connection import Connection
from s3browser.core.errors import S3BrowserError


@dataclass(slots=True)
class ListingPage:
    """One ListObjectsV2 answer. ``folders`` are full prefixes ending in the delimiter."""

    bucket: str
    prefix: str
    folders: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[float] = field(default_factory=list)
    storage_classes: list[str] = field(default_factory=list)
    etags: list[str] = field(default_factory=list)
    is_last: bool = False

    def __len__(self) -> int:
        return len(self.folders) + len(self.keys)


@dataclass(frozen=True, slots=True)
class BucketInfo:
    name: str
    created: float  # epoch seconds


def list_buckets(conn: Connection) -> list[BucketInfo]:
    """All buckets visible to the connection's credentials, by name."""
    response = conn.client.list_buckets()
    return sorted((BucketInfo(b["Name"], b["CreationDate"].timestamp()) for b in response.get("Buckets", [])),
                  key=lambda b: b.name)


def iter_pages(conn: Connection, bucket: str, prefix: str = "", delimiter: str = "/",
               page_size: int = 1000, should_stop: Callable[[], bool] | None = None,
               include_marker: bool = False) -> Iterator[ListingPage]:
    """Yield pages of ``bucket``/``prefix`` as they arrive; stop between pages when asked.

    ``include_marker`` keeps the folder marker object (key == prefix), which deleting, copying
    and moving a folder must treat like any other key.
    """
    kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    seen_tokens: set[str] = set()
    while True:
        if should_stop is not None and should_stop():
            return
        response = conn.call(bucket, lambda client: client.list_objects_v2(**kwargs))
        page = ListingPage(bucket=bucket, prefix=prefix)
        page.folders = [p["Prefix"] for p in response.get("CommonPrefixes", ())]
        contents = response.get("Contents", ())
        # The "folder marker" object some tools create (key == prefix) is not a child of itself.
        keys = page.keys
        sizes = page.sizes
        mtimes = page.mtimes
        classes = page.storage_classes
        etags = page.etags
        for item in contents:
            key = item["Key"]
            if key == prefix and not include_marker:
                continue
            keys.append(key)
            sizes.append(item.get("Size", 0))
            mtimes.append(item["LastModified"].timestamp())
            classes.append(item.get("StorageClass", "STANDARD"))
            etags.append(item.get("ETag", ""))
        token = response.get("NextContinuationToken")
        page.is_last = not response.get("IsTruncated") or not token
        if response.get("IsTruncated") and not token:
            # Never drop keys silently: a truncated page without a token is a server bug.
            raise S3BrowserError(f"The server cut the listing of s3://{bucket}/{prefix} short "
                                 "without a continuation token; the list would be incomplete.")
        yield page
        if page.is_last:
            return
        if token in seen_tokens:
            raise S3BrowserError(f"The server repeated a continuation token while listing s3://{bucket}/{prefix}.")
        seen_tokens.add(token)
        kwargs["ContinuationToken"] = token


def common_folder_prefix(keys: list[str]) -> str:
    """The longest folder prefix (ending in "/") shared by ``keys``: one listing covers them all."""
    prefix = os.path.commonprefix(keys) if keys else ""
    return prefix[: prefix.rfind("/") + 1]
