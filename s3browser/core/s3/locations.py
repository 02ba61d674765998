"""Parsing and formatting of ``s3://bucket/prefix/`` locations typed in the path bar."""

from __future__ import annotations

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
