"""An object's properties: read them (HeadObject + GetObjectTagging), change them, restore archived copies.

S3 cannot change an object's metadata, system headers or storage class in place: the only way is
a server-side copy onto itself with ``MetadataDirective=REPLACE``.  :func:`apply_changes` does that
copy carrying over everything not being changed (the other headers, user metadata, tags, the
encryption), with a multipart copy above 5 GiB; tags alone are changed with PutObjectTagging,
which leaves the object (and its LastModified) untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import error_code, is_unsupported
from s3browser.core.transfers.server_copy import COPY_OBJECT_LIMIT, copy_object

# The system headers a user may edit: boto3 parameter -> label.
EDITABLE_HEADERS: dict[str, str] = {
    "ContentType": "Content type",
    "CacheControl": "Cache control",
    "ContentDisposition": "Content disposition",
    "ContentEncoding": "Content encoding",
    "ContentLanguage": "Content language",
}
STORAGE_CLASSES = ("STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER",
                   "DEEP_ARCHIVE", "REDUCED_REDUNDANCY")
ARCHIVED_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})  # must be restored before they can be read
MAX_TAGS = 10  # S3's limit of tags per object
RESTORE_TIERS = ("Expedited", "Standard", "Bulk")
# How long a restore takes, per storage class and tier, as AWS documents it.
_RESTORE_TIME = {
    ("GLACIER", "Expedited"): "1–5 minutes", ("GLACIER", "Standard"): "3–5 hours",
    ("GLACIER", "Bulk"): "5–12 hours",
    ("DEEP_ARCHIVE", "Standard"): "12 hours", ("DEEP_ARCHIVE", "Bulk"): "48 hours",
}
_CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256")


@dataclass
class ObjectProperties:
    """Everything HeadObject and GetObjectTagging say about one object, as plain data."""

    bucket: str
    key: str
    size: int = 0
    last_modified: float = 0.0  # epoch seconds
    etag: str = ""
    storage_class: str = "STANDARD"
    headers: dict[str, str] = field(default_factory=dict)  # EDITABLE_HEADERS present on the object
    expires: str = ""
    encryption: str = ""  # "AES256", "aws:kms", "aws:kms:dsse" or ""
    kms_key: str = ""
    bucket_key: bool = False
    checksums: dict[str, str] = field(default_factory=dict)  # "CRC32" -> value
    version_id: str = ""
    lock_mode: str = ""
    lock_until: float = 0.0
    legal_hold: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] | None = None  # None: the server does not support tags
    restore: str = ""  # the raw x-amz-restore header
    archive_status: str = ""

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def is_archived(self) -> bool:
        return self.storage_class in ARCHIVED_CLASSES

    @property
    def restore_status(self) -> str:
        """One sentence on an archived object's restored copy ("" for objects that need none)."""
        if not self.is_archived:
            return ""
        if not self.restore:
            return "Archived: restore it before it can be downloaded."
        if 'ongoing-request="true"' in self.restore:
            return "A restore is in progress."
        expiry = _restore_expiry(self.restore)
        return f"Restored; the copy can be downloaded until {expiry}." if expiry else "Restored."


