"""Incomplete multipart uploads: invisible in listings, billed by the byte. List them; abort them."""

from __future__ import annotations

from dataclasses import dataclass

from s3browser.core.s3.connection import Connection


@dataclass(frozen=True)
class IncompleteUpload:
    key: str
    upload_id: str
    initiated: float  # epoch seconds
    parts: int
    size: int  # bytes already stored in its parts


def list_incomplete_uploads(conn: Connection, bucket: str, prefix: str = "") -> list[IncompleteUpload]:
    """Every unfinished multipart upload in ``bucket`` with its stored parts' count and size."""
    client = conn.client_for(bucket)
    uploads = []
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        for upload in page.get("Uploads", []):
            parts = size = 0
            for part_page in client.get_paginator("list_parts").paginate(
                    Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]):
                for part in part_page.get("Parts", []):
                    parts += 1
                    size += part.get("Size", 0)
            uploads.append(IncompleteUpload(upload["Key"], upload["UploadId"], upload["Initiated"].timestamp(),
                                            parts, size))
    return uploads


def abort_uploads(conn: Connection, bucket: str, uploads: list[IncompleteUpload]) -> int:
    """Abort the given uploads (their parts are deleted); returns how many were aborted."""
    client = conn.client_for(bucket)
    for upload in uploads:
        client.abort_multipart_upload(Bucket=bucket, Key=upload.key, UploadId=upload.upload_id)
    return len(uploads)
