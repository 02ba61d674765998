"""Bucket tags (cost allocation, ownership): up to 50, keys up to 128 and values up to 256 characters.

PutBucketTagging replaces the whole set; an empty set is stored by deleting the tagging.
"""

from __future__ import annotations

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.common import counted, read_setting, write_setting
from s3browser.core.ops.properties import tags_problem
from s3browser.core.s3.connection import Connection

MAX_BUCKET_TAGS = 50


def bucket_tags_problem(tags: dict[str, str]) -> str | None:
    """Why S3 would refuse these bucket tags, in one sentence, or None."""
    return tags_problem(tags, MAX_BUCKET_TAGS, "A bucket")


def get_bucket_tags(conn: Connection, bucket: str) -> dict[str, str]:
    response = read_setting(conn, bucket, lambda c: c.get_bucket_tagging(Bucket=bucket), {"NoSuchTagSet"})
    return {tag["Key"]: tag["Value"] for tag in (response or {}).get("TagSet", ())}


def set_bucket_tags(conn: Connection, bucket: str, tags: dict[str, str]) -> str:
    """Replace the bucket's tags with ``tags``; the sentence for the log."""
    problem = bucket_tags_problem(tags)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    if not tags:
        write_setting(conn, bucket, "bucket tags", lambda c: c.delete_bucket_tagging(Bucket=bucket))
        return f"Removed all tags of bucket “{bucket}”."
    tag_set = [{"Key": key, "Value": value} for key, value in tags.items()]
    write_setting(conn, bucket, "bucket tags",
                  lambda c: c.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_set}))
    return f"Bucket “{bucket}” now has {counted(len(tags), 'tag')}."
