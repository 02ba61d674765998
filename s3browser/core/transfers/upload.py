"""The one upload route: a local file to a key, through :meth:`TransferEngine.upload`.

Every upload in the app comes here: the queue's, sync's, the Python API's ``upload_file``, an
edited copy sent back, and (through :func:`put_bytes`) ``upload_bytes`` and new folder markers.

* A small file (up to the engine's ``small_file_limit``, or below its part size up to
  ``SINGLE_PUT_LIMIT``) is read whole, within the engine's memory budget, and sent in one
  PutObject: through awscrt (:mod:`crt_transport`) when it is there, botocore as the fallback.
* A larger one goes through the one multipart uploader (:mod:`multipart`): journalled, so a
  failure or an interruption leaves no parts on the server that nothing records, and the next
  upload of the same file to the same key resumes from them.
* The file is checked after the write: one that changed while it was read fails as "changed".
* A caller that planned what the key holds says so (``expect``: None for "must not exist", an
  ETag for "must still be that object"): the write then carries ``If-None-Match`` / ``If-Match``
  where the server honours them, and the key is checked just before it where not
  (:mod:`conditional`); a key that is not as expected fails with
  :class:`~s3browser.core.transfers.conditional.ObjectChanged` and nothing is overwritten.
"""

from __future__ import annotations

import functools
import logging
import os
import stat
from concurrent.futures import CancelledError
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.transfers.conditional import (
    ANY,
    ObjectChanged,
    changed_sentence,
    refused_condition,
    write_conditions,
)
from s3browser.core.transfers.crt_transport import UNREACHABLE, CrtFailure, headers_for
from s3browser.core.transfers.handles import Started
from s3browser.core.transfers.multipart import FileChangedError

if TYPE_CHECKING:
    from s3browser.core.s3.connection import Connection
    from s3browser.core.transfers.handles import Completion, EngineSide, Progress, TransferHandle
    from s3browser.core.transfers.options import UploadOptions

log = logging.getLogger(__name__)

MiB = 1024 * 1024
INLINE_START_LIMIT = 256 * 1024  # with start_small_inline: fast-path uploads this small start on the caller's thread
SINGLE_PUT_LIMIT = 64 * MiB  # a file below its part size and this size goes up in one PutObject


@dataclass(frozen=True)
class UploadedFile:
    """What an upload wrote: the new object, and the file as it was read."""

    etag: str
    version_id: str
    size: int
    mtime_ns: int


