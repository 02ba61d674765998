"""Bucket versioning: read, enable, suspend.  A bucket that was ever versioned can never be
unversioned again, only suspended; MFA delete can only be changed with the root account's MFA
device, so it is shown, never set."""

from __future__ import annotations

from dataclasses import dataclass

from s3browser.core.ops.bucket_settings.common import write_setting
from s3browser.core.s3.connection import Connection

ENABLED, SUSPENDED, NEVER = "Enabled", "Suspended", ""


@dataclass(frozen=True)
class Versioning:
    status: str  # ENABLED, SUSPENDED or NEVER (never enabled)
    mfa_delete: bool = False

    @property
    def label(self) -> str:
        return {ENABLED: "Enabled", SUSPENDED: "Suspended"}.get(self.status, "Never enabled")


def get_versioning(conn: Connection, bucket: str) -> Versioning:
    response = conn.call(bucket, lambda c: c.get_bucket_versioning(Bucket=bucket))
    return Versioning(str(response.get("Status", NEVER)), response.get("MFADelete") == "Enabled")


def set_versioning(conn: Connection, bucket: str, enabled: bool) -> str:
    """Enable or suspend versioning; the sentence for the log."""
    status = ENABLED if enabled else SUSPENDED
    write_setting(conn, bucket, "versioning",
                  lambda c: c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status}))
    return f"Versioning of bucket “{bucket}” is now {'enabled' if enabled else 'suspended'}."
