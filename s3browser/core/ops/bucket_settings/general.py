"""A bucket's General facts: region, creation date, object lock and requester pays.

Each optional fact is read on its own: a server that lacks one (or keys that may not read it)
leaves that fact unknown, with the translated reason, and the rest still shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from s3browser.core.ops.bucket_settings.common import read_setting
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe

US_EAST_1 = "us-east-1"
_LEGACY_REGIONS = {"EU": "eu-west-1", "": US_EAST_1}


@dataclass
class ObjectLock:
    enabled: bool
    mode: str = ""  # the default retention: "GOVERNANCE", "COMPLIANCE" or "" for none
    days: int = 0
    years: int = 0


@dataclass
class BucketGeneral:
    name: str
    region: str
    created: float = 0.0  # epoch seconds, 0 when these keys may not list buckets
    object_lock: ObjectLock | None = None  # None: unknown (see ``unknown``)
    requester_pays: bool | None = None
    unknown: dict[str, str] = field(default_factory=dict)  # fact -> why it could not be read


def normalize_region(constraint: str | None) -> str:
    """GetBucketLocation's answer as a region name: none means us-east-1, "EU" is eu-west-1."""
    return _LEGACY_REGIONS.get(constraint or "", constraint or US_EAST_1)


def bucket_region(conn: Connection, bucket: str) -> str:
    response = conn.call(bucket, lambda c: c.get_bucket_location(Bucket=bucket))
    return normalize_region(response.get("LocationConstraint"))


def bucket_created(conn: Connection, bucket: str) -> float:
    """The creation date ListBuckets gives (0 when the keys may not list buckets)."""
    try:
        response = conn.client.list_buckets()
    except ClientError:
        return 0.0
    for item in response.get("Buckets", ()):
        if item.get("Name") == bucket:
            return float(item["CreationDate"].timestamp())
    return 0.0


def fetch_general(conn: Connection, bucket: str, created: float = 0.0) -> BucketGeneral:
    """Region (required), creation date, object lock and requester pays of ``bucket``."""
    general = BucketGeneral(bucket, bucket_region(conn, bucket), created or bucket_created(conn, bucket))
    try:
        lock = read_setting(conn, bucket, lambda c: c.get_object_lock_configuration(Bucket=bucket),
                            {"ObjectLockConfigurationNotFoundError"})
        general.object_lock = _object_lock(lock)
    except ClientError as exc:
        general.unknown["object_lock"] = describe(exc, bucket=bucket).message
    try:
        payment = conn.call(bucket, lambda c: c.get_bucket_request_payment(Bucket=bucket))
        general.requester_pays = payment.get("Payer") == "Requester"
    except ClientError as exc:
        general.unknown["requester_pays"] = describe(exc, bucket=bucket).message
    return general


def _object_lock(response: dict | None) -> ObjectLock:
    config = (response or {}).get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        return ObjectLock(False)
    retention = config.get("Rule", {}).get("DefaultRetention", {})
    return ObjectLock(True, retention.get("Mode", ""), int(retention.get("Days", 0)), int(retention.get("Years", 0)))
