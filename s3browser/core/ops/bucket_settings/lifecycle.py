"""Lifecycle rules: expire objects, clean up old versions and incomplete uploads, move to colder classes.

A :class:`LifecycleRule` holds what the dialog's form edits; whatever else S3 returned for a rule
(a fixed expiration date, noncurrent transitions, size filters) rides along in ``extra`` and
``filter_extra`` and is sent back unchanged, so editing a rule made elsewhere loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from s3browser.core.base.errors import S3BrowserError
from s3browser.core.ops.bucket_settings.common import counted, read_setting, rule_dicts_from_json, write_setting
from s3browser.core.s3.connection import Connection

TRANSITION_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_THIRTY_DAY_CLASSES = {"STANDARD_IA", "ONEZONE_IA"}  # S3 refuses a transition to these before day 30
MAX_RULES = 1000
_EXTRA_ACTIONS = ("Expiration", "Transitions", "NoncurrentVersionTransitions")  # kept as S3 sent them
_EDITED = {"ID", "Status", "Filter", "Prefix", "Expiration", "NoncurrentVersionExpiration",
           "AbortIncompleteMultipartUpload", "Transitions"}


@dataclass
class LifecycleRule:
    rule_id: str = ""
    enabled: bool = True
    prefix: str = ""
    tags: dict[str, str] = field(default_factory=dict)  # the filter's tags (all must match)
    expire_days: int | None = None  # current versions expire N days after creation
    expired_marker_cleanup: bool = False  # remove delete markers with no versions left
    noncurrent_days: int | None = None  # noncurrent versions expire N days after becoming noncurrent
    noncurrent_keep: int | None = None  # ... but the newest N noncurrent versions are kept
    abort_days: int | None = None  # incomplete multipart uploads are aborted N days after they began
    transitions: list[tuple[int, str]] = field(default_factory=list)  # (days, storage class)
    extra: dict[str, Any] = field(default_factory=dict)  # rule fields the form does not edit
    filter_extra: dict[str, Any] = field(default_factory=dict)  # filter fields it does not edit

    def has_action(self) -> bool:
        return bool(self.expire_days is not None or self.expired_marker_cleanup or self.noncurrent_days is not None
                    or self.abort_days is not None or self.transitions
                    or any(name in self.extra for name in _EXTRA_ACTIONS))

    def summary(self) -> str:
        """One line for the rules list: what it applies to and what it does."""
        scope = f"“{self.prefix}”" if self.prefix else "whole bucket"
        if self.tags:
            scope += " with " + ", ".join(f"{k}={v}" for k, v in self.tags.items())
        actions = []
        if self.expire_days is not None:
            actions.append(f"expire after {counted(self.expire_days, 'day')}")
        if self.noncurrent_days is not None:
            keep = f", keep {self.noncurrent_keep}" if self.noncurrent_keep else ""
            actions.append(f"old versions after {counted(self.noncurrent_days, 'day')}{keep}")
        if self.abort_days is not None:
            actions.append(f"abort uploads after {counted(self.abort_days, 'day')}")
        actions.extend(f"{cls} after {counted(days, 'day')}" for days, cls in self.transitions)
        if self.expired_marker_cleanup:
            actions.append("remove lone delete markers")
        state = "" if self.enabled else " (disabled)"
        return f"{scope}: {'; '.join(actions) or 'no action'}{state}"

    def to_s3(self) -> dict[str, Any]:
        rule: dict[str, Any] = {**self.extra, "Status": "Enabled" if self.enabled else "Disabled"}
        if self.rule_id:
            rule["ID"] = self.rule_id
        rule["Filter"] = self._filter()
        expiration: dict[str, Any] = dict(self.extra.get("Expiration", {}))
        if self.expire_days is not None:
            expiration["Days"] = self.expire_days
        if self.expired_marker_cleanup:
            expiration["ExpiredObjectDeleteMarker"] = True
        if expiration:
            rule["Expiration"] = expiration
        if self.noncurrent_days is not None:
            noncurrent: dict[str, Any] = {"NoncurrentDays": self.noncurrent_days}
            if self.noncurrent_keep:
                noncurrent["NewerNoncurrentVersions"] = self.noncurrent_keep
            rule["NoncurrentVersionExpiration"] = noncurrent
        if self.abort_days is not None:
            rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": self.abort_days}
        if self.transitions:
            rule["Transitions"] = [{"Days": days, "StorageClass": cls} for days, cls in self.transitions]
        return rule

    def _filter(self) -> dict[str, Any]:
        tags = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        parts = dict(self.filter_extra)
        if self.prefix:
            parts["Prefix"] = self.prefix
        if len(tags) == 1 and not parts:
            return {"Tag": tags[0]}
        if tags:
            parts["Tags"] = tags
        if len(parts) > 1:
            return {"And": parts}
        return parts

    @classmethod
    def from_s3(cls, rule: dict[str, Any]) -> LifecycleRule:
        found = cls(rule_id=str(rule.get("ID", "")), enabled=rule.get("Status", "Enabled") == "Enabled")
        rule_filter = dict(rule.get("Filter") or {})
        and_part = dict(rule_filter.pop("And", {}) or {})
        found.prefix = str(rule_filter.pop("Prefix", and_part.pop("Prefix", rule.get("Prefix", ""))) or "")
        tag_list = list(and_part.pop("Tags", ()))
        if "Tag" in rule_filter:
            tag_list.append(rule_filter.pop("Tag"))
        found.tags = {tag["Key"]: tag["Value"] for tag in tag_list}
        found.filter_extra = {**rule_filter, **and_part}
        expiration = dict(rule.get("Expiration") or {})
        if "Days" in expiration:
            found.expire_days = int(expiration.pop("Days"))
        found.expired_marker_cleanup = bool(expiration.pop("ExpiredObjectDeleteMarker", False))
        noncurrent = rule.get("NoncurrentVersionExpiration") or {}
        if "NoncurrentDays" in noncurrent:
            found.noncurrent_days = int(noncurrent["NoncurrentDays"])
            found.noncurrent_keep = int(noncurrent["NewerNoncurrentVersions"]) \
                if noncurrent.get("NewerNoncurrentVersions") else None
        abort = rule.get("AbortIncompleteMultipartUpload") or {}
        if "DaysAfterInitiation" in abort:
            found.abort_days = int(abort["DaysAfterInitiation"])
        transitions = list(rule.get("Transitions") or ())
        found.transitions = [(int(t["Days"]), str(t["StorageClass"])) for t in transitions if "Days" in t]
        kept_transitions = [t for t in transitions if "Days" not in t]  # dated transitions ride along
        found.extra = {k: v for k, v in rule.items() if k not in _EDITED}
        if expiration:
            found.extra["Expiration"] = expiration  # a fixed date
        if kept_transitions:
            found.extra["Transitions"] = kept_transitions
        return found


def rule_problem(rule: LifecycleRule, number: int = 1) -> str | None:
    """Why S3 would refuse ``rule``, in one sentence naming it, or None."""
    name = f"Rule “{rule.rule_id}”" if rule.rule_id else f"Rule {number}"
    if len(rule.rule_id) > 255:
        return f"{name}: the name may be at most 255 characters."
    if not rule.has_action():
        return (f"{name} has no action: choose at least one (expire objects, expire old versions, abort "
                "incomplete uploads or a transition).")
    for label, days in (("expiry", rule.expire_days), ("old-version expiry", rule.noncurrent_days),
                        ("upload clean-up", rule.abort_days)):
        if days is not None and days < 1:
            return f"{name}: the {label} needs at least 1 day."
    if rule.noncurrent_keep is not None and rule.noncurrent_keep > 100:
        return f"{name}: at most 100 old versions can be kept."
    if rule.abort_days is not None and rule.tags:
        return f"{name}: incomplete uploads cannot be cleaned up by a rule with a tag filter (uploads have no tags)."
    if rule.expired_marker_cleanup and rule.expire_days is not None:
        return f"{name}: removing lone delete markers cannot be combined with expiring objects after some days."
    seen_classes = set()
    for days, storage_class in rule.transitions:
        if storage_class not in TRANSITION_CLASSES:
            return f"{name}: “{storage_class}” is not a storage class objects can move to."
        if storage_class in seen_classes:
            return f"{name} moves objects to {storage_class} twice."
        seen_classes.add(storage_class)
        if days < 0:
            return f"{name}: a transition cannot happen before day 0."
        if storage_class in _THIRTY_DAY_CLASSES and days < 30:
            return f"{name}: objects can move to {storage_class} after 30 days at the earliest."
        if rule.expire_days is not None and days >= rule.expire_days:
            return f"{name}: objects expire on day {rule.expire_days}, before moving to {storage_class}."
    return None


def rules_problem(rules: list[LifecycleRule]) -> str | None:
    """The first problem in ``rules`` (each rule's, then duplicate names), or None."""
    if len(rules) > MAX_RULES:
        return f"A bucket can have at most {MAX_RULES} lifecycle rules."
    for number, rule in enumerate(rules, 1):
        problem = rule_problem(rule, number)
        if problem:
            return problem
    names = [rule.rule_id for rule in rules if rule.rule_id]
    if len(set(names)) != len(names):
        return "Two rules have the same name; each rule needs its own."
    return None


def rules_to_json(rules: list[LifecycleRule]) -> str:
    return json.dumps([rule.to_s3() for rule in rules], indent=2)


def rules_from_json(text: str) -> list[LifecycleRule]:
    """Rules from S3's JSON (a list of rules, or {"Rules": [...]}); S3BrowserError when it is not."""
    data = rule_dicts_from_json(text, lambda doc: doc.get("Rules"),
                                "The JSON must be a list of lifecycle rules, each a JSON object.")
    try:
        return [LifecycleRule.from_s3(rule) for rule in data]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise S3BrowserError("A rule in the JSON has a field of the wrong shape (days must be whole numbers, "
                             "tags need Key and Value).", kind="invalid") from exc


def get_lifecycle(conn: Connection, bucket: str) -> list[LifecycleRule]:
    response = read_setting(conn, bucket, lambda c: c.get_bucket_lifecycle_configuration(Bucket=bucket),
                            {"NoSuchLifecycleConfiguration"})
    return [LifecycleRule.from_s3(rule) for rule in (response or {}).get("Rules", ())]


def set_lifecycle(conn: Connection, bucket: str, rules: list[LifecycleRule]) -> str:
    """Replace the bucket's lifecycle rules (none deletes the configuration); the sentence for the log."""
    problem = rules_problem(rules)
    if problem:
        raise S3BrowserError(problem, kind="invalid")
    if not rules:
        write_setting(conn, bucket, "lifecycle rules", lambda c: c.delete_bucket_lifecycle(Bucket=bucket))
        return f"Removed the lifecycle rules of bucket “{bucket}”."
    config = {"Rules": [rule.to_s3() for rule in rules]}
    write_setting(conn, bucket, "lifecycle rules",
                  lambda c: c.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=config))
    return f"Bucket “{bucket}” now has {counted(len(rules), 'lifecycle rule')}."
