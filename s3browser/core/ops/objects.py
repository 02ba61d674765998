"""One object at a time: does it exist, delete it."""

from __future__ import annotations

from botocore.exceptions import ClientError

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_missing_bucket, is_missing_key


def exists(conn: Connection, bucket: str, key: str) -> bool:
    """True if ``key`` exists; other errors (denied, no bucket) are raised, not hidden as False."""
    try:
        conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    except ClientError as exc:
        if not is_missing_key(exc):
            raise
        # A HEAD 404 has no body, so a missing bucket looks like a missing key: ask the bucket.
        try:
            conn.call(bucket, lambda c: c.head_bucket(Bucket=bucket))
        except ClientError as bucket_exc:
            if is_missing_bucket(bucket_exc):
                raise ClientError({"Error": {"Code": "NoSuchBucket", "Message": "The bucket does not exist",
                                             "BucketName": bucket}}, "HeadObject") from exc
            raise
        return False
    return True


def delete(conn: Connection, bucket: str, key: str) -> None:
    """Delete one object (in a versioned bucket this adds a delete marker)."""
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))
