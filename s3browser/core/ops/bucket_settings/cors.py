"""Cross-origin resource sharing: which web pages may call the bucket from a browser.

Rules are edited as plain :class:`CorsRule` rows or as S3's own JSON (the ``CORSRules`` list the
console shows); both are checked before anything is sent, so a typo never reaches the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.common import counted, read_setting, rule_dicts_from_json, write_setting
from s3browser.core.s3.connection import Connection

METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
MAX_RULES = 100


@dataclass
class CorsRule:
    origins: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # allowed request headers
    expose: list[str] = field(default_factory=list)  # response headers the browser may read
    max_age: int | None = None  # seconds a browser may cache the preflight answer
    rule_id: str = ""

    def to_s3(self) -> dict[str, Any]:
        rule: dict[str, Any] = {"AllowedOrigins": list(self.origins), "AllowedMethods": list(self.methods)}
        if self.headers:
            rule["AllowedHeaders"] = list(self.headers)
        if self.expose:
            rule["ExposeHeaders"] = list(self.expose)
        if self.max_age is not None:
            rule["MaxAgeSeconds"] = self.max_age
        if self.rule_id:
            rule["ID"] = self.rule_id
        return rule

    @classmethod
    def from_s3(cls, rule: dict[str, Any]) -> CorsRule:
        age = rule.get("MaxAgeSeconds")
        return cls(list(rule.get("AllowedOrigins", ())), list(rule.get("AllowedMethods", ())),
                   list(rule.get("AllowedHeaders", ())), list(rule.get("ExposeHeaders", ())),
                   int(age) if age is not None else None, str(rule.get("ID", "")))


def cors_problem(rules: list[CorsRule]) -> str | None:
    """Why S3 would refuse these rules, in one sentence naming the rule, or None."""
    if len(rules) > MAX_RULES:
        return f"A bucket can have at most {MAX_RULES} CORS rules."
    for number, rule in enumerate(rules, 1):
        where = f"Rule {number}"
        if not rule.origins:
            return f"{where} needs at least one allowed origin (such as https://example.com or *)."
        if not rule.methods:
            return f"{where} needs at least one allowed method ({', '.join(METHODS)})."
        bad = [m for m in rule.methods if m not in METHODS]
        if bad:
            return f"{where}: “{bad[0]}” is not a method S3 allows ({', '.join(METHODS)})."
        for origin in rule.origins:
            if origin.count("*") > 1:
                return f"{where}: the origin “{origin}” may hold at most one “*”."
            if origin != "*" and "://" not in origin:
                return f"{where}: the origin “{origin}” needs its scheme, such as https://{origin}."
        for header in rule.headers:
            if header.count("*") > 1:
                return f"{where}: the header “{header}” may hold at most one “*”."
        if rule.max_age is not None and rule.max_age < 0:
            return f"{where}: the max age cannot be negative."
    return None


def rules_to_json(rules: list[CorsRule]) -> str:
    return json.dumps([rule.to_s3() for rule in rules], indent=2)


def rules_from_json(text: str) -> list[CorsRule]:
    """Rules from S3's JSON (a list of rules, or {"CORSRules": [...]}); S3BrowserError when it is not."""
    data = rule_dicts_from_json(
        text, lambda doc: doc.get("CORSRules", doc.get("CORSConfiguration", {}).get("CORSRules")),
        "The JSON must be a list of rules, each an object with AllowedOrigins and AllowedMethods.")
    known = {"AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds", "ID"}
    for number, rule in enumerate(data, 1):
        unknown = sorted(set(rule) - known)
        if unknown:
            raise S3BrowserError(f"Rule {number} has “{unknown[0]}”, which is not a CORS rule field "
                                 f"({', '.join(sorted(known))}).", kind="invalid")
        for name in known - {"MaxAgeSeconds", "ID"}:
            value = rule.get(name, [])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise S3BrowserError(f"Rule {number}: {name} must be a list of strings.", kind="invalid")
        age = rule.get("MaxAgeSeconds")
        if age is not None and (not isinstance(age, int) or isinstance(age, bool)):
            raise S3BrowserError(f"Rule {number}: MaxAgeSeconds must be a whole number.", kind="invalid")
    return [CorsRule.from_s3(rule) for rule in data]


def get_cors(conn: Connection, bucket: str) -> list[CorsRule]:
    response = read_setting(conn, bucket, lambda c: c.get_bucket_cors(Bucket=bucket), {"NoSuchCORSConfiguration"})
    return [CorsRule.from_s3(rule) for rule in (response or {}).get("CORSRules", ())]


def set_cors(conn: Connection, bucket: str, rules: list[CorsRule]) -> str:
    """Replace the bucket's CORS rules (none deletes the configuration); the sentence for the log."""
    problem = cors_problem(rules)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    if not rules:
        write_setting(conn, bucket, "CORS", lambda c: c.delete_bucket_cors(Bucket=bucket))
        return f"Removed the CORS rules of bucket “{bucket}”."
    config = {"CORSRules": [rule.to_s3() for rule in rules]}
    write_setting(conn, bucket, "CORS", lambda c: c.put_bucket_cors(Bucket=bucket, CORSConfiguration=config))
    return f"Bucket “{bucket}” now has {counted(len(rules), 'CORS rule')}."
