"""ListObjectsV2 pages turned into compact plain data; never a HEAD per object.

A page is a handful of parallel lists (keys, sizes, epoch seconds, storage classes), so a
million-object prefix costs a few lists of ints and strings instead of a million boto3 dicts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.pages import ListingPage, continue_listing, list_request
from s3browser.core.s3.parallel_listing import iter_pages_in_ranges

__all__ = ["BucketInfo", "ListingPage", "ObjectInfo", "iter_pages", "list_buckets", "list_buckets_or_remembered",
           "find_existing", "common_folder_prefix"]


@dataclass(frozen=True, slots=True)
class BucketInfo:
    name: str
    created: float  # epoch seconds (0 when not known)
    remembered: bool = False  # not listed by the server: opened before with keys that may not list buckets


def list_buckets(conn: Connection) -> list[BucketInfo]:
    """All buckets visible to the connection's credentials, by name."""
    response = conn.client.list_buckets()
    return sorted((BucketInfo(b["Name"], b["CreationDate"].timestamp()) for b in response.get("Buckets", [])),
                  key=lambda b: b.name)


def list_buckets_or_remembered(conn: Connection, remembered: Iterable[str]) -> list[BucketInfo]:
    """ListBuckets; when these credentials may not list buckets (access denied, common for keys
    scoped to one bucket), the ``remembered`` buckets opened before instead.  With none
    remembered the denial is raised as it came."""
    try:
        return list_buckets(conn)
    except ClientError as exc:
        names = sorted(set(remembered))
        if not names or describe(exc).kind != "denied":
            raise
        return [BucketInfo(name, 0.0, remembered=True) for name in names]


# Key ranges listed at once when a prefix is longer than a page: the client's parsing and the
# server's work overlap.  On a server across the network more ranges hide more latency; on a
# small machine with the server beside it, more than its cores only contend for them.
LIST_STREAMS = min(8, max(2, os.cpu_count() or 2))


def iter_pages(conn: Connection, bucket: str, prefix: str = "", delimiter: str = "/",
               page_size: int = 1000, should_stop: Callable[[], bool] | None = None,
               include_marker: bool = False, streams: int = LIST_STREAMS) -> Iterator[ListingPage]:
    """Yield pages of ``bucket``/``prefix`` in key order as they arrive; stop between pages when asked.

    ``include_marker`` keeps the folder marker object (key == prefix), which deleting, copying
    and moving a folder must treat like any other key.  With ``streams`` above 1, a prefix
    longer than one page is listed in that many key ranges at once (see
    :mod:`s3browser.core.s3.parallel_listing`); the pages come out the same.
    """
    if streams > 1:
        yield from iter_pages_in_ranges(conn, bucket, prefix, delimiter, page_size, should_stop,
                                        include_marker, streams)
        return
    kwargs = list_request(bucket, prefix, delimiter, page_size)
    yield from continue_listing(conn, kwargs, should_stop, include_marker)


def common_folder_prefix(keys: list[str]) -> str:
    """The longest folder prefix (ending in "/") shared by ``keys``: one listing covers them all."""
    prefix = os.path.commonprefix(keys) if keys else ""
    return prefix[: prefix.rfind("/") + 1]


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    size: int
    mtime: float
    etag: str
    storage_class: str


PROBE_LIMIT = 20  # up to this many keys in one folder are looked up one by one, not by listing the folder


def find_existing(conn: Connection, bucket: str, keys: list[str],
                  should_stop: Callable[[], bool] | None = None) -> dict[str, ObjectInfo]:
    """Which of ``keys`` exist, asking only about the folders they are in.

    Never a recursive listing of a common prefix (uploading one file into a bucket's root would list
    the whole bucket): a folder with few of the keys gets one exact-prefix request per key
    (``Prefix=key``, one answer), a folder with many is listed with delimiter "/" (its own objects
    only), and a folder its listed parent does not contain is known to be empty and skipped, so an
    upload into a new folder costs one request however deep the tree.
    """
    found: dict[str, ObjectInfo] = {}
    wanted = set(keys)
    by_folder: dict[str, list[str]] = {}
    for key in wanted:
        by_folder.setdefault(key[: key.rfind("/") + 1], []).append(key)
    if len(wanted) > PROBE_LIMIT:
        root = common_folder_prefix(sorted(wanted))
        probe = conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=root, MaxKeys=1))
        if not probe.get("Contents") and not probe.get("CommonPrefixes"):
            return found  # nothing at all under the destination: nothing to collide with
    listed: dict[str, set[str]] = {}  # folder -> its subfolders, for folders listed whole
    for folder in sorted(by_folder, key=lambda f: (f.count("/"), f)):
        if should_stop is not None and should_stop():
            break
        parent = folder[: folder.rstrip("/").rfind("/") + 1] if folder else None
        if parent is not None and parent in listed and folder not in listed[parent]:
            listed[folder] = set()  # its parent was listed and has no such folder: empty
            continue
        in_folder = by_folder[folder]
        if len(in_folder) <= PROBE_LIMIT:
            for key in in_folder:
                for item in _exact_prefix(conn, bucket, key).get("Contents", ()):
                    if item["Key"] == key:
                        found[key] = _info(item)
            continue
        subfolders: set[str] = set()
        for page in iter_pages(conn, bucket, folder, delimiter="/", should_stop=should_stop):
            subfolders.update(page.folders)
            for key, size, mtime, etag, storage_class in zip(page.keys, page.sizes, page.mtimes, page.etags,
                                                             page.storage_classes, strict=True):
                if key in wanted:
                    found[key] = ObjectInfo(size, mtime, etag, storage_class)
        listed[folder] = subfolders
    return found


def _exact_prefix(conn: Connection, bucket: str, key: str) -> dict:
    """One ListObjectsV2 answer for ``Prefix=key``: the key itself sorts first, if it exists."""
    return conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1))


def _info(item: dict) -> ObjectInfo:
    return ObjectInfo(item.get("Size", 0), item["LastModified"].timestamp(), item.get("ETag", ""),
                      item.get("StorageClass", "STANDARD"))
