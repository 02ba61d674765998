"""One local file up to one key, outside the queue: what sync and the Python API's ``upload_file`` use.

A file up to the engine's ``SINGLE_PUT_LIMIT`` goes in one PutObject, read once and checked against its
size and mtime; a bigger one goes through the app's multipart uploader **with the upload journal**,
so a failed or interrupted upload leaves no parts on the server that nothing records: the next
upload of the same file to the same key resumes it, and the window offers it at the next connect.

A caller that planned what the key holds says so (``expect``): ``None`` for "must not exist", an
ETag for "must still be this object".  The write then carries ``If-None-Match`` / ``If-Match``
where the server honours them (see :mod:`s3browser.core.transfers.conditional`), and is checked
just before it where not; either way a key that is not what was expected raises
:class:`ObjectChanged` and nothing is overwritten.
"""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import S3BrowserError, is_missing_key, is_precondition_failed
from s3browser.core.transfers import engine
from s3browser.core.transfers.conditional import condition_args, conditional_writes
from s3browser.core.transfers.engine import TransferHandle, read_whole
from s3browser.core.transfers.journal import UploadJournal
from s3browser.core.transfers.multipart import FileChangedError, MultipartUploader

ANY = object()  # ``expect`` default: whatever the key holds may be replaced (the plain API)


class ObjectChanged(S3BrowserError):
    """The key is not what the caller planned on: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="changed")


@dataclass(frozen=True)
class UploadedFile:
    etag: str
    version_id: str
    size: int
    mtime_ns: int  # the file's, as it was read


def upload_local_file(conn: Connection, bucket: str, key: str, path: Path, extra_args: dict[str, Any],
                      expect: Any = ANY, probe_prefix: str = "") -> UploadedFile:
    """Upload ``path`` to ``key``; ``expect`` is None, an ETag, or :data:`ANY` (see the module doc).

    ``probe_prefix`` is where a conditional-write probe may write its own object (a prefix the
    credentials may write to: the sync pair's)."""
    before = os.stat(path, follow_symlinks=False)
    if not stat.S_ISREG(before.st_mode):
        raise FileChangedError(path, "is no longer a regular file")
    multipart = before.st_size > engine.SINGLE_PUT_LIMIT  # read at call time: the engine's setting
    conditions: dict[str, str] = {}
    if expect is not ANY:
        writes = conditional_writes(conn)
        honoured = (writes.complete_supported(conn, bucket, probe_prefix) if multipart
                    else writes.put_supported(conn, bucket, probe_prefix))
        if honoured:
            conditions = condition_args(expect)
        else:
            check_key(conn, bucket, key, expect)
    try:
        if multipart:
            return _multipart(conn, bucket, key, path, extra_args, conditions, before)
        return _single(conn, bucket, key, path, extra_args, conditions, before)
    except ClientError as exc:
        if conditions and (is_precondition_failed(exc) or is_missing_key(exc)):
            raise ObjectChanged(_changed_sentence(expect)) from None
        raise


def check_key(conn: Connection, bucket: str, key: str, expect: str | None) -> None:
    """Raise :class:`ObjectChanged` unless the key is as expected: absent (None) or holding ``expect``.

    Absence is asked with a one-key listing, which answers 200 either way: a HEAD of a missing key
    ends in 404, and botocore's retry quota gives nothing back for a request that ended in an error,
    so on a flaky server every new file's check would use up retries that later requests need."""
    if expect is None:
        response = conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1))
        if any(entry.get("Key") == key for entry in response.get("Contents", [])):
            raise ObjectChanged(_changed_sentence(None))
        return
    try:
        head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    except ClientError as exc:
        if is_missing_key(exc):
            raise ObjectChanged(_changed_sentence(expect)) from None
        raise
    if head.get("ETag", "").strip().strip('"') != expect.strip().strip('"'):
        raise ObjectChanged(_changed_sentence(expect))


def _changed_sentence(expect: Any) -> str:
    if expect is None:
        return "appeared on S3 since the plan was made; skipped, nothing overwritten"
    return "changed on S3 since the plan was made; skipped, nothing overwritten"


def _single(conn: Connection, bucket: str, key: str, path: Path, extra_args: dict[str, Any],
            conditions: dict[str, str], before: os.stat_result) -> UploadedFile:
    body = read_whole(path, before.st_size)
    after = os.stat(path, follow_symlinks=False)
    if len(body) != before.st_size or after.st_mtime_ns != before.st_mtime_ns:
        raise FileChangedError(path, "changed while it was read")
    response = conn.call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=body, **extra_args,
                                                        **conditions))
    return UploadedFile(response.get("ETag", ""), response.get("VersionId", "") or "", before.st_size,
                        before.st_mtime_ns)


def _multipart(conn: Connection, bucket: str, key: str, path: Path, extra_args: dict[str, Any],
               conditions: dict[str, str], before: os.stat_result) -> UploadedFile:
    journal = UploadJournal()
    try:
        source = path.absolute()
        entry = journal.find(conn.identity, bucket, key, source)
        with ThreadPoolExecutor(engine.DEFAULT_PARALLEL_PARTS, thread_name_prefix="s3b-file-part") as pool:
            answer = MultipartUploader(conn, journal, pool).upload(
                source, bucket, key, extra_args, engine.DEFAULT_PART_SIZE, engine.DEFAULT_PARALLEL_PARTS,
                lambda n: None,
                TransferHandle(bucket, key), entry=entry, complete_args=conditions)
    finally:
        journal.close()
    return UploadedFile(answer.get("ETag", ""), answer.get("VersionId", "") or "", before.st_size,
                        before.st_mtime_ns)
