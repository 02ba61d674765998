"""Links to objects: presigned download URLs (SigV4, at most 7 days, and never past the credentials).

A link signed with temporary credentials (an IAM Identity Center role, an assumed role, a session
token) stops working when those credentials end, whatever validity it was signed for.  So the
validity is capped at the credentials' end, and the caller is told, rather than handing out a link
that promises a week and dies in an hour.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection

MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # SigV4's limit


@dataclass(frozen=True)
class PresignedLink:
    url: str
    seconds: int  # how long it really works
    credentials_end: datetime | None  # set when the credentials' end cut the validity asked for


def presigned_link(conn: Connection, bucket: str, key: str, expires_seconds: int) -> PresignedLink:
    """A SigV4 download link valid for ``expires_seconds`` (at most 7 days), or until the credentials
    that sign it end, whichever comes first."""
    if not 1 <= expires_seconds <= MAX_PRESIGN_SECONDS:
        raise S3BrowserError("A presigned link can be valid for 1 second up to 7 days.", kind="invalid")
    seconds, capped = int(expires_seconds), None
    ends = conn.credentials_end()
    if ends is not None:
        left = int(ends.timestamp() - time.time())
        if left < 1:
            raise S3BrowserError("The credentials of this connection have ended; sign in again to make a link.",
                                 kind="expired")
        if left < seconds:
            seconds, capped = left, ends
    url = conn.client_for(bucket).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=seconds)
    return PresignedLink(url, seconds, capped)


def presigned_url(conn: Connection, bucket: str, key: str, expires_seconds: int) -> str:
    """The URL of :func:`presigned_link` (the plain API's form)."""
    return presigned_link(conn, bucket, key, expires_seconds).url
