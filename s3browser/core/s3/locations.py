"""Parsing and formatting of ``s3://bucket/prefix/`` locations typed in the path bar."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where the browser is: no bucket means the list of buckets."""

    bucket: str = ""
    prefix: str = ""

    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.bucket else "s3://"

    def parent(self) -> Location:
        if not self.bucket:
            return self
        if not self.prefix:
            return Location()
        trimmed = self.prefix.rstrip("/")
        cut = trimmed.rfind("/")
        return Location(self.bucket, trimmed[: cut + 1] if cut >= 0 else "")

    def child(self, folder_prefix: str) -> Location:
        return Location(self.bucket, folder_prefix)


def parse_location(text: str) -> Location:
    """Accept ``s3://b/p``, ``b/p``, ``/b/p``; a non-empty prefix always ends with ``/``."""
    text = text.strip()
    if text.lower().startswith("s3://"):
        text = text[5:]
    text = text.lstrip("/")
    if not text:
        return Location()
    bucket, _, prefix = text.partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return Location(bucket, prefix)


BUCKET_CHARACTERS_RULE = "bucket names use letters, digits, dots, hyphens and underscores only"
_BUCKET_CHARACTERS = re.compile(r"^[A-Za-z0-9._-]{1,255}$")  # what S3 accepts in a request, old names included


def location_problem(text: str) -> str | None:
    """Why a typed path cannot be browsed, in one sentence, or None.

    Checked before anything is sent: botocore's own answer to ``s3://my bucket/`` is a
    "Parameter validation failed … must match the regex" paragraph.
    """
    stripped = text.strip()
    if stripped.lower().startswith(("http://", "https://")):
        return "Type an S3 path such as s3://bucket/folder/, not a web address."
    if "://" in stripped and not stripped.lower().startswith("s3://"):
        return "Only s3:// paths can be opened here, for example s3://bucket/folder/."
    bucket = parse_location(text).bucket
    if bucket and not _BUCKET_CHARACTERS.match(bucket):
        return f"“{bucket}” is not a bucket name: {BUCKET_CHARACTERS_RULE}."
    return None
