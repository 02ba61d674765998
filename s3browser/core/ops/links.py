"""Links to objects: presigned download URLs (SigV4, at most 7 days)."""

from __future__ import annotations

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection

MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4's limit


def presigned_url(conn: Connection, bucket: str, key: str, expires_seconds: int) -> str:
    """A SigV4 download link valid for ``expires_seconds`` (at most 7 days, SigV4's limit)."""
    if not 1 <= expires_seconds <= MAX_PRESIGN_SECONDS:
        raise S3BrowserError("A presigned link can be valid for 1 second up to 7 days.", kind="invalid")
    return conn.client_for(bucket).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=int(expires_seconds))
