"""The one download route: an object (or one version of it) into a file below a folder the caller chose.

Every download in the app comes here, through :meth:`TransferEngine.download`: the queue's, sync's,
the Python API's ``download_file``, a version download and an opened copy.

* The file is written into a temporary file created with ``O_EXCL`` under a random name, in a
  folder opened below ``root`` without following links (:class:`~s3browser.core.local.writes.TargetFolder`):
  ``root`` is required, so a folder swapped for a link after the caller chose it is refused
  instead of written through.
* Small objects come in one GET that asks for the object's checksum headers, larger ones in
  parallel ranged GETs (:mod:`ranged_download`); every GET carries ``If-Match`` with the expected
  ETag, so an object replaced meanwhile fails as "changed" instead of mixing two versions.
* The finished file is verified (size; a full-object checksum, or the MD5 of a plain ETag), gets its
  modification time (the caller's, or the object's ``mtime`` metadata, or Last-Modified), and is
  renamed into place; ``before_commit`` lets a caller check and move aside what is there first
  (sync sends a file it replaces to the trash).
* A large download that is interrupted keeps its temporary file and how much of it is complete, and
  resumes with a ranged GET guarded by ``If-Match``.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.local.writes import TargetFolder
from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.journal import PartialDownload
from s3browser.core.transfers.mtime import object_mtime_ns
from s3browser.core.transfers.ranged_download import (
    READ_CHUNK,
    TrackedFile,
    download_ranges,
    get_unchanged,
    wants_md5,
)
from s3browser.core.transfers.verification import ObjectFacts, verify_download

if TYPE_CHECKING:
    from s3browser.core.transfers.handles import Completion, EngineSide, Progress, TransferHandle

log = logging.getLogger(__name__)

MiB = 1024 * 1024
DOWNLOAD_PART_SIZE = 32 * MiB
DOWNLOAD_CONCURRENCY = 4
RESUMABLE_DOWNLOAD_SIZE = DOWNLOAD_PART_SIZE  # larger downloads keep their temporary file when interrupted
DOWNLOAD_JOURNAL_STEP = 16 * MiB  # how often a running download records its complete prefix


@dataclass(frozen=True)
class DownloadedObject:
    """What a finished download wrote: the object it was, and the file's time."""

    etag: str
    version_id: str
    size: int
    mtime_ns: int
    metadata: dict[str, str]


