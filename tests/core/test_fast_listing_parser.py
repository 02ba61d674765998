"""Our ListObjectsV2 parser gives exactly botocore's result, and botocore's safety nets still work."""

from __future__ import annotations

import pytest

from s3browser.core.s3.connection import Connection, fast_timestamp
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing_parser import parse_list_objects_v2
from tests.conftest import ACCESS_KEY, FAST_FAILING, SECRET_KEY, _profile
from tests.support.fault_proxy import s3_error
from tests.support.parser_check import HOSTILE_KEYS, assert_same_listings, stock_client


def test_same_result_as_botocore_on_moto(s3_endpoint: str, s3_admin) -> None:
    from s3browser.core.settings.secrets import Secrets

    s3_admin.create_bucket(Bucket="parse-me")
    for key in HOSTILE_KEYS:
        s3_admin.put_object(Bucket="parse-me", Key=key, Body=key.encode())
    conn = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY))
    stock = stock_client(s3_endpoint, ACCESS_KEY, SECRET_KEY)
    assert assert_same_listings(conn, stock, "parse-me") >= 8
    listed = conn.client.list_objects_v2(Bucket="parse-me")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(HOSTILE_KEYS)


def test_unknown_elements_fall_back_to_botocore() -> None:
    body = (b'<?xml version="1.0"?><ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated>'
            b"<Contents><Key>k</Key><RestoreStatus><IsRestoreInProgress>true</IsRestoreInProgress>"
            b"</RestoreStatus></Contents></ListBucketResult>")
    assert parse_list_objects_v2(body, fast_timestamp) is None
    assert parse_list_objects_v2(b"<Error><Code>InternalError</Code></Error>", fast_timestamp) is None
    assert parse_list_objects_v2(b"\xff\xfe", fast_timestamp) is None


def test_error_inside_a_200_response_is_still_retried_and_reported(fault_proxy, s3_admin) -> None:
    from s3browser.core.settings.secrets import Secrets

    s3_admin.create_bucket(Bucket="flaky")
    calls = []

    def error_in_200(request):
        if request.method == "GET" and "list-type=2" in request.path:
            calls.append(request.path)
            status, headers, body = s3_error(500, "InternalError", "We encountered an internal error.")
            return 200, headers, body
        return None

    fault_proxy.rules.append(error_in_200)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    with pytest.raises(Exception) as info:
        conn.client.list_objects_v2(Bucket="flaky")
    assert len(calls) >= 2  # botocore turned the 200 into a 500 and retried it
    assert "internal error" in describe(info.value).message


def test_truncated_listing_body_is_retried(fault_proxy, s3_admin) -> None:
    from s3browser.core.settings.secrets import Secrets

    s3_admin.create_bucket(Bucket="cut-short")
    s3_admin.put_object(Bucket="cut-short", Key="a", Body=b"")
    calls = []

    def truncated_once(request):
        if request.method == "GET" and "list-type=2" in request.path and not calls:
            calls.append(1)
            return 200, {"Content-Type": "application/xml"}, b'<?xml version="1.0"?><ListBucketResult><Name>cut'
        return None

    fault_proxy.rules.append(truncated_once)
    conn = Connection(_profile(fault_proxy.url), Secrets(SECRET_KEY), **FAST_FAILING)
    assert [o["Key"] for o in conn.client.list_objects_v2(Bucket="cut-short")["Contents"]] == ["a"]
    assert calls == [1]


def test_a_botocore_without_the_private_names_still_lists(s3_endpoint, s3_admin, monkeypatch, caplog) -> None:
    """The fast parser leans on private botocore names; without them listings fall back, and the log says why."""
    import logging

    from botocore.parsers import RestXMLParser

    from s3browser.core.s3 import listing_parser as fast_listing_parser
    from s3browser.core.settings.secrets import Secrets

    assert fast_listing_parser.missing_botocore_names() == []
    monkeypatch.setattr(RestXMLParser, "_parse_payload", None)  # as if a botocore release renamed it
    assert fast_listing_parser.missing_botocore_names() == ["RestXMLParser._parse_payload"]
    monkeypatch.undo()
    from s3browser.core.s3 import connection

    def lacking() -> list[str]:
        return ["botocore.handlers._handle_200_error"]

    monkeypatch.setattr(fast_listing_parser, "missing_botocore_names", lacking)
    monkeypatch.setattr(connection, "missing_botocore_names", lacking)
    s3_admin.create_bucket(Bucket="plain-parse")
    s3_admin.put_object(Bucket="plain-parse", Key="a&b.txt", Body=b"x")
    logger = logging.getLogger("s3browser")
    logger.addHandler(caplog.handler)
    try:
        conn = Connection(_profile(s3_endpoint), Secrets(SECRET_KEY))
        assert [o["Key"] for o in conn.client.list_objects_v2(Bucket="plain-parse")["Contents"]] == ["a&b.txt"]
        conn.close()
    finally:
        logger.removeHandler(caplog.handler)
    assert any("lacks botocore.handlers._handle_200_error" in r.getMessage() for r in caplog.records)