def read_whole(path: Path, size: int, follow_links: bool = True) -> bytes:
    """The file's bytes, read up to one byte past ``size`` so a file that grew is noticed.

    ``os.open``/``os.read`` rather than ``Path.read_bytes``: no buffered file object per small file.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        chunks = []
        left = size + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def put_bytes(conn: Connection, bucket: str, key: str, body: bytes, extra_args: dict[str, Any],
              expect: Any = ANY, probe_prefix: str = "") -> UploadedFile:
    """Store ``body`` at ``key`` in one PutObject, under the conditions of ``expect`` (see the module doc)."""
    conditions = write_conditions(conn, bucket, key, expect, multipart=False, probe_prefix=probe_prefix)
    try:
        answer = conn.call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=body, **extra_args,
                                                          **conditions))
    except Exception as exc:
        raise refused_condition(exc, expect) or exc from None
    return UploadedFile(answer.get("ETag", ""), answer.get("VersionId", "") or "", len(body), 0)


class Upload:
    """One upload, from choosing its path to the answer that finishes it."""

    def __init__(self, engine: EngineSide, path: Path, bucket: str, key: str, options: UploadOptions,
                 progress: Progress, handle: TransferHandle, finish: Completion, expect: Any = ANY,
                 probe_prefix: str = "", follow_links: bool = True) -> None:
        self.engine = engine
        self.path = path
        self.bucket = bucket
        self.key = key
        self.options = options
        self.progress = progress
        self.handle = handle
        self._done = finish
        self.expect = expect
        # A probe of conditional writes goes where this upload may write: beside the key by default.
        self.probe_prefix = probe_prefix or key[:key.rfind("/") + 1]
        self.follow_links = follow_links

    @functools.cached_property
    def extra_args(self) -> dict[str, Any]:
        """PutObject's arguments from the options (its content type guessed from the name once, not per step)."""
        return self.options.extra_args(self.path)

    def finish(self, error: BaseException | None) -> None:
        """End the upload; a write its conditions refused is "changed since the plan", nothing written."""
        self._done(None if error is None else (refused_condition(error, self.expect) or error))

    def _stat(self) -> os.stat_result:
        info = os.stat(self.path, follow_symlinks=self.follow_links)
        if not stat.S_ISREG(info.st_mode):
            raise FileChangedError(self.path, "is no longer a regular file")
        return info

    def start(self) -> None:
        """Choose the path by size; ``finish`` is called once, on a worker thread (or, with the engine's
        ``start_small_inline``, on this one before this returns if a small file cannot be read)."""
        engine = self.engine
        before = self._stat()  # raises now if the file is gone, before anything is queued
        size = before.st_size
        fast = engine.fast
        fast_ok = fast is not None and fast.enabled and headers_for(self.extra_args) is not None
        if fast_ok and engine.start_small_inline and size <= INLINE_START_LIMIT and self.expect is ANY:
            # Read and sent from the caller's thread: a hop through the pool cost a third of the
            # worker's CPU per 4 KiB file (GIL hand-offs), and the PUT does not wait here anyway.
            # (A conditional write may first have to probe the server: never on the caller's thread.)
            engine._run_here(self.finish, lambda: self._start_small_fast(before))
        elif fast_ok and size <= engine.small_file_limit:
            self.handle._future = engine._run(engine._small_pool, self.finish, self._start_small_fast)
        elif size <= engine.small_file_limit or (size < self.options.part_size and size <= SINGLE_PUT_LIMIT):
            self.handle._future = engine._run(engine._small_pool, self.finish, self._put_whole)
        else:
            self.handle._future = engine._run(engine._upload_pool, self.finish, self._put_multipart)

    def run_here(self) -> None:
        """As :meth:`start`, on this thread from start to end (or to the answer of a fast PUT): for a
        caller that waits for it anyway (sync items, the Python API), so no pool hop is paid."""
        engine = self.engine
        before = self._stat()
        size = before.st_size
        fast = engine.fast
        fast_ok = fast is not None and fast.enabled and headers_for(self.extra_args) is not None
        if fast_ok and size <= engine.small_file_limit:
            engine._run_here(self.finish, lambda: self._start_small_fast(before))
        elif size <= engine.small_file_limit or (size < self.options.part_size and size <= SINGLE_PUT_LIMIT):
            engine._run_here(self.finish, self._put_whole)
        else:
            engine._run_here(self.finish, self._put_multipart)

    def _conditions(self, multipart: bool) -> dict[str, str]:
        return write_conditions(self.engine.connection, self.bucket, self.key, self.expect, multipart,
                                self.probe_prefix)

    def _read(self, before: os.stat_result) -> bytes:
        body = read_whole(self.path, before.st_size, self.follow_links)
        if len(body) != before.st_size:
            raise S3BrowserError(f"{self.path.name} changed while it was being read; retry to upload the new "
                                 "version.", kind="changed")
        return body

    def _put_whole(self) -> None:
        if self.handle.stopping:
            raise CancelledError()
        engine = self.engine
        before = self._stat()
        conditions = self._conditions(multipart=False)
        held = engine._budget.acquire(before.st_size)
        try:
            # Bytes, not a file object: botocore then sends no "Expect: 100-continue", which would
            # cost a round trip per small file.
            body = self._read(before)
            answer = engine.connection.client.put_object(Bucket=self.bucket, Key=self.key, Body=body,
                                                         **self.extra_args, **conditions)
        finally:
            engine._budget.release(held)
        self._after_put(before, answer.get("ETag", ""), answer.get("VersionId", "") or "")

    def _start_small_fast(self, before: os.stat_result | None = None) -> None:
        """Read a small file and start its PutObject on the fast path without waiting for it.

        The pool thread is free again at once; the answer finishes the transfer on a CRT thread
        (a thread per waiting PUT cost more CPU in GIL hand-offs than the PUT itself).  As with
        botocore, cancelling does not stop a PUT already sent; it is cancelled before it starts.
        Nothing here keeps the request: a reference from the handle would close a cycle through
        awscrt's native binding that the garbage collector cannot see (every request stayed in
        memory, 160 MiB for 5,000 files); the transport holds it while it runs.
        """
        if self.handle.stopping:
            raise CancelledError()
        if before is None:  # started later on a pool thread: the size may have changed since
            before = self._stat()
        conditions = self._conditions(multipart=False)
        headers = headers_for({**self.extra_args, **conditions})
        if headers is None:
            self._put_whole()
            return
        body = self._read(before)
        fast = self.engine.fast
        assert fast is not None

        def answered(failure: CrtFailure | None, answer: dict[str, str]) -> None:
            if failure is not None and self.handle.stopping:
                self.finish(CancelledError())
            elif failure is not None and failure.status == 412 and conditions:
                self.finish(ObjectChanged(changed_sentence(self.expect)))
            elif failure is not None:
                # Sent again through botocore, whose answer (or error) stands.
                log.info("fast PutObject of s3://%s/%s failed (%s); sending it through botocore", self.bucket,
                         self.key, failure)
                self.engine._run(self.engine._small_pool, self.finish,
                                 lambda: self._put_again(body, before, failure, conditions))
            else:
                self.engine._run_here(self.finish, lambda: self._after_put(
                    before, answer.get("etag", ""), answer.get("x-amz-version-id", "")))

        fast.put_object(self.bucket, self.key, body, headers, answered)
        raise Started()

    def _put_again(self, body: bytes, before: os.stat_result, failure: CrtFailure,
                   conditions: dict[str, str]) -> None:
        fast = self.engine.fast
        try:
            answer = self.engine.connection.client.put_object(Bucket=self.bucket, Key=self.key, Body=body,
                                                              **self.extra_args, **conditions)
        except UNREACHABLE as exc:
            if fast is not None:
                fast.pause(f"{failure}; then {type(exc).__name__}")
            raise
        if fast is not None and not failure.transient:
            fast.demote(str(failure))  # botocore's request went through where ours did not
        self._after_put(before, answer.get("ETag", ""), answer.get("VersionId", "") or "")

    def _after_put(self, before: os.stat_result, etag: str, version_id: str) -> None:
        self.progress.on_progress(None, self.progress.total)
        after = os.stat(self.path, follow_symlinks=self.follow_links)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise S3BrowserError(f"{self.path.name} changed while it was being uploaded; retry to upload the new "
                                 "version.", kind="changed")
        self.handle.result = UploadedFile(etag, version_id, before.st_size, before.st_mtime_ns)

    def _put_multipart(self) -> None:
        if self.handle.stopping:
            raise CancelledError()
        engine = self.engine
        before = self._stat()
        conditions = self._conditions(multipart=True)
        journal = engine.journal
        entry = journal.find(engine.connection.identity, self.bucket, self.key, self.path) if journal else None
        answer = engine.uploader.upload(self.path, self.bucket, self.key, self.extra_args,
                                        self.options.part_size, self.options.parallel_parts,
                                        lambda n: self.progress.on_progress(None, n), self.handle,
                                        self.options.to_dict(), entry, complete_args=conditions)
        self.handle.result = UploadedFile(answer.get("ETag", ""), answer.get("VersionId", "") or "",
                                          before.st_size, before.st_mtime_ns)

