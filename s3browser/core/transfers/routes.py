"""The transfer routes as plain calls that wait: what sync, the Python API and one-off jobs use.

Each call runs on the one :class:`TransferEngine` of its connection in this process
(:func:`engine_for`), so a file moved here has exactly the guarantees of one moved by the queue:
the same upload (single PUT or journalled multipart, conditional where the caller planned the key),
the same download (verified, below a folder the caller chose, resumable), and the same memory budget
over all of them.  In a transfer worker process the worker's own engine is the one
(:func:`use_engine`), so sync items and queue transfers running there share its pools and budget.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from s3browser.core.local.content_types import guess_content_type
from s3browser.core.s3.connection import Connection
from s3browser.core.transfers.conditional import ANY
from s3browser.core.transfers.download import DownloadedObject, fetch_bytes
from s3browser.core.transfers.engine import TransferEngine
from s3browser.core.transfers.handles import Progress
from s3browser.core.transfers.journal import UploadJournal
from s3browser.core.transfers.options import UploadOptions
from s3browser.core.transfers.upload import UploadedFile, put_bytes

_engines: weakref.WeakKeyDictionary[Connection, TransferEngine] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def engine_for(conn: Connection) -> TransferEngine:
    """The engine this process runs ``conn``'s transfers on (made on first use, with the upload journal)."""
    with _lock:
        engine = _engines.get(conn)
        if engine is None:
            engine = _engines[conn] = TransferEngine(conn, journal=UploadJournal())
        return engine


def use_engine(conn: Connection, engine: TransferEngine) -> None:
    """Make ``engine`` the one for ``conn`` in this process (the worker's, the in-process queue's)."""
    with _lock:
        _engines[conn] = engine


def _wait(start: Any) -> Any:
    """Start a transfer with ``start(on_done)`` and wait for it; its handle's result, or its error."""
    finished = threading.Event()
    errors: list[BaseException | None] = []

    def done(error: BaseException | None) -> None:
        errors.append(error)
        finished.set()

    handle = start(done)
    try:
        finished.wait()
    except BaseException:  # Ctrl+C while waiting: stop the transfer, keep what resumes
        handle.interrupt()
        finished.wait()
        raise
    if errors[0] is not None:
        raise errors[0]
    return handle.result


def upload_file(conn: Connection, bucket: str, key: str, path: Path, options: UploadOptions | None = None, *,
                expect: Any = ANY, probe_prefix: str = "", follow_links: bool = True) -> UploadedFile:
    """Upload ``path`` to ``key`` and wait (see :mod:`upload` for ``expect`` and the guarantees)."""
    options = options or UploadOptions()
    engine = engine_for(conn)
    size = path.stat().st_size if follow_links else path.lstat().st_size
    return _wait(lambda done: engine.upload(path, bucket, key, options, Progress(size), done, expect=expect,
                                            probe_prefix=probe_prefix, follow_links=follow_links,
                                            caller_waits=True))


def download_file(conn: Connection, bucket: str, key: str, target: Path, *, root: Path, size: int | None = None,
                  etag: str | None = None, version_id: str = "", mtime: float | None = None,
                  before_commit: Any = None) -> DownloadedObject:
    """Download ``key`` (its ``version_id``) to ``target`` below ``root`` and wait (see :mod:`download`).

    With ``size`` and ``etag`` given (the caller planned the object) the download fails as "changed"
    unless the object is still that one; without them they are read first with a HEAD."""
    if size is None or etag is None:
        version = {"VersionId": version_id} if version_id else {}
        head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key, **version))
        size, etag = int(head.get("ContentLength", 0)), str(head.get("ETag", ""))
    engine = engine_for(conn)
    planned_size, planned_etag = size, etag
    return _wait(lambda done: engine.download(bucket, key, target, planned_size, planned_etag, mtime,
                                              Progress(planned_size), done, root=root, version_id=version_id,
                                              before_commit=before_commit))


def upload_bytes(conn: Connection, bucket: str, key: str, data: bytes, content_type: str | None = None, *,
                 expect: Any = ANY) -> UploadedFile:
    """Store ``data`` at ``key`` in one PutObject (conditional on ``expect`` as an upload is)."""
    return put_bytes(conn, bucket, key, data, {"ContentType": content_type or guess_content_type(key)},
                     expect=expect)


def download_bytes(conn: Connection, bucket: str, key: str, version_id: str = "") -> bytes:
    """The object's bytes, verified as a download is (size; full-object checksum or the MD5 ETag)."""
    return fetch_bytes(conn, bucket, key, version_id)
