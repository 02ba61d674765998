"""Compare our ListObjectsV2 parsing with botocore's stock parser on the same live server."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from s3browser.core.s3.connection import Connection

HOSTILE_KEYS = [
    "plain.txt", "with space.txt", "amp&ersand.txt", "lt<gt>.txt", "quote\"apos'.txt", "plus+sign.txt",
    "percent%20.txt", "ünïcødé/файл.txt", "日本語/ファイル.md", "emoji-😀.bin", "dir/sub/deep.txt",
    "tab\tkey.txt", "semi;colon=eq?.txt",
]


def stock_client(endpoint: str, access_key: str, secret_key: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=access_key,
                        aws_secret_access_key=secret_key,
                        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                      request_checksum_calculation="when_required",
                                      response_checksum_validation="when_required"))


def comparable(response: dict) -> dict:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def assert_same_listings(conn: Connection, stock: Any, bucket: str) -> int:
    """List ``bucket`` in several ways with both clients; returns how many listings were compared."""
    variants = [
        {}, {"Delimiter": "/"}, {"Prefix": "dir/", "Delimiter": "/"}, {"FetchOwner": True},
        {"MaxKeys": 3}, {"StartAfter": "m"}, {"Prefix": "nothing-here/"}, {"EncodingType": "url", "MaxKeys": 5},
    ]
    compared = 0
    for params in variants:
        ours = conn.client.list_objects_v2(Bucket=bucket, **params)
        theirs = stock.list_objects_v2(Bucket=bucket, **params)
        assert comparable(ours) == comparable(theirs), params
        compared += 1
        token = ours.get("NextContinuationToken")
        if token:
            ours2 = conn.client.list_objects_v2(Bucket=bucket, ContinuationToken=token, **params)
            theirs2 = stock.list_objects_v2(Bucket=bucket, ContinuationToken=token, **params)
            assert comparable(ours2) == comparable(theirs2), params
            compared += 1
    return compared
