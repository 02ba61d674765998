"""Conditional writes: an upload that cannot replace what it did not expect to find.

``If-None-Match: *`` makes a PUT (or the completion of a multipart upload) fail with 412 when the
key exists; ``If-Match: <etag>`` makes it fail when the object is no longer the one the caller saw.
AWS honours both (since 2024) and so do SeaweedFS and moto on PutObject; but ``rclone serve s3``
answers 200 and writes anyway, moto ignores ``If-Match`` on CompleteMultipartUpload, and other
servers may refuse the header outright.  A header a server ignores is worse than none: the caller
would trust it.  So each connection probes each kind once per bucket, on an object of its own
(named like this app's temporary files, which sync never copies nor deletes, and removed with all
its versions afterwards), and the caller falls back to a check just before the write when a kind
is not honoured, with a log line saying so.
"""

from __future__ import annotations

import logging
import secrets
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.writes import TEMP_PREFIX, TEMP_SUFFIX
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_missing_key, is_precondition_failed

log = logging.getLogger(__name__)

ANY = object()  # ``expect`` default: whatever the key holds may be replaced (the plain API, the queue)

_WRONG_ETAG = '"00000000000000000000000000000000"'


@dataclass(frozen=True)
class Support:
    """Which conditions a server was seen to honour for one bucket."""

    put: bool = False  # If-None-Match and If-Match on PutObject
    complete: bool = False  # the same on CompleteMultipartUpload


def condition_args(expected_etag: str | None) -> dict[str, str]:
    """The request parameters for "the key must not exist" (None) or "must still be this ETag"."""
    if expected_etag is None:
        return {"IfNoneMatch": "*"}
    etag = expected_etag.strip()
    return {"IfMatch": etag if etag.startswith('"') else f'"{etag}"'}  # rclone lists ETags unquoted


class ConditionalWrites:
    """What one connection's server honours, probed once per bucket and kind (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._put: dict[str, bool] = {}
        self._complete: dict[str, bool] = {}

    def put_supported(self, conn: Connection, bucket: str, prefix: str = "") -> bool:
        with self._lock:
            if bucket not in self._put:
                self._put[bucket] = _Probe(conn).run(bucket, prefix, multipart=False)
            return self._put[bucket]

    def complete_supported(self, conn: Connection, bucket: str, prefix: str = "") -> bool:
        with self._lock:
            if bucket not in self._complete:
                self._complete[bucket] = _Probe(conn).run(bucket, prefix, multipart=True)
            return self._complete[bucket]


class _Probe:
    """One probe of one kind of conditional write, on an object of its own."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def run(self, bucket: str, prefix: str, multipart: bool) -> bool:
        key = f"{prefix}{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
        kind = "CompleteMultipartUpload" if multipart else "PutObject"
        versions: list[str] = []
        try:
            first = self._call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=b""))
            versions.append(first.get("VersionId", ""))
            honoured = all(self._refused(bucket, key, args, multipart, versions)
                           for args in (condition_args(None), condition_args(_WRONG_ETAG)))
        except (ClientError, BotoCoreError) as exc:
            log.info("could not test conditional %s on s3://%s (%s); each write is checked just before it "
                     "instead", kind, bucket, exc)
            honoured = False
        finally:
            self._remove(bucket, key, versions)
        if not honoured:
            log.info("s3://%s does not honour If-Match / If-None-Match on %s: each such write is checked just "
                     "before it instead (another writer in between is not caught)", bucket, kind)
        return honoured

    def _refused(self, bucket: str, key: str, args: dict[str, str], multipart: bool, versions: list[str]) -> bool:
        """Whether a write under ``args`` that must fail did fail with 412 (an error the server raises
        for the header itself, such as 501, counts as not honoured)."""
        try:
            if multipart:
                answer = self._complete_one(bucket, key, args)
            else:
                answer = self._call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=b"", **args))
        except ClientError as exc:
            if is_precondition_failed(exc):
                return True
            log.info("s3://%s refused a conditional write (%s)", bucket, exc)
            return False
        versions.append(answer.get("VersionId", ""))
        return False

    def _complete_one(self, bucket: str, key: str, args: dict[str, str]) -> dict:
        upload = self._call(bucket, lambda c: c.create_multipart_upload(Bucket=bucket, Key=key))["UploadId"]
        try:
            etag = self._call(bucket, lambda c: c.upload_part(Bucket=bucket, Key=key, UploadId=upload,
                                                              PartNumber=1, Body=b"probe"))["ETag"]
            answer: dict = self._call(bucket, lambda c: c.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}, **args))
            return answer
        except BaseException:
            try:
                self._call(bucket, lambda c: c.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload))
            except (ClientError, BotoCoreError):
                log.warning("could not abort the probe upload of s3://%s/%s", bucket, key)
            raise

    def _remove(self, bucket: str, key: str, versions: list[str]) -> None:
        """Delete the probe object, every version of it that the probe made."""
        try:
            for version in dict.fromkeys(versions):
                if version and version != "null":
                    self._call(bucket, lambda c, v=version: c.delete_object(Bucket=bucket, Key=key, VersionId=v))
            if not any(v and v != "null" for v in versions):
                self._call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))
        except (ClientError, BotoCoreError) as exc:
            log.warning("could not remove the probe object s3://%s/%s (%s)", bucket, key, exc)

    def _call(self, bucket: str, operation: Any) -> Any:
        return self._conn.call(bucket, operation)


