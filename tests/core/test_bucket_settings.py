"""Bucket settings in core, against the moto server: each setting set, read back and compared;
input refused before any request; unsupported and denied answers translated."""

from __future__ import annotations

import pytest

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings import (
    CorsRule,
    DefaultEncryption,
    LifecycleRule,
    PublicAccessBlock,
    SettingUnsupported,
    cors_problem,
    delete_policy,
    fetch_general,
    get_bucket_tags,
    get_cors,
    get_encryption,
    get_lifecycle,
    get_policy,
    get_public_access_block,
    get_versioning,
    iter_bucket_details,
    policy_problem,
    rules_problem,
    set_bucket_tags,
    set_cors,
    set_encryption,
    set_lifecycle,
    set_policy,
    set_public_access_block,
    set_versioning,
)
from s3browser.core.ops.bucket_settings import cors as cors_module
from s3browser.core.ops.bucket_settings import lifecycle as lifecycle_module
from s3browser.core.ops.bucket_settings.encryption import SSE_KMS, SSE_S3, kms_key_problem
from s3browser.core.ops.bucket_settings.general import normalize_region
from s3browser.core.ops.bucket_settings.policy import TEMPLATES, denies_plain_http, public_statements
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.settings.secrets import Secrets
from tests.conftest import SECRET_KEY, _profile
from tests.support.fault_proxy import s3_error


@pytest.fixture
def bucket(s3_admin) -> str:
    s3_admin.create_bucket(Bucket="settings")
    return "settings"


