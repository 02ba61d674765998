"""s3browser's Qt-free core: profiles, credentials, connections, listing and object operations.

This package is also the documented Python API::

    from s3browser.core import connect, list_buckets, list_objects, upload_bytes, download_bytes, exists, delete

Nothing here imports Qt; it runs without a display.
"""

from s3browser.core.buckets import bucket_name_problem, create_bucket, delete_bucket, empty_bucket
from s3browser.core.connection import Connection
from s3browser.core.deletion import count_for_delete, delete_batches
from s3browser.core.errors import S3BrowserError, UserError, describe
from s3browser.core.listing import BucketInfo, ListingPage, iter_pages, list_buckets
from s3browser.core.objects import (
    ObjectInfo,
    connect,
    delete,
    download_bytes,
    download_file,
    exists,
    list_folders,
    list_objects,
    upload_bytes,
    upload_file,
)
from s3browser.core.object_ops import copy_object, create_folder, plan_copy, plan_rename, presigned_url
from s3browser.core.profiles import Profile, ProfileStore
from s3browser.core.secrets import Secrets, SecretStore

__all__ = [
    "BucketInfo", "Connection", "ListingPage", "ObjectInfo", "Profile", "ProfileStore", "S3BrowserError",
    "SecretStore", "Secrets", "UserError", "connect", "delete", "describe", "download_bytes", "download_file",
    "exists", "iter_pages", "list_buckets", "list_folders", "list_objects", "upload_bytes", "upload_file",
    "bucket_name_problem", "create_bucket", "delete_bucket", "empty_bucket", "count_for_delete", "delete_batches",
    "copy_object", "create_folder", "plan_copy", "plan_rename", "presigned_url",
]
