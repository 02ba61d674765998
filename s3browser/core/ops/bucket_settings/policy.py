"""The bucket policy: a JSON document checked for syntax and shape before it is sent, templates for
the common cases, and a test for statements that make objects public (the dialog warns first)."""

from __future__ import annotations

import json
from typing import Any

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.common import SettingUnsupported, read_setting, write_setting
from s3browser.core.s3.connection import Connection

MAX_POLICY_BYTES = 20 * 1024  # S3's limit on a bucket policy
_EFFECTS = ("Allow", "Deny")


def policy_problem(text: str) -> str | None:
    """Why S3 would refuse this policy, in one sentence (with the line for a syntax error), or None."""
    if not text.strip():
        return "The policy is empty; use Delete policy to remove it."
    if len(text.encode()) > MAX_POLICY_BYTES:
        return "A bucket policy may be at most 20 KB."
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"The JSON is not valid: {exc.msg} at line {exc.lineno}, column {exc.colno}."
    if not isinstance(document, dict):
        return "A policy is a JSON object with a “Statement” list."
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return "A policy needs a “Statement” with at least one statement."
    for number, statement in enumerate(statements, 1):
        if not isinstance(statement, dict):
            return f"Statement {number} is not a JSON object."
        if statement.get("Effect") not in _EFFECTS:
            return f"Statement {number} needs “Effect”: “Allow” or “Deny”."
        if "Principal" not in statement and "NotPrincipal" not in statement:
            return f"Statement {number} needs a “Principal” (who it applies to, “*” for everyone)."
        if "Action" not in statement and "NotAction" not in statement:
            return f"Statement {number} needs an “Action”, such as “s3:GetObject”."
        if "Resource" not in statement and "NotResource" not in statement:
            return f"Statement {number} needs a “Resource”, such as “arn:aws:s3:::bucket/*”."
    return None


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        aws = principal.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


def public_statements(text: str) -> list[str]:
    """The statements (by Sid, or "statement N") that allow anyone at all: the ones to warn about."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return []
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    found = []
    for number, statement in enumerate(statements, 1):
        if isinstance(statement, dict) and statement.get("Effect") == "Allow" and _everyone(statement.get("Principal")):
            found.append(str(statement.get("Sid") or f"statement {number}"))
    return found


def denies_plain_http(text: str) -> bool:
    """Whether the policy refuses requests made without TLS (aws:SecureTransport false).

    On a plain-HTTP endpoint such a policy locks every client out, this one included, and servers
    that enforce policies (SeaweedFS does) then refuse even the request to delete it again.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition")
        for test in (condition.values() if isinstance(condition, dict) else ()):
            if isinstance(test, dict) and str(test.get("aws:SecureTransport", "")).lower() == "false":
                return True
    return False


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def public_read_template(bucket: str, prefix: str = "public/") -> str:
    """Anyone may read the objects under ``prefix`` (and nothing else)."""
    return _document({"Sid": "PublicReadOfOnePrefix", "Effect": "Allow", "Principal": "*",
                      "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"})


def deny_insecure_transport_template(bucket: str) -> str:
    """Every request over plain HTTP is refused."""
    return _document({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                      "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


def account_read_template(bucket: str, account: str = "111122223333") -> str:
    """Another AWS account may list the bucket and read its objects."""
    return _document({"Sid": "ReadForAnotherAccount", "Effect": "Allow",
                      "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                      "Action": ["s3:GetObject", "s3:ListBucket"],
                      "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]})


TEMPLATES = {
    "Public read of one prefix": public_read_template,
    "Deny requests without TLS": deny_insecure_transport_template,
    "Read access for another account": account_read_template,
}


def get_policy(conn: Connection, bucket: str) -> str:
    """The policy, pretty-printed ("" when none is set)."""
    response = read_setting(conn, bucket, lambda c: c.get_bucket_policy(Bucket=bucket), {"NoSuchBucketPolicy"})
    text = str((response or {}).get("Policy") or "")
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2)
    except json.JSONDecodeError as exc:  # rclone answers a bucket listing here: it has no policies
        raise SettingUnsupported("bucket policies") from exc


def set_policy(conn: Connection, bucket: str, text: str) -> str:
    """Store the policy ``text`` after checking it; the sentence for the log."""
    problem = policy_problem(text)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    write_setting(conn, bucket, "bucket policies", lambda c: c.put_bucket_policy(Bucket=bucket, Policy=text))
    public = " It makes some objects public." if public_statements(text) else ""
    return f"Saved the policy of bucket “{bucket}”.{public}"


def delete_policy(conn: Connection, bucket: str) -> str:
    write_setting(conn, bucket, "bucket policies", lambda c: c.delete_bucket_policy(Bucket=bucket))
    return f"Deleted the policy of bucket “{bucket}”."