_by_connection: weakref.WeakKeyDictionary[Connection, ConditionalWrites] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def conditional_writes(conn: Connection) -> ConditionalWrites:
    """The one record of what ``conn``'s server honours (probed lazily, kept as long as the connection)."""
    with _registry_lock:
        found = _by_connection.get(conn)
        if found is None:
            found = _by_connection[conn] = ConditionalWrites()
        return found


class ObjectChanged(S3BrowserError):
    """The key is not what the caller planned on: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="changed")


def changed_sentence(expect: Any) -> str:
    if expect is None:
        return "appeared on S3 since the plan was made; skipped, nothing overwritten"
    return "changed on S3 since the plan was made; skipped, nothing overwritten"


def write_conditions(conn: Connection, bucket: str, key: str, expect: Any, multipart: bool,
                     probe_prefix: str = "") -> dict[str, str]:
    """The arguments that make a write to ``key`` conditional on ``expect`` (None: absent; an ETag: that
    object; :data:`ANY`: no condition).  Where the server does not honour them, the key is checked
    now instead (raising :class:`ObjectChanged`) and no arguments are returned.

    ``probe_prefix`` is where a probe may write its own object (a prefix the credentials may write to)."""
    if expect is ANY:
        return {}
    writes = conditional_writes(conn)
    honoured = (writes.complete_supported(conn, bucket, probe_prefix) if multipart
                else writes.put_supported(conn, bucket, probe_prefix))
    if honoured:
        return condition_args(expect)
    check_key(conn, bucket, key, expect)
    return {}


def check_key(conn: Connection, bucket: str, key: str, expect: str | None) -> None:
    """Raise :class:`ObjectChanged` unless the key is as expected: absent (None) or holding ``expect``.

    Absence is asked with a one-key listing, which answers 200 either way: a HEAD of a missing key
    ends in 404, and botocore's retry quota gives nothing back for a request that ended in an error,
    so on a flaky server every new file's check would use up retries that later requests need."""
    if expect is None:
        response = conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1))
        if any(entry.get("Key") == key for entry in response.get("Contents", [])):
            raise ObjectChanged(changed_sentence(None))
        return
    try:
        head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    except ClientError as exc:
        if is_missing_key(exc):
            raise ObjectChanged(changed_sentence(expect)) from None
        raise
    if head.get("ETag", "").strip().strip('"') != expect.strip().strip('"'):
        raise ObjectChanged(changed_sentence(expect))


def refused_condition(error: BaseException, expect: Any) -> ObjectChanged | None:
    """The :class:`ObjectChanged` a write under conditions failed with, or None for any other failure."""
    if expect is ANY or not isinstance(error, ClientError):
        return None
    if is_precondition_failed(error) or (expect is not None and is_missing_key(error)):
        return ObjectChanged(changed_sentence(expect))
    return None