def test_general_facts(conn, s3_admin, bucket) -> None:
    s3_admin.create_bucket(Bucket="euro", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    general = fetch_general(conn, bucket)
    assert general.region == "us-east-1" and general.created > 0
    assert general.object_lock is not None and not general.object_lock.enabled
    assert general.requester_pays is False and general.unknown == {}
    assert fetch_general(conn, "euro").region == "eu-west-1"
    assert normalize_region("EU") == "eu-west-1" and normalize_region(None) == "us-east-1"


def test_versioning_round_trip(conn, bucket) -> None:
    assert get_versioning(conn, bucket).label == "Never enabled"
    assert "enabled" in set_versioning(conn, bucket, True)
    assert get_versioning(conn, bucket).status == "Enabled"
    assert "suspended" in set_versioning(conn, bucket, False)
    assert get_versioning(conn, bucket).label == "Suspended"


def test_encryption_round_trip_and_key_check(conn, bucket) -> None:
    assert get_encryption(conn, bucket) == DefaultEncryption()
    kms = DefaultEncryption(SSE_KMS, "alias/team-key", bucket_key=True)
    assert "alias/team-key" in set_encryption(conn, bucket, kms)
    assert get_encryption(conn, bucket) == kms
    set_encryption(conn, bucket, DefaultEncryption(SSE_S3))
    assert get_encryption(conn, bucket) == DefaultEncryption(SSE_S3)
    assert "off" in set_encryption(conn, bucket, DefaultEncryption())
    assert get_encryption(conn, bucket) == DefaultEncryption()
    assert kms_key_problem("not a key") and kms_key_problem("") is None
    assert kms_key_problem("1234abcd-12ab-34cd-56ef-1234567890ab") is None
    assert kms_key_problem("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab") is None
    with pytest.raises(S3BrowserError):
        set_encryption(conn, bucket, DefaultEncryption(SSE_KMS, "my key"))


def test_tags_round_trip_and_limits(conn, bucket) -> None:
    assert get_bucket_tags(conn, bucket) == {}
    tags = {f"k{i}": "v" * 256 for i in range(50)}
    assert "50 tags" in set_bucket_tags(conn, bucket, tags)
    assert get_bucket_tags(conn, bucket) == tags
    with pytest.raises(S3BrowserError, match="at most 50"):
        set_bucket_tags(conn, bucket, {**tags, "one-more": "x"})
    with pytest.raises(S3BrowserError, match="reserved"):
        set_bucket_tags(conn, bucket, {"aws:x": "1"})
    set_bucket_tags(conn, bucket, {})
    assert get_bucket_tags(conn, bucket) == {}


def test_cors_round_trip_json_and_checks(conn, bucket) -> None:
    rules = [CorsRule(["https://app.example.com"], ["GET", "PUT"], ["*"], ["ETag"], 600),
             CorsRule(["*"], ["GET"])]
    assert "2 CORS rules" in set_cors(conn, bucket, rules)
    assert get_cors(conn, bucket) == rules
    assert cors_module.rules_from_json(cors_module.rules_to_json(rules)) == rules
    assert "origin" in cors_problem([CorsRule([], ["GET"])])
    assert "method" in cors_problem([CorsRule(["*"], ["FETCH"])])
    assert "scheme" in cors_problem([CorsRule(["example.com"], ["GET"])])
    with pytest.raises(S3BrowserError, match="line 1"):
        cors_module.rules_from_json("[{")
    with pytest.raises(S3BrowserError, match="AllowedOrigin"):
        cors_module.rules_from_json('[{"AllowedOrigin": ["*"]}]')
    set_cors(conn, bucket, [])
    assert get_cors(conn, bucket) == []


def test_policy_round_trip_templates_and_checks(conn, bucket) -> None:
    assert get_policy(conn, bucket) == ""
    for make in TEMPLATES.values():
        assert policy_problem(make(bucket)) is None
    text = TEMPLATES["Public read of one prefix"](bucket)
    assert public_statements(text) == ["PublicReadOfOnePrefix"]
    assert public_statements(TEMPLATES["Deny requests without TLS"](bucket)) == []
    assert denies_plain_http(TEMPLATES["Deny requests without TLS"](bucket))
    assert not denies_plain_http(text) and not denies_plain_http("{")
    assert "public" in set_policy(conn, bucket, text)
    assert get_policy(conn, bucket).replace(" ", "") == text.replace(" ", "")
    assert "line 2" in policy_problem('{\n  "Statement": [,]\n}')
    assert "Effect" in policy_problem('{"Statement": [{"Principal": "*", "Action": "s3:*", "Resource": "*"}]}')
    with pytest.raises(S3BrowserError):
        set_policy(conn, bucket, "{")
    assert "Deleted" in delete_policy(conn, bucket)
    assert get_policy(conn, bucket) == ""


def test_lifecycle_round_trip_and_checks(conn, bucket) -> None:
    rules = [
        LifecycleRule("tmp", True, "tmp/", expire_days=7, abort_days=2),
        LifecycleRule("archive", False, "logs/", {"team": "ops"}, noncurrent_days=30,
                      transitions=[(30, "STANDARD_IA"), (90, "GLACIER")]),
        LifecycleRule("uploads", True, abort_days=1),
    ]
    assert "3 lifecycle rules" in set_lifecycle(conn, bucket, rules)
    assert get_lifecycle(conn, bucket) == rules
    assert lifecycle_module.rules_from_json(lifecycle_module.rules_to_json(rules)) == rules
    assert "no action" in rules_problem([LifecycleRule("empty")])
    assert "30 days" in rules_problem([LifecycleRule("ia", transitions=[(10, "STANDARD_IA")])])
    assert "same name" in rules_problem([LifecycleRule("a", expire_days=1), LifecycleRule("a", expire_days=2)])
    with pytest.raises(S3BrowserError, match="no action"):
        set_lifecycle(conn, bucket, [LifecycleRule("empty")])
    set_lifecycle(conn, bucket, [])
    assert get_lifecycle(conn, bucket) == []


def test_lifecycle_keeps_what_the_form_does_not_edit() -> None:
    raw = {"ID": "dated", "Status": "Enabled", "Filter": {"And": {"Prefix": "a/", "ObjectSizeGreaterThan": 1024}},
           "Expiration": {"Date": "2030-01-01T00:00:00Z"},
           "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}]}
    rule = LifecycleRule.from_s3(raw)
    assert rule.prefix == "a/" and rule.has_action()
    assert rule.to_s3() == raw


def test_public_access_block_round_trip(conn, bucket) -> None:
    assert get_public_access_block(conn, bucket) == PublicAccessBlock()
    block = PublicAccessBlock(True, False, True, False)
    assert "2 of 4" in set_public_access_block(conn, bucket, block)
    assert get_public_access_block(conn, bucket) == block
    assert "All public access" in set_public_access_block(conn, bucket, PublicAccessBlock(True, True, True, True))


def test_bucket_details_stream_region_and_versioning(conn, s3_admin) -> None:
    for name in ("one", "two", "three"):
        s3_admin.create_bucket(Bucket=name)
    s3_admin.put_bucket_versioning(Bucket="two", VersioningConfiguration={"Status": "Enabled"})
    details = [d for batch in iter_bucket_details(conn, ["one", "two", "three", "missing-one"]) for d in batch]
    assert [(d.name, d.region, d.versioning) for d in details] == [
        ("one", "us-east-1", ""), ("two", "us-east-1", "Enabled"), ("three", "us-east-1", ""),
        ("missing-one", "", None)]


def test_unsupported_and_denied_are_translated(s3_admin, bucket, fault_proxy) -> None:
    fault_proxy.rules.append(lambda request: s3_error(501, "NotImplemented", "Not here.")
                             if "lifecycle" in request.path else None)
    fault_proxy.rules.append(lambda request: s3_error(403, "AccessDenied", "No.") if "policy" in request.path else None)
    fault_proxy.rules.append(lambda request: s3_error(409, "BucketAlreadyExists", "Exists.")
                             if request.method == "PUT" and "cors" in request.path else None)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY))
    try:
        with pytest.raises(Exception) as unsupported:
            get_lifecycle(conn, bucket)
        assert describe(unsupported.value).kind == "unsupported"
        with pytest.raises(Exception) as denied:
            get_policy(conn, bucket)
        assert describe(denied.value, bucket=bucket).kind == "denied"
        with pytest.raises(SettingUnsupported):
            set_cors(conn, bucket, [CorsRule(["*"], ["GET"])])
        assert get_bucket_tags(conn, bucket) == {}  # the other settings still work
    finally:
        conn.close()


def test_the_readme_bucket_settings_example_runs(conn, s3_admin) -> None:
    """The README's Python API example for bucket settings, run as written against moto."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    [example] = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "set_lifecycle" in block]
    s3_admin.create_bucket(Bucket="my-bucket")
    exec(compile(example, "README.md", "exec"), {"conn": conn})  # noqa: S102 - our own README
    assert s3_admin.get_bucket_versioning(Bucket="my-bucket")["Status"] == "Enabled"
    assert get_lifecycle(conn, "my-bucket")[0].abort_days == 7
    assert get_public_access_block(conn, "my-bucket").all_on
