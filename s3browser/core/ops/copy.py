"""Server-side object operations: copy, move, rename, new folder, presigned links.

Copies never pass data through this machine.  Up to 5 GiB a single CopyObject keeps metadata and
content type (MetadataDirective=COPY) and tags (set explicitly); above that, s3transfer's multipart copy
(UploadPartCopy) is used and metadata, content type and tags are carried over explicitly, since
CreateMultipartUpload does not copy them.  A move is a copy followed by deleting the source, only
once the copy succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError
from s3transfer.manager import TransferConfig, TransferManager

from s3browser.core.ops.objects import exists
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import S3BrowserError, is_unsupported
from s3browser.core.s3.listing import find_existing, iter_pages

GiB = 1024 ** 3
MiB = 1024 ** 2
COPY_OBJECT_LIMIT = 5 * GiB  # the largest object a single CopyObject may copy
COPY_PART_SIZE = 256 * MiB
_KEPT_HEADERS = {"ContentType": "ContentType", "CacheControl": "CacheControl",
                 "ContentDisposition": "ContentDisposition", "ContentEncoding": "ContentEncoding",
                 "ContentLanguage": "ContentLanguage", "Expires": "Expires", "StorageClass": "StorageClass"}


def copy_object(conn: Connection, source_bucket: str, source_key: str, bucket: str, key: str, size: int,
                multipart_threshold: int = COPY_OBJECT_LIMIT,
                on_progress: Callable[[int], None] | None = None, storage_class: str | None = None) -> None:
    """Copy one object server-side, keeping metadata, content type, tags and storage class.

    CopyObject writes STANDARD unless told otherwise, so the source's class (asked with HeadObject
    when ``storage_class`` is None) is passed on.
    """
    source = {"Bucket": source_bucket, "Key": source_key}
    client = conn.client_for(bucket)
    if size < multipart_threshold:
        # Tags are set explicitly: several servers (moto among them) ignore TaggingDirective=COPY.
        tagging = _tagging(conn, source_bucket, source_key)
        extra: dict[str, Any] = {"Tagging": tagging, "TaggingDirective": "REPLACE"} if tagging else {}
        if storage_class is None:
            head = conn.call(source_bucket, lambda c: c.head_object(Bucket=source_bucket, Key=source_key))
            storage_class = head.get("StorageClass") or "STANDARD"
        if storage_class and storage_class != "STANDARD":
            extra["StorageClass"] = storage_class
        client.copy_object(Bucket=bucket, Key=key, CopySource=source, MetadataDirective="COPY", **extra)
        if on_progress:
            on_progress(size)
        return
    extra = _carried_over(conn, source_bucket, source_key)
    config = TransferConfig(multipart_threshold=multipart_threshold,
                            multipart_chunksize=max(5 * MiB, min(COPY_PART_SIZE, multipart_threshold)))
    subscribers = [CopyProgress(on_progress)] if on_progress else []
    with TransferManager(client, config) as manager:
        manager.copy(source, bucket, key, extra_args=extra, subscribers=subscribers,
                     source_client=conn.client_for(source_bucket)).result()


def _carried_over(conn: Connection, bucket: str, key: str) -> dict[str, Any]:
    head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    extra: dict[str, Any] = {arg: head[field_] for field_, arg in _KEPT_HEADERS.items() if head.get(field_)}
    if head.get("Metadata"):
        extra["Metadata"] = head["Metadata"]
    extra["MetadataDirective"] = "REPLACE"  # with exactly the source's values, read above
    tagging = _tagging(conn, bucket, key)
    if tagging:
        extra["Tagging"] = tagging
        extra["TaggingDirective"] = "REPLACE"
    return extra


def _tagging(conn: Connection, bucket: str, key: str) -> str:
    """The object's tags as a Tagging header value ("" when none, or when tags are not supported)."""
    try:
        tags = conn.call(bucket, lambda c: c.get_object_tagging(Bucket=bucket, Key=key)).get("TagSet", [])
    except ClientError as exc:
        if is_unsupported(exc):
            return ""
        raise
    return urlencode([(t["Key"], t["Value"]) for t in tags])


