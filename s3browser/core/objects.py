"""Plain object operations: the documented Python API, usable with no Qt and no display.

Example::

    from s3browser.core import connect, upload_bytes, download_bytes, exists, delete
    conn = connect(endpoint_url="http://127.0.0.1:9000", access_key_id="AK", secret_access_key="SK")
    upload_bytes(conn, "my-bucket", "notes/hello.txt", b"hi")
    assert exists(conn, "my-bucket", "notes/hello.txt")
"""

from __future__ import annotations

import io
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from s3browser.core.connection import Connection
from s3browser.core.listing import iter_pages
from s3browser.core.profiles import SOURCE_ADHOC, Profile
from s3browser.core.secrets import Secrets


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
    result = []
    for page in iter_pages(conn, bucket, prefix, delimiter="" if recursive else "/"):
        result.extend(ObjectInfo(k, s, m, c) for k, s, m, c in
                      zip(page.keys, page.sizes, page.mtimes, page.storage_classes))
    return result


def list_folders(conn: Connection, bucket: str, prefix: str = "") -> list[str]:
    """The sub-prefixes ("folders") directly under ``prefix``."""
    folders: list[str] = []
    for page in iter_pages(conn, bucket, prefix):
        folders.extend(page.folders)
    return folders


def guess_content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def upload_bytes(conn: Connection, bucket: str, key: str, data: bytes, content_type: str | None = None) -> None:
    """Store ``data`` at ``key`` (one PutObject; use upload_file for big data)."""
    conn.call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=data,
                                             ContentType=content_type or guess_content_type(key)))


def upload_file(conn: Connection, bucket: str, key: str, path: str | os.PathLike[str],
                content_type: str | None = None) -> None:
    """Upload a local file: one PutObject up to 64 MiB, else the app's own multipart uploader
    (parallel parts; aborted if the file changes meanwhile, so the object stays as it was)."""
    from concurrent.futures import ThreadPoolExecutor

    from s3browser.core.multipart_upload import MultipartUploader
    from s3browser.core.transfers import (
        DEFAULT_PARALLEL_PARTS,
        DEFAULT_PART_SIZE,
        SINGLE_PUT_LIMIT,
        TransferHandle,
    )

    source = Path(path)
    extra = {"ContentType": content_type or guess_content_type(os.fspath(path))}
    if source.stat().st_size <= SINGLE_PUT_LIMIT:
        body = source.read_bytes()
        conn.call(bucket, lambda c: c.put_object(Bucket=bucket, Key=key, Body=body, **extra))
        return
    with ThreadPoolExecutor(DEFAULT_PARALLEL_PARTS, thread_name_prefix="s3b-api-part") as pool:
        MultipartUploader(conn, None, pool).upload(source, bucket, key, extra, DEFAULT_PART_SIZE,
                                                   DEFAULT_PARALLEL_PARTS, lambda n: None, TransferHandle(bucket, key))


def download_bytes(conn: Connection, bucket: str, key: str) -> bytes:
    buffer = io.BytesIO()
    conn.call(bucket, lambda c: c.download_fileobj(bucket, key, buffer))
    return buffer.getvalue()


def download_file(conn: Connection, bucket: str, key: str, path: str | os.PathLike[str]) -> Path:
    """Download to ``path`` through a temporary file (random name, ``O_EXCL``) in the same folder,
    renamed into place only when complete."""
    from s3browser.core.local_writes import TargetFolder

    target = Path(path).absolute()
    with TargetFolder(target.parent, target) as folder:
        temp, handle = folder.create_temp()
        try:
            with handle:
                conn.call(bucket, lambda c: c.download_fileobj(bucket, key, handle))
                size = handle.seek(0, os.SEEK_END)  # ranges arrive in any order: the position is not the end
            folder.commit(temp, size)
        except BaseException:
            folder.remove(temp)
            raise
    return target


def exists(conn: Connection, bucket: str, key: str) -> bool:
    """True if ``key`` exists; other errors (denied, no bucket) are raised, not hidden as False."""
    try:
        conn.call(bucket, lambda c: c.head_object(Bucket=bucket, Key=key))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
            raise
        # A HEAD 404 has no body, so a missing bucket looks like a missing key: ask the bucket.
        try:
            conn.call(bucket, lambda c: c.head_bucket(Bucket=bucket))
        except ClientError as bucket_exc:
            if bucket_exc.response.get("Error", {}).get("Code") in {"404", "NoSuchBucket", "NotFound"}:
                raise ClientError({"Error": {"Code": "NoSuchBucket", "Message": "The bucket does not exist",
                                             "BucketName": bucket}}, "HeadObject") from exc
            raise
        return False
    return True


def delete(conn: Connection, bucket: str, key: str) -> None:
    """Delete one object (in a versioned bucket this adds a delete marker)."""
    conn.call(bucket, lambda c: c.delete_object(Bucket=bucket, Key=key))
