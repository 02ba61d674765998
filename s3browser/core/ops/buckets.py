"""Bucket create and delete: name rules with reasons, the us-east-1 LocationConstraint trap, emptying.

S3 rejects ``CreateBucketConfiguration={"LocationConstraint": "us-east-1"}`` (InvalidLocationConstraint)
and, elsewhere, a request *without* a constraint creates the bucket in us-east-1 or fails with
IllegalLocationConstraintException.  ``create_bucket`` sends the constraint for every region except
us-east-1.  Deleting a bucket needs it empty, versions and delete markers included.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.delete import delete_batches
from s3browser.core.ops.versions import is_versioned, iter_versions
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import error_code
from s3browser.core.s3.listing import iter_pages

US_EAST_1 = "us-east-1"
_ALLOWED = re.compile(r"^[a-z0-9.-]+$")


def bucket_name_problem(name: str) -> str | None:
    """Why ``name`` is not a valid S3 bucket name (the general-purpose rules), or None."""
    if not name:
        return "Enter a bucket name."
    if len(name) < 3:
        return "Bucket names have at least 3 characters."
    if len(name) > 63:
        return f"Bucket names have at most 63 characters (this one has {len(name)})."
    if name != name.lower() and _ALLOWED.match(name.lower()):
        return "Bucket names cannot contain capital letters."
    bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
    if bad:
        shown = " ".join(repr(c) if c.isprintable() and c != " " else f"U+{ord(c):04X}" for c in bad)
        return f"Only lowercase letters, digits, dots and hyphens are allowed (not {shown})."
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "Bucket names start and end with a letter or digit."
    if ".." in name:
        return "Bucket names cannot contain two adjacent dots."
    if ".-" in name or "-." in name:
        return "A dot cannot be next to a hyphen in a bucket name."
    try:
        ipaddress.IPv4Address(name)
        return "Bucket names cannot look like an IP address."
    except ValueError:
        pass
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if name.startswith(prefix):
            return f"Bucket names cannot start with “{prefix}”."
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            return f"Bucket names cannot end with “{suffix}”."
    return None


def bucket_exists(conn: Connection, name: str) -> bool:
    """Whether ``name`` exists and this connection may see it (HeadBucket answers 200)."""
    try:
        conn.client.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in {"404", "NoSuchBucket", "NotFound", "403", "AccessDenied", "Forbidden", "301",
                               "PermanentRedirect", "400"}:
            return False  # missing, someone else's, or elsewhere: CreateBucket gives the real answer
        raise
    return True


def create_bucket(conn: Connection, name: str, region: str = "") -> None:
    """Create ``name`` in ``region`` (default: the connection's), handling the us-east-1 rule."""
    problem = bucket_name_problem(name)
    if problem:


        raise S3BrowserError(problem, kind="invalid")
    region = region or conn.region or US_EAST_1
    client = conn.client_for_region(region)
    # In us-east-1 (and on moto, MinIO and others) creating a bucket you already own succeeds
    # silently, which would report "Created" for a bucket that was there all along: ask first.
    if bucket_exists(conn, name):
        raise S3BrowserError(f"You already have a bucket named “{name}”; nothing was changed.", kind="exists")
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != US_EAST_1:
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**kwargs)


@dataclass
class EmptyProgress:
    deleted: int = 0
    failed: int = 0


def empty_bucket(conn: Connection, bucket: str, should_stop: Callable[[], bool] = lambda: False,
                 on_progress: Callable[[EmptyProgress], None] | None = None) -> EmptyProgress:
    """Delete every object version and delete marker (or every object, if never versioned)."""
    progress = EmptyProgress()
    targets = iter_versions(conn, bucket, "") if is_versioned(conn, bucket) else _iter_all_keys(conn, bucket)
    for result in delete_batches(conn, bucket, targets, should_stop):
        progress.deleted += result.deleted
        progress.failed += len(result.failures)
        if result.failures:
            key, _code, message = result.failures[0]
            raise S3BrowserError(f"Could not empty the bucket: {key}: {message}", kind="denied")
        if on_progress:
            on_progress(progress)
    return progress


def _iter_all_keys(conn: Connection, bucket: str):  # noqa: ANN202 - a generator of (key, None)
    for page in iter_pages(conn, bucket, "", delimiter=""):
        for key in page.keys:
            yield key, None


def delete_bucket(conn: Connection, bucket: str, should_stop: Callable[[], bool] = lambda: False,
                  on_progress: Callable[[EmptyProgress], None] | None = None) -> EmptyProgress:
    """Empty ``bucket`` (all versions and delete markers) and delete it."""
    progress = empty_bucket(conn, bucket, should_stop, on_progress)
    if should_stop():
        return progress
    conn.call(bucket, lambda c: c.delete_bucket(Bucket=bucket))
    return progress