class CopyProgress:
    """An s3transfer subscriber reporting copied bytes (duck-typed: s3transfer calls on_progress)."""

    def __init__(self, callback: Callable[[int], None]) -> None:
        self._callback = callback

    def on_queued(self, **kwargs: Any) -> None: ...

    def on_progress(self, bytes_transferred: int, **kwargs: Any) -> None:
        self._callback(bytes_transferred)

    def on_done(self, **kwargs: Any) -> None: ...


def delete_source(conn: Connection, bucket: str, key: str) -> None:
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))


@dataclass
class CopyItem:
    source_key: str
    key: str
    size: int


@dataclass
class CopyPlan:
    """Which keys a copy or move of a selection touches, and where each one goes."""

    source_bucket: str
    bucket: str
    items: list[CopyItem] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)  # destination keys that already exist
    move: bool = False

    @property
    def total_size(self) -> int:
        return sum(i.size for i in self.items)


def plan_copy(conn: Connection, source_bucket: str, base_prefix: str, keys: dict[str, int], folders: list[str],
              bucket: str, prefix: str, move: bool = False,
              should_stop: Callable[[], bool] = lambda: False) -> CopyPlan:
    """Map ``keys`` and everything under ``folders`` from ``base_prefix`` to ``prefix`` in ``bucket``."""
    plan = CopyPlan(source_bucket, bucket, move=move)
    for folder in folders:
        if bucket == source_bucket and (prefix + folder[len(base_prefix):]).startswith(folder):
            raise S3BrowserError(f"Cannot copy or move “{folder}” into itself.", kind="invalid")
    for key, size in keys.items():
        plan.items.append(CopyItem(key, prefix + key[len(base_prefix):], size))
    for folder in folders:
        for page in iter_pages(conn, source_bucket, folder, delimiter="", should_stop=should_stop,
                               include_marker=True):
            plan.items.extend(CopyItem(k, prefix + k[len(base_prefix):], s)
                              for k, s in zip(page.keys, page.sizes, strict=True))
    if any(i.key == i.source_key for i in plan.items) and bucket == source_bucket:
        raise S3BrowserError("The source and the destination are the same.", kind="invalid")
    wanted = sorted({i.key for i in plan.items})
    if wanted:
        plan.existing = sorted(find_existing(conn, bucket, wanted, should_stop=should_stop))
    return plan


def plan_rename(conn: Connection, bucket: str, key: str, new_name: str, is_folder: bool, size: int = 0) -> CopyPlan:
    """A rename is a move of one object, or of a folder's keys, to a new name in the same folder."""
    problem = object_name_problem(new_name)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    parent = key.rstrip("/").rpartition("/")[0]
    parent = parent + "/" if parent else ""
    target = parent + new_name + ("/" if is_folder else "")
    if target == key:
        raise S3BrowserError("The new name is the same as the old one.", kind="invalid")
    if is_folder:
        plan = plan_copy(conn, bucket, key, {}, [key], bucket, target, move=True)
    else:
        plan = CopyPlan(bucket, bucket, [CopyItem(key, target, size)], move=True)
        plan.existing = [target] if _exists(conn, bucket, target) else []
    if plan.existing or (is_folder and _prefix_exists(conn, bucket, target)):
        raise S3BrowserError(f"“{new_name}” already exists here; choose another name.", kind="exists")
    return plan


def object_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be the name of a new object or folder in the current folder, or None."""
    if not name or not name.strip():
        return "Enter a name."
    if "/" in name:
        return "A name cannot contain “/” (that would make a folder path)."
    if name in (".", ".."):
        return "“.” and “..” are not allowed as names: most tools would misread them."
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "A name cannot contain control characters."
    if len(name.encode()) > 1024:
        return "A key can be at most 1,024 bytes long."
    return None


def create_folder(conn: Connection, bucket: str, prefix: str, name: str) -> str:
    """Create the folder marker ``prefix + name + "/"`` (an empty object); its key."""
    problem = object_name_problem(name)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    key = f"{prefix}{name}/"
    if _prefix_exists(conn, bucket, key):
        raise S3BrowserError(f"A folder named “{name}” already exists here.", kind="exists")
    conn.call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=b""))
    return key


def _exists(conn: Connection, bucket: str, key: str) -> bool:
    return exists(conn, bucket, key)


def _prefix_exists(conn: Connection, bucket: str, prefix: str) -> bool:
    response = conn.call(bucket, lambda c: c.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1))
    return bool(response.get("KeyCount") or response.get("Contents"))
