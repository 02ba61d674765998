"""Default encryption of new objects: SSE-S3 (AES256) or SSE-KMS with a key and the bucket key.

AWS encrypts every new object with SSE-S3 when nothing else is set; other servers may store
objects unencrypted.  Turning default encryption off deletes the configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.common import read_setting, write_setting
from s3browser.core.s3.connection import Connection

SSE_S3, SSE_KMS, SSE_KMS_DSSE, NONE = "AES256", "aws:kms", "aws:kms:dsse", ""
ALGORITHM_LABELS = {NONE: "None", SSE_S3: "SSE-S3 (keys managed by S3)", SSE_KMS: "SSE-KMS (AWS KMS key)",
                    SSE_KMS_DSSE: "DSSE-KMS (two layers, AWS KMS key)"}
_KEY_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
                     r"|^mrk-[0-9a-fA-F]{32}$")
_ALIAS = re.compile(r"^alias/[A-Za-z0-9/_-]{1,250}$")
_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/\S+$")


@dataclass(frozen=True)
class DefaultEncryption:
    algorithm: str = NONE
    kms_key: str = ""  # key id, alias or ARN; "" means the AWS managed key (aws/s3)
    bucket_key: bool = False

    @property
    def uses_kms(self) -> bool:
        return self.algorithm in (SSE_KMS, SSE_KMS_DSSE)


def kms_key_problem(key: str) -> str | None:
    """Why S3 would refuse ``key`` as a KMS key reference, or None ("" is the AWS managed key)."""
    key = key.strip()
    if not key or _KEY_ID.match(key) or _ALIAS.match(key) or _ARN.match(key):
        return None
    return ("Enter a KMS key id (1234abcd-12ab-…), an alias (alias/my-key) or a key ARN, "
            "or leave it empty for the AWS managed key.")


def get_encryption(conn: Connection, bucket: str) -> DefaultEncryption:
    response = read_setting(conn, bucket, lambda c: c.get_bucket_encryption(Bucket=bucket),
                            {"ServerSideEncryptionConfigurationNotFoundError"})
    rules = ((response or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if not rules:
        return DefaultEncryption()
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {})
    return DefaultEncryption(default.get("SSEAlgorithm", NONE), default.get("KMSMasterKeyID", ""),
                             bool(rules[0].get("BucketKeyEnabled", False)))


def set_encryption(conn: Connection, bucket: str, encryption: DefaultEncryption) -> str:
    """Store ``encryption`` (NONE deletes the configuration); the sentence for the log."""
    problem = kms_key_problem(encryption.kms_key) if encryption.uses_kms else None
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    if encryption.algorithm == NONE:
        write_setting(conn, bucket, "default encryption", lambda c: c.delete_bucket_encryption(Bucket=bucket))
        return f"Default encryption of bucket “{bucket}” was turned off."
    default = {"SSEAlgorithm": encryption.algorithm}
    if encryption.uses_kms and encryption.kms_key.strip():
        default["KMSMasterKeyID"] = encryption.kms_key.strip()
    rule = {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": encryption.uses_kms and
            encryption.bucket_key}
    write_setting(conn, bucket, "default encryption", lambda c: c.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}))
    label = ALGORITHM_LABELS[encryption.algorithm].split(" (")[0]
    key = f" with key {encryption.kms_key.strip()}" if encryption.uses_kms and encryption.kms_key.strip() else ""
    return f"New objects in bucket “{bucket}” are now encrypted with {label}{key}."
