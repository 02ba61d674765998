"""Soft delete: objects move to a trash prefix in their own bucket and can be restored from there.

A deleted ``docs/a.txt`` becomes ``.s3browser-trash/20261121T083000Z/docs/a.txt`` (server-side
copy, then the original is deleted, only once the copy succeeded).  Restoring copies it back to
its original key; emptying deletes the trash keys (in a versioned bucket that adds delete markers,
as any delete does).

Restoring never replaces what is at the original key now without the caller's say:
:func:`plan_restore` finds the entries whose place is taken (by a newer upload, or by another
entry of the same restore), the caller chooses replace, skip or keep both, and :func:`restore`
checks each key again just before its copy, so an object that appeared or changed in between is
reported and left alone.  An entry whose object is already back at its place (the same ETag: it
was undeleted in the versions view, or restored by hand) is not restored twice; it only leaves the
trash.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from s3browser.core.ops.delete import BatchResult, delete_batches
from s3browser.core.s3.connection import Connection
from s3browser.core.s3.errors import describe
from s3browser.core.s3.listing import find_existing, iter_pages
from s3browser.core.transfers.conditional import ObjectChanged, check_key
from s3browser.core.transfers.conflicts import Conflict, free_key
from s3browser.core.transfers.server_copy import copy_object

TRASH_PREFIX = ".s3browser-trash/"
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class TrashEntry:
    trash_key: str
    original_key: str
    deleted_at: float  # epoch seconds
    size: int
    etag: str = ""


def trash_key(key: str, when: float | None = None) -> str:
    stamp = datetime.fromtimestamp(time.time() if when is None else when, tz=timezone.utc).strftime(_STAMP)
    return f"{TRASH_PREFIX}{stamp}/{key}"


def parse_trash_key(key: str, size: int = 0, etag: str = "") -> TrashEntry | None:
    if not key.startswith(TRASH_PREFIX):
        return None
    stamp, _, original = key[len(TRASH_PREFIX):].partition("/")
    try:
        deleted_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None
    return TrashEntry(key, original, deleted_at, size, etag) if original else None


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
        for key, size, etag in zip(page.keys, page.sizes, page.etags, strict=True):
            entry = parse_trash_key(key, size, etag)
            if entry is not None:
                entries.append(entry)
    return sorted(entries, key=lambda e: (-e.deleted_at, e.original_key))


@dataclass
class RestorePlan:
    """What restoring ``entries`` would meet at their original keys, worked out before any copy."""

    entries: list[TrashEntry]
    existing: dict[str, str] = field(default_factory=dict)  # original key -> ETag of the object there now
    back: set[str] = field(default_factory=set)  # trash keys whose object is already back at its place
    taken: list[TrashEntry] = field(default_factory=list)  # entries whose place holds another object

    @property
    def conflicts(self) -> list[str]:
        """The original keys a restore would replace, in order (the question's examples)."""
        return list(dict.fromkeys(entry.original_key for entry in self.taken))


@dataclass
class RestoreResult:
    restored: int = 0
    skipped: int = 0  # the place was taken and the caller said skip
    already_back: int = 0  # the object was back at its place: only the trash copy went
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (original key, the key it was restored to)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, message)


def plan_restore(conn: Connection, bucket: str, entries: list[TrashEntry]) -> RestorePlan:
    """Which entries' places are taken now.  Two entries of one key (deleted twice) take one place:
    the most recently deleted goes there, the others count as taken by it."""
    plan = RestorePlan(sorted(entries, key=lambda e: (e.original_key, -e.deleted_at)))
    found = find_existing(conn, bucket, list({e.original_key for e in entries}))
    plan.existing = {key: info.etag for key, info in found.items()}
    claimed: set[str] = set()
    for entry in plan.entries:
        there = plan.existing.get(entry.original_key)
        if there is not None and entry.etag and _same_etag(there, entry.etag):
            plan.back.add(entry.trash_key)
            claimed.add(entry.original_key)
        elif there is not None or entry.original_key in claimed:
            plan.taken.append(entry)
        else:
            claimed.add(entry.original_key)
    return plan


def restore(conn: Connection, bucket: str, plan: RestorePlan, when_taken: Conflict = Conflict.SKIP,
            should_stop: Callable[[], bool] = lambda: False) -> RestoreResult:
    """Copy the plan's entries back, then remove them from the trash.

    An entry whose place is taken is skipped, replaces the object there (only if that object is
    still the one the plan saw), or is restored beside it under a free name (``a (1).txt``),
    as ``when_taken`` says.  Every other entry is restored only if its place is still free."""
    result = RestoreResult()
    taken = {entry.trash_key for entry in plan.taken}
    used: set[str] = set()
    done: list[str] = []
    for entry in plan.entries:
        if should_stop():
            break
        if entry.trash_key in plan.back:
            try:  # its copy goes only while the object is still back, byte for byte (the same ETag)
                check_key(conn, bucket, entry.original_key, entry.etag)
            except ObjectChanged:
                result.failures.append((entry.original_key, "Changed",
                                        f"{entry.original_key} is no longer the object that came back; "
                                        "its trash copy was kept"))
                continue
            except Exception as exc:  # noqa: BLE001 - unknown is not "still back": the copy stays
                result.failures.append((entry.original_key, type(exc).__name__,
                                        describe(exc, bucket=bucket).message))
                continue
            result.already_back += 1
            done.append(entry.trash_key)
            continue
        target = entry.original_key
        expect: str | None = None  # the place must be free
        if entry.trash_key in taken:
            if when_taken == Conflict.SKIP:
                result.skipped += 1
                continue
            if when_taken == Conflict.KEEP_BOTH:
                target = _free_place(conn, bucket, target, used)
            elif target in used:
                result.skipped += 1  # replace: the newest deletion already went there
                continue
            else:
                expect = plan.existing.get(target)
        try:
            check_key(conn, bucket, target, expect)
            copy_object(conn, bucket, entry.trash_key, bucket, target, entry.size)
        except ObjectChanged as exc:
            result.failures.append((entry.original_key, "Changed", f"{entry.original_key} {exc.message}"))
            continue
        except Exception as exc:  # noqa: BLE001 - reported per key, the others still go
            result.failures.append((entry.original_key, type(exc).__name__, describe(exc, bucket=bucket).message))
            continue
        used.add(target)
        if target != entry.original_key:
            result.renamed.append((entry.original_key, target))
        result.restored += 1
        done.append(entry.trash_key)
    removed = _delete_originals(conn, bucket, done, [])
    result.failures.extend(removed.failures)
    return result


def _free_place(conn: Connection, bucket: str, key: str, used: set[str]) -> str:
    """``a (1).txt``, ``a (2).txt``…: the first name that is neither on the server nor used by this restore."""
    taken = set(used) | {key}
    while True:
        candidate = free_key(key, taken)
        if not find_existing(conn, bucket, [candidate]):
            return candidate
        taken.add(candidate)


def _same_etag(first: str, second: str) -> bool:
    return first.strip().strip('"') == second.strip().strip('"')


def delete_from_trash(conn: Connection, bucket: str, entries: list[TrashEntry]) -> BatchResult:
    """Delete entries (or, given every entry, empty the trash)."""
    return _delete_originals(conn, bucket, [e.trash_key for e in entries], [])