def _restore_expiry(header: str) -> str:
    marker = 'expiry-date="'
    start = header.find(marker)
    if start < 0:
        return ""
    value = header[start + len(marker): header.find('"', start + len(marker))]
    try:
        return parsedate_to_datetime(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return value


def fetch_properties(conn: Connection, bucket: str, key: str, version_id: str = "") -> ObjectProperties:
    """HeadObject (with checksums) and GetObjectTagging for one object, or one version of it."""
    version = {"VersionId": version_id} if version_id else {}
    head = conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED", **version))
    props = ObjectProperties(bucket, key, size=head.get("ContentLength", 0), etag=head.get("ETag", ""),
                             storage_class=head.get("StorageClass") or "STANDARD",
                             version_id=head.get("VersionId", "") or "")
    if head.get("LastModified"):
        props.last_modified = head["LastModified"].timestamp()
    props.headers = {name: str(head[name]) for name in EDITABLE_HEADERS if head.get(name)}
    props.expires = str(head.get("ExpiresString") or head.get("Expires") or "")
    props.encryption = head.get("ServerSideEncryption", "") or ""
    props.kms_key = head.get("SSEKMSKeyId", "") or ""
    props.bucket_key = bool(head.get("BucketKeyEnabled"))
    props.checksums = {name.removeprefix("Checksum"): head[name] for name in _CHECKSUMS if head.get(name)}
    props.lock_mode = head.get("ObjectLockMode", "") or ""
    if head.get("ObjectLockRetainUntilDate"):
        props.lock_until = head["ObjectLockRetainUntilDate"].timestamp()
    props.legal_hold = head.get("ObjectLockLegalHoldStatus", "") or ""
    props.metadata = dict(head.get("Metadata") or {})
    props.restore = head.get("Restore", "") or ""
    props.archive_status = head.get("ArchiveStatus", "") or ""
    props.tags = fetch_tags(conn, bucket, key, version_id)
    return props


def fetch_tags(conn: Connection, bucket: str, key: str, version_id: str = "") -> dict[str, str] | None:
    """The object's tags; None when the server does not implement tagging or will not tell for this
    object (some servers refuse for archived objects)."""
    version = {"VersionId": version_id} if version_id else {}
    try:
        tag_set = conn.call(bucket, lambda c: c.get_object_tagging(Bucket=bucket, Key=key, **version))
    except ClientError as exc:
        # rclone serve s3 answers 500 here: tags are then shown as unavailable, not the whole object.
        if is_unsupported(exc) or error_code(exc) in ("InvalidObjectState", "500", "InternalError"):
            return None
        raise
    return {t["Key"]: t["Value"] for t in tag_set.get("TagSet", [])}


@dataclass
class PropertyChanges:
    """What the user changed; ``None`` (or a missing header) means "keep each object's own".

    A header set to "" is removed.  Applied to several objects, only these fields change on each.
    """

    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] | None = None
    tags: dict[str, str] | None = None
    storage_class: str | None = None

    @property
    def needs_copy(self) -> bool:
        """Headers, metadata and storage class can only change by copying the object onto itself."""
        return bool(self.headers) or self.metadata is not None or self.storage_class is not None

    @property
    def is_empty(self) -> bool:
        return not self.needs_copy and self.tags is None


def tags_problem(tags: dict[str, str], limit: int = MAX_TAGS, owner: str = "An object") -> str | None:
    """Why S3 would refuse these tags (an object's, or with ``limit`` 50 a bucket's), in one sentence, or None."""
    if len(tags) > limit:
        return f"{owner} can have at most {limit} tags (these are {len(tags)})."
    for tag_key, value in tags.items():
        if not tag_key.strip():
            return "A tag needs a key."
        if tag_key.startswith("aws:"):
            return f"Tag keys starting with “aws:” are reserved for AWS (“{tag_key[:40]}”)."
        if len(tag_key) > 128:
            return f"The tag key “{tag_key[:20]}…” is longer than 128 characters."
        if len(value) > 256:
            return f"The value of tag “{tag_key}” is longer than 256 characters."
    return None


def metadata_problem(metadata: dict[str, str]) -> str | None:
    """Why S3 would refuse this user metadata, in one sentence, or None."""
    for name, value in metadata.items():
        if not name.strip():
            return "A metadata entry needs a name."
        if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in name):
            return f"The metadata name “{name}” may only use letters, digits, “-”, “_” and “.”."
        if not value.isascii():
            return f"The value of metadata “{name}” must be plain ASCII text (S3 sends it as an HTTP header)."
    if sum(len(k) + len(v) for k, v in metadata.items()) > 2048:
        return "User metadata may be at most 2 KB in all."
    return None


