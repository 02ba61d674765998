"""The documented Python API, usable with no Qt and no display.

Example::

    from s3browser.core import connect, upload_bytes, download_bytes, exists, delete
    conn = connect(endpoint_url="http://127.0.0.1:9000", access_key_id="AK", secret_access_key="SK")
    upload_bytes(conn, "my-bucket", "notes/hello.txt", b"hi")
    assert exists(conn, "my-bucket", "notes/hello.txt")

Everything ``s3browser.core`` exports is defined or gathered here; the rest of ``core/`` is grouped
by domain (``base/``, ``s3/``, ``transfers/``, ``ops/``, ``local/``, ``settings/``, ``sync/``).  The
transfers here (``upload_file``, ``download_file``, ``upload_bytes``, ``download_bytes``,
``copy_object``) are the app's own routes, with the queue's guarantees.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from s3browser.core.base.errors import S3BrowserError, UserError
from s3browser.core.local.content_types import guess_content_type  # noqa: F401 - part of the API
from s3browser.core.ops.bucket_settings import (
    BucketGeneral,
    CorsRule,
    DefaultEncryption,
    LifecycleRule,
    PublicAccessBlock,
    Versioning,
    delete_policy,
    fetch_general,
    get_bucket_tags,
    get_cors,
    get_encryption,
    get_lifecycle,
    get_policy,
    get_public_access_block,
    get_versioning,
    set_bucket_tags,
    set_cors,
    set_encryption,
    set_lifecycle,
    set_policy,
    set_public_access_block,
    set_versioning,
)
from s3browser.core.ops.buckets import (
    bucket_name_problem,
    create_bucket,
    delete_bucket,
    empty_bucket,
)
from s3browser.core.ops.copy import create_folder, plan_copy, plan_rename
from s3browser.core.ops.delete import count_for_delete, delete_batches
from s3browser.core.ops.folder_stats import iter_folder_stats
from s3browser.core.ops.links import PresignedLink, presigned_link, presigned_url
from s3browser.core.ops.objects import delete, exists
from s3browser.core.ops.properties import PropertyChanges, apply_changes, fetch_properties, request_restore
from s3browser.core.ops.search import iter_search_pages
from s3browser.core.ops.undelete import plan_undelete, undelete
from s3browser.core.ops.versions import delete_version, download_version, iter_version_pages, restore_version
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import BucketInfo, ListingPage, iter_pages, list_buckets
from s3browser.core.settings.profiles import SOURCE_ADHOC, Profile, ProfileStore
from s3browser.core.settings.secrets import Secrets, SecretStore
from s3browser.core.transfers import routes
from s3browser.core.transfers.options import Overwrite, UploadOptions
from s3browser.core.transfers.server_copy import copy_object

__all__ = [
    "BucketInfo", "Connection", "ListingPage", "ObjectInfo", "Profile", "ProfileStore", "S3BrowserError",
    "SecretStore", "Secrets", "UserError", "connect", "delete", "describe", "download_bytes", "download_file",
    "exists", "iter_pages", "list_buckets", "list_folders", "list_objects", "upload_bytes", "upload_file",
    "guess_content_type",
    "bucket_name_problem", "create_bucket", "delete_bucket", "empty_bucket", "count_for_delete", "delete_batches",
    "copy_object", "create_folder", "plan_copy", "plan_rename", "presigned_url", "presigned_link", "PresignedLink",
    "PropertyChanges", "apply_changes", "fetch_properties", "request_restore", "iter_search_pages",
    "iter_folder_stats", "iter_version_pages", "restore_version", "delete_version", "download_version",
    "plan_undelete", "undelete",
    "BucketGeneral", "CorsRule", "DefaultEncryption", "LifecycleRule", "PublicAccessBlock", "Versioning",
    "fetch_general", "get_versioning", "set_versioning", "get_encryption", "set_encryption", "get_bucket_tags",
    "set_bucket_tags", "get_cors", "set_cors", "get_policy", "set_policy", "delete_policy", "get_lifecycle",
    "set_lifecycle", "get_public_access_block", "set_public_access_block",
]


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    last_modified: float  # epoch seconds
    storage_class: str


def connect(endpoint_url: str = "", access_key_id: str = "", secret_access_key: str = "",
            session_token: str = "", region: str = "", path_style: bool = False,
            verify_tls: bool = True) -> Connection:
    """A connection from explicit values; with no keys, botocore's default credential chain is used."""
    profile = Profile(name="api", endpoint_url=endpoint_url, region=region, access_key_id=access_key_id,
                      path_style=path_style, verify_tls=verify_tls, source=SOURCE_ADHOC)
    secrets = Secrets(secret_access_key, session_token) if access_key_id else None
    return Connection(profile, secrets)


def list_objects(conn: Connection, bucket: str, prefix: str = "", recursive: bool = False) -> list[ObjectInfo]:
    """Objects under ``prefix``; one level (folders omitted) unless ``recursive``."""
    result: list[ObjectInfo] = []
    for page in iter_pages(conn, bucket, prefix, delimiter="" if recursive else "/"):
        result.extend(ObjectInfo(k, s, m, c) for k, s, m, c in
                      zip(page.keys, page.sizes, page.mtimes, page.storage_classes, strict=True))
    return result


def list_folders(conn: Connection, bucket: str, prefix: str = "") -> list[str]:
    """The sub-prefixes ("folders") directly under ``prefix``."""
    folders: list[str] = []
    for page in iter_pages(conn, bucket, prefix):
        folders.extend(page.folders)
    return folders


def upload_bytes(conn: Connection, bucket: str, key: str, data: bytes, content_type: str | None = None) -> None:
    """Store ``data`` at ``key`` (one PutObject; use upload_file for big data)."""
    routes.upload_bytes(conn, bucket, key, data, content_type)


def upload_file(conn: Connection, bucket: str, key: str, path: str | os.PathLike[str],
                content_type: str | None = None) -> None:
    """Upload a local file through the app's one upload route: one PutObject for a small file, else
    the multipart uploader (parallel parts, journalled: an upload that fails or is interrupted is
    resumed by the next ``upload_file`` of the same file to the same key, or offered by the window
    at its next connect; aborted if the file changes meanwhile, so the object stays as it was)."""
    routes.upload_file(conn, bucket, key, Path(path), UploadOptions(Overwrite.OVERWRITE,
                                                                    content_type=content_type or ""))


def download_bytes(conn: Connection, bucket: str, key: str) -> bytes:
    """The object's bytes, checked against its size and checksum (or MD5 ETag) as a download is."""
    return routes.download_bytes(conn, bucket, key)


def download_file(conn: Connection, bucket: str, key: str, path: str | os.PathLike[str],
                  root: str | os.PathLike[str] | None = None) -> Path:
    """Download to ``path`` through the app's one download route: a temporary file (random name,
    ``O_EXCL``) verified against the object and renamed into place only when complete.

    ``root`` is the folder nothing may be written outside of (default: ``path``'s own folder):
    folders between it and ``path`` are made as needed and never followed if they are links."""
    target = Path(path).absolute()
    routes.download_file(conn, bucket, key, target, root=Path(root).absolute() if root is not None else target.parent)
    return target
