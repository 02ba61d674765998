"""Every error case is caused for real over HTTP and translated into one clear message."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from s3browser.core.api import upload_bytes
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import iter_pages, list_buckets
from s3browser.core.settings.secrets import Secrets
from tests.conftest import FAST_FAILING, SECRET_KEY, ErrorScenario, _profile
from tests.support.fault_proxy import bucket_lives_in, s3_error


def test_each_error_has_one_clear_message(error_scenario: ErrorScenario) -> None:
    conn = Connection(error_scenario.profile, error_scenario.secrets, **FAST_FAILING)
    with pytest.raises(Exception) as info:
        if error_scenario.location.bucket:
            list(iter_pages(conn, error_scenario.location.bucket, ""))
        else:
            list_buckets(conn)
    error = describe(info.value, bucket=error_scenario.location.bucket or None)
    assert error.kind == error_scenario.kind, error.message
    assert error_scenario.text in error.message
    assert "Traceback" not in error.message
    if error_scenario.secrets:
        assert error_scenario.secrets.secret_access_key not in error.message


def test_access_denied_on_one_bucket_leaves_the_others_working(auth_moto_endpoint) -> None:
    endpoint, (key, secret) = auth_moto_endpoint
    from s3browser.core.settings.secrets import Secrets

    conn = Connection(_profile(endpoint, key), Secrets(secret), **FAST_FAILING)
    with pytest.raises(ClientError) as denied:
        list(iter_pages(conn, "locked-bucket"))
    assert describe(denied.value, bucket="locked-bucket").kind == "denied"
    pages = list(iter_pages(conn, "open-bucket"))
    assert pages[0].folders == ["folder/"]


def test_bucket_in_another_region_just_works(fault_proxy, s3_admin) -> None:
    from s3browser.core.settings.secrets import Secrets

    s3_admin.create_bucket(Bucket="far-away")
    s3_admin.put_object(Bucket="far-away", Key="hello.txt", Body=b"hi")
    fault_proxy.rules.append(bucket_lives_in("far-away", "eu-west-1"))
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    pages = list(iter_pages(conn, "far-away"))
    assert pages[0].keys == ["hello.txt"]
    assert fault_proxy.hits >= 1  # the redirect really happened and was handled
    upload_bytes(conn, "far-away", "second.txt", b"ok")
    assert s3_admin.get_object(Bucket="far-away", Key="second.txt")["Body"].read() == b"ok"


def test_error_codes_are_classified_in_one_place(fault_proxy, s3_admin) -> None:
    """Operations ask errors.py what a failure means; the answers hold against a real server's errors."""
    from s3browser.core.s3.errors import (
        error_code,
        is_missing_bucket,
        is_missing_key,
        is_missing_upload,
        is_region_error,
        is_unsupported,
    )

    s3_admin.create_bucket(Bucket="classify")
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    try:
        with pytest.raises(ClientError) as missing_key:
            conn.client.get_object(Bucket="classify", Key="nothing-here")
        with pytest.raises(ClientError) as missing_bucket:
            conn.client.list_objects_v2(Bucket="no-such-bucket-here")
        with pytest.raises(ClientError) as missing_upload:
            conn.client.abort_multipart_upload(Bucket="classify", Key="k", UploadId="not-an-upload")
        fault_proxy.rules.append(
            lambda request: s3_error(501, "NotImplemented", "Not here.") if "tagging" in request.path else None)
        with pytest.raises(ClientError) as unsupported:
            conn.client.get_bucket_tagging(Bucket="classify")
    finally:
        conn.close()
    assert error_code(missing_key.value) == "NoSuchKey" and is_missing_key(missing_key.value)
    assert is_missing_bucket(missing_bucket.value) and not is_missing_key(missing_bucket.value)
    assert is_missing_upload(missing_upload.value)
    assert is_unsupported(unsupported.value) and not is_missing_key(unsupported.value)
    assert not any(is_region_error(e.value) for e in (missing_key, missing_bucket, missing_upload, unsupported))
    assert error_code(ValueError("not an S3 error")) == ""
