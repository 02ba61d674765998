"""Buckets opened per connection profile, for keys that may not list buckets.

Credentials scoped to one bucket are common (a shared bucket, a CI key): ListBuckets is denied,
so the bucket list would stay empty for ever.  Every bucket opened successfully is remembered
here for its profile, and offered in the tree and the bucket list when listing is denied.
"""

from __future__ import annotations

from dataclasses import replace

from s3browser.core.base.errors import UserError
from s3browser.core.s3.errors import describe
from s3browser.core.s3.locations import Location
from s3browser.ui.shell.settings import KNOWN_BUCKETS

MAX_REMEMBERED = 50  # the most recently opened, per profile
CANNOT_LIST_BUCKETS = ("These keys may not list buckets. Type the bucket's name in the path bar (Ctrl+L), "
                       "such as s3://my-bucket/; the buckets you open are remembered here.")


def remembered_buckets(profile_name: str) -> list[str]:
    return KNOWN_BUCKETS(profile_name).get()


def remember_bucket(profile_name: str, bucket: str) -> None:
    """Note that ``bucket`` opened under ``profile_name`` (most recent first)."""
    names = remembered_buckets(profile_name)
    if names[:1] == [bucket]:
        return
    names = [bucket, *(name for name in names if name != bucket)][:MAX_REMEMBERED]
    KNOWN_BUCKETS(profile_name).set(names)


def describe_listing_failure(exc: BaseException, location: Location) -> UserError:
    """The error translator's sentence for a failed listing of ``location``; at the bucket list an
    access denial says how to go on instead (both the table and the tree word it so)."""
    error = describe(exc, bucket=location.bucket or None)
    if not location.bucket and error.kind == "denied":
        return replace(error, message=CANNOT_LIST_BUCKETS)
    return error
