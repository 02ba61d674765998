"""A bucket's settings, one module per setting: read each on its own, check input before sending,
write it, and return one sentence saying what changed (for the log and the status bar)."""

from s3browser.core.ops.bucket_settings.common import SettingUnsupported
from s3browser.core.ops.bucket_settings.cors import CorsRule, cors_problem, get_cors, set_cors
from s3browser.core.ops.bucket_settings.details import BucketDetails, bucket_details, iter_bucket_details
from s3browser.core.ops.bucket_settings.encryption import DefaultEncryption, get_encryption, set_encryption
from s3browser.core.ops.bucket_settings.general import BucketGeneral, ObjectLock, fetch_general
from s3browser.core.ops.bucket_settings.lifecycle import LifecycleRule, get_lifecycle, rules_problem, set_lifecycle
from s3browser.core.ops.bucket_settings.policy import delete_policy, get_policy, policy_problem, set_policy
from s3browser.core.ops.bucket_settings.public_access import (
    PublicAccessBlock,
    get_public_access_block,
    set_public_access_block,
)
from s3browser.core.ops.bucket_settings.tags import bucket_tags_problem, get_bucket_tags, set_bucket_tags
from s3browser.core.ops.bucket_settings.versioning import Versioning, get_versioning, set_versioning

__all__ = [
    "BucketDetails", "BucketGeneral", "CorsRule", "DefaultEncryption", "LifecycleRule", "ObjectLock",
    "PublicAccessBlock", "SettingUnsupported", "Versioning", "bucket_details", "bucket_tags_problem",
    "cors_problem", "delete_policy", "fetch_general", "get_bucket_tags", "get_cors", "get_encryption",
    "get_lifecycle", "get_policy", "get_public_access_block", "get_versioning", "iter_bucket_details",
    "policy_problem", "rules_problem", "set_bucket_tags", "set_cors", "set_encryption", "set_lifecycle",
    "set_policy", "set_public_access_block", "set_versioning",
]
