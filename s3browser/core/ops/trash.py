"""Soft delete: objects move to a trash prefix in their own bucket and can be restored from there.

A deleted ``docs/a.txt`` becomes ``.s3browser-trash/20261121T083000Z/docs/a.txt`` (server-side
copy, then the original is deleted, only once the copy succeeded).  Restoring copies it back to
its original key; emptying deletes the trash keys (in a versioned bucket that adds delete markers,
as any delete does).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from s3browser.core.ops.delete import BatchResult, delete_batches
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import iter_pages
from s3browser.core.transfers.server_copy import copy_object

TRASH_PREFIX = ".s3browser-trash/"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class TrashEntry:
    trash_key: str
    original_key: str
    deleted_at: float  # epoch seconds
    size: int


def trash_key(key: str, when: float | None = None) -> str:
    stamp = datetime.fromtimestamp(time.time() if when is None else when, tz=timezone.utc).strftime(_STAMP)
    return f"{TRASH_PREFIX}{stamp}/{key}"


def parse_trash_key(key: str, size: int = 0) -> TrashEntry | None:
    if not key.startswith(TRASH_PREFIX):
        return None
    stamp, _, original = key[len(TRASH_PREFIX):].partition("/")
    try:
        deleted_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None
    return TrashEntry(key, original, deleted_at, size) if original else None


def move_to_trash(conn: Connection, bucket: str, sizes: dict[str, int],
                  should_stop: Callable[[], bool] = lambda: False) -> Iterator[BatchResult]:
    """Copy each key into the trash, then delete the originals that were copied, 1,000 at a time."""
    when = time.time()
    batch: list[str] = []
    failures: list[tuple[str, str, str]] = []
    for key, size in sizes.items():
        if should_stop():
            break
        if key.startswith(TRASH_PREFIX):
            failures.append((key, "InTrash", "Already in the trash; empty the trash to delete it for good."))
            continue
        try:
            copy_object(conn, bucket, key, bucket, trash_key(key, when), size)
            batch.append(key)
        except Exception as exc:  # noqa: BLE001 - reported per key, the others still go
            failures.append((key, type(exc).__name__, describe(exc, bucket=bucket, key=key).message))
        if len(batch) + len(failures) >= 1000:
            yield _delete_originals(conn, bucket, batch, failures)
            batch, failures = [], []
    if batch or failures:
        yield _delete_originals(conn, bucket, batch, failures)


def _delete_originals(conn: Connection, bucket: str, keys: list[str],
                      failures: list[tuple[str, str, str]]) -> BatchResult:
    deleted = 0
    for result in delete_batches(conn, bucket, [(key, None) for key in keys]):
        deleted += result.deleted
        failures = failures + result.failures
    return BatchResult(deleted, failures)


def list_trash(conn: Connection, bucket: str) -> list[TrashEntry]:
    """Everything in the bucket's trash, newest first."""
    entries = []
    for page in iter_pages(conn, bucket, TRASH_PREFIX, delimiter=""):
        for key, size in zip(page.keys, page.sizes, strict=True):
            entry = parse_trash_key(key, size)
            if entry is not None:
                entries.append(entry)
    return sorted(entries, key=lambda e: (-e.deleted_at, e.original_key))


def restore(conn: Connection, bucket: str, entries: list[TrashEntry]) -> BatchResult:
    """Copy entries back to their original keys, then remove them from the trash."""
    restored: list[str] = []
    failures: list[tuple[str, str, str]] = []
    for entry in entries:
        try:
            copy_object(conn, bucket, entry.trash_key, bucket, entry.original_key, entry.size)
            restored.append(entry.trash_key)
        except Exception as exc:  # noqa: BLE001 - reported per key
            failures.append((entry.original_key, type(exc).__name__, describe(exc, bucket=bucket).message))
    result = _delete_originals(conn, bucket, restored, failures)
    return BatchResult(result.deleted, result.failures)


def delete_from_trash(conn: Connection, bucket: str, entries: list[TrashEntry]) -> BatchResult:
    """Delete entries (or, given every entry, empty the trash)."""
    return _delete_originals(conn, bucket, [e.trash_key for e in entries], [])
