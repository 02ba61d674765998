"""Search a bucket: every key under a prefix whose name matches, streamed page by page.

S3 has no server-side search, so this is a recursive listing filtered here; each page of
matches is yielded as soon as its listing page arrives, so results show while the rest is read.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.listing import ListingPage, iter_pages


def name_matcher(pattern: str) -> Callable[[str], bool]:
    """A test on a key's path below the searched prefix.

    Without wildcards: the text anywhere in the file's own name, ignoring case.  With ``*`` or
    ``?``: a glob on the name, or on the whole relative path when the pattern holds a "/".
    """
    text = pattern.strip()
    if not any(c in text for c in "*?["):
        folded = text.casefold()
        return lambda relative: folded in relative.rpartition("/")[2].casefold()
    regex = re.compile(fnmatch.translate(text), re.IGNORECASE | re.DOTALL)
    if "/" in text:
        return lambda relative: regex.match(relative) is not None
    return lambda relative: regex.match(relative.rpartition("/")[2]) is not None


def iter_search_pages(conn: Connection, bucket: str, prefix: str, pattern: str,
                      should_stop: Callable[[], bool] | None = None) -> Iterator[ListingPage]:
    """Pages of matching objects (never folders) under ``prefix``, at every depth.

    A page is yielded for every listing page, matches or not, so a caller can show progress.
    """
    matches = name_matcher(pattern)
    cut = len(prefix)
    for page in iter_pages(conn, bucket, prefix, delimiter="", should_stop=should_stop):
        found = ListingPage(bucket=bucket, prefix=prefix, is_last=page.is_last)
        for key, size, mtime, storage_class, etag in zip(page.keys, page.sizes, page.mtimes, page.storage_classes,
                                                         page.etags, strict=True):
            if key.endswith("/") and size == 0:
                continue  # a folder marker
            if matches(key[cut:]):
                found.keys.append(key)
                found.sizes.append(size)
                found.mtimes.append(mtime)
                found.storage_classes.append(storage_class)
                found.etags.append(etag)
        found.scanned = len(page.keys)
        yield found