class Download:
    """One download, from opening its folder to the final file checked in place."""

    def __init__(self, engine: EngineSide, bucket: str, key: str, target: Path, root: Path, size: int,
                 etag: str, mtime: float | None, progress: Progress, handle: TransferHandle, finish: Completion,
                 version_id: str = "", before_commit: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.bucket = bucket
        self.key = key
        self.target = target
        self.root = root
        self.size = size
        self.etag = etag
        self.mtime = mtime  # None: the object's own (``mtime`` metadata, else Last-Modified)
        self.version_id = version_id
        self.before_commit = before_commit
        self.progress = progress
        self.handle = handle
        self._finish = finish
        self.folder: TargetFolder | None = None
        self.temp_name = ""
        self.file: TrackedFile | None = None
        self.journal = engine.journal if size > RESUMABLE_DOWNLOAD_SIZE else None
        self._resumable = True  # false once the temporary file is known to be useless
        self._finish_lock = threading.Lock()
        self._finished = False

    def _version(self) -> dict[str, str]:
        return {"VersionId": self.version_id} if self.version_id else {}

    def start(self) -> None:
        try:
            self.folder = TargetFolder(self.root, self.target)
            if self._try_resume():
                return
            self.temp_name, raw = self.folder.create_temp()
            self.file = TrackedFile(raw, on_advance=self._record if self.journal else None,
                                    journal_step=DOWNLOAD_JOURNAL_STEP, hash_md5=wants_md5(self.etag))
            fetch = self._fetch_whole if self.size < DOWNLOAD_PART_SIZE else self._fetch_ranges
            self.handle._future = self.engine._run(self.engine._download_pool, self.finish, fetch)
        except BaseException as exc:  # noqa: BLE001 - completion fires on every path
            self.finish(exc)

    # ---------------------------------------------------------------- resuming from an earlier temporary file
    def _try_resume(self) -> bool:
        assert self.folder is not None
        if self.journal is None:
            return False
        partial = self.journal.find_download(self.engine.connection.identity, self.bucket, self.key, self.target)
        if partial is None:
            return False
        raw = self.folder.open_temp(partial.temp_path.name) if partial.temp_path.parent == self.target.parent \
            else None
        usable = raw is not None and partial.etag == self.etag and partial.size == self.size and \
            os.fstat(raw.fileno()).st_size >= partial.valid_bytes
        if not usable:
            if raw is not None:
                raw.close()
            self.journal.forget_download(partial.temp_path)
            self.folder.remove(partial.temp_path.name)
            return False
        self.temp_name = partial.temp_path.name
        self.file = TrackedFile(raw, prefix=partial.valid_bytes, on_advance=self._record,
                                journal_step=DOWNLOAD_JOURNAL_STEP, hash_md5=wants_md5(self.etag))
        self.handle.resumed_bytes = partial.valid_bytes
        self.progress.on_progress(None, partial.valid_bytes)
        log.info("resuming the download of s3://%s/%s at byte %d", self.bucket, self.key, partial.valid_bytes)
        self.handle._future = self.engine._run(self.engine._small_pool, self.finish, self._fetch_rest)
        return True

    def _fetch_ranges(self) -> None:
        assert self.file is not None
        download_ranges(self.engine.connection.client, self.bucket, self.key, self.size, self.etag, self.file,
                        self.engine._range_pool, DOWNLOAD_PART_SIZE, DOWNLOAD_CONCURRENCY,
                        lambda n: self.progress.on_progress(None, n), lambda: self.handle.stopping,
                        **self._version())

    def _fetch_whole(self) -> None:
        """One GET that asks for the object's checksum headers (botocore checks them as it reads; ranged
        GETs do not ask: some servers answer them with the whole object's checksum)."""
        assert self.file is not None
        body = get_unchanged(self.engine.connection.client, self.bucket, self.key, self.etag, ChecksumMode="ENABLED",
                             **self._version())
        position = 0
        try:
            for chunk in body.iter_chunks(READ_CHUNK):
                if self.handle.stopping:
                    raise CancelledError()
                self.file.write_at(position, chunk)
                position += len(chunk)
                self.progress.on_progress(None, len(chunk))
        finally:
            body.close()

    def _fetch_rest(self) -> None:
        """One ranged GET for the bytes after the complete prefix, only if the object is the same."""
        assert self.file is not None
        offset = self.file.prefix
        self.file.raw.truncate(offset)
        self.file.seek(offset)
        if offset >= self.size:
            return
        try:
            answer = self.engine.connection.client.get_object(Bucket=self.bucket, Key=self.key,
                                                              Range=f"bytes={offset}-", IfMatch=self.etag,
                                                              **self._version())
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 412:
                self._resumable = False
                raise S3BrowserError(f"s3://{self.bucket}/{self.key} changed on the server since its download was "
                                     "interrupted; download it again.", kind="changed") from None
            raise
        body = answer["Body"]
        try:
            for chunk in body.iter_chunks(READ_CHUNK):
                if self.handle.stopping:
                    raise CancelledError()
                self.file.write(chunk)
                self.progress.on_progress(None, len(chunk))
        finally:
            body.close()

    def _record(self, prefix: int) -> None:
        if self.journal is None or self.folder is None:
            return
        self.journal.record_download(PartialDownload(
            self.folder.temp_path(self.temp_name), self.engine.connection.identity, self.bucket, self.key,
            self.target, self.etag, self.size, prefix))

    # ---------------------------------------------------------------- the end, on every path
    def finish(self, error: BaseException | None) -> None:
        with self._finish_lock:
            if self._finished:
                return
            self._finished = True
        facts = self.engine._take_facts(self.bucket, self.key, self.version_id)
        try:
            if error is None and self.file is not None and self.folder is not None:
                raw = self.file.raw
                raw.flush()
                try:
                    verify_download(raw, self.size, self.etag, facts, md5_hex=self.file.md5_hex(self.size))
                except S3BrowserError:
                    self._resumable = False
                    raise
                mtime_ns = self._mtime_ns(facts)
                os.utime(raw.fileno(), ns=(mtime_ns, mtime_ns))
                if self.folder.target_exists():
                    # It replaces a file: its bytes reach the disk before the rename does, so a crash
                    # never leaves an empty file where the old one was.
                    os.fsync(raw.fileno())
                raw.close()
                if self.before_commit is not None:
                    self.before_commit()
                self.folder.commit(self.temp_name, self.size)
                self.handle.result = DownloadedObject(facts.etag if facts else self.etag,
                                                      facts.version_id if facts else self.version_id, self.size,
                                                      mtime_ns, dict(facts.metadata or {}) if facts else {})
                if self.journal is not None:
                    self.journal.forget_download(self.folder.temp_path(self.temp_name))
                self.temp_name = ""
        except BaseException as exc:  # noqa: BLE001 - verification, rename or the final check failed
            error = exc
        finally:
            try:
                self._clean_up(error)
            finally:
                self._finish(error)

    def _mtime_ns(self, facts: ObjectFacts | None) -> int:
        if self.mtime is not None:
            return int(self.mtime * 1e9)
        if facts is None:  # no answer was seen (cannot happen for a finished download): now
            return time.time_ns()
        return object_mtime_ns(facts.metadata or {}, facts.last_modified or time.time(),
                               where=f"s3://{self.bucket}/{self.key}")

    def _clean_up(self, error: BaseException | None) -> None:
        try:
            if self.file is not None and not self.file.raw.closed:
                self.file.raw.close()
            prefix = self.file.prefix if self.file is not None else 0
            keep = (error is not None and self.journal is not None and self._resumable and prefix > 0
                    and not self.handle.cancelled and bool(self.temp_name))
            if keep:
                self._record(prefix)
            elif self.folder is not None and self.temp_name:
                self.folder.remove(self.temp_name)
                if self.journal is not None:
                    self.journal.forget_download(self.folder.temp_path(self.temp_name))
        except OSError as exc:
            log.warning("could not clean up after downloading s3://%s/%s: %s", self.bucket, self.key, exc)
        finally:
            if self.folder is not None:
                self.folder.close()




def fetch_bytes(conn: Connection, bucket: str, key: str, version_id: str = "") -> bytes:
    """An object's bytes in memory, checked as a downloaded file is: the size it answered with, and a
    full-object checksum (asked for) or the MD5 of a plain ETag."""
    version = {"VersionId": version_id} if version_id else {}
    answer = conn.call(bucket, lambda c: c.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED", **version))
    body = answer["Body"]
    try:
        data = body.read()
    finally:
        body.close()
    facts = ObjectFacts.from_response(answer, answer.get("ResponseMetadata", {}).get("HTTPStatusCode", 200))
    verify_download(io.BytesIO(data), int(answer.get("ContentLength", len(data))), facts.etag, facts)
    return data
