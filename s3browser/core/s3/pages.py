"""One ListObjectsV2 answer as a page of compact columns, and the chain of pages after it.

Shared by the sequential listing (:mod:`s3browser.core.s3.listing`) and the one in key ranges
(:mod:`s3browser.core.s3.parallel_listing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing_parser import ListingColumns, listing_columns


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
    scanned: int = 0  # keys read to make a filtered page (a search's), for progress

    def __len__(self) -> int:
        return len(self.folders) + len(self.keys)


def list_request(bucket: str, prefix: str, delimiter: str, page_size: int, start_after: str = "") -> dict[str, Any]:
    """The ListObjectsV2 parameters of a listing's first page."""
    kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": page_size}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    if start_after:
        kwargs["StartAfter"] = start_after
    return kwargs


def continue_listing(conn: Connection, kwargs: dict[str, Any], should_stop: Callable[[], bool] | None,
                     include_marker: bool, page_prefix: str | None = None) -> Iterator[ListingPage]:
    """Pages from the request ``kwargs`` on, following continuation tokens to the end.

    ``page_prefix`` is the prefix the pages say they list, when the request asks for a narrower one.
    """
    bucket, prefix = kwargs["Bucket"], kwargs["Prefix"]
    seen_tokens: set[str] = set()
    while True:
        if should_stop is not None and should_stop():
            return
        page, token = fetch_page(conn, kwargs, include_marker, page_prefix)
        yield page
        if page.is_last:
            return
        if token in seen_tokens:
            raise S3BrowserError(f"The server repeated a continuation token while listing s3://{bucket}/{prefix}.")
        seen_tokens.add(token)
        kwargs["ContinuationToken"] = token


def fetch_page(conn: Connection, kwargs: dict[str, Any], include_marker: bool,
               page_prefix: str | None = None) -> tuple[ListingPage, str]:
    """One ListObjectsV2 answer as a page, and the token of the next ("" after the last page)."""
    bucket, prefix = kwargs["Bucket"], kwargs["Prefix"]
    with listing_columns() as answer_columns:
        response = conn.call(bucket, lambda client: client.list_objects_v2(**kwargs))
        columns = answer_columns()
    page = ListingPage(bucket=bucket, prefix=prefix if page_prefix is None else page_prefix)
    page.folders = [p["Prefix"] for p in response.get("CommonPrefixes", ())]
    if columns is not None:
        _take_columns(page, columns, response.get("EncodingType") == "url", include_marker)
    else:
        _take_contents(page, response.get("Contents", ()), include_marker)
    token = response.get("NextContinuationToken") or ""
    page.is_last = not response.get("IsTruncated") or not token
    if response.get("IsTruncated") and not token:
        # Never drop keys silently: a truncated page without a token is a server bug.
        raise S3BrowserError(f"The server cut the listing of s3://{bucket}/{prefix} short "
                             "without a continuation token; the list would be incomplete.")
    return page, token


def _take_columns(page: ListingPage, columns: ListingColumns, url_encoded: bool, include_marker: bool) -> None:
    keys = columns.keys
    if url_encoded and any("%" in key or "+" in key for key in keys):
        keys = [unquote_plus(key) for key in keys]  # as botocore decodes the keys it asked to be encoded
    first = 1 if keys and keys[0] == page.prefix and not include_marker else 0
    page.keys = keys[first:] if first else keys
    page.sizes = columns.sizes[first:] if first else columns.sizes
    page.mtimes = columns.mtimes[first:] if first else columns.mtimes
    page.storage_classes = columns.storage_classes[first:] if first else columns.storage_classes
    page.etags = columns.etags[first:] if first else columns.etags


def _take_contents(page: ListingPage, contents: Iterable[dict[str, Any]], include_marker: bool) -> None:
    prefix = page.prefix
    keys, sizes, mtimes = page.keys, page.sizes, page.mtimes
    classes, etags = page.storage_classes, page.etags
    for item in contents:
        key = item["Key"]
        # The "folder marker" object some tools create (key == prefix) is not a child of itself.
        if key == prefix and not include_marker:
            continue
        keys.append(key)
        sizes.append(item.get("Size", 0))
        mtimes.append(item["LastModified"].timestamp())
        classes.append(item.get("StorageClass", "STANDARD"))
        etags.append(item.get("ETag", ""))
