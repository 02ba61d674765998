"""The bucket's public access block: four switches that override ACLs and policies granting public access."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from s3browser.core.ops.bucket_settings.common import read_setting, write_setting
from s3browser.core.s3.connection import Connection

# field -> (S3's name, what it means in one line)
SWITCHES: dict[str, tuple[str, str]] = {
    "block_public_acls": ("BlockPublicAcls", "Refuse new ACLs that grant public access to the bucket or its objects."),
    "ignore_public_acls": ("IgnorePublicAcls", "Ignore every public ACL already on the bucket and its objects."),
    "block_public_policy": ("BlockPublicPolicy", "Refuse a bucket policy that grants public access."),
    "restrict_public_buckets": ("RestrictPublicBuckets",
                                "Limit a bucket with a public policy to AWS services and this account."),
}


@dataclass(frozen=True)
class PublicAccessBlock:
    block_public_acls: bool = False
    ignore_public_acls: bool = False
    block_public_policy: bool = False
    restrict_public_buckets: bool = False

    def to_s3(self) -> dict[str, bool]:
        return {SWITCHES[name][0]: value for name, value in asdict(self).items()}

    @property
    def all_on(self) -> bool:
        return all(asdict(self).values())


def get_public_access_block(conn: Connection, bucket: str) -> PublicAccessBlock:
    """The bucket's switches (all off when none were ever set)."""
    response = read_setting(conn, bucket, lambda c: c.get_public_access_block(Bucket=bucket),
                            {"NoSuchPublicAccessBlockConfiguration"})
    config = (response or {}).get("PublicAccessBlockConfiguration") or {}
    return PublicAccessBlock(**{name: bool(config.get(s3_name, False)) for name, (s3_name, _) in SWITCHES.items()})


def set_public_access_block(conn: Connection, bucket: str, block: PublicAccessBlock) -> str:
    """Store the four switches; the sentence for the log."""
    write_setting(conn, bucket, "the public access block", lambda c: c.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration=block.to_s3()))
    on = sum(asdict(block).values())
    if block.all_on:
        return f"All public access to bucket “{bucket}” is now blocked."
    return f"Public access block of bucket “{bucket}”: {on} of 4 switches on."