def apply_changes(conn: Connection, bucket: str, key: str, changes: PropertyChanges,
                  on_progress: Callable[[int], None] | None = None,
                  multipart_threshold: int = COPY_OBJECT_LIMIT) -> str:
    """Apply ``changes`` to one object; returns a short note of what was done.

    Tags alone: PutObjectTagging.  Anything else: a copy of the object onto itself that keeps every
    property not being changed (read just before, so nothing set elsewhere meanwhile is lost except
    what the user changed).  Objects encrypted with a customer key (SSE-C) are refused: their key is
    not ours to send.
    """
    if changes.is_empty:
        return "Nothing to change."
    if not changes.needs_copy:
        assert changes.tags is not None
        put_tags(conn, bucket, key, changes.tags)
        return "Tags saved."
    current = fetch_properties(conn, bucket, key)
    if current.is_archived and changes.storage_class is None:
        raise S3BrowserError(f"{current.uri} is archived ({current.storage_class}); restore it or change its "
                             "storage class before changing its properties.", kind="invalid")
    extra = _copy_arguments(current, changes)
    copy_object(conn, bucket, key, bucket, key, current.size, replace=extra, on_progress=on_progress,
                multipart_threshold=multipart_threshold)
    return "Properties saved (the object was copied onto itself)."


def _copy_arguments(current: ObjectProperties, changes: PropertyChanges) -> dict[str, Any]:
    headers = dict(current.headers)
    for name, value in changes.headers.items():
        if value:
            headers[name] = value
        else:
            headers.pop(name, None)
    extra: dict[str, Any] = {"MetadataDirective": "REPLACE", **headers}
    extra["Metadata"] = changes.metadata if changes.metadata is not None else current.metadata
    storage_class = changes.storage_class or current.storage_class
    extra["StorageClass"] = storage_class
    if current.encryption:
        extra["ServerSideEncryption"] = current.encryption
        if current.kms_key:
            extra["SSEKMSKeyId"] = current.kms_key
        if current.bucket_key:
            extra["BucketKeyEnabled"] = True
    tags = changes.tags if changes.tags is not None else current.tags
    if tags is not None:  # unknown tags (a server without tagging) are left to the copy's default
        extra["Tagging"] = urlencode(sorted(tags.items()))
        extra["TaggingDirective"] = "REPLACE"
    return extra


def put_tags(conn: Connection, bucket: str, key: str, tags: dict[str, str]) -> None:
    """Replace the object's tags (an empty dict removes them all)."""
    problem = tags_problem(tags)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    if not tags:
        conn.call(bucket, lambda c: c.delete_object_tagging(Bucket=bucket, Key=key))
        return
    tag_set = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    conn.call(bucket, lambda c: c.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tag_set}))


def restore_time(storage_class: str, tier: str) -> str:
    """How long AWS says a restore takes ("" when that tier is not offered for the class)."""
    return _RESTORE_TIME.get((storage_class, tier), "")


def request_restore(conn: Connection, bucket: str, key: str, days: int, tier: str, storage_class: str) -> str:
    """Ask S3 to restore a temporary copy of an archived object for ``days``; one sentence on when."""
    if not 1 <= days <= 30000:
        raise S3BrowserError("Keep the restored copy between 1 and 30,000 days.", kind="invalid")
    if tier not in RESTORE_TIERS or not restore_time(storage_class, tier):
        raise S3BrowserError(f"The {tier} tier cannot restore from {storage_class}.", kind="invalid")
    conn.call(bucket, lambda c: c.restore_object(Bucket=bucket, Key=key, RestoreRequest={
        "Days": days, "GlacierJobParameters": {"Tier": tier}}))
    return (f"Restore of {key.rpartition('/')[2]} requested: the copy should be ready in about "
            f"{restore_time(storage_class, tier)} and is kept for {days:,} day{'s' if days != 1 else ''}.")
