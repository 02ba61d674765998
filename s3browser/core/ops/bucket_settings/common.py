"""What every bucket setting shares: reading one that may be unset, writing one the server may not know.

S3 answers a GetBucketX for a setting never set with a per-setting error code (NoSuchTagSet,
NoSuchCORSConfiguration, ...); that is "nothing set", not a failure.  S3-compatible stores support
different subsets: most answer NotImplemented (501), which the error translator words as
"unsupported".  Some (``rclone serve s3``) ignore the sub-resource and take a PUT for CreateBucket,
answering BucketAlreadyExists; that is unsupported too, never "the bucket exists".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import error_code

T = TypeVar("T")

_TAKEN_FOR_CREATE = {"BucketAlreadyExists", "BucketAlreadyOwnedByYou"}


class SettingUnsupported(S3BrowserError):
    """The server does not keep this bucket setting."""

    def __init__(self, what: str) -> None:
        super().__init__(f"This server does not support {what}.", kind="unsupported")


def read_setting(conn: Connection, bucket: str, operation: Callable[[Any], T], absent: set[str]) -> T | None:
    """``operation(client)`` for ``bucket``; None when the server says the setting was never set."""
    try:
        return conn.call(bucket, operation)
    except ClientError as exc:
        if error_code(exc) in absent:
            return None
        raise


def write_setting(conn: Connection, bucket: str, what: str, operation: Callable[[Any], Any]) -> None:
    """``operation(client)`` for ``bucket``, with a CreateBucket answer read as "unsupported"."""
    try:
        conn.call(bucket, operation)
    except ClientError as exc:
        if error_code(exc) in _TAKEN_FOR_CREATE:
            raise SettingUnsupported(what) from exc
        raise


def rule_dicts_from_json(text: str, unwrap: Callable[[dict[str, Any]], Any], shape: str) -> list[dict[str, Any]]:
    """The list of rule objects in ``text`` (S3's JSON: a bare list, or the document ``unwrap`` opens);
    S3BrowserError naming the line of a syntax error, or ``shape`` when it is not a list of objects."""
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as exc:
        raise S3BrowserError(f"The JSON is not valid: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                             kind="invalid") from exc
    if isinstance(data, dict):
        data = unwrap(data)
    if not isinstance(data, list) or not all(isinstance(rule, dict) for rule in data):
        raise S3BrowserError(shape, kind="invalid")
    return data


def counted(count: int, noun: str) -> str:
    """"1 rule", "3 rules": a count with its noun agreeing (core has no Qt tr_n)."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"
