"""One object at a time: does it exist, delete it."""

from __future__ import annotations

from botocore.exceptions import ClientError

from s3browser.core.s3.connection import Connection


def exists(conn: Connection, bucket: str, key: str) -> bool:
    """True if ``key`` exists; other errors (denied, no bucket) are raised, not hidden as False."""
    try:
        conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
            raise
        # A HEAD 404 has no body, so a missing bucket looks like a missing key: ask the bucket.
        try:
            conn.call(bucket, lambda c: c.head_bucket(Bucket=bucket))
        except ClientError as bucket_exc:
            if bucket_exc.response.get("Error", {}).get("Code") in {"404", "NoSuchBucket", "NotFound"}:
                raise ClientError({"Error": {"Code": "NoSuchBucket", "Message": "The bucket does not exist",
                                             "BucketName": bucket}}, "HeadObject") from exc
            raise
        return False
    return True


def delete(conn: Connection, bucket: str, key: str) -> None:
    """Delete one object (in a versioned bucket this adds a delete marker)."""
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))
