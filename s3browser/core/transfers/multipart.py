"""The one multipart uploader: create, journal, parts in a bounded pool, then complete or abort.

New and resumed uploads take the same path.  Each part is read whole before it is sent; a read
that comes back short means the file was truncated, and the upload fails at once with that reason
instead of leaving the server waiting for bytes that never come.  Before CompleteMultipartUpload
the file's size and modification time are checked again (and for files up to
``REREAD_LIMIT`` the bytes themselves, against a CRC of each part sent): a file edited during the
upload is aborted, so the object already on the server stays untouched.

What happens to the parts after a failure:

* the user cancelled, the file changed, or the failure is lasting (access denied): abort;
* paused, quitting, or a network or server failure: keep them, resume later from ListParts.

A journal row is removed only after its complete or abort succeeded; a failed abort marks the row,
and :func:`retry_pending_aborts` tries again at the next connect.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe, is_missing_upload, is_resumable_failure
from s3browser.core.transfers.bounded import run_bounded
from s3browser.core.transfers.crt_transport import UNREACHABLE, CrtFailure, CrtTransport
from s3browser.core.transfers.journal import JournalEntry, UploadJournal

log = logging.getLogger(__name__)

MiB = 1024 * 1024
MAX_PARTS = 10_000
REREAD_LIMIT = 64 * MiB  # files up to this size are re-read and compared before completing
MEMORY_BUDGET = 1024 * MiB  # part data held in memory at once, over every upload of an engine
class FileChangedError(S3BrowserError):
    """The local file changed (edited, truncated, replaced) while it was being uploaded."""

    def __init__(self, path: Path, how: str = "changed") -> None:
        super().__init__(f"{path.name} {how} while it was being uploaded; the upload was stopped and the object "
                         "on the server was left as it was. Retry to upload the new version.", kind="changed")


def part_size_for(size: int, wanted: int) -> int:
    """``wanted``, grown just enough that ``size`` fits in S3's 10,000 parts."""
    part = max(wanted, 5 * MiB)
    while -(-size // part) > MAX_PARTS:
        part *= 2
    return part


class MemoryBudget:
    """Bytes of part data allowed in memory at once; a part waits until its share is free."""

    def __init__(self, capacity: int = MEMORY_BUDGET) -> None:
        self.capacity = capacity
        self._free = capacity
        self._cond = threading.Condition()

    def acquire(self, amount: int) -> int:
        amount = min(amount, self.capacity)
        with self._cond:
            self._cond.wait_for(lambda: self._free >= amount)
            self._free -= amount
        return amount

    def release(self, amount: int) -> None:
        with self._cond:
            self._free += amount
            self._cond.notify_all()


class FileSlice(io.RawIOBase):
    """``length`` bytes of an open file from ``offset``, as a seekable stream botocore reads in chunks."""

    def __init__(self, source: Any, offset: int, length: int) -> None:
        super().__init__()
        self._source = source
        self._offset = offset
        self._length = length
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def __len__(self) -> int:
        return self._length

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = max(0, min(self._length, base + position))
        return self._position

    def read(self, size: int | None = -1) -> bytes:
        left = self._length - self._position
        if size is None or size < 0 or size > left:
            size = left
        if not size:
            data = b""
        elif hasattr(os, "pread"):
            data = os.pread(self._source.fileno(), size, self._offset + self._position)
        else:  # Windows: this slice's own file object, read by one thread at a time
            self._source.seek(self._offset + self._position)
            data = self._source.read(size)
        if size and len(data) < size:
            raise OSError(f"{self._source.name} was truncated while it was being uploaded")
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class MultipartUploader:
    """Runs multipart uploads for one connection; parts of every upload share one bounded pool."""

    def __init__(self, connection: Connection, journal: UploadJournal | None, part_pool: ThreadPoolExecutor,
                 budget: MemoryBudget | None = None, fast: CrtTransport | None = None) -> None:
        self.connection = connection
        self.journal = journal
        self.fast = fast  # parts go through awscrt when it is there (botocore is the fallback)
        self.keep_parts_on_stop = False  # set while quitting: interrupted uploads stay resumable
        self._pool = part_pool
        self._budget = budget or MemoryBudget()

    # ---------------------------------------------------------------- one upload, start to end
    def upload(self, path: Path, bucket: str, key: str, extra_args: dict[str, Any], part_size: int,
               parallel_parts: int, on_bytes: Callable[[int], None], handle: Any,
               options: dict[str, Any] | None = None, entry: JournalEntry | None = None,
               complete_args: dict[str, Any] | None = None) -> dict[str, Any]:
        """Upload ``path`` (resuming ``entry`` when given); raises what stopped it, returns the answer of
        CompleteMultipartUpload (ETag, VersionId).  ``complete_args`` are conditions for the completion
        (``IfNoneMatch`` / ``IfMatch``): a completion they refuse aborts the upload.

        ``handle`` is the caller's :class:`~s3browser.core.transfers.engine.TransferHandle`: its
        ``cancelled`` / ``interrupted`` flags are read between parts, and ``upload_id`` and
        ``resumed_bytes`` are set here.
        """
        before = os.stat(path)
        if entry is not None and (entry.size, entry.mtime_ns) != (before.st_size, before.st_mtime_ns):
            self.discard(entry)  # its parts are of an older version of the file
            entry = None
        etags: dict[int, str] = {}
        if entry is not None:
            on_server = self._resume_point(entry)
            if on_server is None:  # the server no longer has it: start over
                entry = None
            else:
                etags = on_server
        if entry is None:
            entry = self._create(path, bucket, key, extra_args, part_size_for(before.st_size, part_size),
                                 before, options or {})
        handle.upload_id = entry.upload_id
        if etags:
            handle.resumed_bytes = sum(entry.part_range(n)[1] for n in etags)
            on_bytes(handle.resumed_bytes)
            log.info("resuming s3://%s/%s: %d of %d parts already uploaded", bucket, key, len(etags),
                     entry.part_count)
        crcs: dict[int, int] = {}
        try:
            self._send_parts(path, entry, etags, crcs, parallel_parts, on_bytes, handle)
            self._check_unchanged(path, entry, crcs)
            answer: dict[str, Any] = self.connection.client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=entry.upload_id,
                MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]},
                **(complete_args or {}))
        except BaseException as exc:
            self._after_failure(entry, handle, exc)
            raise
        if self.journal is not None:
            self.journal.forget(entry.upload_id)
        return answer

    def _create(self, path: Path, bucket: str, key: str, extra_args: dict[str, Any], part_size: int,
                before: os.stat_result, options: dict[str, Any]) -> JournalEntry:
        answer = self.connection.client.create_multipart_upload(Bucket=bucket, Key=key, **extra_args)
        entry = JournalEntry(answer["UploadId"], self.connection.identity, bucket, key, path, before.st_size,
                             before.st_mtime_ns, part_size, options)
        if self.journal is not None:
            try:
                self.journal.record(entry)
            except Exception:
                self._abort(entry)  # an upload the journal cannot track must not stay on the server
                raise
        return entry

    def _resume_point(self, entry: JournalEntry) -> dict[int, str] | None:
        """Part number -> ETag of the parts that arrived whole; None when the upload is gone."""
        etags: dict[int, str] = {}
        paginator = self.connection.client.get_paginator("list_parts")
        try:
            for page in paginator.paginate(Bucket=entry.bucket, Key=entry.key, UploadId=entry.upload_id):
                for part in page.get("Parts", []):
                    number = part["PartNumber"]
                    if 1 <= number <= entry.part_count and part.get("Size") == entry.part_range(number)[1]:
                        etags[number] = part["ETag"]
        except ClientError as exc:
            if not is_missing_upload(exc):
                raise
            log.info("interrupted upload of s3://%s/%s is gone from the server; starting over", entry.bucket,
                     entry.key)
            if self.journal is not None:
                self.journal.forget(entry.upload_id)
            return None
        return etags

    def _send_parts(self, path: Path, entry: JournalEntry, etags: dict[int, str], crcs: dict[int, int],
                    parallel_parts: int, on_bytes: Callable[[int], None], handle: Any) -> None:
        """Send every part the server lacks, at most ``parallel_parts`` at a time; stop at the first failure."""
        missing = [n for n in range(1, entry.part_count + 1) if n not in etags]
        client = self.connection.client
        lock = threading.Lock()

        def send(number: int, should_stop: Callable[[], bool]) -> None:
            offset, length = entry.part_range(number)
            if entry.size > REREAD_LIMIT:
                # Streamed from the file: no part is held in memory (10 parts of 8 MiB in flight cost
                # 125 MiB as bytes); large files are checked by size and time, not re-read, anyway.
                etag = self._send_part_streamed(client, path, entry, number, offset, length)
                crc = 0
            else:
                held = self._budget.acquire(length)
                try:
                    try:
                        with open(path, "rb") as source:
                            source.seek(offset)
                            data = source.read(length)
                    except FileNotFoundError:
                        raise FileChangedError(path, "was removed") from None
                    if len(data) != length:
                        raise FileChangedError(path, "was truncated")
                    etag = self._send_part(client, entry, number, data)
                    crc = zlib.crc32(data)
                finally:
                    self._budget.release(held)
            with lock:
                etags[number] = etag
                crcs[number] = crc
            on_bytes(length)

        run_bounded(self._pool, missing, send, parallel_parts, lambda: handle.stopping)
        if len(etags) < entry.part_count:
            raise CancelledError()

    def _send_part(self, client: Any, entry: JournalEntry, number: int, data: bytes) -> str:
        """UploadPart through the fast path if it is on, else (or if it fails) botocore; the part's ETag."""
        fast = self.fast
        if fast is not None and fast.enabled:
            try:
                return fast.upload_part(entry.bucket, entry.key, entry.upload_id, number, data)
            except CrtFailure as failure:
                log.info("fast UploadPart %d of s3://%s/%s failed (%s); sending it through botocore", number,
                         entry.bucket, entry.key, failure)
                try:
                    etag = str(client.upload_part(Bucket=entry.bucket, Key=entry.key, UploadId=entry.upload_id,
                                                  PartNumber=number, Body=data)["ETag"])
                except UNREACHABLE as exc:
                    fast.pause(f"{failure}; then {type(exc).__name__}")
                    raise
                if not failure.transient:
                    fast.demote(str(failure))
                return etag
        return str(client.upload_part(Bucket=entry.bucket, Key=entry.key, UploadId=entry.upload_id,
                                      PartNumber=number, Body=data)["ETag"])

    @staticmethod
    def _send_part_streamed(client: Any, path: Path, entry: JournalEntry, number: int, offset: int,
                            length: int) -> str:
        try:
            source = open(path, "rb")  # noqa: SIM115 - closed below, after botocore has read it
        except FileNotFoundError:
            raise FileChangedError(path, "was removed") from None
        with source:
            if os.fstat(source.fileno()).st_size < offset + length:
                raise FileChangedError(path, "was truncated")
            body = FileSlice(source, offset, length)
            return str(client.upload_part(Bucket=entry.bucket, Key=entry.key, UploadId=entry.upload_id,
                                          PartNumber=number, Body=body)["ETag"])

    def _check_unchanged(self, path: Path, entry: JournalEntry, crcs: dict[int, int]) -> None:
        try:
            after = os.stat(path)
        except OSError:
            raise FileChangedError(path, "was removed") from None
        if (after.st_size, after.st_mtime_ns) != (entry.size, entry.mtime_ns):
            raise FileChangedError(path, "was truncated" if after.st_size < entry.size else "changed")
        if entry.size > REREAD_LIMIT or not crcs:
            return
        # An edit within the file system's timestamp resolution keeps size and mtime: compare the bytes.
        with open(path, "rb") as source:
            for number in sorted(crcs):
                offset, length = entry.part_range(number)
                source.seek(offset)
                if zlib.crc32(source.read(length)) != crcs[number]:
                    raise FileChangedError(path)

    # ---------------------------------------------------------------- after a failure
    def _after_failure(self, entry: JournalEntry, handle: Any, error: BaseException) -> None:
        keep = not handle.cancelled and not isinstance(error, FileChangedError) and (
            self.keep_parts_on_stop or handle.interrupted or is_resumable_failure(error))
        if keep:
            log.info("keeping the uploaded parts of s3://%s/%s to resume later", entry.bucket, entry.key)
            return
        self._abort(entry)

    def _abort(self, entry: JournalEntry) -> bool:
        """Abort; the journal row goes only once the server confirmed, else it waits for the next connect."""
        try:
            self.connection.client.abort_multipart_upload(Bucket=entry.bucket, Key=entry.key,
                                                          UploadId=entry.upload_id)
        except ClientError as exc:
            if not is_missing_upload(exc):
                return self._abort_failed(entry, exc)
        except BotoCoreError as exc:
            return self._abort_failed(entry, exc)
        if self.journal is not None:
            self.journal.forget(entry.upload_id)
        return True

    def _abort_failed(self, entry: JournalEntry, exc: BaseException) -> bool:
        log.warning("could not abort upload %s of s3://%s/%s (retried at the next connect): %s", entry.upload_id,
                    entry.bucket, entry.key, describe(exc).message)
        if self.journal is not None:
            self.journal.mark_abort_pending(entry.upload_id)
        return False

    def discard(self, entry: JournalEntry) -> bool:
        """Abort an interrupted upload nobody will resume."""
        return self._abort(entry)

    def retry_pending_aborts(self) -> int:
        """Abort the uploads whose abort failed earlier; how many are still pending."""
        if self.journal is None:
            return 0
        left = 0
        for entry in self.journal.pending_aborts(self.connection.identity):
            if not self._abort(entry):
                left += 1
        return left
