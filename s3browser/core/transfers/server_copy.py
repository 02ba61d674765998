"""The one server-side copy: an object (or one version of it) to a key, no data through this machine.

Every copy in the app comes here: the queue's copies and moves, the trash (in and back out),
restoring an older version, and property edits (a copy onto itself).  Two modes:

* **keep** (``replace`` is None): the copy is the source as it is, with its metadata, system
  headers, tags and storage class.  Up to 5 GiB one CopyObject with ``MetadataDirective=COPY``;
  tags are set explicitly (several servers, moto among them, ignore ``TaggingDirective=COPY``),
  and the storage class is passed on (CopyObject writes STANDARD unless told).
* **replace**: the caller gives every argument of the new object (a property edit), with
  ``MetadataDirective=REPLACE``.

Above 5 GiB (``multipart_threshold``) s3transfer's multipart copy (UploadPartCopy) is used; as
CreateMultipartUpload copies nothing by itself, the keep mode reads the source's headers,
metadata and tags and passes them on explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError
from s3transfer.manager import TransferConfig, TransferManager

from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import is_unsupported

GiB = 1024 ** 3
MiB = 1024 ** 2
COPY_OBJECT_LIMIT = 5 * GiB  # the largest object a single CopyObject may copy
COPY_PART_SIZE = 256 * MiB
_KEPT_HEADERS = ("ContentType", "CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage",
                 "Expires", "StorageClass")


def copy_object(conn: Connection, source_bucket: str, source_key: str, bucket: str, key: str, size: int, *,
                version_id: str = "", replace: dict[str, Any] | None = None, storage_class: str | None = None,
                on_progress: Callable[[int], None] | None = None,
                multipart_threshold: int = COPY_OBJECT_LIMIT) -> None:
    """Copy ``source_key`` (its ``version_id``, default the latest) to ``key`` on the server.

    ``replace``: None keeps everything of the source (see the module doc); else the complete
    arguments of the new object.  ``storage_class`` (keep mode) saves a HeadObject when the caller
    knows the source's class from a listing.
    """
    source: dict[str, str] = {"Bucket": source_bucket, "Key": source_key}
    if version_id:
        source["VersionId"] = version_id
    client = conn.client_for(bucket)
    if size < multipart_threshold:
        extra = _without_empty_tagging(replace) if replace is not None else _kept_by_copy(
            conn, source_bucket, source_key, version_id, storage_class)
        client.copy_object(Bucket=bucket, Key=key, CopySource=source, **extra)
        if on_progress:
            on_progress(size)
        return
    # The directives stay: recent s3transfer (0.19) copies the source's headers over ours and skips
    # the tags unless told REPLACE; older ones drop the directives and send the rest to
    # CreateMultipartUpload.  The floor CI job runs this path on the oldest supported version.
    extra = _without_empty_tagging(replace) if replace is not None else _carried_over(
        conn, source_bucket, source_key, version_id)
    config = TransferConfig(multipart_threshold=multipart_threshold,
                            multipart_chunksize=max(5 * MiB, min(COPY_PART_SIZE, multipart_threshold)))
    subscribers = [CopyProgress(on_progress)] if on_progress else []
    with TransferManager(client, config) as manager:
        manager.copy(source, bucket, key, extra_args=extra, subscribers=subscribers,
                     source_client=conn.client_for(source_bucket)).result()


def delete_source(conn: Connection, bucket: str, key: str) -> None:
    """The second half of a move, called only once the copy succeeded."""
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))


def _kept_by_copy(conn: Connection, bucket: str, key: str, version_id: str,
                  storage_class: str | None) -> dict[str, Any]:
    """CopyObject's arguments that keep everything: metadata by the directive, tags and class explicitly."""
    extra: dict[str, Any] = {"MetadataDirective": "COPY"}
    tagging = _tagging(conn, bucket, key, version_id)
    if tagging:
        extra.update(Tagging=tagging, TaggingDirective="REPLACE")
    if storage_class is None:
        storage_class = _head(conn, bucket, key, version_id).get("StorageClass") or "STANDARD"
    if storage_class and storage_class != "STANDARD":
        extra["StorageClass"] = storage_class
    return extra


def _carried_over(conn: Connection, bucket: str, key: str, version_id: str) -> dict[str, Any]:
    """A multipart copy's arguments that keep everything, read from the source."""
    head = _head(conn, bucket, key, version_id)
    extra: dict[str, Any] = {name: head[name] for name in _KEPT_HEADERS if head.get(name)}
    if head.get("Metadata"):
        extra["Metadata"] = head["Metadata"]
    extra["MetadataDirective"] = "REPLACE"  # with exactly the source's values, read above
    tagging = _tagging(conn, bucket, key, version_id)
    if tagging:
        extra.update(Tagging=tagging, TaggingDirective="REPLACE")
    return extra


def _head(conn: Connection, bucket: str, key: str, version_id: str) -> dict[str, Any]:
    version = {"VersionId": version_id} if version_id else {}
    return conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key, **version))


def _tagging(conn: Connection, bucket: str, key: str, version_id: str = "") -> str:
    """The object's tags as a Tagging header value ("" when none, or when tags are not supported)."""
    version = {"VersionId": version_id} if version_id else {}
    try:
        tags = conn.call(bucket, lambda c: c.get_object_tagging(Bucket=bucket, Key=key, **version)).get("TagSet", [])
    except ClientError as exc:
        if is_unsupported(exc):
            return ""
        raise
    return urlencode([(t["Key"], t["Value"]) for t in tags])


def _without_empty_tagging(extra: dict[str, Any]) -> dict[str, Any]:
    """An empty Tagging header is refused by some servers; REPLACE with no Tagging clears the tags."""
    if extra.get("Tagging") == "":
        extra = {k: v for k, v in extra.items() if k != "Tagging"}
    return extra


class CopyProgress:
    """An s3transfer subscriber reporting copied bytes (duck-typed: s3transfer calls on_progress)."""

    def __init__(self, callback: Callable[[int], None]) -> None:
        self._callback = callback

    def on_queued(self, **kwargs: Any) -> None: ...

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        self._callback(bytes_transferred)

    def on_done(self, **kwargs: Any) -> None: ...
